//! The APIs agents call with their own token, under `/v1`:
//! - `rest`: our runtime API, `GET /v1/secrets/{name}` and `GET /v1/secrets`;
//! - `vault`: the read side of HashiCorp Vault's KV version 2 engine at `/v1/secret/`, plus
//!   the token, health and mount endpoints Vault clients ask first.
//!
//! The agent's workspace comes from its token, never from the request. Every read and every
//! refusal of a known token is audited (`refusal`); values never reach a log. Both APIs sit
//! behind one throttle (`throttle`, worded in each API's protocol) and a small body limit.
//! `/v1/openapi.json` describes both: each endpoint is registered once, with its document
//! (`openapi`, `wire`, `vault::wire`).
//!
//! A handler meets the agent only through the `Credential` extractor (`credentials`), which
//! the audited read and the agent lookup (`refusal`) require; `refused` says why a request was
//! refused, before each API words it; `names` holds the name rule and the expiry warning.
//!
//! May import: `config`, `http` (the client address), the `app` crate. Not `startup` or `cli`.

mod credentials;
mod names;
mod openapi;
mod refusal;
mod refused;
mod rest;
pub mod throttle;
mod vault;
mod wire;

use axum::http::{header, HeaderValue, Method};
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use app::state::AppState;

use throttle::RuntimeThrottle;

/// Agents send no bodies; anything bigger than this is refused with 413 before a handler.
const MAX_BODY_BYTES: usize = 16 * 1024;

/// Every `/v1` route, each API behind the throttle (worded in its protocol), all behind a
/// small body limit; and the document of them all at `/v1/openapi.json`.
pub fn routes(throttle: RuntimeThrottle) -> Router<AppState> {
    let (router, document) = documented(throttle.clone());
    let document = Router::new()
        .route(
            "/v1/openapi.json",
            openapi::route(openapi::document(document)),
        )
        .layer(axum::middleware::from_fn_with_state(
            throttle,
            throttle::throttle::<rest::ApiError>,
        ));
    router
        .merge(document)
        .layer(axum::middleware::from_fn(close_after_writes))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
}

/// Both APIs' routes and the document their registrations made.
fn documented(throttle: RuntimeThrottle) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(rest::routes(throttle.clone()))
        .merge(vault::routes(throttle))
        .split_for_parts()
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

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::limits::Rate;

    #[test]
    fn the_document_has_every_registered_endpoint_with_its_bodies() {
        let (_, doc) = documented(RuntimeThrottle::new(Rate::per_second(1), 1));
        let doc: serde_json::Value = serde_json::from_str(&openapi::document(doc)).unwrap();
        let paths = doc["paths"].as_object().unwrap();
        assert_eq!(paths.len(), 9, "{:?}", paths.keys());
        for (path, item) in paths {
            assert!(item["get"].is_object(), "{path} has no GET");
            assert!(
                !path.contains('*'),
                "{path}: a catch-all is a plain parameter in OpenAPI"
            );
        }
        assert!(paths.contains_key("/v1/secret/data/{name}"));
        let schemas = &doc["components"]["schemas"];
        for schema in [
            "SecretRead",
            "ErrorBody",
            "KvRead",
            "KvMetadata",
            "TokenLookup",
            "VaultErrors",
        ] {
            assert!(schemas[schema].is_object(), "{schema} is missing");
        }
        assert_eq!(
            schemas["SecretRead"]["required"],
            serde_json::json!(["name", "version", "value"])
        );
    }
}
