//! `/v1/openapi.json`: the OpenAPI document of both runtime APIs. Each endpoint is registered
//! once, with its `#[utoipa::path]` (utoipa-axum's `routes!`), which gives both its route and
//! its part of this document: a route without a document, or a document without a route,
//! cannot be written. This module adds what the whole document says (title, token schemes,
//! tags) and serves it.

use axum::body::Bytes;
use axum::http::header;
use axum::routing::{get, MethodRouter};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Secrets Vault runtime API",
        version = "1.0.0",
        description = "Agents read the secrets they were granted, by name, with their own token. \
            The agent's workspace comes from its token. Grant changes apply to the very next \
            request. Every read and refusal is audited. Two protocols: our own (`runtime`), and \
            the read side of HashiCorp Vault's KV version 2 engine mounted at `secret/` \
            (`vault`), so that existing Vault clients work unchanged."
    ),
    modifiers(&TokenSchemes),
    tags(
        (name = "runtime", description = "Our own runtime API."),
        (name = "vault", description = "Vault KV v2-compatible reads; writes answer 405."),
    )
)]
pub struct ApiDoc;

/// How an agent presents its token: `Authorization: Bearer` or Vault's `X-Vault-Token`.
struct TokenSchemes;

impl Modify for TokenSchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "agent_token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "vault_token",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-Vault-Token"))),
        );
    }
}

/// The finished document as JSON. An axum catch-all (`{*name}`: the rest of the path) is an
/// ordinary path parameter to OpenAPI (`{name}`).
pub fn document(mut doc: utoipa::openapi::OpenApi) -> String {
    let paths = std::mem::take(&mut doc.paths.paths);
    doc.paths.paths = paths
        .into_iter()
        .map(|(path, item)| (path.replace("{*", "{"), item))
        .collect();
    doc.to_pretty_json().unwrap_or_else(|e| {
        tracing::error!(error = %e, "the OpenAPI document did not serialise");
        "{}".to_string()
    })
}

/// `GET /v1/openapi.json`, answering `document`.
pub fn route<S: Clone + Send + Sync + 'static>(document: String) -> MethodRouter<S> {
    let json = Bytes::from(document);
    get(move || {
        let json = json.clone();
        async move { ([(header::CONTENT_TYPE, "application/json")], json) }
    })
}
