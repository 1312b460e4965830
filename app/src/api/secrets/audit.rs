use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{AuditFilter, AuditPage};

#[server(endpoint = "secrets/audit")]
pub async fn audit_log(
    ws: String,
    filter: AuditFilter,
    page: Option<i64>,
) -> Result<AuditPage, AppError> {
    use crate::api::ctx;
    use crate::domain::audit;
    ctx::respond(async move {
        let (state, gate) = ctx::secrets_admin(&ws).await?;
        Ok(audit::log::page(&state.pool, &gate, &filter, page.unwrap_or(0)).await?)
    })
    .await
}
