//! Identities linked to accounts: the pair (issuer, subject) a provider vouches for, which
//! signs that account in. Unique per pair: one identity belongs to one account.

use sqlx::AnyConnection;

use super::protocol::VerifiedIdentity;
use crate::domain::db::Pool;
use crate::domain::{now, DomainError};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Identity {
    pub id: i64,
    pub user_id: i64,
    pub provider_id: String,
    pub issuer: String,
    pub subject: String,
    pub email: String,
    pub created_at: i64,
    pub last_used_at: i64,
}

const COLUMNS: &str = "id, user_id, provider_id, issuer, subject, email, created_at, last_used_at";

/// The identity (issuer, subject), if linked.
pub async fn find(
    conn: &mut AnyConnection,
    issuer: &str,
    subject: &str,
) -> Result<Option<Identity>, DomainError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM identities WHERE issuer = $1 AND subject = $2"
    ))
    .bind(issuer)
    .bind(subject)
    .fetch_optional(&mut *conn)
    .await?)
}

pub async fn for_user(pool: &Pool, user_id: i64) -> Result<Vec<Identity>, DomainError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM identities WHERE user_id = $1 ORDER BY created_at, id"
    ))
    .bind(user_id)
    .fetch_all(pool)
    .await?)
}

/// Links `identity` to `user_id`. Already linked (to anyone): `Conflict`.
pub async fn link(
    conn: &mut AnyConnection,
    user_id: i64,
    provider_id: &str,
    identity: &VerifiedIdentity,
) -> Result<(), DomainError> {
    let at = now();
    sqlx::query(
        "INSERT INTO identities (user_id, provider_id, issuer, subject, email, last_used_at, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6, $6)",
    )
    .bind(user_id)
    .bind(provider_id)
    .bind(&identity.issuer)
    .bind(&identity.subject)
    .bind(&identity.email)
    .bind(at)
    .execute(&mut *conn)
    .await
    .map_err(|e| DomainError::on_unique(e, "identity", "This identity is already linked."))?;
    Ok(())
}

/// A sign-in with this identity: remembers when, and the email the provider gives now.
pub async fn touch(conn: &mut AnyConnection, id: i64, email: &str) -> Result<(), DomainError> {
    let at = now();
    sqlx::query(
        "UPDATE identities SET last_used_at = $1, email = $2, updated_at = $1 WHERE id = $3",
    )
    .bind(at)
    .bind(email)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Removes identity `id` of `user_id`; returns it, or `None` if the account has no such one.
pub async fn unlink(
    conn: &mut AnyConnection,
    user_id: i64,
    id: i64,
) -> Result<Option<Identity>, DomainError> {
    Ok(sqlx::query_as(&format!(
        "DELETE FROM identities WHERE id = $1 AND user_id = $2 RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?)
}

pub async fn count_for_user(conn: &mut AnyConnection, user_id: i64) -> Result<i64, DomainError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM identities WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(&mut *conn)
            .await?,
    )
}
