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
use std::str::FromStr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::uri::{Authority, Uri};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::config::{Config, ConfigError, Mode};

const EXEMPT_PATHS: [&str; 2] = ["/healthz", "/readyz"];

#[derive(Debug, thiserror::Error)]
#[error("public_url {0:?} must look like https://vault.example.com or http://host:port (no path)")]
pub struct PublicUrlError(String);

/// An origin: scheme, lowercase host (IPv6 in brackets) and port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    scheme: &'static str,
    host: String,
    port: u16,
}

fn default_port(scheme: &str) -> u16 {
    if scheme == "https" {
        443
    } else {
        80
    }
}

impl PublicUrl {
    fn http(host: String, port: u16) -> Self {
        Self {
            scheme: "http",
            host,
            port,
        }
    }

    /// `host` or `host:port`, as a Host header would name this origin.
    fn matches_authority(&self, authority: &Authority) -> bool {
        authority.host().eq_ignore_ascii_case(&self.host)
            && authority.port_u16().unwrap_or(default_port(self.scheme)) == self.port
    }
}

impl std::fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}://{}", self.scheme, self.host)?;
        if self.port != default_port(self.scheme) {
            write!(f, ":{}", self.port)?;
        }
        Ok(())
    }
}

impl FromStr for PublicUrl {
    type Err = PublicUrlError;

    /// `scheme://host[:port]` with an optional trailing `/`; also how an `Origin` is read.
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let bad = || PublicUrlError(raw.to_string());
        let uri: Uri = raw.trim().parse().map_err(|_| bad())?;
        let scheme = match uri.scheme_str() {
            Some(s) if s.eq_ignore_ascii_case("https") => "https",
            Some(s) if s.eq_ignore_ascii_case("http") => "http",
            _ => return Err(bad()),
        };
        let authority = uri.authority().ok_or_else(bad)?;
        let path_ok = matches!(uri.path(), "" | "/") && uri.query().is_none();
        if !path_ok || authority.as_str().contains('@') || authority.host().is_empty() {
            return Err(bad());
        }
        Ok(Self {
            scheme,
            host: authority.host().to_ascii_lowercase(),
            port: authority.port_u16().unwrap_or(default_port(scheme)),
        })
    }
}

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
    tracing::warn!(path = %req.uri().path(), "request for a host this server does not serve refused");
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
        Config {
            mode,
            public_url: public_url.map(str::to_string),
            ..Config::default()
        }
    }

    fn authority(s: &str) -> Authority {
        s.parse().unwrap()
    }

    #[test]
    fn public_urls_parse_to_origins() {
        let url: PublicUrl = "HTTPS://Vault.Example.com/".parse().unwrap();
        assert_eq!(url.to_string(), "https://vault.example.com");
        assert_eq!(url.port, 443);
        let url: PublicUrl = "http://[::1]:3000".parse().unwrap();
        assert_eq!(url.to_string(), "http://[::1]:3000");
        for bad in [
            "vault.example.com",
            "ftp://vault.example.com",
            "https://vault.example.com/app",
            "https://user@vault.example.com",
            "https://vault.example.com/?q=1",
        ] {
            assert!(bad.parse::<PublicUrl>().is_err(), "{bad:?} accepted");
        }
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
