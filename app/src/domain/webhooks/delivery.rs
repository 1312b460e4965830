//! The outbox's delivery side. Every server runs a delivery loop (`server::webhooks`) that
//! claims due deliveries here, sends them, and records the outcome:
//! - a claim takes a lease (`locked_until`) and counts the attempt first, so a server that
//!   dies mid-delivery leaves the row to be retried by any server when the lease ends, and a
//!   restart loses nothing;
//! - on PostgreSQL several servers claim with `FOR UPDATE SKIP LOCKED`; SQLite serialises
//!   writers, so one claim statement is atomic there;
//! - a failed attempt is retried after `retry_base * 2^(attempt - 1)`, capped at an hour,
//!   until `max_attempts`; then the delivery is marked failed.
//!
//! Times here are Unix milliseconds.

use zeroize::Zeroizing;

use crate::domain::db::{self, Pool};
use crate::domain::keys::crypto::{self, Keyring, WebhookAad};
use crate::domain::keys::data_keys;
use crate::domain::DomainError;

/// How deliveries are retried.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// How long a claimed delivery is left to its server before another may take it.
    pub lease_ms: i64,
    pub retry_base_ms: i64,
    pub max_attempts: i64,
}

const MAX_BACKOFF_MS: i64 = 3_600_000;

impl Policy {
    /// The wait after the `attempt`-th failed attempt.
    pub fn backoff_ms(&self, attempt: i64) -> i64 {
        let doublings = u32::try_from((attempt - 1).clamp(0, 30)).unwrap_or(30);
        self.retry_base_ms
            .max(1)
            .saturating_mul(1_i64 << doublings)
            .min(MAX_BACKOFF_MS)
    }
}

/// A claimed delivery with what sending it needs.
#[derive(Debug, Clone)]
pub struct Due {
    pub id: i64,
    pub webhook_id: i64,
    pub workspace_id: i64,
    pub url: String,
    pub event: String,
    pub body: String,
    /// This attempt's number, from 1.
    pub attempt: i64,
    key_id: Option<i64>,
    sealed: Option<Vec<u8>>,
}

/// A webhook's workspace, URL, data key and sealed signing secret.
type HookRow = (i64, String, Option<i64>, Option<Vec<u8>>);

/// Claims up to `limit` deliveries that are due at `now_ms` and not leased.
pub async fn claim(
    pool: &Pool,
    now_ms: i64,
    policy: &Policy,
    limit: i64,
) -> Result<Vec<Due>, DomainError> {
    let skip_locked = db::skip_locked(pool);
    let claimed: Vec<(i64, i64, String, String, i64)> = sqlx::query_as(&format!(
        "UPDATE webhook_deliveries SET attempts = attempts + 1, locked_until = $1, updated_at = $2 \
         WHERE id IN (SELECT id FROM webhook_deliveries \
           WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $3 AND locked_until <= $3 \
           ORDER BY id LIMIT $4{skip_locked}) \
         RETURNING id, webhook_id, event, body, attempts"
    ))
    .bind(now_ms.saturating_add(policy.lease_ms))
    .bind(now_ms / 1000)
    .bind(now_ms)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let mut due = Vec::with_capacity(claimed.len());
    for (id, webhook_id, event, body, attempt) in claimed {
        let hook: Option<HookRow> = sqlx::query_as(
            "SELECT workspace_id, url, key_id, sealed_secret FROM webhooks WHERE id = $1",
        )
        .bind(webhook_id)
        .fetch_optional(pool)
        .await?;
        // Deleted meanwhile: its deliveries went with it.
        let Some((workspace_id, url, key_id, sealed)) = hook else {
            continue;
        };
        due.push(Due {
            id,
            webhook_id,
            workspace_id,
            url,
            event,
            body,
            attempt,
            key_id,
            sealed,
        });
    }
    due.sort_by_key(|d| d.id);
    Ok(due)
}

/// The webhook's signing secret, decrypted for signing one delivery.
pub async fn signing_secret(
    pool: &Pool,
    keyring: &Keyring,
    due: &Due,
) -> Result<Zeroizing<Vec<u8>>, DomainError> {
    let (Some(key_id), Some(sealed)) = (due.key_id, due.sealed.as_deref()) else {
        return Err(DomainError::Internal(format!(
            "webhook {} has no signing secret",
            due.webhook_id
        )));
    };
    let mut conn = pool.acquire().await?;
    let dek = data_keys::for_decryption(&mut conn, keyring, due.workspace_id, key_id).await?;
    let aad = WebhookAad {
        workspace_id: due.workspace_id,
        webhook_id: due.webhook_id,
    };
    crypto::open_webhook(&dek, sealed, aad)
        .map_err(|e| DomainError::Internal(format!("webhook {} secret: {e}", due.webhook_id)))
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The receiver answered 2xx.
    Delivered { status: u16 },
    /// Any other answer, or none (`status` is then `None`); `error` says why, briefly, and
    /// never holds the URL, a body or a secret.
    Failed { status: Option<u16>, error: String },
}

/// Records an attempt's outcome: delivered, retried later, or failed for good.
pub async fn finish(
    pool: &Pool,
    due: &Due,
    outcome: &Outcome,
    now_ms: i64,
    policy: &Policy,
) -> Result<(), DomainError> {
    let now_s = now_ms / 1000;
    match outcome {
        Outcome::Delivered { status } => {
            sqlx::query(
                "UPDATE webhook_deliveries SET delivered_at = $1, last_status = $2, last_error = '', \
                 locked_until = 0, updated_at = $1 WHERE id = $3",
            )
            .bind(now_s)
            .bind(i64::from(*status))
            .bind(due.id)
            .execute(pool)
            .await?;
        }
        Outcome::Failed { status, error } => {
            let gave_up = due.attempt >= policy.max_attempts;
            let next = now_ms.saturating_add(policy.backoff_ms(due.attempt));
            sqlx::query(
                "UPDATE webhook_deliveries SET last_status = $1, last_error = $2, locked_until = 0, \
                 next_attempt_at = $3, failed_at = $4, updated_at = $5 WHERE id = $6",
            )
            .bind(status.map(i64::from))
            .bind(error)
            .bind(next)
            .bind(gave_up.then_some(now_s))
            .bind(now_s)
            .bind(due.id)
            .execute(pool)
            .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_base_and_stops_at_an_hour() {
        let p = Policy {
            lease_ms: 60_000,
            retry_base_ms: 5_000,
            max_attempts: 12,
        };
        assert_eq!(p.backoff_ms(1), 5_000);
        assert_eq!(p.backoff_ms(2), 10_000);
        assert_eq!(p.backoff_ms(4), 40_000);
        assert_eq!(p.backoff_ms(40), MAX_BACKOFF_MS);
    }
}
