//! Agents: the workloads that read secrets at runtime.

use crate::domain::audit::change::Change;
use crate::domain::db::Pool;
use crate::domain::identity::access::Admin;
use crate::domain::{now, validate, DomainError};
use crate::model::{AgentUsage, AgentView};

pub async fn list(pool: &Pool, workspace_id: i64) -> Result<Vec<AgentView>, DomainError> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT id, name, created_at FROM agents WHERE workspace_id = $1 ORDER BY name",
    )
    .bind(workspace_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, created_at)| AgentView {
            id,
            name,
            created_at,
        })
        .collect())
}

/// For each agent of the workspace, by name: how many secrets it may read (when `secrets`),
/// its active tokens at `now`, and its last read (kept by the audit writer, never scanned).
pub async fn usage(
    pool: &Pool,
    workspace_id: i64,
    secrets: bool,
    now: i64,
) -> Result<Vec<AgentUsage>, DomainError> {
    let rows: Vec<(i64, i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT a.id, \
         (SELECT COUNT(*) FROM secret_grants g JOIN secrets s ON s.id = g.secret_id \
          WHERE g.agent_id = a.id AND s.deleted_at IS NULL), \
         (SELECT COUNT(*) FROM agent_tokens t WHERE t.agent_id = a.id AND t.revoked_at IS NULL \
          AND (t.expires_at IS NULL OR t.expires_at > $2)), \
         (SELECT MAX(r.last_read_at) FROM secret_reads r WHERE r.agent_id = a.id) \
         FROM agents a WHERE a.workspace_id = $1 ORDER BY a.name",
    )
    .bind(workspace_id)
    .bind(now)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(agent_id, granted, active_tokens, last_read_at)| AgentUsage {
                agent_id,
                secrets: secrets.then_some(granted),
                active_tokens,
                last_read_at,
            },
        )
        .collect())
}

/// The id of the agent `name` of the workspace.
pub async fn id_of(pool: &Pool, workspace_id: i64, name: &str) -> Result<i64, DomainError> {
    sqlx::query_scalar("SELECT id FROM agents WHERE workspace_id = $1 AND name = $2")
        .bind(workspace_id)
        .bind(name)
        .fetch_optional(pool)
        .await?
        .ok_or(DomainError::NotFound("agent"))
}

pub async fn count(pool: &Pool, workspace_id: i64) -> Result<i64, DomainError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM agents WHERE workspace_id = $1")
            .bind(workspace_id)
            .fetch_one(pool)
            .await?,
    )
}

/// Creates an agent in the admin's workspace; audited as `agent.create`.
pub async fn create(pool: &Pool, admin: &Admin, name: &str) -> Result<AgentView, DomainError> {
    let name = validate::agent_name(name)?;
    let at = now();
    let mut change = Change::begin(pool, admin).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO agents (workspace_id, name, created_at, updated_at) \
         VALUES ($1, $2, $3, $3) RETURNING id",
    )
    .bind(change.workspace_id())
    .bind(&name)
    .bind(at)
    .fetch_one(change.conn())
    .await
    .map_err(|e| DomainError::on_unique(e, "name", "An agent with this name already exists."))?;
    change
        .commit("agent.create", None, &format!("agent {name}"))
        .await?;
    Ok(AgentView {
        id,
        name,
        created_at: at,
    })
}
