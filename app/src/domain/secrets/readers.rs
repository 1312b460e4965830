//! Which secrets one agent may read, and when it last read each: the agent's page.

use super::lifecycle::{grant_unused_sql, status_sql};
use crate::domain::db::Pool;
use crate::domain::identity::access::SecretsAdmin;
use crate::domain::{now, DomainError};
use crate::model::lifecycle::{RotationStatus, UNUSED_DAYS};
use crate::model::AgentRead;

/// The secrets granted to agent `agent_id` of the admin's workspace, by name.
pub async fn of_agent(
    pool: &Pool,
    who: &SecretsAdmin,
    agent_id: i64,
) -> Result<Vec<AgentRead>, DomainError> {
    let at = now();
    let rows: Vec<(String, String, String, Option<i64>, i64)> = sqlx::query_as(&format!(
        "SELECT s.name, s.description, {}, r.last_read_at, CASE WHEN {} THEN 1 ELSE 0 END \
         FROM secret_grants g JOIN secrets s ON s.id = g.secret_id \
         JOIN secret_versions v ON v.secret_id = s.id AND v.version = s.current_version \
         LEFT JOIN secret_reads r ON r.secret_id = g.secret_id AND r.agent_id = g.agent_id \
         WHERE g.agent_id = $1 AND s.workspace_id = $2 AND s.deleted_at IS NULL ORDER BY s.name",
        status_sql("$4"),
        grant_unused_sql("$3")
    ))
    .bind(agent_id)
    .bind(who.workspace().id)
    .bind(at - UNUSED_DAYS * 86_400)
    .bind(at)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(secret, description, status, last_read_at, unused)| AgentRead {
                secret,
                description,
                status: RotationStatus::parse(&status).unwrap_or(RotationStatus::Ok),
                last_read_at,
                unused: unused != 0,
            },
        )
        .collect())
}
