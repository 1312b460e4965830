//! The audit trail: who did what to which secret, when. Never values.

use sqlx::AnyConnection;

use super::db::Pool;
use super::{now, DomainError};

/// Who performed a change, for the audit trail.
#[derive(Debug, Clone)]
pub enum Actor {
    User {
        id: i64,
        email: String,
    },
    /// The operator, through the server's CLI.
    Operator,
}

/// How the audit trail names the operator acting through the server's CLI.
pub const OPERATOR: &str = "operator (CLI)";

pub fn actor_label(actor: &Actor) -> String {
    match actor {
        Actor::User { email, .. } => email.clone(),
        Actor::Operator => OPERATOR.to_string(),
    }
}

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
        None => {
            let at = now();
            sqlx::query(
                "INSERT INTO operator_events (actor, action, detail, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)",
            )
            .bind(OPERATOR)
            .bind(action)
            .bind(detail)
            .bind(at)
            .execute(&mut *conn)
            .await?;
            Ok(())
        }
    }
}

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
    Ok(())
}
