use leptos::prelude::*;

use crate::error::AppError;
use crate::model::import::ImportPlan;

/// Bulk import of `text` (a `.env` file or a JSON object). Without `confirm` it only previews
/// (writes nothing); with it, it imports everything (in short transactions, see
/// `domain::secrets::import`), refused (nothing written) while any entry is invalid.
/// `replace`: replace the values of secrets that exist; `accept`: use the suggested names of
/// invalid ones. Checkboxes: present means checked.
#[server(endpoint = "secrets/import")]
pub async fn import_secrets(
    ws: String,
    text: String,
    replace: Option<String>,
    accept: Option<String>,
    confirm: Option<String>,
) -> Result<ImportPlan, AppError> {
    use crate::api::ctx;
    use crate::domain::secrets::import;
    use crate::model::import::ImportOptions;
    let checked =
        |field: &Option<String>| field.as_deref().is_some_and(|v| v == "true" || v == "on");
    let options = ImportOptions {
        replace: checked(&replace),
        accept_suggestions: checked(&accept),
        agents: Vec::new(),
    };
    let confirmed = checked(&confirm);
    ctx::respond(async move {
        let (state, gate) = ctx::secrets_admin(&ws).await?;
        Ok(if confirmed {
            import::import(
                &state.pool,
                &state.keyring,
                &gate,
                &text,
                &options,
                state.import_max_entries,
            )
            .await?
        } else {
            import::preview(
                &state.pool,
                &gate,
                &text,
                &options,
                state.import_max_entries,
            )
            .await?
        })
    })
    .await
}
