//! Throttling of both runtime APIs (`/v1`), before any database lookup.
//!
//! A leaked or revoked token must not buy unlimited requests (each refusal costs a query and
//! an audit row). Requests that carry a well-formed token are limited per token (keyed by its
//! SHA-256 hash, never the token itself); the others per client address. A well-formed token
//! that turns out to be unknown is charged to its client address too, so that guessing with
//! fresh random tokens meets the address's limit; once that is spent, the address is refused
//! outright until the refill, whatever token it sends.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use app::domain::admin::token_identity as tokens;

use super::credentials::agent_token;
use super::rest::ApiError;
use super::vault::{self, reply::VaultError};
use crate::client_addr::ClientAddr;
use crate::rate_limit::{Rate, Throttle, Wait};

/// Set on a response by the runtime handlers when the bearer token matched no token at all.
#[derive(Debug, Clone, Copy)]
pub struct UnknownToken;

#[derive(Clone)]
pub struct RuntimeThrottle {
    per_token: Throttle<String>,
    per_address: Throttle<IpAddr>,
    /// Addresses that spent their allowance on unknown tokens, until when.
    refused: Arc<Mutex<HashMap<IpAddr, Instant>>>,
}

impl RuntimeThrottle {
    pub fn new(rate: Rate, burst: u32) -> Self {
        Self {
            per_token: Throttle::new(rate, burst),
            per_address: Throttle::new(rate, burst),
            refused: Arc::default(),
        }
    }

    pub fn forget_idle(&self) {
        self.per_token.forget_idle();
        self.per_address.forget_idle();
        let now = Instant::now();
        if let Ok(mut refused) = self.refused.lock() {
            refused.retain(|_, until| *until > now);
        }
    }

    fn refused_until(&self, client: IpAddr) -> Option<Wait> {
        let now = Instant::now();
        let refused = self.refused.lock().ok()?;
        refused
            .get(&client)
            .filter(|until| **until > now)
            .map(|until| Wait(*until - now))
    }

    /// Charges an unknown token to its client address; past the allowance, the address is
    /// refused until the refill.
    fn charge_unknown(&self, client: IpAddr) -> Result<(), Wait> {
        self.per_address.check(&client).inspect_err(|wait| {
            tracing::warn!(client = %client, "runtime API: too many unknown tokens from this address");
            if let Ok(mut refused) = self.refused.lock() {
                refused.insert(client, Instant::now() + wait.0);
            }
        })
    }
}

fn well_formed_token(req: &Request) -> Option<&str> {
    agent_token(req.headers()).filter(|t| tokens::looks_like_token(t))
}

/// 429 in the words of the API that was called.
fn rate_limited(wait: Wait, vault: bool) -> Response {
    if vault {
        VaultError::RateLimited(wait).into_response()
    } else {
        ApiError::RateLimited(wait).into_response()
    }
}

pub async fn throttle(
    State(throttle): State<RuntimeThrottle>,
    req: Request,
    next: Next,
) -> Response {
    let Some(&ClientAddr(client)) = req.extensions().get::<ClientAddr>() else {
        tracing::error!("runtime request without a resolved client address");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let vault = vault::is_vault_path(req.uri().path());
    if let Some(wait) = throttle.refused_until(client) {
        return rate_limited(wait, vault);
    }
    let keyed_by_token = match well_formed_token(&req) {
        Some(token) => {
            if let Err(wait) = throttle.per_token.check(&tokens::hash(token)) {
                tracing::warn!(client = %client, "runtime API: token over its limit");
                return rate_limited(wait, vault);
            }
            true
        }
        None => {
            if let Err(wait) = throttle.per_address.check(&client) {
                return rate_limited(wait, vault);
            }
            false
        }
    };
    let res = next.run(req).await;
    if keyed_by_token && res.extensions().get::<UnknownToken>().is_some() {
        if let Err(wait) = throttle.charge_unknown(client) {
            return rate_limited(wait, vault);
        }
    }
    res
}
