//! The demo's history: secrets and their changes dated in the past, the workspace's setup
//! before them, and runtime reads after what they read, by the agents' real tokens.

use crate::domain::db::Pool;
use crate::domain::{now, DomainError};

pub(super) const DAY: i64 = 86_400;

/// Moves a secret, its versions and the audit events of its changes `days` into the past
/// (the demo's history has an age, and reads come after what they read).
pub(super) async fn age(pool: &Pool, ws: i64, name: &str, days: i64) -> Result<(), DomainError> {
    for sql in [
        "UPDATE secret_versions SET created_at = created_at - $1 \
         WHERE secret_id = (SELECT id FROM secrets WHERE workspace_id = $2 AND name = $3)",
        "UPDATE secrets SET created_at = created_at - $1 WHERE workspace_id = $2 AND name = $3",
        "UPDATE audit_events SET created_at = created_at - $1, updated_at = updated_at - $1 \
         WHERE workspace_id = $2 AND secret_name = $3",
    ] {
        sqlx::query(sql)
            .bind(days * DAY)
            .bind(ws)
            .bind(name)
            .execute(pool)
            .await?;
    }
    Ok(())
}

/// Moves the workspace's setup (its agents, members and the switch of its flag, with their
/// audit events up to id `until`) `days` into the past: before its oldest secret.
pub(super) async fn date_setup(
    pool: &Pool,
    ws: i64,
    until: i64,
    days: i64,
) -> Result<(), DomainError> {
    for sql in [
        "UPDATE agents SET created_at = created_at - $1, updated_at = updated_at - $1 \
         WHERE workspace_id = $2",
        "UPDATE memberships SET created_at = created_at - $1 WHERE workspace_id = $2",
        "UPDATE operator_events SET created_at = created_at - $1, updated_at = updated_at - $1 \
         WHERE workspace_id = $2",
    ] {
        sqlx::query(sql)
            .bind(days * DAY)
            .bind(ws)
            .execute(pool)
            .await?;
    }
    sqlx::query(
        "UPDATE audit_events SET created_at = created_at - $1, updated_at = updated_at - $1 \
         WHERE workspace_id = $2 AND id <= $3",
    )
    .bind(days * DAY)
    .bind(ws)
    .bind(until)
    .execute(pool)
    .await?;
    Ok(())
}

/// A runtime read (or refusal) with the agent's token `prefix`, as the audit writer records
/// it, `minutes_ago`.
pub(super) async fn runtime_event(
    pool: &Pool,
    ws: i64,
    (agent_id, agent, prefix): (i64, &str, &str),
    secret: &str,
    outcome: &str,
    minutes_ago: i64,
) -> Result<(), DomainError> {
    let at = now() - minutes_ago * 60;
    let action = if outcome == "ok" {
        "secret.read"
    } else {
        "secret.read_denied"
    };
    sqlx::query(
        "INSERT INTO audit_events (workspace_id, actor, action, secret_name, detail, agent_id, agent_name, \
           token_prefix, outcome, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
    )
    .bind(ws)
    .bind(format!("agent {agent}"))
    .bind(action)
    .bind(secret)
    .bind(format!("{outcome} with token {prefix}…"))
    .bind(agent_id)
    .bind(agent)
    .bind(prefix)
    .bind(outcome)
    .bind(at)
    .execute(pool)
    .await?;
    sqlx::query(
        "UPDATE agent_tokens SET last_used_at = $1 WHERE prefix = $2 \
         AND (last_used_at IS NULL OR last_used_at < $1)",
    )
    .bind(at)
    .bind(prefix)
    .execute(pool)
    .await?;
    if outcome == "ok" {
        sqlx::query(
            "INSERT INTO secret_reads (secret_id, agent_id, last_read_at) \
             SELECT id, $1, $2 FROM secrets WHERE workspace_id = $3 AND name = $4 \
             ON CONFLICT (secret_id, agent_id) DO UPDATE SET last_read_at = \
               CASE WHEN excluded.last_read_at > secret_reads.last_read_at \
               THEN excluded.last_read_at ELSE secret_reads.last_read_at END",
        )
        .bind(agent_id)
        .bind(at)
        .bind(ws)
        .bind(secret)
        .execute(pool)
        .await?;
    }
    Ok(())
}
