//! The client's address for throttling and logs.
//!
//! `X-Forwarded-For` is anyone's to write, so it is believed only when the TCP peer is one of
//! the configured `trusted_proxies`; then the client is the right-most hop that is not a
//! trusted proxy. Otherwise the client is the TCP peer, whatever the headers say.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;

/// The resolved client address, put in the request's extensions by [`resolve`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

#[derive(Clone, Default)]
pub struct TrustedProxies(Arc<Vec<IpAddr>>);

impl TrustedProxies {
    pub fn new(proxies: Vec<IpAddr>) -> Self {
        Self(Arc::new(proxies.into_iter().map(canonical).collect()))
    }

    fn trusts(&self, addr: IpAddr) -> bool {
        self.0.contains(&canonical(addr))
    }

    /// The client behind `peer`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = canonical(peer);
        if !self.trusts(client) {
            return client;
        }
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect();
        for hop in hops.iter().rev() {
            let Some(addr) = parse_hop(hop) else {
                // A hop we cannot read: the last proxy we trust is as far as we can see.
                break;
            };
            client = addr;
            if !self.trusts(addr) {
                break;
            }
        }
        client
    }
}

/// `203.0.113.7`, `203.0.113.7:5000`, `2001:db8::1` or `[2001:db8::1]:5000`.
fn parse_hop(raw: &str) -> Option<IpAddr> {
    let raw = raw.trim();
    raw.parse::<IpAddr>()
        .ok()
        .or_else(|| raw.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .map(canonical)
}

/// IPv4 peers on a dual-stack socket arrive as `::ffff:a.b.c.d`; key them as IPv4.
fn canonical(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// Middleware: resolves the client address once for every layer and handler below.
pub async fn resolve(
    State(proxies): State<TrustedProxies>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut req: Request,
    next: Next,
) -> Response {
    let client = proxies.client(peer.ip(), req.headers());
    req.extensions_mut().insert(ClientAddr(client));
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn xff(values: &[&'static str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn an_untrusted_peer_cannot_choose_its_address() {
        let proxies = TrustedProxies::new(vec![ip("10.0.0.1")]);
        let client = proxies.client(ip("198.51.100.9"), &xff(&["203.0.113.7"]));
        assert_eq!(client, ip("198.51.100.9"));
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("127.0.0.1"), &xff(&["203.0.113.7"])),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_hop_is_the_client() {
        let proxies = TrustedProxies::new(vec![ip("10.0.0.1"), ip("10.0.0.2")]);
        // The client forged a first entry; the proxies appended what they saw.
        let headers = xff(&["1.1.1.1, 203.0.113.7", "10.0.0.2"]);
        assert_eq!(proxies.client(ip("10.0.0.1"), &headers), ip("203.0.113.7"));
        assert_eq!(
            proxies.client(ip("::ffff:10.0.0.1"), &xff(&["[2001:db8::1]:443"])),
            ip("2001:db8::1")
        );
    }

    #[test]
    fn a_trusted_peer_without_a_readable_header_is_the_client() {
        let proxies = TrustedProxies::new(vec![ip("10.0.0.1")]);
        assert_eq!(proxies.client(ip("10.0.0.1"), &xff(&[])), ip("10.0.0.1"));
        assert_eq!(
            proxies.client(ip("10.0.0.1"), &xff(&["203.0.113.7, garbage"])),
            ip("10.0.0.1")
        );
    }
}
