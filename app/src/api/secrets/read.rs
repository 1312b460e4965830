use leptos::prelude::*;

use crate::error::AppError;
use crate::model::secrets::{SecretDetail, SecretList, SecretsOverview, TrashItem};
use crate::model::AgentView;

#[server(endpoint = "secrets/list")]
pub async fn list_secrets(
    ws: String,
    q: Option<String>,
    status: Option<String>,
    page: Option<i64>,
) -> Result<SecretList, AppError> {
    use crate::api::ctx;
    use crate::domain::secrets::query;
    use crate::model::lifecycle::SecretFilter;
    ctx::respond(async move {
        let (state, gate) = ctx::secrets_admin(&ws).await?;
        // An unknown filter filters nothing, like an empty one.
        let status = status.as_deref().and_then(SecretFilter::parse);
        Ok(query::list(
            &state.pool,
            &gate,
            q.as_deref().unwrap_or(""),
            status,
            page.unwrap_or(0),
        )
        .await?)
    })
    .await
}

#[server(endpoint = "secrets/detail")]
pub async fn load_secret(ws: String, name: String) -> Result<SecretDetail, AppError> {
    use crate::api::ctx;
    use crate::domain::secrets::query;
    ctx::respond(async move {
        let (state, gate) = ctx::secrets_admin(&ws).await?;
        Ok(query::detail(&state.pool, &gate, &name).await?)
    })
    .await
}

/// The agents an admin can grant access to, for the "Add secret" form.
#[server(endpoint = "secrets/agents")]
pub async fn grantable_agents(ws: String) -> Result<Vec<AgentView>, AppError> {
    use crate::api::ctx;
    use crate::domain::admin::agents;
    ctx::respond(async move {
        let (state, gate) = ctx::secrets_admin(&ws).await?;
        Ok(agents::list(&state.pool, gate.workspace().id).await?)
    })
    .await
}

#[server(endpoint = "secrets/trash")]
pub async fn list_trash(ws: String) -> Result<Vec<TrashItem>, AppError> {
    use crate::api::ctx;
    use crate::domain::secrets::query;
    ctx::respond(async move {
        let (state, gate) = ctx::secrets_admin(&ws).await?;
        Ok(query::trash(&state.pool, &gate).await?)
    })
    .await
}

/// The admin's dashboard on the workspace page.
#[server(endpoint = "secrets/overview")]
pub async fn load_overview(ws: String) -> Result<SecretsOverview, AppError> {
    use crate::api::ctx;
    use crate::domain::admin::tokens;
    use crate::domain::secrets::overview;
    ctx::respond(async move {
        let (state, gate) = ctx::secrets_admin(&ws).await?;
        let unused_tokens = tokens::unused_count(&state.pool, gate.admin()).await?;
        Ok(overview::overview(&state.pool, &gate, unused_tokens).await?)
    })
    .await
}
