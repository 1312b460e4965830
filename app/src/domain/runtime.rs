//! What an agent may read at runtime. The agent's workspace comes from its token only.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use super::crypto::{self, DataKey, Keyring, SecretAad};
use super::db::Pool;
use super::keys;
use super::secrets::value::SecretValue;
use super::tokens::AgentIdentity;
use super::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("the secrets vault feature is not enabled for this workspace")]
    FeatureDisabled,
    #[error("no secret with this name")]
    NotFound,
    #[error("this agent has no access to this secret")]
    MissingAccess,
    #[error(transparent)]
    Domain(#[from] DomainError),
}

impl From<sqlx::Error> for ReadError {
    fn from(e: sqlx::Error) -> Self {
        ReadError::Domain(DomainError::Database(e))
    }
}

/// Unwrapped data keys by row id. A data key never changes once created (a master key
/// rotation re-wraps it, the key itself stays), so entries need no invalidation.
#[derive(Default)]
pub struct DataKeyCache {
    keys: RwLock<HashMap<i64, Arc<DataKey>>>,
}

impl DataKeyCache {
    async fn get(
        &self,
        pool: &Pool,
        keyring: &Keyring,
        workspace_id: i64,
        key_id: i64,
    ) -> Result<Arc<DataKey>, DomainError> {
        if let Some(key) = self.keys.read().ok().and_then(|m| m.get(&key_id).cloned()) {
            return Ok(key);
        }
        let mut conn = pool.acquire().await?;
        let key = Arc::new(keys::for_decryption(&mut conn, keyring, workspace_id, key_id).await?);
        if let Ok(mut map) = self.keys.write() {
            map.insert(key_id, key.clone());
        }
        Ok(key)
    }
}

/// Reads the current value of `name` for the agent: flag, existence and grant are checked
/// against the database on every call, so a change applies to the very next read.
pub async fn read(
    pool: &Pool,
    keyring: &Keyring,
    cache: &DataKeyCache,
    agent: &AgentIdentity,
    name: &str,
) -> Result<(i64, SecretValue), ReadError> {
    if !agent.secrets_enabled {
        return Err(ReadError::FeatureDisabled);
    }
    let row: Option<(i64, i64, i64, Vec<u8>, i64)> = sqlx::query_as(
        "SELECT s.id, s.current_version, v.key_id, v.sealed, \
           (SELECT COUNT(*) FROM secret_grants g WHERE g.secret_id = s.id AND g.agent_id = $3) \
         FROM secrets s JOIN secret_versions v ON v.secret_id = s.id AND v.version = s.current_version \
         WHERE s.workspace_id = $1 AND s.name = $2 AND s.deleted_at IS NULL",
    )
    .bind(agent.workspace_id)
    .bind(name)
    .bind(agent.agent_id)
    .fetch_optional(pool)
    .await?;
    let (secret_id, version, key_id, sealed, granted) = row.ok_or(ReadError::NotFound)?;
    if granted == 0 {
        return Err(ReadError::MissingAccess);
    }
    let dek = cache.get(pool, keyring, agent.workspace_id, key_id).await?;
    let aad = SecretAad {
        workspace_id: agent.workspace_id,
        secret_id,
        version,
    };
    let plain = crypto::open(&dek, &sealed, aad)
        .map_err(|e| DomainError::Internal(format!("secret {secret_id} v{version}: {e}")))?;
    Ok((version, SecretValue::from_plaintext(&plain)?))
}

/// Names of the live secrets the agent may read.
pub async fn readable_names(pool: &Pool, agent: &AgentIdentity) -> Result<Vec<String>, ReadError> {
    if !agent.secrets_enabled {
        return Err(ReadError::FeatureDisabled);
    }
    Ok(sqlx::query_scalar(
        "SELECT s.name FROM secrets s JOIN secret_grants g ON g.secret_id = s.id \
         WHERE g.agent_id = $1 AND s.workspace_id = $2 AND s.deleted_at IS NULL ORDER BY s.name",
    )
    .bind(agent.agent_id)
    .bind(agent.workspace_id)
    .fetch_all(pool)
    .await?)
}
