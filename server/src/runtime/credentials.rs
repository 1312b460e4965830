//! How an agent presents its token: `Authorization: Bearer <token>`, or `X-Vault-Token`
//! as Vault clients send it. Vault accepts both, the header first; so do both our APIs.
//!
//! A handler gets the token only as a [`Credential`], an axum extractor, and the audited read
//! and the agent lookup (`refusal`) take nothing else: a handler that reads or names an agent
//! cannot skip authentication, and cannot read the token from somewhere else.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};

/// What the agent presented: its token, well-formed or not, or nothing (refused as
/// `no_token` by whoever needs the agent, after the request's own checks, such as the
/// name rule, have answered).
#[derive(Debug)]
pub struct Credential(Option<String>);

impl Credential {
    /// The token as sent, for the lookup (and for the one answer that echoes it to its
    /// owner, Vault's `lookup-self`).
    pub fn token(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Credential {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(agent_token(&parts.headers).map(str::to_string)))
    }
}

/// The agent token a request carries, well-formed or not.
pub fn agent_token(headers: &HeaderMap) -> Option<&str> {
    if let Some(token) = headers.get("x-vault-token") {
        return token.to_str().ok().map(str::trim);
    }
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn the_vault_header_comes_first_then_bearer() {
        let mut headers = HeaderMap::new();
        assert_eq!(agent_token(&headers), None);
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer sv_b"),
        );
        assert_eq!(agent_token(&headers), Some("sv_b"));
        headers.insert("x-vault-token", HeaderValue::from_static("sv_v"));
        assert_eq!(agent_token(&headers), Some("sv_v"));
        let mut basic = HeaderMap::new();
        basic.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(agent_token(&basic), None);
    }
}
