//! What Vault clients ask besides the KV reads: the token's own lookup (`auth/token/lookup-self`,
//! used by `is_authenticated` and by External Secrets to validate a store), health, and the
//! mount description the Vault CLI's `kv` commands fetch first to learn the KV version.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::response::Response;

use app::domain::admin::token_identity::{self as tokens, AgentIdentity};
use app::domain::audit::read_event::Via;
use app::domain::now;
use app::domain::runtime::read::ReadError;
use app::state::AppState;

use super::reply::{envelope, ok, rfc3339, VaultError};
use super::wire::{
    Envelope, Health, Mount, MountConfig, MountOptions, Mounts, TokenLookup, VaultErrors,
};
use crate::runtime::credentials::Credential;
use crate::runtime::refusal::{authenticate, refuse};
use crate::runtime::refused::internal;

/// Our one mount, where Vault mounts its default KV engine (the routes say `secret/`).
const MOUNT: &str = "secret";

/// A token of a workspace whose secrets vault is switched off reads nothing, not even its own
/// description: the refusal is audited like a read's.
async fn enabled(state: &AppState, agent: &AgentIdentity) -> Result<(), VaultError> {
    if agent.secrets_enabled {
        Ok(())
    } else {
        let refused = refuse(
            state,
            agent,
            "*",
            None,
            ReadError::FeatureDisabled,
            Via::VaultApi,
        );
        Err(refused.await.into())
    }
}

/// The agent behind the request, if its workspace's vault is on.
async fn agent(state: &AppState, credential: &Credential) -> Result<AgentIdentity, VaultError> {
    let agent = authenticate(state, credential, "*", Via::VaultApi).await?;
    enabled(state, &agent).await?;
    Ok(agent)
}

/// The token's own description, as Vault answers it. The accessor is the token's visible
/// prefix; `id` is the token the caller sent (Vault's answer, and what Vault Agent's
/// `token_file` auto-auth takes as the token for every later request: it refuses an empty
/// one). Nothing the caller did not send is ever in it.
#[utoipa::path(
    get,
    path = "/v1/auth/token/lookup-self",
    tag = "vault",
    security(("vault_token" = []), ("agent_token" = [])),
    responses(
        (status = 200, description = "The token.", body = Envelope<TokenLookup>),
        (status = 403, description = "A missing, unknown or revoked token, or the vault switched off.", body = VaultErrors),
    )
)]
pub async fn lookup_self(
    State(state): State<AppState>,
    credential: Credential,
) -> Result<Response, VaultError> {
    let agent = agent(&state, &credential).await?;
    let token = credential
        .token()
        .ok_or(VaultError::InvalidToken { unknown: true })?
        .to_string();
    let facts = tokens::facts(&state.pool, agent.token_id)
        .await
        .map_err(internal)?
        .ok_or(VaultError::InvalidToken { unknown: false })?;
    let meta = BTreeMap::from([
        ("workspace".to_string(), facts.workspace),
        ("agent".to_string(), agent.agent_name.clone()),
    ]);
    let body = TokenLookup {
        accessor: agent.token_prefix,
        creation_time: facts.created_at,
        creation_ttl: 0,
        display_name: agent.agent_name,
        entity_id: String::new(),
        expire_time: facts.expires_at.map(rfc3339),
        explicit_max_ttl: 0,
        id: token,
        issue_time: rfc3339(facts.created_at),
        meta,
        num_uses: 0,
        orphan: true,
        path: "auth/token/create".to_string(),
        policies: vec!["default".to_string()],
        renewable: false,
        ttl: facts.expires_at.map_or(0, |at| (at - now()).max(0)),
        token_type: "service".to_string(),
    };
    Ok(ok(&envelope(body, "token")))
}

/// Liveness in Vault's shape: bare JSON, no envelope, no token.
#[utoipa::path(
    get,
    path = "/v1/sys/health",
    tag = "vault",
    responses((status = 200, description = "Initialised, unsealed, active.", body = Health))
)]
pub async fn health() -> Response {
    ok(&Health {
        initialized: true,
        sealed: false,
        standby: false,
        performance_standby: false,
        replication_performance_mode: "disabled".to_string(),
        replication_dr_mode: "disabled".to_string(),
        server_time_utc: now(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        enterprise: false,
        cluster_name: "secrets-vault".to_string(),
        clock_skew_ms: 0,
        echo_duration_ms: 0,
    })
}

/// Our one mount; `options.version` is the string `"2"`.
fn mount() -> Mount {
    Mount {
        accessor: "kv_secrets_vault".to_string(),
        config: MountConfig {
            default_lease_ttl: 0,
            force_no_cache: false,
            max_lease_ttl: 0,
        },
        description: "Secrets Vault: read-only key/value secrets for agents".to_string(),
        external_entropy_access: false,
        local: false,
        options: MountOptions {
            version: "2".to_string(),
        },
        path: format!("{MOUNT}/"),
        plugin_version: String::new(),
        running_plugin_version: String::new(),
        running_sha256: String::new(),
        seal_wrap: false,
        mount_type: "kv".to_string(),
        uuid: String::new(),
    }
}

/// The mount holding `path` (ours is the only one): what the Vault CLI's `kv` commands ask
/// first, to learn the KV version.
#[utoipa::path(
    get,
    path = "/v1/sys/internal/ui/mounts/{*path}",
    tag = "vault",
    params(("path" = String, Path, example = "secret/stripe_api_key", description = "A path inside a mount, like `secret/stripe_api_key`.")),
    security(("vault_token" = []), ("agent_token" = [])),
    responses(
        (status = 200, description = "The `secret/` mount, KV version 2.", body = Envelope<Mount>),
        (status = 403, description = "A bad token, the vault switched off, or a path outside `secret/`.", body = VaultErrors),
    )
)]
pub async fn ui_mount(
    State(state): State<AppState>,
    Path(path): Path<String>,
    credential: Credential,
) -> Result<Response, VaultError> {
    agent(&state, &credential).await?;
    let path = path.trim_matches('/');
    if path.split('/').next() != Some(MOUNT) {
        return Err(VaultError::NoMount(format!("{path}/")));
    }
    Ok(ok(&envelope(mount(), "system")))
}

/// The mounts, restricted to ours. Vault copies the mounts to the top level of this one
/// response too.
#[utoipa::path(
    get,
    path = "/v1/sys/mounts",
    tag = "vault",
    security(("vault_token" = []), ("agent_token" = [])),
    responses(
        (status = 200, description = "`secret/`, KV version 2.", body = Mounts),
        (status = 403, description = "A bad token, or the vault switched off.", body = VaultErrors),
    )
)]
pub async fn mounts(
    State(state): State<AppState>,
    credential: Credential,
) -> Result<Response, VaultError> {
    agent(&state, &credential).await?;
    let mounts = BTreeMap::from([(format!("{MOUNT}/"), mount())]);
    Ok(ok(&Mounts {
        envelope: envelope(mounts, "system"),
        secret: mount(),
    }))
}
