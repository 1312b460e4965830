//! The cookie that binds a flow to the browser that started it. `SameSite=Lax`, unlike the
//! session cookie: the provider's redirect back is a cross-site navigation, which carries Lax
//! cookies and not Strict ones. It holds a random value; the database only its SHA-256.

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use rand::RngCore;

const NAME: &str = "vault_sso";
const SECURE_NAME: &str = "__Host-vault_sso";

/// How the flow cookie is written, and the public address callbacks are built on.
#[derive(Debug, Clone)]
pub struct FlowCookie {
    secure: bool,
    /// `public_url` when configured; otherwise the request's own Host (checked by `hosts`).
    public_url: Option<String>,
}

impl FlowCookie {
    pub fn new(secure: bool, public_url: Option<String>) -> Self {
        Self { secure, public_url }
    }

    fn name(&self) -> &'static str {
        if self.secure {
            SECURE_NAME
        } else {
            NAME
        }
    }

    /// A new random value for a new flow.
    pub fn fresh() -> String {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        app::domain::keys::digest::hex(&bytes)
    }

    /// The `Set-Cookie` header for `value`, living `seconds`.
    pub fn set(&self, value: &str, seconds: i64) -> Option<(axum::http::HeaderName, HeaderValue)> {
        let secure = if self.secure { "; Secure" } else { "" };
        let raw = format!(
            "{}={value}; Path=/; Max-Age={seconds}; HttpOnly; SameSite=Lax{secure}",
            self.name()
        );
        HeaderValue::from_str(&raw).ok().map(|v| (SET_COOKIE, v))
    }

    /// The `Set-Cookie` header that removes it.
    pub fn clear(&self) -> Option<(axum::http::HeaderName, HeaderValue)> {
        self.set("", 0)
    }

    /// The cookie's value in a request.
    pub fn read(&self, headers: &HeaderMap) -> Option<String> {
        let name = self.name();
        headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(k, v)| *k == name && !v.is_empty())
            .map(|(_, v)| v.to_string())
    }

    /// `{public address}/auth/oidc/{id}/callback`.
    pub fn redirect_uri(&self, headers: &HeaderMap, provider: &str) -> Option<String> {
        let base = match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => {
                let host = headers.get(axum::http::header::HOST)?.to_str().ok()?;
                let scheme = if self.secure { "https" } else { "http" };
                format!("{scheme}://{host}")
            }
        };
        Some(format!("{base}/auth/oidc/{provider}/callback"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_lax_http_only_and_read_back_by_name() {
        let cookie = FlowCookie::new(true, Some("https://vault.example.com/".into()));
        let (_, set) = cookie.set("abc", 600).unwrap();
        let set = set.to_str().unwrap();
        assert!(set.starts_with("__Host-vault_sso=abc;"), "{set}");
        assert!(set.contains("SameSite=Lax") && set.contains("HttpOnly") && set.contains("Secure"));
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_static("vault_sso=x; __Host-vault_sso=abc"),
        );
        assert_eq!(cookie.read(&headers).as_deref(), Some("abc"));
        assert_eq!(
            cookie.redirect_uri(&headers, "acme").as_deref(),
            Some("https://vault.example.com/auth/oidc/acme/callback")
        );
    }
}
