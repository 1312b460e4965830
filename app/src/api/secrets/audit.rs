use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{AuditFilter, AuditPage};

#[server(endpoint = "secrets/audit")]
pub async fn audit_log(
    ws: String,
    filter: AuditFilter,
    before: Option<String>,
    after: Option<String>,
) -> Result<AuditPage, AppError> {
    use crate::api::ctx;
    use crate::domain::audit;
    ctx::respond(async move {
        let (state, gate) = ctx::secrets_admin(&ws).await?;
        let (before, after) = (before.as_deref(), after.as_deref());
        Ok(audit::log::page(&state.pool, &gate, &filter, before, after).await?)
    })
    .await
}
