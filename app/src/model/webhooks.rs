//! What the Webhooks page shows. A webhook's signing secret appears once, in
//! [`CreatedWebhook`], and never again.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookView {
    pub id: i64,
    pub url: String,
    pub events: Vec<String>,
    pub created_by: String,
    pub created_at: i64,
    /// The newest delivery, if any.
    pub last: Option<DeliveryView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryView {
    pub id: i64,
    pub webhook_id: i64,
    pub event: String,
    /// `delivered`, `retrying`, `pending` or `failed`.
    pub state: String,
    pub attempts: i64,
    /// The receiver's last HTTP status, if it answered.
    pub last_status: Option<i64>,
    /// Why the last attempt failed (never a body or a secret).
    pub last_error: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhooksPage {
    pub webhooks: Vec<WebhookView>,
    /// The newest deliveries of every webhook of the workspace.
    pub deliveries: Vec<DeliveryView>,
    /// The events a webhook can subscribe to.
    pub events: Vec<String>,
}

/// Holds the signing secret: its `Debug` does not print it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedWebhook {
    pub webhook: WebhookView,
    /// Shown once: receivers check signatures with it.
    pub secret: String,
}

impl std::fmt::Debug for CreatedWebhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedWebhook")
            .field("webhook", &self.webhook)
            .field("secret", &"[redacted]")
            .finish()
    }
}
