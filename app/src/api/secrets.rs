use leptos::prelude::*;

use crate::error::AppError;
use crate::model::SecretsOverview;

/// The Secrets tab's landing data. Admin of the workspace and the secrets flag on.
#[server(endpoint = "secrets_overview")]
pub async fn load_secrets_overview(ws: String) -> Result<SecretsOverview, AppError> {
    use super::ctx;
    use crate::domain::{access, agents};
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let gate = access::require_secrets_admin(&state.pool, &who, &ws).await?;
        Ok(SecretsOverview {
            workspace_name: gate.workspace().name.clone(),
            agent_count: agents::count(&state.pool, gate.workspace().id).await?,
        })
    })
    .await
}
