//! Flows under way at a provider. A flow is created when the browser leaves for the
//! provider, answered once by the callback (which must come from the same browser: a cookie
//! of the flow's own, stored only as its SHA-256), and completed once by that browser back on
//! our own site, where its dashboard session is. Single use at each step: the row is taken
//! with `DELETE ... RETURNING`, so a replayed callback or a second completion finds nothing.

use serde::{Deserialize, Serialize};

use super::protocol::VerifiedIdentity;
use super::SsoError;
use crate::domain::db::Pool;
use crate::domain::keys::digest::sha256_hex;
use crate::domain::now;

/// Why the browser went to the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Sign in (or create the account and join, just in time).
    SignIn,
    /// Link an identity to the signed-in account.
    Link,
    /// Confirm who is at the keyboard before a dangerous action.
    Reauth,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::Link => "link",
            Self::Reauth => "reauth",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "sign_in" => Some(Self::SignIn),
            "link" => Some(Self::Link),
            "reauth" => Some(Self::Reauth),
            _ => None,
        }
    }
}

/// A flow as the start creates it.
pub struct NewFlow<'a> {
    pub provider_id: &'a str,
    pub purpose: Purpose,
    /// The signed-in account (link, re-authentication).
    pub user_id: Option<i64>,
    pub redirect_uri: &'a str,
    /// A path on this site to go on to afterwards.
    pub return_to: &'a str,
    pub state: &'a str,
    pub nonce: &'a str,
    pub pkce_verifier: &'a str,
}

/// What the callback needs to redeem the code.
pub struct Pending {
    pub provider_id: String,
    pub purpose: Purpose,
    pub user_id: Option<i64>,
    pub redirect_uri: String,
    pub return_to: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub started_at: i64,
    pub expires_at: i64,
}

/// A flow the provider answered, ready to complete.
pub struct Answered {
    pub provider_id: String,
    pub purpose: Purpose,
    pub user_id: Option<i64>,
    pub return_to: String,
    pub identity: VerifiedIdentity,
}

/// Stores a new flow bound to `browser` (the flow cookie's value), expiring at `expires_at`.
/// The browser's earlier flow, if any, is replaced.
pub async fn create(
    pool: &Pool,
    flow: &NewFlow<'_>,
    browser: &str,
    expires_at: i64,
) -> Result<(), SsoError> {
    insert(pool, flow, browser, expires_at, None).await
}

/// One row of `sso_flows`: a flow under way (`outcome` none) or answered.
async fn insert(
    pool: &Pool,
    flow: &NewFlow<'_>,
    browser: &str,
    expires_at: i64,
    outcome: Option<&str>,
) -> Result<(), SsoError> {
    let at = now();
    sqlx::query(
        "INSERT INTO sso_flows (state_hash, browser_hash, provider_id, purpose, user_id, \
         redirect_uri, return_to, nonce, pkce_verifier, outcome, expires_at, created_at, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
    )
    .bind(sha256_hex(flow.state.as_bytes()))
    .bind(sha256_hex(browser.as_bytes()))
    .bind(flow.provider_id)
    .bind(flow.purpose.as_str())
    .bind(flow.user_id)
    .bind(flow.redirect_uri)
    .bind(flow.return_to)
    .bind(flow.nonce)
    .bind(flow.pkce_verifier)
    .bind(outcome)
    .bind(expires_at)
    .bind(at)
    .execute(pool)
    .await?;
    Ok(())
}

type PendingRow = (
    String,
    String,
    Option<i64>,
    String,
    String,
    String,
    String,
    i64,
    i64,
);

/// The callback takes the flow of `state` that `browser` started, once. Unknown, replayed,
/// expired or another browser's: `SsoError::State`.
pub async fn take(pool: &Pool, state: &str, browser: &str) -> Result<Pending, SsoError> {
    let row: Option<PendingRow> = sqlx::query_as(
        "DELETE FROM sso_flows WHERE state_hash = $1 AND browser_hash = $2 AND outcome IS NULL \
         RETURNING provider_id, purpose, user_id, redirect_uri, return_to, nonce, pkce_verifier, \
         created_at, expires_at",
    )
    .bind(sha256_hex(state.as_bytes()))
    .bind(sha256_hex(browser.as_bytes()))
    .fetch_optional(pool)
    .await?;
    let (
        provider_id,
        purpose,
        user_id,
        redirect_uri,
        return_to,
        nonce,
        pkce_verifier,
        started_at,
        expires_at,
    ) = row.ok_or(SsoError::State)?;
    let purpose = Purpose::parse(&purpose).ok_or(SsoError::State)?;
    if expires_at <= now() {
        return Err(SsoError::State);
    }
    Ok(Pending {
        provider_id,
        purpose,
        user_id,
        redirect_uri,
        return_to,
        nonce,
        pkce_verifier,
        started_at,
        expires_at,
    })
}

/// The callback verified the provider's answer: the browser completes it on our site. The
/// nonce and the PKCE verifier are not kept: they served their one exchange.
pub async fn answer(
    pool: &Pool,
    state: &str,
    browser: &str,
    pending: &Pending,
    identity: &VerifiedIdentity,
) -> Result<(), SsoError> {
    let outcome = serde_json::to_string(identity)
        .map_err(|e| SsoError::Domain(crate::domain::DomainError::Internal(e.to_string())))?;
    let flow = NewFlow {
        provider_id: &pending.provider_id,
        purpose: pending.purpose,
        user_id: pending.user_id,
        redirect_uri: &pending.redirect_uri,
        return_to: &pending.return_to,
        state,
        nonce: "",
        pkce_verifier: "",
    };
    insert(pool, &flow, browser, pending.expires_at, Some(&outcome)).await
}

type AnsweredRow = (String, String, Option<i64>, String, String, i64);

/// The browser back on our site takes its answered flow, once.
pub async fn complete(pool: &Pool, browser: &str) -> Result<Answered, SsoError> {
    let row: Option<AnsweredRow> = sqlx::query_as(
        "DELETE FROM sso_flows WHERE browser_hash = $1 AND outcome IS NOT NULL \
         RETURNING provider_id, purpose, user_id, return_to, outcome, expires_at",
    )
    .bind(sha256_hex(browser.as_bytes()))
    .fetch_optional(pool)
    .await?;
    let (provider_id, purpose, user_id, return_to, outcome, expires_at) =
        row.ok_or(SsoError::State)?;
    if expires_at <= now() {
        return Err(SsoError::State);
    }
    let purpose = Purpose::parse(&purpose).ok_or(SsoError::State)?;
    let identity: VerifiedIdentity = serde_json::from_str(&outcome).map_err(|_| SsoError::State)?;
    Ok(Answered {
        provider_id,
        purpose,
        user_id,
        return_to,
        identity,
    })
}

/// Removes flows nobody finished; returns how many.
pub async fn delete_expired(pool: &Pool) -> Result<u64, SsoError> {
    let done = sqlx::query("DELETE FROM sso_flows WHERE expires_at < $1")
        .bind(now())
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}
