use leptos::prelude::*;

use crate::error::AppError;

/// Sets a secret's rotation interval (days, or `none`) and expiry date (`YYYY-MM-DD`, or
/// empty for none).
#[server(endpoint = "secrets/policy")]
pub async fn set_rotation_policy(
    ws: String,
    name: String,
    interval: Option<String>,
    expires_on: Option<String>,
) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::secrets::lifecycle;
    ctx::respond(async move {
        let (state, gate) = ctx::secrets_admin(&ws).await?;
        let interval = interval.unwrap_or_default();
        let expires_on = expires_on.unwrap_or_default();
        Ok(lifecycle::set_policy(&state.pool, &gate, &name, &interval, &expires_on).await?)
    })
    .await
}
