//! How an agent presents its token: `Authorization: Bearer <token>`, or `X-Vault-Token`
//! as Vault clients send it. Vault accepts both, the header first; so do both our APIs.

use axum::http::{header, HeaderMap};

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
