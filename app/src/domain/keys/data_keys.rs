//! Workspace data keys: created on first use, wrapped under the master key, counted, and
//! replaced by a new key version long before AES-GCM's 2^32 random-nonce limit.

use sqlx::AnyConnection;

use crate::domain::db::Pool;
use crate::domain::keys::crypto::{self, DataKey, Keyring};
use crate::domain::{now, DomainError};

/// Encryptions allowed under one data key before a new key version takes over
/// (NIST SP 800-38D caps random 96-bit nonces at 2^32 per key; we stop at half).
pub const MAX_ENCRYPTIONS_PER_KEY: i64 = 1 << 31;

fn crypto_err(e: crypto::CryptoError) -> DomainError {
    DomainError::Internal(format!("key handling failed: {e}"))
}

/// The data key to encrypt with now, with its row id. Counts the encryption it is about
/// to be used for; creates the first or next key version when needed.
pub async fn for_encryption(
    conn: &mut AnyConnection,
    keyring: &Keyring,
    workspace_id: i64,
    limit: i64,
) -> Result<(i64, DataKey), DomainError> {
    let latest: Option<(i64, i64, String, Vec<u8>)> = sqlx::query_as(
        "UPDATE workspace_keys SET encryptions = encryptions + 1, updated_at = $1 \
         WHERE id = (SELECT id FROM workspace_keys WHERE workspace_id = $2 ORDER BY version DESC LIMIT 1) \
           AND encryptions < $3 \
         RETURNING id, version, kek_id, wrapped_key",
    )
    .bind(now())
    .bind(workspace_id)
    .bind(limit)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((id, version, kek_id, wrapped)) = latest {
        let kek = keyring.find(&kek_id).map_err(crypto_err)?;
        let dek = crypto::unwrap_dek(kek, &wrapped, workspace_id, version).map_err(crypto_err)?;
        return Ok((id, dek));
    }
    let next_version: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(version), 0) + 1 FROM workspace_keys WHERE workspace_id = $1",
    )
    .bind(workspace_id)
    .fetch_one(&mut *conn)
    .await?;
    let dek = DataKey::generate();
    let (kek_id, kek) = keyring.current();
    let wrapped = crypto::wrap_dek(kek, &dek, workspace_id, next_version).map_err(crypto_err)?;
    let at = now();
    // Another writer may create the same key version at the same moment: then use theirs.
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO workspace_keys (workspace_id, version, kek_id, wrapped_key, encryptions, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 1, $5, $5) ON CONFLICT (workspace_id, version) DO NOTHING RETURNING id",
    )
    .bind(workspace_id)
    .bind(next_version)
    .bind(kek_id)
    .bind(wrapped)
    .bind(at)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(id) = id else {
        return Box::pin(for_encryption(conn, keyring, workspace_id, limit)).await;
    };
    Ok((id, dek))
}

/// The data key with row id `key_id`, which must belong to `workspace_id`.
pub async fn for_decryption(
    conn: &mut AnyConnection,
    keyring: &Keyring,
    workspace_id: i64,
    key_id: i64,
) -> Result<DataKey, DomainError> {
    let (version, kek_id, wrapped): (i64, String, Vec<u8>) = sqlx::query_as(
        "SELECT version, kek_id, wrapped_key FROM workspace_keys WHERE id = $1 AND workspace_id = $2",
    )
    .bind(key_id)
    .bind(workspace_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| DomainError::Internal(format!("data key {key_id} missing")))?;
    let kek = keyring.find(&kek_id).map_err(crypto_err)?;
    crypto::unwrap_dek(kek, &wrapped, workspace_id, version).map_err(crypto_err)
}

/// What a master key rotation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RewrapReport {
    /// Data keys re-wrapped under the current master key by this run.
    pub rewrapped: u64,
    /// Data keys still wrapped under another master key afterwards.
    pub remaining: i64,
}

/// Re-wraps every data key that is not yet under the current master key. Each key is
/// re-wrapped in its own statement, guarded by its old wrapping, so readers always find a
/// key the keyring can open. A key wrapped under a master key this keyring does not hold is
/// skipped and counted as remaining.
pub async fn rewrap_all(pool: &Pool, keyring: &Keyring) -> Result<RewrapReport, DomainError> {
    let (current_id, current) = keyring.current();
    let stale: Vec<(i64, i64, i64, String, Vec<u8>)> = sqlx::query_as(
        "SELECT id, workspace_id, version, kek_id, wrapped_key FROM workspace_keys WHERE kek_id <> $1 ORDER BY id",
    )
    .bind(current_id)
    .fetch_all(pool)
    .await?;
    let mut rewrapped = 0;
    for (id, workspace_id, version, kek_id, wrapped) in stale {
        let Ok(old) = keyring.find(&kek_id) else {
            tracing::warn!(key_id = id, kek_id = %kek_id, "data key wrapped under an unknown master key; skipped");
            continue;
        };
        let dek = crypto::unwrap_dek(old, &wrapped, workspace_id, version).map_err(crypto_err)?;
        let again = crypto::wrap_dek(current, &dek, workspace_id, version).map_err(crypto_err)?;
        let updated = sqlx::query(
            "UPDATE workspace_keys SET kek_id = $1, wrapped_key = $2, updated_at = $3 WHERE id = $4 AND kek_id = $5",
        )
        .bind(current_id)
        .bind(again)
        .bind(now())
        .bind(id)
        .bind(&kek_id)
        .execute(pool)
        .await?;
        rewrapped += updated.rows_affected();
    }
    rewrapped += reseal_user_secrets(pool, keyring).await?;
    Ok(RewrapReport {
        rewrapped,
        remaining: not_under_current(pool, keyring).await?,
    })
}

/// The authenticator secrets sealed directly under a previous master key, sealed again
/// under the current one (each guarded by its old key id, like the data keys).
async fn reseal_user_secrets(pool: &Pool, keyring: &Keyring) -> Result<u64, DomainError> {
    let (current_id, current) = keyring.current();
    let stale: Vec<(i64, String, Vec<u8>)> = sqlx::query_as(
        "SELECT user_id, kek_id, secret_sealed FROM user_totp WHERE kek_id <> $1 ORDER BY user_id",
    )
    .bind(current_id)
    .fetch_all(pool)
    .await?;
    let mut resealed = 0;
    for (user_id, kek_id, sealed) in stale {
        let Ok(old) = keyring.find(&kek_id) else {
            tracing::warn!(user_id, kek_id = %kek_id, "authenticator secret sealed under an unknown master key; skipped");
            continue;
        };
        let secret = crypto::open_user_secret(old, &sealed, user_id).map_err(crypto_err)?;
        let again = crypto::seal_user_secret(current, &secret, user_id).map_err(crypto_err)?;
        let updated = sqlx::query(
            "UPDATE user_totp SET kek_id = $1, secret_sealed = $2, updated_at = $3 WHERE user_id = $4 AND kek_id = $5",
        )
        .bind(current_id)
        .bind(again)
        .bind(now())
        .bind(user_id)
        .bind(&kek_id)
        .execute(pool)
        .await?;
        resealed += updated.rows_affected();
    }
    Ok(resealed)
}

/// How many data keys (and authenticator secrets) are under a master key other than the
/// current one: while any are, the previous master key is still needed.
pub async fn not_under_current(pool: &Pool, keyring: &Keyring) -> Result<i64, DomainError> {
    Ok(sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM workspace_keys WHERE kek_id <> $1) \
                  + (SELECT COUNT(*) FROM user_totp WHERE kek_id <> $1)",
    )
    .bind(keyring.current().0)
    .fetch_one(pool)
    .await?)
}
