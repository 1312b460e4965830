//! The audit trail: who did what to which secret, when. Never values.

use sqlx::AnyConnection;

use super::access::Actor;
use super::{now, DomainError};

pub fn actor_label(actor: &Actor) -> String {
    match actor {
        Actor::User { email, .. } => email.clone(),
        Actor::Operator => "operator (CLI)".to_string(),
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
