//! The APIs agents call with their own token, under `/v1`:
//! - `rest`: our runtime API, `GET /v1/secrets/{name}` and `GET /v1/secrets`;
//! - `vault`: the read side of HashiCorp Vault's KV version 2 engine at `/v1/secret/`, plus
//!   the token, health and mount endpoints Vault clients ask first.
//!
//! The agent's workspace comes from its token, never from the request. Every read and every
//! refusal of a known token is audited (`refusal`); values never reach a log. Both APIs sit
//! behind one throttle (`throttle`) and a small body limit. `/v1/openapi.json` describes
//! both, generated from the handlers and their body types (`openapi`, `wire`, `vault::wire`).

pub mod credentials;
pub mod openapi;
pub mod refusal;
pub mod rest;
pub mod throttle;
pub mod vault;
pub mod wire;

use axum::http::{header, HeaderValue, Method};
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;

use app::domain::secrets::value;
use app::state::AppState;

use throttle::RuntimeThrottle;

/// Agents send no bodies; anything bigger than this is refused with 413 before a handler.
const MAX_BODY_BYTES: usize = 16 * 1024;

/// Every `/v1` route, behind the throttle and a small body limit.
pub fn routes(throttle: RuntimeThrottle) -> Router<AppState> {
    Router::new()
        .merge(rest::routes())
        .merge(vault::routes())
        .layer(axum::middleware::from_fn(close_after_writes))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            throttle,
            throttle::throttle,
        ))
}

/// Agents only read: a request of any other method is refused without its body being read,
/// and the server then closes the connection. `Connection: close` says so, so that a client
/// does not send its next request on a connection about to close (and lose it).
async fn close_after_writes(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let reads = matches!(req.method(), &Method::GET | &Method::HEAD);
    let mut res = next.run(req).await;
    if !reads {
        res.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    res
}

/// The name rule of the dashboard, checked before any query: a name that breaks it names no
/// secret, and it must not reach the database or the audit log.
pub(crate) fn check_name(name: &str) -> Result<(), ()> {
    match value::check_name(name) {
        Ok(clean) if clean == name => Ok(()),
        _ => Err(()),
    }
}

/// What an expired secret's read says, in the answer's `Warning` header (and in a Vault
/// answer's `warnings`): the value is still served, so that production does not break at
/// midnight, but the caller is told.
pub(crate) fn expired_warning(name: &str, expired_at: i64) -> String {
    let day = time::OffsetDateTime::from_unix_timestamp(expired_at)
        .map(|t| t.date().to_string())
        .unwrap_or_default();
    format!("secret {name} expired on {day}; replace it")
}

/// `Warning: 299 - "..."` (RFC 7234's miscellaneous persistent warning).
pub(crate) fn warning_header(text: &str) -> Option<axum::http::HeaderValue> {
    axum::http::HeaderValue::from_str(&format!("299 - \"{text}\"")).ok()
}
