//! The axum router: Leptos pages and server functions, sessions, security layers.

use axum::middleware;
use axum::Router;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_sessions::cookie::time::Duration;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use app::app::{shell, App};
use app::domain::session_store::DbSessionStore;
use app::state::AppState;

use crate::rate_limit::{self, SignInLimiter};
use crate::security;

pub const SESSION_COOKIE: &str = "vault_session";

pub fn build(state: AppState, secure_cookies: bool, sign_in: SignInLimiter) -> Router {
    let routes = generate_route_list(App);
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.pool.clone()))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_secure(secure_cookies)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(Duration::seconds(
            state.sessions.idle_seconds,
        )));

    Router::new()
        .route("/healthz", axum::routing::get(|| async { "ok" }))
        .merge(crate::runtime::routes())
        .route(
            "/export/{ws}/audit",
            axum::routing::get(crate::export::audit),
        )
        .leptos_routes_with_context(&state, routes, || (), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(sessions)
        .layer(middleware::from_fn(security::refuse_cross_site))
        .layer(middleware::from_fn_with_state(
            sign_in,
            rate_limit::throttle_sign_in,
        ))
        .layer(middleware::from_fn(security::security_headers))
        .with_state(state)
}
