use leptos::prelude::*;

use crate::error::AppError;
use crate::model::secrets::PairInput;

/// Creates a secret and opens its page.
#[server(endpoint = "secrets/create")]
pub async fn create_secret(
    ws: String,
    name: String,
    description: Option<String>,
    kind: String,
    value: Option<String>,
    pairs: Option<Vec<PairInput>>,
    agents: Option<Vec<i64>>,
) -> Result<String, AppError> {
    use crate::api::ctx;
    use crate::domain::secrets::store;
    use crate::model::secrets::ValueInput;
    ctx::respond(async move {
        let (state, gate) = ctx::secrets_admin(&ws).await?;
        let input = ValueInput::from_form(kind, value, pairs);
        let description = description.unwrap_or_default();
        let agents = agents.unwrap_or_default();
        let name = store::create(
            &state.pool,
            &state.keyring,
            &gate,
            &name,
            &description,
            &input,
            &agents,
        )
        .await?;
        leptos_axum::redirect(&format!("/w/{ws}/secret/{name}"));
        Ok(name)
    })
    .await
}

#[server(endpoint = "secrets/describe")]
pub async fn update_description(
    ws: String,
    name: String,
    description: Option<String>,
) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::secrets::store;
    ctx::respond(async move {
        let (state, gate) = ctx::secrets_admin(&ws).await?;
        Ok(
            store::update_description(&state.pool, &gate, &name, &description.unwrap_or_default())
                .await?,
        )
    })
    .await
}

/// Rotation: stores a new value as the next version. Returns the new version number.
#[server(endpoint = "secrets/replace")]
pub async fn replace_value(
    ws: String,
    name: String,
    base_version: i64,
    kind: String,
    value: Option<String>,
    pairs: Option<Vec<PairInput>>,
) -> Result<i64, AppError> {
    use crate::api::ctx;
    use crate::domain::secrets::versions;
    use crate::model::secrets::ValueInput;
    ctx::respond(async move {
        let (state, gate) = ctx::secrets_admin(&ws).await?;
        let input = ValueInput::from_form(kind, value, pairs);
        Ok(versions::replace_value(
            &state.pool,
            &state.keyring,
            &gate,
            &name,
            base_version,
            &input,
        )
        .await?)
    })
    .await
}

#[server(endpoint = "secrets/rollback")]
pub async fn roll_back(
    ws: String,
    name: String,
    version: i64,
    base_version: i64,
) -> Result<i64, AppError> {
    use crate::api::ctx;
    use crate::domain::secrets::versions;
    ctx::respond(async move {
        let (state, gate) = ctx::secrets_admin(&ws).await?;
        Ok(versions::roll_back(
            &state.pool,
            &state.keyring,
            &gate,
            &name,
            version,
            base_version,
        )
        .await?)
    })
    .await
}

/// Sets exactly which agents may read the secret. Returns the (granted, revoked) names.
#[server(endpoint = "secrets/access")]
pub async fn set_secret_access(
    ws: String,
    name: String,
    agents: Option<Vec<i64>>,
) -> Result<(Vec<String>, Vec<String>), AppError> {
    use crate::api::ctx;
    use crate::domain::secrets::store;
    ctx::respond(async move {
        let (state, gate) = ctx::secrets_admin(&ws).await?;
        Ok(store::set_access(&state.pool, &gate, &name, &agents.unwrap_or_default()).await?)
    })
    .await
}
