//! Cross-site request defence and security headers for the dashboard.
//!
//! Sessions use `SameSite=Strict` cookies; on top of that, any state-changing request
//! that a browser marks as cross-site (Sec-Fetch-Site), or whose Origin is not one of our own
//! origins (hosts.rs; never the request's own Host header, which a rebinding page controls),
//! is refused.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::http::hosts::AllowedHosts;

/// `Strict-Transport-Security` whenever cookies are `Secure`: two years, subdomains too.
pub const HSTS: &str = "max-age=63072000; includeSubDomains";

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether a browser says this request comes from another site.
fn is_cross_site(headers: &HeaderMap, allowed: &AllowedHosts) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if !matches!(site, "same-origin" | "none") {
            return true;
        }
    }
    match headers.get(header::ORIGIN).map(|v| v.to_str()) {
        None => false,
        Some(Err(_)) => true,
        // "null", another site, or a scheme or port we do not serve.
        Some(Ok(origin)) => !allowed.allows_origin(origin),
    }
}

pub async fn refuse_cross_site(
    State(allowed): State<AllowedHosts>,
    req: Request,
    next: Next,
) -> Response {
    if !is_safe(req.method()) && is_cross_site(req.headers(), &allowed) {
        tracing::warn!(path = %req.uri().path(), "cross-site request refused");
        return (StatusCode::FORBIDDEN, "Cross-site request refused.").into_response();
    }
    next.run(req).await
}

/// Headers on every response. `https` (the `Secure` cookie setting: the site is served over
/// HTTPS) adds `Strict-Transport-Security`, so browsers stop trying plain HTTP.
pub async fn security_headers(
    State(https): State<bool>,
    req: Request<Body>,
    next: Next,
) -> Response {
    let static_asset = req
        .uri()
        .path()
        .strip_prefix(crate::http::assets::PREFIX)
        .is_some_and(|rest| rest.starts_with('/'));
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if https {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    // Pages set a stricter policy with a per-response script nonce (app::csp); this is the
    // floor for everything else.
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(
            "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'",
        ));
    if !static_asset {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use super::*;
    use crate::config::Config;

    fn allowed() -> AllowedHosts {
        let bound: SocketAddr = "127.0.0.1:3000".parse().unwrap();
        AllowedHosts::new(&Config::default(), bound).unwrap()
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn same_origin_posts_pass() {
        assert!(!is_cross_site(
            &headers(&[
                ("host", "127.0.0.1:3000"),
                ("origin", "http://127.0.0.1:3000")
            ]),
            &allowed()
        ));
        assert!(!is_cross_site(
            &headers(&[("host", "vault.example"), ("sec-fetch-site", "same-origin")]),
            &allowed()
        ));
    }

    #[test]
    fn cross_site_posts_are_caught() {
        assert!(is_cross_site(
            &headers(&[
                ("host", "127.0.0.1:3000"),
                ("origin", "http://evil.example")
            ]),
            &allowed()
        ));
        assert!(is_cross_site(
            &headers(&[("host", "127.0.0.1:3000"), ("origin", "null")]),
            &allowed()
        ));
        assert!(is_cross_site(
            &headers(&[("host", "vault.example"), ("sec-fetch-site", "cross-site")]),
            &allowed()
        ));
    }

    #[test]
    fn an_origin_that_matches_only_its_own_host_header_is_cross_site() {
        // DNS rebinding: the attacker's page names itself in both headers.
        assert!(is_cross_site(
            &headers(&[
                ("host", "evil.example:3000"),
                ("origin", "http://evil.example:3000")
            ]),
            &allowed()
        ));
    }
}
