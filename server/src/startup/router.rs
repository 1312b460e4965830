//! The axum router: Leptos pages and server functions, sessions, security layers.

use std::sync::OnceLock;

use axum::middleware;
use axum::Router;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};

use app::app::{shell, App};
use app::state::AppState;

use tower_http::limit::RequestBodyLimitLayer;

use crate::http::{client_addr, hosts, ready, security, session_cookie, sign_in_throttle};
use crate::startup::guards::{Guards, MAX_BODY_BYTES};
use crate::startup::shutdown::Shutdown;

/// The app's routes, generated once per process. Generating them sets a process-wide flag
/// in Leptos that parks every resource first polled meanwhile, forever (leptos issue #4773):
/// a second server built in the same process (the tests build one per test) would hang a
/// page another server was rendering at that moment.
pub fn routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The whole app. `/metrics` is served here when `metrics_here`, else on a listener of its
/// own (see `serve`).
pub fn build(
    state: AppState,
    secure_cookies: bool,
    guards: Guards,
    shutdown: Shutdown,
    metrics_here: bool,
) -> Router {
    let routes = routes();
    let site_root = std::path::Path::new(state.leptos_options.site_root.as_ref());
    let sessions = session_cookie::layer(state.pool.clone(), &state.sessions, secure_cookies);

    let metrics = if metrics_here {
        crate::http::metrics::routes()
    } else {
        Router::new()
    };
    // The dashboard: pages, server functions and the export, with sessions, CSRF defence,
    // the sign-in throttle and the change hook.
    let dashboard = Router::new()
        .route(
            "/export/{ws}/audit",
            axum::routing::get(crate::http::export::audit),
        )
        .merge(crate::http::sso::routes(guards.sso.clone()))
        .leptos_routes_with_context(&state, routes, || (), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(sessions)
        .layer(middleware::from_fn(
            crate::http::form_errors::drop_foreign_form_errors,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::http::changes::apply_at_once,
        ))
        .layer(middleware::from_fn_with_state(
            guards.hosts.clone(),
            security::refuse_cross_site,
        ))
        .layer(middleware::from_fn_with_state(
            guards.sign_in,
            sign_in_throttle::throttle_sign_in,
        ))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES));
    // The runtime API, health, metrics and static files carry no session: agents present a
    // token, and nothing there reads a cookie or changes what the dashboard shows. Every
    // request still has its client address resolved, its Host checked, the security headers
    // and its metrics.
    Router::new()
        .merge(ready::routes(
            state.pool.clone(),
            state.disk.clone(),
            shutdown,
        ))
        .merge(metrics)
        .merge(crate::runtime::routes(guards.runtime))
        .merge(crate::http::assets::routes(site_root))
        .merge(dashboard)
        .layer(middleware::from_fn_with_state(
            guards.proxies,
            client_addr::resolve,
        ))
        .layer(middleware::from_fn_with_state(
            guards.hosts,
            hosts::refuse_unknown_host,
        ))
        .layer(middleware::from_fn_with_state(
            secure_cookies,
            security::security_headers,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::http::metrics::observe,
        ))
        .with_state(state)
}
