//! Agent credentials: random bearer tokens shown once, stored only as a SHA-256 hash
//! (they carry 256 bits of randomness, so a slow password hash adds nothing), listed by
//! prefix, revocable, several per agent for rotation.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};

use crate::domain::audit::change::Change;
use crate::domain::db::Pool;
use crate::domain::identity::access::Admin;
use crate::domain::{now, DomainError};
use crate::model::TokenView;

const TOKEN_TAG: &str = "svt_";

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: i64,
    prefix: String,
    created_at: i64,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

/// The columns that say who a token belongs to (`IDENTITY_COLUMNS`), as a row.
#[derive(sqlx::FromRow)]
pub struct IdentityRow {
    pub(crate) token_id: i64,
    pub(crate) token_prefix: String,
    pub(crate) agent_id: i64,
    pub(crate) agent_name: String,
    pub(crate) workspace_id: i64,
    pub(crate) secrets_enabled: i64,
    pub(crate) revoked_at: Option<i64>,
}
const PREFIX_LEN: usize = 12;

/// Cheap shape check before any lookup.
pub fn looks_like_token(token: &str) -> bool {
    token.starts_with(TOKEN_TAG) && token.len() <= 128
}

pub fn hash(token: &str) -> String {
    crate::domain::keys::digest::sha256_hex(token.as_bytes())
}

/// A new token: `svt_` + 43 base64url characters (32 random bytes).
fn generate() -> SecretString {
    let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
    rand::rngs::OsRng.fill_bytes(bytes.as_mut());
    SecretString::from(format!(
        "{TOKEN_TAG}{}",
        URL_SAFE_NO_PAD.encode(bytes.as_ref())
    ))
}

/// A token as issued: the only moment its full text exists outside the agent.
pub struct IssuedToken {
    pub token: SecretString,
    pub view: TokenView,
}

async fn agent_id(pool: &Pool, workspace_id: i64, agent: &str) -> Result<i64, DomainError> {
    sqlx::query_scalar("SELECT id FROM agents WHERE workspace_id = $1 AND name = $2")
        .bind(workspace_id)
        .bind(agent)
        .fetch_optional(pool)
        .await?
        .ok_or(DomainError::NotFound("agent"))
}

pub async fn issue(pool: &Pool, admin: &Admin, agent: &str) -> Result<IssuedToken, DomainError> {
    let ws = admin.workspace().id;
    let agent_id = agent_id(pool, ws, agent).await?;
    let token = generate();
    let prefix: String = token.expose_secret().chars().take(PREFIX_LEN).collect();
    let at = now();
    let mut change = Change::begin(pool, admin).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO agent_tokens (agent_id, prefix, token_hash, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
    )
    .bind(agent_id)
    .bind(&prefix)
    .bind(hash(token.expose_secret()))
    .bind(at)
    .fetch_one(change.conn())
    .await?;
    change
        .commit(
            "token.issue",
            None,
            &format!("agent {agent}; token {prefix}…"),
        )
        .await?;
    Ok(IssuedToken {
        token,
        view: TokenView {
            id,
            prefix,
            created_at: at,
            last_used_at: None,
            revoked_at: None,
        },
    })
}

pub async fn list(
    pool: &Pool,
    workspace_id: i64,
    agent: &str,
) -> Result<Vec<TokenView>, DomainError> {
    let agent_id = agent_id(pool, workspace_id, agent).await?;
    let rows: Vec<TokenRow> = sqlx::query_as(
        "SELECT id, prefix, created_at, last_used_at, revoked_at FROM agent_tokens WHERE agent_id = $1 ORDER BY id DESC",
    )
    .bind(agent_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |TokenRow {
                 id,
                 prefix,
                 created_at,
                 last_used_at,
                 revoked_at,
             }| TokenView {
                id,
                prefix,
                created_at,
                last_used_at,
                revoked_at,
            },
        )
        .collect())
}

/// Revokes one token of an agent of the admin's workspace; effective for the next request.
pub async fn revoke(
    pool: &Pool,
    admin: &Admin,
    agent: &str,
    token_id: i64,
) -> Result<(), DomainError> {
    let ws = admin.workspace().id;
    let agent_id = agent_id(pool, ws, agent).await?;
    let mut change = Change::begin(pool, admin).await?;
    let prefix: Option<String> = sqlx::query_scalar(
        "UPDATE agent_tokens SET revoked_at = $1, updated_at = $1 WHERE id = $2 AND agent_id = $3 AND revoked_at IS NULL RETURNING prefix",
    )
    .bind(now())
    .bind(token_id)
    .bind(agent_id)
    .fetch_optional(change.conn())
    .await?;
    let prefix = prefix.ok_or(DomainError::NotFound("token"))?;
    change
        .commit(
            "token.revoke",
            None,
            &format!("agent {agent}; token {prefix}…"),
        )
        .await
}

/// The select list of an [`IdentityRow`], over `agent_tokens t`, `agents a`, `workspaces w`;
/// a macro so that queries can `concat!` it into a constant.
macro_rules! identity_columns {
    () => {
        "t.id AS token_id, t.prefix AS token_prefix, a.id AS agent_id, a.name AS agent_name, \
         a.workspace_id, w.secrets_enabled, t.revoked_at"
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

/// Looks a bearer token up; `None` for a token that was never issued. A revoked token is
/// returned with `revoked: true` so that the refusal can be audited in its workspace.
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

/// When a token was issued, and the slug of its workspace: what a token's own lookup shows.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TokenFacts {
    pub created_at: i64,
    pub workspace: String,
}

pub async fn facts(pool: &Pool, token_id: i64) -> Result<Option<TokenFacts>, DomainError> {
    Ok(sqlx::query_as(
        "SELECT t.created_at, w.slug AS workspace FROM agent_tokens t \
         JOIN agents a ON a.id = t.agent_id JOIN workspaces w ON w.id = a.workspace_id \
         WHERE t.id = $1",
    )
    .bind(token_id)
    .fetch_optional(pool)
    .await?)
}
