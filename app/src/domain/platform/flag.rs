//! An operator switches a workspace's secrets vault feature flag, saying why. The switch is
//! written to the workspace's audit trail and to the platform audit log in one transaction.

use crate::domain::audit::events;
use crate::domain::db::{self, Pool};
use crate::domain::identity::access::{actor_label, Operator};
use crate::domain::identity::workspaces::{self, Workspace};
use crate::domain::validate::FieldError;
use crate::domain::{now, DomainError};

/// The longest reason kept, in characters.
pub const MAX_REASON: usize = 500;

/// A reason of 1 to [`MAX_REASON`] characters, trimmed, on one line.
pub fn reason(raw: &str) -> Result<String, FieldError> {
    let reason = raw.trim();
    if reason.is_empty() {
        return Err((
            "reason",
            "Say why you are switching the flag; the workspace's admins will see it.".into(),
        ));
    }
    if reason.chars().count() > MAX_REASON || reason.chars().any(char::is_control) {
        return Err((
            "reason",
            format!("Keep the reason to one line of at most {MAX_REASON} characters."),
        ));
    }
    Ok(reason.to_string())
}

/// Switches the secrets vault feature flag of workspace `slug` on or off.
pub async fn set(
    pool: &Pool,
    by: &Operator,
    slug: &str,
    on: bool,
    reason_raw: &str,
) -> Result<Workspace, DomainError> {
    let reason = reason(reason_raw)?;
    let actor = actor_label(by.actor());
    let at = now();
    let mut tx = db::begin_write(pool).await?;
    let id: Option<i64> = sqlx::query_scalar(
        "UPDATE workspaces SET secrets_enabled = $1, updated_at = $2 WHERE slug = $3 RETURNING id",
    )
    .bind(i64::from(on))
    .bind(at)
    .bind(slug)
    .fetch_optional(&mut *tx)
    .await?;
    let id = id.ok_or(DomainError::NotFound("workspace"))?;
    let state = if on { "on" } else { "off" };
    let detail = format!("secrets vault {state}: {reason}");
    events::record(&mut tx, id, &actor, "workspace.flag", None, &detail).await?;
    sqlx::query(
        "INSERT INTO operator_events (actor, action, detail, workspace_id, reason, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(&actor)
    .bind(format!("workspace.flag.{state}"))
    .bind(format!("secrets vault {state}"))
    .bind(id)
    .bind(&reason)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    workspaces::get_by_slug(pool, slug).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_required_and_kept_to_one_line() {
        assert!(reason("").is_err());
        assert!(reason("   ").is_err());
        assert!(reason("line one\nline two").is_err());
        assert!(reason(&"x".repeat(MAX_REASON + 1)).is_err());
        assert_eq!(reason("  pilot approved  ").unwrap(), "pilot approved");
        assert_eq!(
            reason(&"é".repeat(MAX_REASON)).unwrap().chars().count(),
            MAX_REASON
        );
    }
}
