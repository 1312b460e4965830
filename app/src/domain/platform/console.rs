//! What the Operator page reads: every workspace with its flag and counts, the platform
//! audit log, and (for a workspace's admins) the last change of its flag.

use crate::domain::db::Pool;
use crate::domain::identity::access::Operator;
use crate::domain::DomainError;
use crate::model::operator::{FlagChange, OperatorWorkspace, PlatformEvent};

/// Entries of the platform audit log the page shows.
pub const LOG_ENTRIES: i64 = 200;

type WorkspaceRow = (String, String, i64, i64, i64);

/// Every workspace by name, with member and live-secret counts.
pub async fn workspaces(pool: &Pool, _: &Operator) -> Result<Vec<OperatorWorkspace>, DomainError> {
    let rows: Vec<WorkspaceRow> = sqlx::query_as(
        "SELECT w.slug, w.name, w.secrets_enabled, \
           (SELECT COUNT(*) FROM memberships m WHERE m.workspace_id = w.id), \
           (SELECT COUNT(*) FROM secrets s WHERE s.workspace_id = w.id AND s.deleted_at IS NULL) \
         FROM workspaces w ORDER BY w.name, w.slug",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(slug, name, on, members, secrets)| OperatorWorkspace {
            slug,
            name,
            secrets_enabled: on != 0,
            members,
            secrets,
        })
        .collect())
}

type EventRow = (i64, String, String, String, Option<String>, String);

/// The newest [`LOG_ENTRIES`] entries of the platform audit log.
pub async fn log(pool: &Pool, _: &Operator) -> Result<Vec<PlatformEvent>, DomainError> {
    let rows: Vec<EventRow> = sqlx::query_as(
        "SELECT e.created_at, e.actor, e.action, e.detail, w.slug, e.reason \
         FROM operator_events e LEFT JOIN workspaces w ON w.id = e.workspace_id \
         ORDER BY e.id DESC LIMIT $1",
    )
    .bind(LOG_ENTRIES)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(at, actor, action, detail, workspace, reason)| PlatformEvent {
                at,
                actor,
                action,
                detail,
                workspace,
                reason,
            },
        )
        .collect())
}

/// The last switch of a workspace's secrets vault flag (for its admins; who switched it is
/// not said, only when and why).
pub async fn last_flag_change(
    pool: &Pool,
    workspace_id: i64,
) -> Result<Option<FlagChange>, DomainError> {
    let row: Option<(String, i64, String)> = sqlx::query_as(
        "SELECT action, created_at, reason FROM operator_events \
         WHERE workspace_id = $1 AND action LIKE 'workspace.flag.%' ORDER BY id DESC LIMIT 1",
    )
    .bind(workspace_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(action, at, reason)| FlagChange {
        on: action == "workspace.flag.on",
        at,
        reason,
    }))
}
