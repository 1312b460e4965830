use leptos::prelude::*;

use crate::error::AppError;
use crate::model::import::ImportPlan;

/// A checkbox's value as a form posts it: present ("true" or "on") means checked.
#[cfg(feature = "ssr")]
fn checked(field: &Option<String>) -> bool {
    field.as_deref().is_some_and(|v| v == "true" || v == "on")
}

/// What importing `text` would do; writes nothing. `replace`: replace the values of secrets
/// that exist; `accept`: use the suggested names of invalid ones.
#[server(endpoint = "secrets/import_preview")]
pub async fn preview_import(
    ws: String,
    text: String,
    replace: Option<String>,
    accept: Option<String>,
) -> Result<ImportPlan, AppError> {
    use crate::api::ctx;
    use crate::domain::secrets::import;
    use crate::model::import::ImportOptions;
    ctx::respond(async move {
        let (state, gate) = ctx::secrets_admin(&ws).await?;
        let options = ImportOptions {
            replace: checked(&replace),
            accept_suggestions: checked(&accept),
            agents: Vec::new(),
        };
        Ok(import::preview(&state.pool, &gate, &text, &options).await?)
    })
    .await
}

/// Imports `text` in one transaction; refused (nothing written) while any entry is invalid.
#[server(endpoint = "secrets/import")]
pub async fn run_import(
    ws: String,
    text: String,
    replace: Option<String>,
    accept: Option<String>,
) -> Result<ImportPlan, AppError> {
    use crate::api::ctx;
    use crate::domain::secrets::import;
    use crate::model::import::ImportOptions;
    ctx::respond(async move {
        let (state, gate) = ctx::secrets_admin(&ws).await?;
        let options = ImportOptions {
            replace: checked(&replace),
            accept_suggestions: checked(&accept),
            agents: Vec::new(),
        };
        Ok(import::import(&state.pool, &state.keyring, &gate, &text, &options).await?)
    })
    .await
}
