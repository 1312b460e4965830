//! What an agent may read at runtime, checked in one query per read. The agent's workspace
//! comes from its token only.

use super::key_cache::DataKeyCache;
use crate::domain::admin::tokens::{identity_columns, AgentIdentity, IdentityRow};
use crate::domain::db::Pool;
use crate::domain::keys::crypto::{Keyring, SecretAad};
use crate::domain::secrets::sealing;
use crate::domain::secrets::value::SecretValue;
use crate::domain::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("this token has been revoked")]
    TokenRevoked,
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

/// One row answers a runtime read: the token's agent and workspace, and the named secret's
/// current version with this agent's grant (absent when there is no such live secret).
#[derive(sqlx::FromRow)]
struct ReadRow {
    #[sqlx(flatten)]
    identity: IdentityRow,
    secret_id: Option<i64>,
    current_version: Option<i64>,
    key_id: Option<i64>,
    sealed: Option<Vec<u8>>,
    granted: i64,
}

const READ: &str = concat!(
    "SELECT ",
    identity_columns!(),
    ", s.id AS secret_id, s.current_version, v.key_id, v.sealed, \
       (SELECT COUNT(*) FROM secret_grants g WHERE g.secret_id = s.id AND g.agent_id = a.id) AS granted \
     FROM agent_tokens t JOIN agents a ON a.id = t.agent_id JOIN workspaces w ON w.id = a.workspace_id \
     LEFT JOIN secrets s ON s.workspace_id = a.workspace_id AND s.name = $2 AND s.deleted_at IS NULL \
     LEFT JOIN secret_versions v ON v.secret_id = s.id AND v.version = s.current_version \
     WHERE t.token_hash = $1"
);

/// A runtime read by bearer token, in one query. `None`: the token was never issued.
/// Otherwise the agent, and the value or the reason for refusal. Token, flag, existence and
/// grant are checked against the database on every call, so a change applies to the very
/// next read; a deleted secret is not found.
pub async fn read_with_token(
    pool: &Pool,
    keyring: &Keyring,
    cache: &DataKeyCache,
    token: &str,
    name: &str,
) -> Result<Option<(AgentIdentity, Result<(i64, SecretValue), ReadError>)>, DomainError> {
    if !crate::domain::admin::tokens::looks_like_token(token) {
        return Ok(None);
    }
    let row: Option<ReadRow> = sqlx::query_as(READ)
        .bind(crate::domain::admin::tokens::hash(token))
        .bind(name)
        .fetch_optional(pool)
        .await?;
    let Some(r) = row else { return Ok(None) };
    let agent = AgentIdentity::from(r.identity);
    let outcome = match (r.secret_id, r.current_version, r.key_id, r.sealed) {
        _ if agent.revoked => Err(ReadError::TokenRevoked),
        _ if !agent.secrets_enabled => Err(ReadError::FeatureDisabled),
        (Some(secret_id), Some(version), Some(key_id), Some(sealed)) => {
            if r.granted == 0 {
                Err(ReadError::MissingAccess)
            } else {
                open(
                    pool,
                    keyring,
                    cache,
                    agent.workspace_id,
                    (secret_id, version, key_id),
                    &sealed,
                )
                .await
            }
        }
        _ => Err(ReadError::NotFound),
    };
    Ok(Some((agent, outcome)))
}

async fn open(
    pool: &Pool,
    keyring: &Keyring,
    cache: &DataKeyCache,
    workspace_id: i64,
    (secret_id, version, key_id): (i64, i64, i64),
    sealed: &[u8],
) -> Result<(i64, SecretValue), ReadError> {
    let dek = cache.get(pool, keyring, workspace_id, key_id).await?;
    let at = SecretAad {
        workspace_id,
        secret_id,
        version,
    };
    Ok((version, sealing::open(&dek, sealed, at)?))
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
