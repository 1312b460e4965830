//! `GET /metrics` and the middleware that times every request. Runtime reads are counted by
//! the runtime API (`runtime::refusal::read`); what can only be seen from the outside (a
//! throttled request, a refused sign-in) is counted here from the answer's status.

use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use app::metrics::{Snapshot, CONTENT_TYPE};
use app::state::AppState;

const SIGN_IN_PATH: &str = "/api/auth/login";

/// The `/metrics` route alone, for the main router or a listener of its own.
pub fn routes() -> Router<AppState> {
    Router::new().route("/metrics", get(render))
}

async fn render(State(state): State<AppState>) -> Response {
    let text = state.metrics.render(Snapshot {
        audit_queued: state.audit.queued(),
        pool_size: state.pool.size(),
        pool_idle: state.pool.num_idle(),
    });
    ([(header::CONTENT_TYPE, CONTENT_TYPE)], text).into_response()
}

/// The kind of route a path belongs to: a fixed set, never the path itself.
fn route_of(path: &str) -> &'static str {
    if path.starts_with("/v1/") {
        "runtime"
    } else if path.starts_with("/api/") {
        "server_fn"
    } else if path.starts_with("/pkg/") {
        "asset"
    } else if matches!(path, "/healthz" | "/readyz" | "/metrics") {
        "health"
    } else {
        "page"
    }
}

/// Times the request; counts throttled runtime reads and refused sign-ins.
pub async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let path = req.uri().path();
    let (route, sign_in) = (route_of(path), path == SIGN_IN_PATH);
    let vault_api = path.starts_with("/v1/secret/");
    let res = next.run(req).await;
    let status = res.status();
    let metrics = &state.metrics;
    metrics.request(route, status.as_u16(), started.elapsed().as_secs_f64());
    match (route, status) {
        ("runtime", StatusCode::TOO_MANY_REQUESTS) => {
            metrics.runtime_read(if vault_api { "vault" } else { "native" }, "throttled")
        }
        (_, StatusCode::UNAUTHORIZED) if sign_in => metrics.sign_in_refused("credentials"),
        (_, StatusCode::TOO_MANY_REQUESTS) if sign_in => metrics.sign_in_refused("throttled"),
        _ => {}
    }
    res
}

#[cfg(test)]
mod tests {
    use super::route_of;

    #[test]
    fn paths_map_to_a_fixed_set_of_routes() {
        assert_eq!(route_of("/v1/secrets/stripe_api_key"), "runtime");
        assert_eq!(route_of("/v1/secret/data/x"), "runtime");
        assert_eq!(route_of("/api/secrets/list"), "server_fn");
        assert_eq!(route_of("/pkg/vault.wasm"), "asset");
        assert_eq!(route_of("/healthz"), "health");
        assert_eq!(route_of("/w/acme/secret/stripe_api_key"), "page");
    }
}
