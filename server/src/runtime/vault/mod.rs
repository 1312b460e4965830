//! The read side of HashiCorp Vault's HTTP API, so that Vault clients (the CLI, hvac, the
//! External Secrets Operator, Vault Agent templates) read Secrets Vault unchanged, with an
//! agent token as their Vault token.
//!
//! One KV version 2 mount named `secret` (`kv`), the token's own lookup (`sys`), and the
//! health and mount endpoints clients ask before reading (`sys`). Agents only read: every
//! write is 405. Shapes follow Vault's documentation (`api-docs/secret/kv/kv-v2`,
//! `api-docs/auth/token`, `api-docs/system/health`, `api-docs/system/internal-ui-mounts`).

mod kv;
mod reply;
mod request;
mod sys;
pub mod wire;

use axum::routing::any;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};
use utoipa_axum::routes;

use app::state::AppState;

use super::throttle::{self, RuntimeThrottle};
use reply::VaultError;

/// A KV endpoint as [`routes!`] makes it from its document, answering every method too: the
/// handler refuses writes in Vault's words (405) and takes Vault's `LIST` verb as a read.
macro_rules! every_method {
    ($handler:path) => {{
        let (schemas, paths, method_router): UtoipaMethodRouter<AppState> = routes!($handler);
        (schemas, paths, method_router.fallback($handler))
    }};
}

/// The Vault-compatible endpoints, each registered with its document, behind the throttle.
/// A document's `{*name}` is a path that may go on past a name (Vault's paths have
/// folders; ours are refused in Vault's words); the document names it `{name}` (see
/// `openapi`).
pub fn routes(throttle: RuntimeThrottle) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(every_method!(kv::data))
        .routes(every_method!(kv::metadata))
        .routes(every_method!(kv::metadata_root))
        // The list without its trailing slash, as Vault answers both; documented once.
        .route("/v1/secret/metadata", any(kv::metadata_root))
        .routes(routes!(sys::lookup_self))
        .routes(routes!(sys::health))
        .routes(routes!(sys::mounts))
        .routes(routes!(sys::ui_mount))
        .layer(axum::middleware::from_fn_with_state(
            throttle,
            throttle::throttle::<VaultError>,
        ))
}
