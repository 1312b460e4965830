//! The dashboard session cookie and what goes with serving it over HTTPS.
//!
//! With `Secure` cookies (production's default) the cookie is named `__Host-vault_session`:
//! browsers then accept it only with `Secure`, `Path=/` and no `Domain`, so a sibling
//! subdomain cannot plant or overwrite it; and every response carries
//! `Strict-Transport-Security` (added with the other security headers, security.rs), so
//! browsers stop trying plain HTTP. Without `Secure`
//! (development, or production with `--insecure-cookies`) it is plain `vault_session`:
//! browsers reject a `__Host-` cookie that is not `Secure`.

use tower_sessions::cookie::time::Duration;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use app::domain::db::Pool;
use app::domain::identity::session_store::DbSessionStore;
use app::state::SessionPolicy;

pub const SESSION_COOKIE: &str = "vault_session";
pub const SECURE_SESSION_COOKIE: &str = "__Host-vault_session";

pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// The session layer: the store's rows and the cookie's `Max-Age` get the policy's store
/// lifetime at each save (sign-in, and a renewal at most once a minute).
pub fn layer(
    pool: Pool,
    policy: &SessionPolicy,
    secure: bool,
) -> SessionManagerLayer<DbSessionStore> {
    SessionManagerLayer::new(DbSessionStore::new(pool))
        .with_name(cookie_name(secure))
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_secure(secure)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(Duration::seconds(
            policy.store_lifetime_seconds(),
        )))
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::header::{SET_COOKIE, STRICT_TRANSPORT_SECURITY};
    use axum::response::Response;
    use axum::routing::get;
    use axum::Router;
    use tower::ServiceExt;
    use tower_sessions::Session;

    use super::*;
    use crate::http::security::HSTS;

    /// A router with only the session layer and the security headers, and a handler that
    /// signs in.
    async fn respond(secure: bool) -> Response {
        let url = "sqlite::memory:";
        let pool = app::domain::db::connect(url, 1).await.unwrap();
        app::domain::db::migrate(&pool, url).await.unwrap();
        let policy = SessionPolicy::from_config(60, 12, 10);
        let router = Router::new()
            .route(
                "/",
                get(|session: Session| async move {
                    session.insert("uid", 1_i64).await.unwrap();
                    "ok"
                }),
            )
            .layer(layer(pool, &policy, secure))
            .layer(axum::middleware::from_fn_with_state(
                secure,
                crate::http::security::security_headers,
            ));
        let req = axum::http::Request::builder()
            .uri("/")
            .body(Body::empty())
            .unwrap();
        router.oneshot(req).await.unwrap()
    }

    #[tokio::test]
    async fn secure_cookies_use_the_host_prefix_and_hsts() {
        let res = respond(true).await;
        let cookie = res.headers()[SET_COOKIE].to_str().unwrap().to_string();
        assert!(cookie.starts_with("__Host-vault_session="), "{cookie}");
        assert!(
            cookie.contains("Secure") && cookie.contains("Path=/"),
            "{cookie}"
        );
        assert!(!cookie.contains("Domain"), "{cookie}");
        assert_eq!(res.headers()[STRICT_TRANSPORT_SECURITY], HSTS);
    }

    #[tokio::test]
    async fn plain_http_development_gets_neither() {
        let res = respond(false).await;
        let cookie = res.headers()[SET_COOKIE].to_str().unwrap().to_string();
        assert!(cookie.starts_with("vault_session="), "{cookie}");
        assert!(!cookie.contains("Secure"), "{cookie}");
        assert!(res.headers().get(STRICT_TRANSPORT_SECURITY).is_none());
    }
}
