//! Which agents may read which secret.

use sqlx::AnyConnection;

use crate::domain::audit::events;
use crate::domain::{now, DomainError};

/// Makes `wanted` the exact set of agents that can read the secret. Agents of other
/// workspaces are refused like unknown ones. Returns (granted, revoked) agent names.
pub async fn replace(
    conn: &mut AnyConnection,
    workspace_id: i64,
    secret_id: i64,
    wanted: &[i64],
) -> Result<(Vec<String>, Vec<String>), DomainError> {
    let agents: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM agents WHERE workspace_id = $1")
            .bind(workspace_id)
            .fetch_all(&mut *conn)
            .await?;
    if let Some(unknown) = wanted
        .iter()
        .find(|id| !agents.iter().any(|(a, _)| a == *id))
    {
        tracing::info!(
            agent_id = unknown,
            "grant to an agent outside the workspace refused"
        );
        return Err(DomainError::validation(
            "agents",
            "One of the selected agents does not exist.",
        ));
    }
    let current: Vec<i64> =
        sqlx::query_scalar("SELECT agent_id FROM secret_grants WHERE secret_id = $1")
            .bind(secret_id)
            .fetch_all(&mut *conn)
            .await?;
    let name_of = |id: i64| {
        agents
            .iter()
            .find(|(a, _)| *a == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    let at = now();
    let mut granted = Vec::new();
    for &agent in wanted.iter().filter(|a| !current.contains(a)) {
        sqlx::query(
            "INSERT INTO secret_grants (secret_id, agent_id, created_at, updated_at) VALUES ($1, $2, $3, $3) \
             ON CONFLICT (secret_id, agent_id) DO NOTHING",
        )
        .bind(secret_id)
        .bind(agent)
        .bind(at)
        .execute(&mut *conn)
        .await?;
        granted.push(name_of(agent));
    }
    let mut revoked = Vec::new();
    for &agent in current.iter().filter(|a| !wanted.contains(a)) {
        sqlx::query("DELETE FROM secret_grants WHERE secret_id = $1 AND agent_id = $2")
            .bind(secret_id)
            .bind(agent)
            .execute(&mut *conn)
            .await?;
        revoked.push(name_of(agent));
    }
    granted.sort();
    revoked.sort();
    Ok((granted, revoked))
}

/// One audit event per agent granted or revoked on `secret` (id, name), noting `via`
/// (the secret's page or the matrix).
pub async fn audit_changes(
    conn: &mut AnyConnection,
    workspace_id: i64,
    actor: &str,
    secret: (i64, &str),
    (granted, revoked): (&[String], &[String]),
    via: &str,
) -> Result<(), DomainError> {
    for (action, names) in [("grant.add", granted), ("grant.remove", revoked)] {
        for agent in names {
            let detail = format!("agent {agent} ({via})");
            events::record(conn, workspace_id, actor, action, Some(secret), &detail).await?;
        }
    }
    Ok(())
}
