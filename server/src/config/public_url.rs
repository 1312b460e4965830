//! The public URL: the one origin (scheme, host, port) users reach the server by.

use std::str::FromStr;

use axum::http::uri::{Authority, Uri};

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
    pub(crate) fn http(host: String, port: u16) -> Self {
        Self {
            scheme: "http",
            host,
            port,
        }
    }

    /// `host` or `host:port`, as a Host header would name this origin.
    pub(crate) fn matches_authority(&self, authority: &Authority) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
