//! Who a bearer token belongs to: the lookup both runtime APIs and the throttle use (by the
//! token's SHA-256; the token itself is never stored), and what a token's own lookup shows.

use crate::domain::db::Pool;
use crate::domain::{now, DomainError};

pub(crate) const TOKEN_TAG: &str = "svt_";

/// Cheap shape check before any lookup.
pub fn looks_like_token(token: &str) -> bool {
    token.starts_with(TOKEN_TAG) && token.len() <= 128
}

pub fn hash(token: &str) -> String {
    crate::domain::keys::digest::sha256_hex(token.as_bytes())
}

/// The columns that say who a token belongs to (`identity_columns!`), as a row.
#[derive(sqlx::FromRow)]
pub struct IdentityRow {
    pub(crate) token_id: i64,
    pub(crate) token_prefix: String,
    pub(crate) agent_id: i64,
    pub(crate) agent_name: String,
    pub(crate) workspace_id: i64,
    pub(crate) secrets_enabled: i64,
    pub(crate) revoked_at: Option<i64>,
    pub(crate) token_expires_at: Option<i64>,
}
/// The select list of an [`IdentityRow`], over `agent_tokens t`, `agents a`, `workspaces w`;
/// a macro so that queries can `concat!` it into a constant.
macro_rules! identity_columns {
    () => {
        "t.id AS token_id, t.prefix AS token_prefix, a.id AS agent_id, a.name AS agent_name, \
         a.workspace_id, w.secrets_enabled, t.revoked_at, t.expires_at AS token_expires_at"
    };
}
pub(crate) use identity_columns;

impl From<IdentityRow> for AgentIdentity {
    fn from(r: IdentityRow) -> Self {
        AgentIdentity {
            token_id: r.token_id,
            token_prefix: r.token_prefix,
            agent_id: r.agent_id,
            agent_name: r.agent_name,
            workspace_id: r.workspace_id,
            secrets_enabled: r.secrets_enabled != 0,
            revoked: r.revoked_at.is_some(),
            expired: r.token_expires_at.is_some_and(|at| at <= now()),
        }
    }
}

/// Who a bearer token belongs to.
#[derive(Debug, Clone)]
pub struct AgentIdentity {
    pub token_id: i64,
    pub token_prefix: String,
    pub agent_id: i64,
    pub agent_name: String,
    pub workspace_id: i64,
    pub secrets_enabled: bool,
    pub revoked: bool,
    /// Past its lifetime (or its rotation overlap): refused like a revoked token.
    pub expired: bool,
}

impl AgentIdentity {
    /// The identity an audit event records.
    pub fn reader(&self) -> crate::domain::audit::read_event::Reader<'_> {
        crate::domain::audit::read_event::Reader {
            workspace_id: self.workspace_id,
            agent_id: self.agent_id,
            agent_name: &self.agent_name,
            token_id: self.token_id,
            token_prefix: &self.token_prefix,
        }
    }
}

/// Looks a bearer token up; `None` for a token that was never issued. A revoked or expired
/// token is returned as such, so that the refusal can be audited in its workspace.
pub async fn authenticate(pool: &Pool, token: &str) -> Result<Option<AgentIdentity>, DomainError> {
    if !looks_like_token(token) {
        return Ok(None);
    }
    let row: Option<IdentityRow> = sqlx::query_as(concat!(
        "SELECT ",
        identity_columns!(),
        " FROM agent_tokens t JOIN agents a ON a.id = t.agent_id \
         JOIN workspaces w ON w.id = a.workspace_id WHERE t.token_hash = $1"
    ))
    .bind(hash(token))
    .fetch_optional(pool)
    .await?;
    Ok(row.map(AgentIdentity::from))
}

/// When a token was issued and expires, and the slug of its workspace: what a token's own
/// lookup shows.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TokenFacts {
    pub created_at: i64,
    pub workspace: String,
    /// `None`: never expires.
    pub expires_at: Option<i64>,
}

pub async fn facts(pool: &Pool, token_id: i64) -> Result<Option<TokenFacts>, DomainError> {
    Ok(sqlx::query_as(
        "SELECT t.created_at, w.slug AS workspace, t.expires_at FROM agent_tokens t \
         JOIN agents a ON a.id = t.agent_id JOIN workspaces w ON w.id = a.workspace_id \
         WHERE t.id = $1",
    )
    .bind(token_id)
    .fetch_optional(pool)
    .await?)
}
