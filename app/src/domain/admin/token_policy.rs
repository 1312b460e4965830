//! How long agent tokens live: each workspace's default for new tokens (90 days unless an
//! admin chose otherwise; "never" only by explicit choice) and the lifetime a form asks for.

use crate::domain::audit::change::Change;
use crate::domain::db::Pool;
use crate::domain::identity::access::Admin;
use crate::domain::validate::FieldError;
use crate::domain::DomainError;

pub const MAX_LIFETIME_DAYS: i64 = 3650;

/// A lifetime from a form: days from 1 to 3650, or `never` (only by explicit choice).
/// `None`: never expires.
pub fn lifetime(raw: &str) -> Result<Option<i64>, FieldError> {
    match raw.trim() {
        "never" => Ok(None),
        days => days
            .parse::<i64>()
            .ok()
            .filter(|d| (1..=MAX_LIFETIME_DAYS).contains(d))
            .map(Some)
            .ok_or((
                "lifetime",
                format!("A token lives 1 to {MAX_LIFETIME_DAYS} days, or never expires."),
            )),
    }
}

/// The workspace's default lifetime for new tokens, in days (`None`: never expire).
pub async fn default_lifetime(pool: &Pool, workspace_id: i64) -> Result<Option<i64>, DomainError> {
    Ok(
        sqlx::query_scalar("SELECT token_lifetime_days FROM workspaces WHERE id = $1")
            .bind(workspace_id)
            .fetch_one(pool)
            .await?,
    )
}

/// The lifetime a form asks for: empty means the workspace's default.
pub async fn resolve(pool: &Pool, admin: &Admin, raw: &str) -> Result<Option<i64>, DomainError> {
    if raw.trim().is_empty() {
        default_lifetime(pool, admin.workspace().id).await
    } else {
        Ok(lifetime(raw)?)
    }
}

/// Sets the workspace's default lifetime for new tokens; audited.
pub async fn set_default_lifetime(
    pool: &Pool,
    admin: &Admin,
    raw: &str,
) -> Result<Option<i64>, DomainError> {
    let days = lifetime(raw)?;
    let mut change = Change::begin(pool, admin).await?;
    sqlx::query("UPDATE workspaces SET token_lifetime_days = $1 WHERE id = $2")
        .bind(days)
        .bind(change.workspace_id())
        .execute(change.conn())
        .await?;
    let detail = match days {
        Some(days) => format!("new agent tokens live {days} days"),
        None => "new agent tokens never expire".to_string(),
    };
    change
        .commit("workspace.token_lifetime", None, &detail)
        .await?;
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_are_1_to_3650_days_or_an_explicit_never() {
        assert_eq!(lifetime("never"), Ok(None));
        assert_eq!(lifetime("1"), Ok(Some(1)));
        for bad in ["", "0", "3651", "forever", "-5"] {
            assert!(lifetime(bad).is_err(), "{bad}");
        }
    }
}
