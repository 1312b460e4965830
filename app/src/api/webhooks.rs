//! The Webhooks page's server functions: admins of the workspace only.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::webhooks::{CreatedWebhook, WebhooksPage};

#[server(endpoint = "webhooks/list")]
pub async fn list_webhooks(ws: String) -> Result<WebhooksPage, AppError> {
    use super::ctx;
    use crate::domain::identity::access;
    use crate::domain::webhooks::registry;
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let admin = access::require_admin(&state.pool, &who, &ws).await?;
        Ok(registry::page(&state.pool, &admin).await?)
    })
    .await
}

/// Registers a webhook; the answer holds its signing secret, shown this once. It sends the
/// workspace's changes elsewhere, so the password must have been entered recently.
#[server(endpoint = "webhooks/create")]
pub async fn create_webhook(
    ws: String,
    url: String,
    events: Option<Vec<String>>,
) -> Result<CreatedWebhook, AppError> {
    use super::ctx;
    use crate::domain::identity::access;
    use crate::domain::webhooks::registry;
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let admin = access::require_admin(&state.pool, &who, &ws).await?;
        ctx::recently_verified(&state).await?;
        let events = events.unwrap_or_default();
        let allow_private = state.webhook_allow_private;
        Ok(registry::create(
            &state.pool,
            &state.keyring,
            &admin,
            &url,
            &events,
            allow_private,
        )
        .await?)
    })
    .await
}

#[server(endpoint = "webhooks/delete")]
pub async fn delete_webhook(ws: String, id: i64) -> Result<(), AppError> {
    use super::ctx;
    use crate::domain::identity::access;
    use crate::domain::webhooks::registry;
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let admin = access::require_admin(&state.pool, &who, &ws).await?;
        Ok(registry::delete(&state.pool, &admin, id).await?)
    })
    .await
}
