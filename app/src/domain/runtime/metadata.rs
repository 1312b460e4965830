//! A secret's description and version history as an agent with a grant may see them (the
//! Vault API's `metadata/`): never a value.

use crate::domain::admin::token_identity::AgentIdentity;
use crate::domain::db::Pool;

use super::read::ReadError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretMetadata {
    pub description: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub current_version: i64,
    /// (version, created at), oldest first.
    pub versions: Vec<(i64, i64)>,
}

/// The metadata of a live secret of the agent's workspace, if the agent has a grant on it.
pub async fn of(
    pool: &Pool,
    agent: &AgentIdentity,
    name: &str,
) -> Result<SecretMetadata, ReadError> {
    if !agent.secrets_enabled {
        return Err(ReadError::FeatureDisabled);
    }
    let row: Option<(i64, String, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT s.id, s.description, s.created_at, s.updated_at, s.current_version, \
           (SELECT COUNT(*) FROM secret_grants g WHERE g.secret_id = s.id AND g.agent_id = $3) \
         FROM secrets s WHERE s.workspace_id = $1 AND s.name = $2 AND s.deleted_at IS NULL",
    )
    .bind(agent.workspace_id)
    .bind(name)
    .bind(agent.agent_id)
    .fetch_optional(pool)
    .await?;
    let Some((id, description, created_at, updated_at, current_version, granted)) = row else {
        return Err(ReadError::NotFound);
    };
    if granted == 0 {
        return Err(ReadError::MissingAccess);
    }
    let versions = sqlx::query_as(
        "SELECT version, created_at FROM secret_versions WHERE secret_id = $1 ORDER BY version",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    Ok(SecretMetadata {
        description,
        created_at,
        updated_at,
        current_version,
        versions,
    })
}
