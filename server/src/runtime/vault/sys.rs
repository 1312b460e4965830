//! What Vault clients ask besides the KV reads: the token's own lookup (`auth/token/lookup-self`,
//! used by `is_authenticated` and by External Secrets to validate a store), health, and the
//! mount description the Vault CLI's `kv` commands fetch first to learn the KV version.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use app::domain::admin::tokens::{self, AgentIdentity};
use app::domain::audit::read_event::Via;
use app::domain::now;
use app::domain::runtime::read::ReadError;
use app::state::AppState;

use super::reply::{envelope, envelope_value, json_body, rfc3339, VaultError};
use super::MOUNT;
use crate::runtime::refusal::{authenticate, internal, refuse};

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
async fn agent(state: &AppState, headers: &HeaderMap) -> Result<AgentIdentity, VaultError> {
    let agent = authenticate(state, headers, "*", Via::VaultApi).await?;
    enabled(state, &agent).await?;
    Ok(agent)
}

/// `GET /v1/auth/token/lookup-self`. The accessor is the token's visible prefix; the token
/// itself (Vault's `id`) is never sent back.
pub async fn lookup_self(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, VaultError> {
    let agent = agent(&state, &headers).await?;
    let facts = tokens::facts(&state.pool, agent.token_id)
        .await
        .map_err(internal)?
        .ok_or(VaultError::InvalidToken { unknown: false })?;
    Ok(envelope(
        json!({
            "accessor": agent.token_prefix,
            "creation_time": facts.created_at,
            "creation_ttl": 0,
            "display_name": agent.agent_name,
            "entity_id": "",
            "expire_time": null,
            "explicit_max_ttl": 0,
            "id": "",
            "issue_time": rfc3339(facts.created_at),
            "meta": { "workspace": facts.workspace, "agent": agent.agent_name },
            "num_uses": 0,
            "orphan": true,
            "path": "auth/token/create",
            "policies": ["default"],
            "renewable": false,
            "ttl": 0,
            "type": "service",
        }),
        "token",
    ))
}

/// `GET /v1/sys/health`: bare JSON, no envelope, no token (as in Vault).
pub async fn health() -> Response {
    json_body(
        StatusCode::OK,
        &json!({
            "initialized": true,
            "sealed": false,
            "standby": false,
            "performance_standby": false,
            "replication_performance_mode": "disabled",
            "replication_dr_mode": "disabled",
            "server_time_utc": now(),
            "version": env!("CARGO_PKG_VERSION"),
            "enterprise": false,
            "cluster_name": "secrets-vault",
            "clock_skew_ms": 0,
            "echo_duration_ms": 0,
        }),
    )
}

/// Our one mount as `sys/mounts` describes mounts; `options.version` is the string `"2"`.
fn mount() -> Value {
    json!({
        "accessor": "kv_secrets_vault",
        "config": { "default_lease_ttl": 0, "force_no_cache": false, "max_lease_ttl": 0 },
        "description": "Secrets Vault: read-only key/value secrets for agents",
        "external_entropy_access": false,
        "local": false,
        "options": { "version": "2" },
        "path": format!("{MOUNT}/"),
        "plugin_version": "",
        "running_plugin_version": "",
        "running_sha256": "",
        "seal_wrap": false,
        "type": "kv",
        "uuid": "",
    })
}

/// `GET /v1/sys/internal/ui/mounts/{path}`: the mount holding `path`; ours is the only one.
pub async fn ui_mount(
    State(state): State<AppState>,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> Result<Response, VaultError> {
    agent(&state, &headers).await?;
    let path = path.trim_matches('/');
    if path.split('/').next() != Some(MOUNT) {
        return Err(VaultError::NoMount(format!("{path}/")));
    }
    Ok(envelope(mount(), "system"))
}

/// `GET /v1/sys/mounts`, restricted to our mount. Vault copies the mounts to the top level
/// of this one response too.
pub async fn mounts(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, VaultError> {
    agent(&state, &headers).await?;
    let key = format!("{MOUNT}/");
    let mut body = envelope_value(json!({ key.clone(): mount() }), "system");
    body[key] = mount();
    Ok(json_body(StatusCode::OK, &body))
}
