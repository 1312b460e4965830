//! The admin's dashboard: how many secrets, how many due, overdue, expired or unused, and the
//! latest changes and runtime denials. Counts use the same status and unused expressions as
//! the list's filters, so a number and the list it links to always agree.

use super::lifecycle::{status_sql, unused_sql};
use crate::domain::audit::activity::{self, Scope};
use crate::domain::audit::log;
use crate::domain::db::Pool;
use crate::domain::identity::access::SecretsAdmin;
use crate::domain::{now, DomainError};
use crate::model::secrets::SecretsOverview;

/// Events shown per list.
const RECENT: i64 = 5;

/// The overview; `unused_tokens` comes from the tokens of the workspace (the caller's).
pub async fn overview(
    pool: &Pool,
    who: &SecretsAdmin,
    unused_tokens: i64,
) -> Result<SecretsOverview, DomainError> {
    let count_where =
        |condition: String| format!("COALESCE(SUM(CASE WHEN {condition} THEN 1 ELSE 0 END), 0)");
    let status = status_sql("$2");
    let sql = format!(
        "SELECT COUNT(*), {}, {}, {}, {} FROM secrets s \
         JOIN secret_versions v ON v.secret_id = s.id AND v.version = s.current_version \
         WHERE s.workspace_id = $1 AND s.deleted_at IS NULL",
        count_where(format!("{status} = 'due'")),
        count_where(format!("{status} = 'overdue'")),
        count_where(format!("{status} = 'expired'")),
        count_where(unused_sql("$2")),
    );
    let (secrets, due, overdue, expired, unused_secrets): (i64, i64, i64, i64, i64) =
        sqlx::query_as(&sql)
            .bind(who.workspace().id)
            .bind(now())
            .fetch_one(pool)
            .await?;
    Ok(SecretsOverview {
        secrets,
        due,
        overdue,
        expired,
        unused_secrets,
        unused_tokens,
        recent_changes: log::latest(pool, who, false, RECENT).await?,
        recent_denials: log::latest(pool, who, true, RECENT).await?,
        activity: activity::last_days(pool, who.workspace().id, Scope::Workspace, now()).await?,
    })
}
