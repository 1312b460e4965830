//! The webhook outbox: an audited change that one of its workspace's webhooks subscribes to
//! is queued for that webhook in the change's own transaction. A committed change never
//! misses its event, and a rolled-back change never sends one; delivery happens later, from
//! the table (see `webhooks::delivery`).

use sqlx::AnyConnection;

use crate::domain::DomainError;
use crate::model::audit_actions::is_webhook_event;

/// One audited change, as a webhook's body tells it: what changed and who did it, never a
/// value (audit details never hold one).
pub struct ChangeEvent<'a> {
    pub workspace_id: i64,
    pub actor: &'a str,
    pub action: &'a str,
    pub secret: Option<&'a str>,
    pub detail: &'a str,
    /// Unix seconds.
    pub at: i64,
}

/// Queues `event` for every webhook of its workspace that subscribes to its action.
pub async fn enqueue(conn: &mut AnyConnection, event: &ChangeEvent<'_>) -> Result<(), DomainError> {
    if !is_webhook_event(event.action) {
        return Ok(());
    }
    let hooks: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM webhooks WHERE workspace_id = $1 AND events LIKE $2 ORDER BY id",
    )
    .bind(event.workspace_id)
    .bind(format!("%,{},%", event.action))
    .fetch_all(&mut *conn)
    .await?;
    if hooks.is_empty() {
        return Ok(());
    }
    let slug: String = sqlx::query_scalar("SELECT slug FROM workspaces WHERE id = $1")
        .bind(event.workspace_id)
        .fetch_one(&mut *conn)
        .await?;
    let body = body(event, &slug, &event_id());
    let now_ms = event.at.saturating_mul(1000);
    for hook in hooks {
        sqlx::query(
            "INSERT INTO webhook_deliveries (webhook_id, event, body, next_attempt_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(hook)
        .bind(event.action)
        .bind(&body)
        .bind(now_ms)
        .bind(event.at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// A random id for one change, the same in every webhook's copy: receivers deduplicate
/// retried deliveries by it.
fn event_id() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("evt_{}", crate::domain::keys::digest::hex(&bytes))
}

fn body(event: &ChangeEvent<'_>, workspace: &str, id: &str) -> String {
    let occurred_at = time::OffsetDateTime::from_unix_timestamp(event.at)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default();
    serde_json::json!({
        "id": id,
        "event": event.action,
        "workspace": workspace,
        "actor": event.actor,
        "secret": event.secret,
        "detail": event.detail,
        "occurred_at": occurred_at,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_names_the_change_and_who_made_it() {
        let event = ChangeEvent {
            workspace_id: 1,
            actor: "admin@acme.test",
            action: "secret.replace",
            secret: Some("stripe_api_key"),
            detail: "version 2",
            at: 1_795_000_000,
        };
        let body: serde_json::Value = serde_json::from_str(&body(&event, "acme", "evt_1")).unwrap();
        assert_eq!(body["event"], "secret.replace");
        assert_eq!(body["workspace"], "acme");
        assert_eq!(body["actor"], "admin@acme.test");
        assert_eq!(body["secret"], "stripe_api_key");
        assert_eq!(body["id"], "evt_1");
        assert!(body["occurred_at"].as_str().unwrap().ends_with('Z'));
        assert_eq!(body.as_object().unwrap().len(), 7);
        assert_ne!(event_id(), event_id());
    }
}
