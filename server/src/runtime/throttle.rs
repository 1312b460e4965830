//! Throttling of both runtime APIs (`/v1`), before any database lookup.
//!
//! A leaked or revoked token must not buy unlimited requests (each refusal costs a query and
//! an audit row). Requests that carry a well-formed token are limited per token (keyed by its
//! SHA-256 hash, never the token itself); the others per client network (the address, or its
//! /64 for IPv6, which one host usually holds whole). A well-formed token that turns out to be
//! unknown is charged to its network too, so that guessing with fresh random tokens meets the
//! network's limit; once that is spent, the network's unknown tokens and requests without a
//! token are refused until the refill.
//!
//! A known token is never refused for someone else's failures: agents behind one NAT or proxy
//! share an address. So a spent network's requests with a well-formed token are still looked
//! up (one indexed query, no audit row for an unknown token), and only the unknown ones get
//! the `429`.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use app::domain::admin::token_identity as tokens;

use app::domain::limits::{Rate, Throttle, Wait};

use super::credentials::agent_token;
use super::refused::UnknownToken;
use crate::http::client_addr::ClientAddr;

/// How an API words a `429`: each runtime API layers [`throttle`] with its own error type, so
/// that a client is refused in the protocol it speaks.
pub trait Words {
    fn rate_limited(wait: Wait) -> Response;
}

#[derive(Clone)]
pub struct RuntimeThrottle {
    per_token: Throttle<String>,
    per_address: Throttle<IpAddr>,
    /// Networks (see [`network`]) that spent their allowance on unknown tokens, until when.
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

/// The network a client address is counted in: an IPv4 address itself, an IPv6 address's
/// /64 (an IPv4-mapped one as its IPv4 address).
pub fn network(client: IpAddr) -> IpAddr {
    match client {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1))),
        },
    }
}

fn well_formed_token(req: &Request) -> Option<&str> {
    agent_token(req.headers()).filter(|t| tokens::looks_like_token(t))
}

/// The throttle in front of one API, which words its refusals (`W`).
pub async fn throttle<W: Words>(
    State(throttle): State<RuntimeThrottle>,
    req: Request,
    next: Next,
) -> Response {
    let Some(&ClientAddr(client)) = req.extensions().get::<ClientAddr>() else {
        tracing::error!("runtime request without a resolved client address");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let net = network(client);
    let spent = throttle.refused_until(net);
    let keyed_by_token = match well_formed_token(&req) {
        Some(token) => {
            if let Err(wait) = throttle.per_token.check(&tokens::hash(token)) {
                tracing::warn!(client = %client, "runtime API: token over its limit");
                return W::rate_limited(wait);
            }
            true
        }
        None => {
            if let Some(wait) = spent {
                return W::rate_limited(wait);
            }
            if let Err(wait) = throttle.per_address.check(&net) {
                return W::rate_limited(wait);
            }
            false
        }
    };
    let res = next.run(req).await;
    if keyed_by_token && res.extensions().get::<UnknownToken>().is_some() {
        if let Some(wait) = spent {
            return W::rate_limited(wait);
        }
        if let Err(wait) = throttle.charge_unknown(net) {
            return W::rate_limited(wait);
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_are_counted_per_64_and_ipv4_per_address() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff:1:2:3".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(network(a), network(b));
        assert_eq!(network(a), "2001:db8:1:2::".parse::<IpAddr>().unwrap());
        assert_ne!(network(a), network(other));
        let v4: IpAddr = "203.0.113.7".parse().unwrap();
        assert_eq!(network(v4), v4);
        let mapped: IpAddr = "::ffff:203.0.113.7".parse().unwrap();
        assert_eq!(network(mapped), v4);
    }
}
