//! Reads and denials per day over the last 30 days, of a workspace, a secret or an agent.
//! A day that closed over an hour ago is counted once from the audit log's indexes (the
//! workspace's from the (workspace, action, time) index alone) and kept in `audit_daily`;
//! today is counted as asked. So a chart costs what a few index lookups cost, however long the
//! log grows.

use crate::domain::db::Pool;
use crate::domain::DomainError;
use crate::model::activity::{DayActivity, DAYS};

const DAY: i64 = 86_400;
/// A day is kept once it closed this long ago (a late batch of reads may still arrive).
const SETTLED: i64 = 3_600;

/// Whose activity.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    Workspace,
    Secret(&'a str),
    Agent(&'a str),
}

impl Scope<'_> {
    fn key(&self) -> (&'static str, &str) {
        match self {
            Scope::Workspace => ("workspace", ""),
            Scope::Secret(name) => ("secret", name),
            Scope::Agent(name) => ("agent", name),
        }
    }
}

/// The last [`DAYS`] days up to `now`, oldest first.
pub async fn last_days(
    pool: &Pool,
    workspace_id: i64,
    scope: Scope<'_>,
    now: i64,
) -> Result<Vec<DayActivity>, DomainError> {
    let today = now.div_euclid(DAY) * DAY;
    let first = today - (DAYS - 1) * DAY;
    let (kind, subject) = scope.key();
    let kept: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT day, reads, denials FROM audit_daily \
         WHERE workspace_id = $1 AND scope = $2 AND subject = $3 AND day >= $4 AND day <= $5",
    )
    .bind(workspace_id)
    .bind(kind)
    .bind(subject)
    .bind(first)
    .bind(today)
    .fetch_all(pool)
    .await?;
    let mut days = Vec::with_capacity(DAYS as usize);
    for n in 0..DAYS {
        let day = first + n * DAY;
        if let Some(&(_, reads, denials)) = kept.iter().find(|(d, _, _)| *d == day) {
            days.push(DayActivity {
                day,
                reads,
                denials,
            });
            continue;
        }
        let (reads, denials) = count(pool, workspace_id, scope, day).await?;
        if day + DAY + SETTLED <= now {
            sqlx::query(
                "INSERT INTO audit_daily (workspace_id, scope, subject, day, reads, denials) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            )
            .bind(workspace_id)
            .bind(kind)
            .bind(subject)
            .bind(day)
            .bind(reads)
            .bind(denials)
            .execute(pool)
            .await?;
        }
        days.push(DayActivity {
            day,
            reads,
            denials,
        });
    }
    Ok(days)
}

/// Reads and denials of one day, from the audit log. Refusals collapsed into one row count
/// as many as they were.
async fn count(
    pool: &Pool,
    workspace_id: i64,
    scope: Scope<'_>,
    day: i64,
) -> Result<(i64, i64), DomainError> {
    let (sql, subject) = match scope {
        // Answered by the (workspace, action, time) index alone, but for the denials' counts.
        Scope::Workspace => (
            "SELECT \
               (SELECT COUNT(*) FROM audit_events WHERE workspace_id = $1 \
                  AND action IN ('secret.read', 'secret.read_expired') \
                  AND created_at >= $2 AND created_at < $3), \
               (SELECT CAST(COALESCE(SUM(repeat_count), 0) AS BIGINT) FROM audit_events WHERE workspace_id = $1 \
                  AND action = 'secret.read_denied' AND created_at >= $2 AND created_at < $3)"
                .to_string(),
            None,
        ),
        Scope::Secret(name) | Scope::Agent(name) => {
            let column = if matches!(scope, Scope::Secret(_)) {
                "secret_name"
            } else {
                "agent_name"
            };
            (
                format!(
                    "SELECT \
                       CAST(COALESCE(SUM(CASE WHEN action IN ('secret.read', 'secret.read_expired') \
                         THEN 1 ELSE 0 END), 0) AS BIGINT), \
                       CAST(COALESCE(SUM(CASE WHEN action = 'secret.read_denied' \
                         THEN repeat_count ELSE 0 END), 0) AS BIGINT) \
                     FROM audit_events WHERE workspace_id = $1 AND {column} = $4 \
                       AND created_at >= $2 AND created_at < $3"
                ),
                Some(name),
            )
        }
    };
    let mut query = sqlx::query_as(&sql)
        .bind(workspace_id)
        .bind(day)
        .bind(day + DAY);
    if let Some(name) = subject {
        query = query.bind(name);
    }
    let (reads, denials): (i64, i64) = query.fetch_one(pool).await?;
    Ok((reads, denials))
}
