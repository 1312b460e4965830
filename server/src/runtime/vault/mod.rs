//! The read side of HashiCorp Vault's HTTP API, so that Vault clients (the CLI, hvac, the
//! External Secrets Operator, Vault Agent templates) read Secrets Vault unchanged, with an
//! agent token as their Vault token.
//!
//! One KV version 2 mount named `secret` (`kv`), the token's own lookup (`sys`), and the
//! health and mount endpoints clients ask before reading (`sys`). Agents only read: every
//! write is 405. Shapes follow Vault's documentation (`api-docs/secret/kv/kv-v2`,
//! `api-docs/auth/token`, `api-docs/system/health`, `api-docs/system/internal-ui-mounts`).

pub(crate) mod kv;
pub mod reply;
mod request;
pub(crate) mod sys;
pub mod wire;

use axum::routing::{any, get};
use axum::Router;

use app::state::AppState;

/// Our one mount, where Vault mounts its default KV engine.
pub const MOUNT: &str = "secret";

/// Whether a `/v1` path belongs to the Vault-compatible API (so its refusals, the throttle's
/// included, are worded the Vault way).
pub fn is_vault_path(path: &str) -> bool {
    ["/v1/secret/", "/v1/sys/", "/v1/auth/"]
        .iter()
        .any(|prefix| path.starts_with(prefix))
        || path == "/v1/secret"
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/secret/data/{*path}", any(kv::data))
        .route("/v1/secret/metadata", any(kv::metadata_root))
        .route("/v1/secret/metadata/", any(kv::metadata_root))
        .route("/v1/secret/metadata/{*path}", any(kv::metadata))
        .route("/v1/auth/token/lookup-self", get(sys::lookup_self))
        .route("/v1/sys/health", get(sys::health))
        .route("/v1/sys/mounts", get(sys::mounts))
        .route("/v1/sys/internal/ui/mounts/{*path}", get(sys::ui_mount))
}

#[cfg(test)]
mod tests {
    use super::is_vault_path;

    #[test]
    fn our_own_api_is_not_a_vault_path() {
        assert!(is_vault_path("/v1/secret/data/stripe_api_key"));
        assert!(is_vault_path("/v1/sys/health"));
        assert!(is_vault_path("/v1/auth/token/lookup-self"));
        assert!(!is_vault_path("/v1/secrets/stripe_api_key"));
        assert!(!is_vault_path("/v1/secrets"));
    }
}
