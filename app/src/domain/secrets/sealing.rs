//! Decrypting stored values: for rollback now, for agents' runtime reads later.

use crate::domain::crypto::{self, Keyring, SecretAad};
use crate::domain::db::Pool;
use crate::domain::keys;
use crate::domain::DomainError;

use super::value::SecretValue;

async fn open_version(
    pool: &Pool,
    keyring: &Keyring,
    workspace_id: i64,
    secret_id: i64,
    version: i64,
) -> Result<SecretValue, DomainError> {
    let mut conn = pool.acquire().await?;
    let (key_id, sealed): (i64, Vec<u8>) = sqlx::query_as(
        "SELECT key_id, sealed FROM secret_versions WHERE secret_id = $1 AND version = $2",
    )
    .bind(secret_id)
    .bind(version)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(DomainError::NotFound("version"))?;
    let dek = keys::for_decryption(&mut conn, keyring, workspace_id, key_id).await?;
    let aad = SecretAad {
        workspace_id,
        secret_id,
        version,
    };
    let plain = crypto::open(&dek, &sealed, aad)
        .map_err(|e| DomainError::Internal(format!("secret {secret_id} v{version}: {e}")))?;
    SecretValue::from_plaintext(&plain)
}

/// A given version of a live secret.
pub async fn version_value(
    pool: &Pool,
    keyring: &Keyring,
    workspace_id: i64,
    name: &str,
    version: i64,
) -> Result<SecretValue, DomainError> {
    let id: i64 = sqlx::query_scalar(
        "SELECT id FROM secrets WHERE workspace_id = $1 AND name = $2 AND deleted_at IS NULL",
    )
    .bind(workspace_id)
    .bind(name)
    .fetch_optional(pool)
    .await?
    .ok_or(DomainError::NotFound("secret"))?;
    open_version(pool, keyring, workspace_id, id, version).await
}

/// The current value of a live secret, with its version number.
pub async fn current_value(
    pool: &Pool,
    keyring: &Keyring,
    workspace_id: i64,
    name: &str,
) -> Result<(i64, SecretValue), DomainError> {
    let (id, version): (i64, i64) = sqlx::query_as(
        "SELECT id, current_version FROM secrets WHERE workspace_id = $1 AND name = $2 AND deleted_at IS NULL",
    )
    .bind(workspace_id)
    .bind(name)
    .fetch_optional(pool)
    .await?
    .ok_or(DomainError::NotFound("secret"))?;
    Ok((
        version,
        open_version(pool, keyring, workspace_id, id, version).await?,
    ))
}
