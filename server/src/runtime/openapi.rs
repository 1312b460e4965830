//! `/v1/openapi.json`: the OpenAPI document of both runtime APIs, generated (utoipa) from the
//! handlers' annotations and their body types, so it cannot drift from what they answer.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{rest, vault};

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
    paths(
        rest::read_secret,
        rest::list_secrets,
        vault::kv::data,
        vault::kv::metadata,
        vault::kv::metadata_root,
        vault::sys::lookup_self,
        vault::sys::health,
        vault::sys::ui_mount,
        vault::sys::mounts,
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

static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    ApiDoc::openapi().to_pretty_json().unwrap_or_else(|e| {
        tracing::error!(error = %e, "the OpenAPI document did not serialise");
        "{}".to_string()
    })
});

pub async fn serve() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        DOCUMENT.as_str(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_covers_every_runtime_endpoint_with_its_bodies() {
        let doc: serde_json::Value = serde_json::from_str(&DOCUMENT).unwrap();
        for path in [
            "/v1/secrets/{name}",
            "/v1/secrets",
            "/v1/secret/data/{name}",
            "/v1/secret/metadata/{name}",
            "/v1/secret/metadata/",
            "/v1/auth/token/lookup-self",
            "/v1/sys/health",
            "/v1/sys/internal/ui/mounts/{path}",
            "/v1/sys/mounts",
        ] {
            assert!(doc["paths"][path]["get"].is_object(), "{path} is missing");
        }
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
