//! Creating, listing and deleting a workspace's webhooks (admins). Creating and deleting are
//! audited; the audit detail names the URL's host only (a URL's path or query can itself be
//! a credential).

use crate::domain::audit::change::Change;
use crate::domain::db::Pool;
use crate::domain::identity::access::Admin;
use crate::domain::keys::crypto::{self, Keyring, WebhookAad};
use crate::domain::keys::data_keys::{self, MAX_ENCRYPTIONS_PER_KEY};
use crate::domain::validate::{self, FieldError};
use crate::domain::{now, DomainError};
use crate::model::audit_actions::{is_webhook_event, webhook_events};
use crate::model::webhooks::{CreatedWebhook, DeliveryView, WebhookView, WebhooksPage};

use super::{signing, target};

/// Webhooks per workspace at most.
pub const MAX_PER_WORKSPACE: i64 = 10;
/// Deliveries the page lists.
pub const RECENT_DELIVERIES: i64 = 50;

/// The subscribed events, checked against [`webhook_events`], in that order, each once.
pub fn check_events(asked: &[String]) -> Result<Vec<&'static str>, FieldError> {
    if let Some(unknown) = asked.iter().find(|e| !is_webhook_event(e)) {
        return Err((
            "events",
            format!("{unknown} is not an event a webhook can receive."),
        ));
    }
    let events: Vec<&'static str> = webhook_events()
        .filter(|e| asked.iter().any(|a| a == e))
        .collect();
    if events.is_empty() {
        return Err(("events", "Choose at least one event.".into()));
    }
    Ok(events)
}

/// Registers a webhook; returns it with its signing secret, which is never shown again.
pub async fn create(
    pool: &Pool,
    keyring: &Keyring,
    admin: &Admin,
    url: &str,
    events: &[String],
    allow_private: bool,
) -> Result<CreatedWebhook, DomainError> {
    let (url, events) =
        validate::all((target::check_url(url, allow_private), check_events(events)))?;
    let mut change = Change::begin(pool, admin).await?;
    let ws = change.workspace_id();
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhooks WHERE workspace_id = $1")
        .bind(ws)
        .fetch_one(&mut *change.conn())
        .await?;
    if count >= MAX_PER_WORKSPACE {
        return Err(DomainError::validation(
            "url",
            format!("A workspace has at most {MAX_PER_WORKSPACE} webhooks; delete one first."),
        ));
    }
    let at = now();
    let actor = change.actor().to_string();
    let stored_events = format!(",{},", events.join(","));
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO webhooks (workspace_id, url, events, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(ws)
    .bind(url.as_str())
    .bind(&stored_events)
    .bind(&actor)
    .bind(at)
    .fetch_one(&mut *change.conn())
    .await?;
    let secret = signing::new_secret();
    let (key_id, dek) =
        data_keys::for_encryption(change.conn(), keyring, ws, MAX_ENCRYPTIONS_PER_KEY).await?;
    let aad = WebhookAad {
        workspace_id: ws,
        webhook_id: id,
    };
    let sealed = crypto::seal_webhook(&dek, secret.as_bytes(), aad)
        .map_err(|e| DomainError::Internal(format!("sealing a webhook secret: {e}")))?;
    sqlx::query("UPDATE webhooks SET key_id = $1, sealed_secret = $2 WHERE id = $3")
        .bind(key_id)
        .bind(sealed)
        .bind(id)
        .execute(&mut *change.conn())
        .await?;
    let host = url.host_str().unwrap_or_default().to_string();
    let detail = format!("webhook to {host} for {}", events.join(", "));
    change.commit("webhook.create", None, &detail).await?;
    Ok(CreatedWebhook {
        webhook: WebhookView {
            id,
            url: url.to_string(),
            events: events.iter().map(|e| e.to_string()).collect(),
            created_by: actor,
            created_at: at,
            last: None,
        },
        secret,
    })
}

/// Deletes a webhook of the admin's workspace, with its undelivered events.
pub async fn delete(pool: &Pool, admin: &Admin, id: i64) -> Result<(), DomainError> {
    let mut change = Change::begin(pool, admin).await?;
    let ws = change.workspace_id();
    let url: Option<String> = sqlx::query_scalar(
        "DELETE FROM webhooks WHERE id = $1 AND workspace_id = $2 RETURNING url",
    )
    .bind(id)
    .bind(ws)
    .fetch_optional(&mut *change.conn())
    .await?;
    let url = url.ok_or(DomainError::NotFound("webhook"))?;
    let host = url::Url::parse(&url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default();
    change
        .commit("webhook.delete", None, &format!("webhook to {host}"))
        .await
}

type WebhookRow = (i64, String, String, String, i64);

/// The Webhooks page: the admin's workspace's webhooks, each with its newest delivery, and
/// the newest deliveries of all of them.
pub async fn page(pool: &Pool, admin: &Admin) -> Result<WebhooksPage, DomainError> {
    let deliveries = deliveries(pool, admin, RECENT_DELIVERIES).await?;
    Ok(WebhooksPage {
        webhooks: list(pool, admin, &deliveries).await?,
        deliveries,
        events: webhook_events().map(str::to_string).collect(),
    })
}

/// The webhooks, each with its newest delivery: found in `recent` or, for a webhook quiet
/// for longer, looked up.
async fn list(
    pool: &Pool,
    admin: &Admin,
    recent: &[DeliveryView],
) -> Result<Vec<WebhookView>, DomainError> {
    let ws = admin.workspace().id;
    let rows: Vec<WebhookRow> = sqlx::query_as(
        "SELECT id, url, events, created_by, created_at FROM webhooks \
         WHERE workspace_id = $1 ORDER BY id",
    )
    .bind(ws)
    .fetch_all(pool)
    .await?;
    let mut hooks = Vec::with_capacity(rows.len());
    for (id, url, events, created_by, created_at) in rows {
        let last = match recent.iter().find(|d| d.webhook_id == id) {
            Some(d) => Some(d.clone()),
            None => newest_delivery(pool, id).await?,
        };
        hooks.push(WebhookView {
            id,
            url,
            events: events
                .split(',')
                .filter(|e| !e.is_empty())
                .map(str::to_string)
                .collect(),
            created_by,
            created_at,
            last,
        });
    }
    Ok(hooks)
}

const DELIVERY_COLUMNS: &str =
    "d.id, d.webhook_id, d.event, d.attempts, d.last_status, d.last_error, \
     d.created_at, d.delivered_at, d.failed_at";

type DeliveryRow = (
    i64,
    i64,
    String,
    i64,
    Option<i64>,
    String,
    i64,
    Option<i64>,
    Option<i64>,
);

fn delivery_view(row: DeliveryRow) -> DeliveryView {
    let (id, webhook_id, event, attempts, last_status, last_error, created_at, delivered, failed) =
        row;
    let state = match (delivered, failed, attempts) {
        (Some(_), _, _) => "delivered",
        (None, Some(_), _) => "failed",
        (None, None, 0) => "pending",
        (None, None, _) => "retrying",
    };
    DeliveryView {
        id,
        webhook_id,
        event,
        state: state.to_string(),
        attempts,
        last_status,
        last_error,
        created_at,
    }
}

/// The newest `limit` deliveries of the admin's workspace's webhooks.
async fn deliveries(
    pool: &Pool,
    admin: &Admin,
    limit: i64,
) -> Result<Vec<DeliveryView>, DomainError> {
    let rows: Vec<DeliveryRow> = sqlx::query_as(&format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
         WHERE w.workspace_id = $1 ORDER BY d.id DESC LIMIT $2"
    ))
    .bind(admin.workspace().id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(delivery_view).collect())
}

async fn newest_delivery(
    pool: &Pool,
    webhook_id: i64,
) -> Result<Option<DeliveryView>, DomainError> {
    let row: Option<DeliveryRow> = sqlx::query_as(&format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE d.webhook_id = $1 \
         ORDER BY d.id DESC LIMIT 1"
    ))
    .bind(webhook_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(delivery_view))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_known_ordered_and_unique() {
        let asked = |e: &[&str]| e.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            check_events(&asked(&["grant.add", "secret.create", "grant.add"])).unwrap(),
            ["secret.create", "grant.add"]
        );
        assert!(check_events(&asked(&[])).is_err());
        assert!(check_events(&asked(&["secret.read"])).is_err());
        assert!(check_events(&asked(&["secret.create", "x"])).is_err());
    }
}
