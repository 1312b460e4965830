//! Agent credentials: random bearer tokens shown once, stored only as a SHA-256 hash
//! (they carry 256 bits of randomness, so a slow password hash adds nothing), listed by
//! prefix, revocable, expiring after their lifetime (90 days unless chosen otherwise), and
//! rotated with an overlap during which the old token still works.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};

use super::agents;
use crate::domain::audit::change::Change;
use crate::domain::db::Pool;
use crate::domain::identity::access::Admin;
use crate::domain::validate::FieldError;
use crate::domain::{now, DomainError};
use crate::model::TokenView;

use super::token_identity::{hash, TOKEN_TAG};

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: i64,
    prefix: String,
    created_at: i64,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
    expires_at: Option<i64>,
    unused: i64,
}

const PREFIX_LEN: usize = 12;

/// Token `t` is live (not revoked, not expired at the time bound to `$2`) and unused since
/// the time bound to `$3` (counted from its issue if never used): the one rule for the agent
/// page's flag and the overview's count.
const UNUSED: &str = "t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2) \
     AND COALESCE(t.last_used_at, t.created_at) < $3";
const DAY: i64 = 86_400;
pub const MAX_OVERLAP_HOURS: i64 = 720;

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

impl From<IssuedToken> for crate::model::IssuedTokenView {
    /// The one response that carries a token's text.
    fn from(issued: IssuedToken) -> Self {
        crate::model::IssuedTokenView {
            token: issued.token.expose_secret().to_string(),
            view: issued.view,
        }
    }
}

/// How many hours an old token stays valid after its rotation: 0 to 720 (30 days).
fn overlap(hours: i64) -> Result<i64, FieldError> {
    if (0..=MAX_OVERLAP_HOURS).contains(&hours) {
        Ok(hours)
    } else {
        Err((
            "overlap_hours",
            format!("Keep the old token 0 to {MAX_OVERLAP_HOURS} hours."),
        ))
    }
}

fn until(expires_at: Option<i64>) -> String {
    expires_at
        .and_then(|at| time::OffsetDateTime::from_unix_timestamp(at).ok())
        .map(|at| format!("expires {}", at.date()))
        .unwrap_or_else(|| "never expires".to_string())
}

/// Stores a new token for `agent_id` inside `change`.
async fn insert(
    change: &mut Change,
    agent_id: i64,
    lifetime_days: Option<i64>,
) -> Result<IssuedToken, DomainError> {
    let token = generate();
    let prefix: String = token.expose_secret().chars().take(PREFIX_LEN).collect();
    let at = now();
    let expires_at = lifetime_days.map(|days| at + days * DAY);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO agent_tokens (agent_id, prefix, token_hash, expires_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(agent_id)
    .bind(&prefix)
    .bind(hash(token.expose_secret()))
    .bind(expires_at)
    .bind(at)
    .fetch_one(change.conn())
    .await?;
    Ok(IssuedToken {
        token,
        view: TokenView {
            id,
            prefix,
            created_at: at,
            last_used_at: None,
            revoked_at: None,
            expires_at,
            expired: false,
            unused: false,
        },
    })
}

/// Issues a token that lives `lifetime_days` (`None`: never expires); audited.
pub async fn issue(
    pool: &Pool,
    admin: &Admin,
    agent: &str,
    lifetime_days: Option<i64>,
) -> Result<IssuedToken, DomainError> {
    let agent_id = agents::id_of(pool, admin.workspace().id, agent).await?;
    let change = Change::begin(pool, admin).await?;
    let describe = |new: &str, until: String| format!("agent {agent}; token {new}…; {until}");
    issue_in(change, agent_id, lifetime_days, "token.issue", describe).await
}

/// Stores a new token inside `change` and commits it with the audit event `action`, whose
/// detail `describe` words from the new token's prefix and expiry.
async fn issue_in(
    mut change: Change,
    agent_id: i64,
    lifetime_days: Option<i64>,
    action: &str,
    describe: impl FnOnce(&str, String) -> String,
) -> Result<IssuedToken, DomainError> {
    let issued = insert(&mut change, agent_id, lifetime_days).await?;
    let detail = describe(&issued.view.prefix, until(issued.view.expires_at));
    change.commit(action, None, &detail).await?;
    Ok(issued)
}

/// Replaces a live token: a new one (living `lifetime_days`), while the old one stays valid
/// for `overlap_hours` more (never longer than it would have anyway), then is refused.
pub async fn rotate(
    pool: &Pool,
    admin: &Admin,
    agent: &str,
    token_id: i64,
    overlap_hours: i64,
    lifetime_days: Option<i64>,
) -> Result<IssuedToken, DomainError> {
    let overlap_hours = overlap(overlap_hours)?;
    let agent_id = agents::id_of(pool, admin.workspace().id, agent).await?;
    let mut change = Change::begin(pool, admin).await?;
    let at = now();
    let end = at + overlap_hours * 3600;
    let old: Option<String> = sqlx::query_scalar(
        "UPDATE agent_tokens SET expires_at = CASE WHEN expires_at IS NULL OR expires_at > $1 THEN $1 ELSE expires_at END, \
           updated_at = $2 \
         WHERE id = $3 AND agent_id = $4 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2) \
         RETURNING prefix",
    )
    .bind(end)
    .bind(at)
    .bind(token_id)
    .bind(agent_id)
    .fetch_optional(change.conn())
    .await?;
    let old = old.ok_or(DomainError::NotFound("token"))?;
    let describe = |new: &str, until: String| {
        format!(
            "agent {agent}; token {old}… replaced by {new}… ({until}); the old one is valid for {overlap_hours} more hour(s)"
        )
    };
    issue_in(change, agent_id, lifetime_days, "token.rotate", describe).await
}

pub async fn list(
    pool: &Pool,
    workspace_id: i64,
    agent: &str,
) -> Result<Vec<TokenView>, DomainError> {
    let agent_id = agents::id_of(pool, workspace_id, agent).await?;
    let at = now();
    let rows: Vec<TokenRow> = sqlx::query_as(&format!(
        "SELECT t.id, t.prefix, t.created_at, t.last_used_at, t.revoked_at, t.expires_at, \
           CASE WHEN {UNUSED} THEN 1 ELSE 0 END AS unused \
         FROM agent_tokens t WHERE t.agent_id = $1 ORDER BY t.id DESC"
    ))
    .bind(agent_id)
    .bind(at)
    .bind(at - crate::model::lifecycle::UNUSED_DAYS * DAY)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| TokenView {
            expired: r.expires_at.is_some_and(|e| e <= at),
            id: r.id,
            prefix: r.prefix,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
            expires_at: r.expires_at,
            unused: r.unused != 0,
        })
        .collect())
}

/// Live tokens of the workspace not used for 30 days (since issued, if never).
pub async fn unused_count(pool: &Pool, admin: &Admin) -> Result<i64, DomainError> {
    let at = now();
    Ok(sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM agent_tokens t JOIN agents a ON a.id = t.agent_id \
         WHERE a.workspace_id = $1 AND {UNUSED}"
    ))
    .bind(admin.workspace().id)
    .bind(at)
    .bind(at - crate::model::lifecycle::UNUSED_DAYS * DAY)
    .fetch_one(pool)
    .await?)
}

/// Revokes one token of an agent of the admin's workspace; effective for the next request.
pub async fn revoke(
    pool: &Pool,
    admin: &Admin,
    agent: &str,
    token_id: i64,
) -> Result<(), DomainError> {
    let ws = admin.workspace().id;
    let agent_id = agents::id_of(pool, ws, agent).await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlaps_are_0_to_720_hours() {
        assert!(overlap(721).is_err() && overlap(-1).is_err());
        assert_eq!(overlap(24), Ok(24));
    }
}
