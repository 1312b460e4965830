//! Rotation policy: rotate every N days (every value change restarts the clock, as the clock
//! runs from the current version's creation) and an optional expiry date. One SQL expression
//! says where a secret stands (ok, due within 14 days, overdue, expired); the list, its
//! filter and the secret's page all use it.

use super::Stage;
use crate::domain::audit::change::Change;
use crate::domain::db::Pool;
use crate::domain::identity::access::SecretsAdmin;
use crate::domain::validate::{self, FieldError};
use crate::domain::DomainError;
use crate::model::lifecycle::{Rotation, RotationStatus, DUE_SOON_DAYS, UNUSED_DAYS};

pub const MAX_INTERVAL_DAYS: i64 = 3650;
const DAY: i64 = 86_400;

/// When secret `s` must be rotated, given its current version `v`.
pub(crate) const DUE_AT: &str = "(v.created_at + s.rotation_days * 86400)";

/// The status of secret `s` (current version `v`) at the time bound to parameter `now`.
pub(crate) fn status_sql(now: &str) -> String {
    format!(
        "(CASE WHEN s.expires_at IS NOT NULL AND s.expires_at <= {now} THEN 'expired' \
         WHEN s.rotation_days IS NOT NULL AND {DUE_AT} <= {now} THEN 'overdue' \
         WHEN s.rotation_days IS NOT NULL AND {DUE_AT} <= {now} + {soon} THEN 'due' \
         ELSE 'ok' END)",
        soon = DUE_SOON_DAYS * DAY
    )
}

/// The columns a [`Rotation`] is read from, over `secrets s` joined to its current version `v`.
pub(crate) fn rotation_columns(now: &str) -> String {
    format!(
        "s.rotation_days, s.expires_at, CASE WHEN s.rotation_days IS NULL THEN NULL ELSE {DUE_AT} END AS due_at, \
         {} AS status",
        status_sql(now)
    )
}

/// The last runtime read of secret `s` by any agent.
const LAST_READ: &str = "(SELECT MAX(r.last_read_at) FROM secret_reads r WHERE r.secret_id = s.id)";

/// Whether nobody has read secret `s` for 30 days before the time bound to `now` (counted
/// from its creation if never read).
pub(crate) fn unused_sql(now: &str) -> String {
    format!(
        "(COALESCE({LAST_READ}, s.created_at) < {now} - {})",
        UNUSED_DAYS * DAY
    )
}

/// `last_read_at` and `unused` of secret `s`.
pub(crate) fn usage_columns(now: &str) -> String {
    format!(
        "{LAST_READ} AS last_read_at, CASE WHEN {} THEN 1 ELSE 0 END AS unused",
        unused_sql(now)
    )
}

/// Whether agent `g.agent_id`'s grant on `g.secret_id` went unused for 30 days before the time
/// bound to `since` (counted from the grant if never read); `r` is its `secret_reads` row.
pub(crate) fn grant_unused_sql(since: &str) -> String {
    format!("COALESCE(r.last_read_at, g.created_at) < {since}")
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct RotationRow {
    pub rotation_days: Option<i64>,
    pub expires_at: Option<i64>,
    pub due_at: Option<i64>,
    pub status: String,
}

impl From<RotationRow> for Rotation {
    fn from(r: RotationRow) -> Self {
        Rotation {
            interval_days: r.rotation_days,
            expires_at: r.expires_at,
            due_at: r.due_at,
            status: RotationStatus::parse(&r.status).unwrap_or(RotationStatus::Ok),
        }
    }
}

/// "", "none" or a number of days from 1 to 3650.
fn check_interval(raw: &str) -> Result<Option<i64>, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() || raw == "none" {
        return Ok(None);
    }
    raw.parse::<i64>()
        .ok()
        .filter(|days| (1..=MAX_INTERVAL_DAYS).contains(days))
        .map(Some)
        .ok_or((
            "interval",
            format!("Rotate every 1 to {MAX_INTERVAL_DAYS} days, or choose no rotation."),
        ))
}

/// How the audit trail describes a policy.
fn describe(interval_days: Option<i64>, expires_at: Option<i64>) -> String {
    let rotate = match interval_days {
        Some(days) => format!("rotate every {days} days"),
        None => "no rotation interval".to_string(),
    };
    let expiry = expires_at
        .and_then(|at| time::OffsetDateTime::from_unix_timestamp(at).ok())
        .map(|at| format!("expires on {}", at.date()))
        .unwrap_or_else(|| "no expiry date".to_string());
    format!("{rotate}; {expiry}")
}

/// Sets (or clears) a secret's rotation interval and expiry date; audited as `secret.policy`.
pub async fn set_policy(
    pool: &Pool,
    who: &SecretsAdmin,
    name: &str,
    interval: &str,
    expires_on: &str,
) -> Result<(), DomainError> {
    let (interval_days, expires_at) = validate::all((
        check_interval(interval),
        validate::date("expires_on", expires_on),
    ))?;
    let mut change = Change::begin_secrets(pool, who).await?;
    let ws = change.workspace_id();
    let (id, _) = super::find(change.conn(), ws, name, Stage::Live).await?;
    let actor = change.actor().to_string();
    sqlx::query(
        "UPDATE secrets SET rotation_days = $1, expires_at = $2, updated_at = $3, updated_by = $4 WHERE id = $5",
    )
    .bind(interval_days)
    .bind(expires_at)
    .bind(crate::domain::now())
    .bind(actor)
    .bind(id)
    .execute(change.conn())
    .await?;
    let detail = describe(interval_days, expires_at);
    change
        .commit("secret.policy", Some((id, name)), &detail)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_are_days_from_1_to_3650_or_none() {
        assert_eq!(check_interval(""), Ok(None));
        assert_eq!(check_interval("none"), Ok(None));
        assert_eq!(check_interval("90"), Ok(Some(90)));
        for bad in ["0", "-1", "3651", "ninety", "1.5"] {
            assert!(check_interval(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_expiry_date_is_midnight_utc() {
        assert_eq!(validate::date("expires_on", ""), Ok(None));
        assert_eq!(
            validate::date("expires_on", "2027-01-31"),
            Ok(Some(1_801_353_600))
        );
        assert!(validate::date("expires_on", "31/01/2027").is_err());
    }

    #[test]
    fn the_audit_trail_says_what_the_policy_is() {
        assert_eq!(
            describe(Some(90), Some(1_801_353_600)),
            "rotate every 90 days; expires on 2027-01-31"
        );
        assert_eq!(describe(None, None), "no rotation interval; no expiry date");
    }
}
