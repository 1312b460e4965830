//! The names this server answers to, against DNS rebinding.
//!
//! A page on `evil.example` whose name is re-pointed at 127.0.0.1 reaches a local vault as
//! same-origin to the browser, with `Host: evil.example`. So every request must name one of
//! our own origins: `public_url` (required in production), and in development the bound
//! address and the loopback names on its port. Anything else gets 421. `/healthz` and
//! `/readyz` are exempt, so that load balancers may probe by address; they answer a word or
//! a short reason and nothing else.
//! State-changing requests must also carry one of these origins in `Origin` (security.rs).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::uri::Authority;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::config::{Config, ConfigError, Mode, PublicUrl};

const EXEMPT_PATHS: [&str; 2] = ["/healthz", "/readyz"];

/// The origins this server answers as.
#[derive(Debug, Clone)]
pub struct AllowedHosts(Arc<Vec<PublicUrl>>);

impl AllowedHosts {
    /// From the configuration and the address actually bound (port 0 in tests).
    pub fn new(config: &Config, bound: SocketAddr) -> Result<Self, ConfigError> {
        let mut origins: Vec<PublicUrl> = config.public_url()?.into_iter().collect();
        match config.mode {
            Mode::Production if origins.is_empty() => {
                return Err(ConfigError::Missing(
                    "public_url: set VAULT_PUBLIC_URL to the address users reach, like https://vault.example.com",
                ))
            }
            Mode::Production => {}
            Mode::Development => {
                let port = bound.port();
                if !bound.ip().is_unspecified() {
                    origins.push(PublicUrl::http(bracketed(bound.ip()), port));
                }
                for host in ["localhost", "127.0.0.1", "[::1]"] {
                    origins.push(PublicUrl::http(host.to_string(), port));
                }
            }
        }
        Ok(Self(Arc::new(origins)))
    }

    /// The first origin, for messages: `public_url` when set.
    pub fn primary(&self) -> Option<&PublicUrl> {
        self.0.first()
    }

    fn allows_authority(&self, authority: &Authority) -> bool {
        self.0.iter().any(|o| o.matches_authority(authority))
    }

    /// Whether an `Origin` header value is one of ours (scheme, host and port).
    pub fn allows_origin(&self, origin: &str) -> bool {
        origin
            .parse::<PublicUrl>()
            .is_ok_and(|o| self.0.contains(&o))
    }
}

fn bracketed(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

/// The authority the client asked for: HTTP/2's `:authority`, else the Host header.
fn requested_authority(req: &Request) -> Option<Authority> {
    if let Some(authority) = req.uri().authority() {
        return Some(authority.clone());
    }
    req.headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

pub async fn refuse_unknown_host(
    State(allowed): State<AllowedHosts>,
    req: Request,
    next: Next,
) -> Response {
    let known = requested_authority(&req).is_some_and(|a| allowed.allows_authority(&a));
    if known || EXEMPT_PATHS.contains(&req.uri().path()) {
        return next.run(req).await;
    }
    // An invitation's path carries its token: it is not logged.
    let path = req.uri().path();
    let path = if path.starts_with("/invite/") {
        "/invite/…"
    } else {
        path
    };
    tracing::warn!(
        path,
        "request for a host this server does not serve refused"
    );
    let message = match allowed.primary() {
        Some(origin) => format!("Misdirected request: this server answers only as {origin}.\n"),
        None => "Misdirected request.\n".to_string(),
    };
    (StatusCode::MISDIRECTED_REQUEST, message).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(mode: Mode, public_url: Option<&str>) -> Config {
        let mut config = Config {
            mode,
            ..Config::default()
        };
        config.http.public_url = public_url.map(str::to_string);
        config
    }

    fn authority(s: &str) -> Authority {
        s.parse().unwrap()
    }

    #[test]
    fn development_answers_as_loopback_on_the_bound_port_only() {
        let bound: SocketAddr = "127.0.0.1:4321".parse().unwrap();
        let allowed = AllowedHosts::new(&config(Mode::Development, None), bound).unwrap();
        for ok in [
            "127.0.0.1:4321",
            "localhost:4321",
            "LOCALHOST:4321",
            "[::1]:4321",
        ] {
            assert!(allowed.allows_authority(&authority(ok)), "{ok} refused");
        }
        for bad in [
            "evil.example:4321",
            "127.0.0.1:3000",
            "localhost",
            "evil.example",
        ] {
            assert!(!allowed.allows_authority(&authority(bad)), "{bad} accepted");
        }
        assert!(allowed.allows_origin("http://localhost:4321"));
        assert!(!allowed.allows_origin("https://localhost:4321"));
        assert!(!allowed.allows_origin("http://evil.example:4321"));
        assert!(!allowed.allows_origin("null"));
    }

    #[test]
    fn production_answers_as_its_public_url_only() {
        let bound: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        let production = config(Mode::Production, Some("https://vault.example.com"));
        let allowed = AllowedHosts::new(&production, bound).unwrap();
        assert!(allowed.allows_authority(&authority("vault.example.com")));
        assert!(allowed.allows_authority(&authority("vault.example.com:443")));
        assert!(!allowed.allows_authority(&authority("127.0.0.1:8080")));
        assert!(!allowed.allows_authority(&authority("localhost:8080")));
        assert!(allowed.allows_origin("https://vault.example.com"));
        assert!(!allowed.allows_origin("http://vault.example.com"));
        let err = AllowedHosts::new(&config(Mode::Production, None), bound).unwrap_err();
        assert!(err.to_string().contains("public_url"), "{err}");
    }
}
