//! The one place a secret version is sealed and opened: the associated data that binds it
//! to its workspace, secret and version, the cipher, and the conversion to and from
//! `SecretValue`. The store seals with it; rollback and the runtime API open with it.

use crate::domain::db::Pool;
use crate::domain::keys::crypto::{self, DataKey, Keyring, SecretAad};
use crate::domain::keys::data_keys;
use crate::domain::DomainError;

use super::value::SecretValue;
use super::Stage;

/// Seals `value` under `dek` as version `at.version` of secret `at.secret_id`.
pub fn seal(dek: &DataKey, value: &SecretValue, at: SecretAad) -> Result<Vec<u8>, DomainError> {
    crypto::seal(dek, &value.to_plaintext()?, at)
        .map_err(|e| DomainError::Internal(format!("secret encryption failed: {e}")))
}

/// Opens a sealed version; a blob moved to another row, secret, version or workspace, or
/// changed in any bit, fails.
pub fn open(dek: &DataKey, sealed: &[u8], at: SecretAad) -> Result<SecretValue, DomainError> {
    let plain = crypto::open(dek, sealed, at).map_err(|e| {
        DomainError::Internal(format!("secret {} v{}: {e}", at.secret_id, at.version))
    })?;
    SecretValue::from_plaintext(&plain)
}

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
    let dek = data_keys::for_decryption(&mut conn, keyring, workspace_id, key_id).await?;
    let at = SecretAad {
        workspace_id,
        secret_id,
        version,
    };
    open(&dek, &sealed, at)
}

/// A given version of a live secret.
pub async fn version_value(
    pool: &Pool,
    keyring: &Keyring,
    workspace_id: i64,
    name: &str,
    version: i64,
) -> Result<SecretValue, DomainError> {
    let mut conn = pool.acquire().await?;
    let (id, _) = super::find(&mut conn, workspace_id, name, Stage::Live).await?;
    drop(conn);
    open_version(pool, keyring, workspace_id, id, version).await
}
