//! What an agent may read at runtime, checked in one query per read. The agent's workspace
//! comes from its token only.

use super::key_cache::DataKeyCache;
use super::read_cache::{Granted, ReadCache};
use crate::domain::admin::token_identity::{self, identity_columns, AgentIdentity, IdentityRow};
use crate::domain::db::Pool;
use crate::domain::keys::crypto::{Keyring, SecretAad};
use crate::domain::secrets::sealing;
use crate::domain::secrets::value::SecretValue;
use crate::domain::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("this token has been revoked")]
    TokenRevoked,
    #[error("this token has expired")]
    TokenExpired,
    #[error("the secrets vault feature is not enabled for this workspace")]
    FeatureDisabled,
    #[error("no secret with this name")]
    NotFound,
    #[error("this secret has no such version")]
    VersionNotFound,
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

/// One row answers a runtime read: the token's agent and workspace, and the named secret's
/// current version with this agent's grant (absent when there is no such live secret).
#[derive(sqlx::FromRow)]
struct ReadRow {
    #[sqlx(flatten)]
    identity: IdentityRow,
    secret_id: Option<i64>,
    description: Option<String>,
    expires_at: Option<i64>,
    version: Option<i64>,
    version_created_at: Option<i64>,
    key_id: Option<i64>,
    sealed: Option<Vec<u8>>,
    granted: i64,
}

/// A version an agent read.
pub struct Read {
    pub secret_id: i64,
    pub version: i64,
    pub value: SecretValue,
    /// When this version was stored.
    pub created_at: i64,
    /// The secret's description, which says what it is for.
    pub description: String,
    /// When the secret expired, if it has: still answered, audited as an expired read.
    pub expired_at: Option<i64>,
}

const READ: &str = concat!(
    "SELECT ",
    identity_columns!(),
    ", s.id AS secret_id, s.description, s.expires_at, v.version, v.created_at AS version_created_at, \
       v.key_id, v.sealed, \
       (SELECT COUNT(*) FROM secret_grants g WHERE g.secret_id = s.id AND g.agent_id = a.id) AS granted \
     FROM agent_tokens t JOIN agents a ON a.id = t.agent_id JOIN workspaces w ON w.id = a.workspace_id \
     LEFT JOIN secrets s ON s.workspace_id = a.workspace_id AND s.name = $2 AND s.deleted_at IS NULL \
     LEFT JOIN secret_versions v ON v.secret_id = s.id AND v.version = COALESCE($3, s.current_version) \
     WHERE t.token_hash = $1"
);

/// What a runtime read needs besides the request: the database, the keys, and the caches.
pub struct ReadContext<'a> {
    pub pool: &'a Pool,
    pub keyring: &'a Keyring,
    pub data_keys: &'a DataKeyCache,
    pub reads: &'a ReadCache,
}

/// A runtime read by bearer token: the current version, or `version` (an agent with a grant
/// may read earlier ones, for rotation overlap). `None`: the token was never issued.
/// Otherwise the agent, and the value or the reason for refusal. A granted read repeated
/// since the last change is answered from the [`ReadCache`]; anything else is checked in one
/// query (token, flag, existence and grant), so a change applies to the very next read on
/// this instance (see the cache for other instances); a deleted secret is not found.
pub async fn read_with_token(
    r: &ReadContext<'_>,
    token: &str,
    name: &str,
    version: Option<i64>,
) -> Result<Option<(AgentIdentity, Result<Read, ReadError>)>, DomainError> {
    if !token_identity::looks_like_token(token) {
        return Ok(None);
    }
    let hash = token_identity::hash(token);
    if let Some(granted) = r.reads.get(&hash, name, version) {
        if granted
            .token_expires_at
            .is_none_or(|at| at > crate::domain::now())
        {
            let read = open(r, &granted).await;
            return Ok(Some((granted.agent.clone(), read)));
        }
    }
    let generation = r.reads.generation();
    let row: Option<ReadRow> = sqlx::query_as(READ)
        .bind(&hash)
        .bind(name)
        .bind(version)
        .fetch_optional(r.pool)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let token_expires_at = row.identity.token_expires_at;
    let agent = AgentIdentity::from(row.identity);
    let outcome = if agent.revoked {
        Err(ReadError::TokenRevoked)
    } else if agent.expired {
        Err(ReadError::TokenExpired)
    } else if !agent.secrets_enabled {
        Err(ReadError::FeatureDisabled)
    } else {
        match (
            row.secret_id,
            row.version,
            row.version_created_at,
            row.key_id,
            row.sealed,
        ) {
            (None, ..) => Err(ReadError::NotFound),
            _ if row.granted == 0 => Err(ReadError::MissingAccess),
            (Some(secret_id), Some(found), Some(created_at), Some(key_id), Some(sealed)) => {
                let granted = Granted {
                    agent: agent.clone(),
                    token_expires_at,
                    secret_id,
                    description: row.description.unwrap_or_default(),
                    expires_at: row.expires_at,
                    version: found,
                    created_at,
                    key_id,
                    sealed: sealed.into(),
                };
                let read = open(r, &granted).await;
                if read.is_ok() {
                    r.reads.put(&hash, name, version, generation, granted);
                }
                read
            }
            _ => Err(ReadError::VersionNotFound),
        }
    };
    Ok(Some((agent, outcome)))
}

/// Decrypts the version a granted read found.
async fn open(r: &ReadContext<'_>, g: &Granted) -> Result<Read, ReadError> {
    let at = SecretAad {
        workspace_id: g.agent.workspace_id,
        secret_id: g.secret_id,
        version: g.version,
    };
    let dek = r
        .data_keys
        .get(r.pool, r.keyring, g.agent.workspace_id, g.key_id)
        .await?;
    let value = sealing::open(&dek, &g.sealed, at)?;
    Ok(Read {
        secret_id: g.secret_id,
        version: g.version,
        value,
        created_at: g.created_at,
        description: g.description.clone(),
        expired_at: g.expires_at.filter(|at| *at <= crate::domain::now()),
    })
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
