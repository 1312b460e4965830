//! What an agent may read at runtime, checked in one query per read. The agent's workspace
//! comes from its token only.

use super::key_cache::DataKeyCache;
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

/// A runtime read by bearer token, in one query: the current version, or `version` (an
/// agent with a grant may read earlier ones, for rotation overlap). `None`: the token was
/// never issued. Otherwise the agent, and the value or the reason for refusal. Token, flag,
/// existence and grant are checked against the database on every call, so a change applies
/// to the very next read; a deleted secret is not found.
pub async fn read_with_token(
    pool: &Pool,
    keyring: &Keyring,
    cache: &DataKeyCache,
    token: &str,
    name: &str,
    version: Option<i64>,
) -> Result<Option<(AgentIdentity, Result<Read, ReadError>)>, DomainError> {
    if !token_identity::looks_like_token(token) {
        return Ok(None);
    }
    let row: Option<ReadRow> = sqlx::query_as(READ)
        .bind(token_identity::hash(token))
        .bind(name)
        .bind(version)
        .fetch_optional(pool)
        .await?;
    let Some(r) = row else { return Ok(None) };
    let agent = AgentIdentity::from(r.identity);
    let outcome = if agent.revoked {
        Err(ReadError::TokenRevoked)
    } else if agent.expired {
        Err(ReadError::TokenExpired)
    } else if !agent.secrets_enabled {
        Err(ReadError::FeatureDisabled)
    } else {
        match (
            r.secret_id,
            r.version,
            r.version_created_at,
            r.key_id,
            r.sealed,
        ) {
            (None, ..) => Err(ReadError::NotFound),
            _ if r.granted == 0 => Err(ReadError::MissingAccess),
            (Some(secret_id), Some(version), Some(created_at), Some(key_id), Some(sealed)) => {
                let at = SecretAad {
                    workspace_id: agent.workspace_id,
                    secret_id,
                    version,
                };
                let dek = cache.get(pool, keyring, agent.workspace_id, key_id).await?;
                sealing::open(&dek, &sealed, at)
                    .map(|value| Read {
                        secret_id,
                        version,
                        value,
                        created_at,
                        description: r.description.unwrap_or_default(),
                        expired_at: r.expires_at.filter(|at| *at <= crate::domain::now()),
                    })
                    .map_err(ReadError::from)
            }
            _ => Err(ReadError::VersionNotFound),
        }
    };
    Ok(Some((agent, outcome)))
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
