//! The audit trail: who did what to which secret, when. Never values.

use sqlx::AnyConnection;

use super::outbox;
use crate::domain::db::Pool;
use crate::domain::identity::access::OPERATOR;
use crate::domain::{now, DomainError};

/// An operator change made through the CLI: in the workspace's trail when it concerns one,
/// otherwise (users, master key rotation) in the operator trail.
pub async fn record_operator(
    pool: &Pool,
    workspace_id: Option<i64>,
    action: &str,
    detail: &str,
) -> Result<(), DomainError> {
    let mut conn = pool.acquire().await?;
    match workspace_id {
        Some(ws) => record(&mut conn, ws, OPERATOR, action, None, detail).await,
        None => record_platform(&mut conn, OPERATOR, action, detail).await,
    }
}

/// Records in the platform trail: an operator change that concerns no workspace, or what
/// happened to an account rather than to a workspace (a single sign-on, an identity linked or
/// unlinked), named by the account's email.
pub async fn record_platform(
    conn: &mut AnyConnection,
    actor: &str,
    action: &str,
    detail: &str,
) -> Result<(), DomainError> {
    let at = now();
    sqlx::query(
        "INSERT INTO operator_events (actor, action, detail, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(actor)
    .bind(action)
    .bind(detail)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records an audit event of a workspace, and queues it for the workspace's webhooks that
/// subscribe to it, on the caller's connection (inside the change's transaction).
pub async fn record(
    conn: &mut AnyConnection,
    workspace_id: i64,
    actor: &str,
    action: &str,
    secret: Option<(i64, &str)>,
    detail: &str,
) -> Result<(), DomainError> {
    let at = now();
    sqlx::query(
        "INSERT INTO audit_events (workspace_id, actor, action, secret_id, secret_name, detail, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(workspace_id)
    .bind(actor)
    .bind(action)
    .bind(secret.map(|(id, _)| id))
    .bind(secret.map(|(_, name)| name.to_string()))
    .bind(detail)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    let change = outbox::ChangeEvent {
        workspace_id,
        actor,
        action,
        secret: secret.map(|(_, name)| name),
        detail,
        at,
    };
    outbox::enqueue(conn, &change).await
}
