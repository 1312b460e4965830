//! The bodies of the Vault-compatible API, field for field as Vault sends them
//! (`api-docs/secret/kv/kv-v2`, `api-docs/auth/token`, `api-docs/system/health`,
//! `api-docs/system/mounts`). Handlers answer with these types; the OpenAPI document is
//! generated from them.

use std::collections::BTreeMap;

use secrecy::zeroize::Zeroize;
use serde::Serialize;
use utoipa::ToSchema;

/// Vault's response envelope. KV reads carry no lease; `wrap_info`, `warnings` and `auth`
/// are always null here.
#[derive(Debug, Serialize, ToSchema)]
pub struct Envelope<T> {
    /// A random id in UUID form.
    pub request_id: String,
    pub lease_id: String,
    pub renewable: bool,
    pub lease_duration: i64,
    pub data: T,
    #[schema(value_type = Option<Object>)]
    pub wrap_info: Option<()>,
    pub warnings: Option<Vec<String>>,
    #[schema(value_type = Option<Object>)]
    pub auth: Option<()>,
    /// `kv` for the KV mount, `token` for token lookups, `system` for mounts.
    pub mount_type: String,
}

/// `{"errors": [...]}`: empty for "not found", Vault's words otherwise.
#[derive(Debug, Serialize, ToSchema)]
pub struct VaultErrors {
    pub errors: Vec<String>,
}

/// One version's state. Versions are never soft-deleted or destroyed here.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionState {
    /// RFC 3339 in UTC: `2026-11-25T09:30:00Z`.
    pub created_time: String,
    /// Always `""`.
    pub deletion_time: String,
    pub destroyed: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VersionMetadata {
    pub created_time: String,
    /// `{"description": ...}`, or null for a secret without one.
    pub custom_metadata: Option<BTreeMap<String, String>>,
    pub deletion_time: String,
    pub destroyed: bool,
    pub version: i64,
}

/// `GET /v1/secret/data/{name}`'s `data`. Holds plaintext: no `Debug`, and the values are
/// zeroed when it is dropped.
#[derive(Serialize, ToSchema)]
pub struct KvRead {
    /// A key/value secret as its object; a single value as `{"value": ...}`.
    pub data: BTreeMap<String, String>,
    pub metadata: VersionMetadata,
}

impl Drop for KvRead {
    fn drop(&mut self) {
        self.data.values_mut().for_each(Zeroize::zeroize);
    }
}

/// `GET /v1/secret/metadata/{name}`'s `data`.
#[derive(Debug, Serialize, ToSchema)]
pub struct KvMetadata {
    pub cas_required: bool,
    pub created_time: String,
    pub current_version: i64,
    pub custom_metadata: Option<BTreeMap<String, String>>,
    /// Always `"0s"`.
    pub delete_version_after: String,
    /// Always 0 (no limit).
    pub max_versions: i64,
    pub oldest_version: i64,
    pub updated_time: String,
    /// By version number, as a string.
    pub versions: BTreeMap<String, VersionState>,
}

/// A list's `data`: the names this agent may read.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyList {
    pub keys: Vec<String>,
}

/// `GET /v1/auth/token/lookup-self`'s `data`. `id` is the token the caller sent (as Vault
/// answers): no `Debug`, and it is zeroed when dropped.
#[derive(Serialize, ToSchema)]
pub struct TokenLookup {
    /// The token's visible prefix.
    pub accessor: String,
    pub creation_time: i64,
    pub creation_ttl: i64,
    /// The agent's name.
    pub display_name: String,
    pub entity_id: String,
    /// When the token expires (RFC 3339, UTC); null for a token that never expires.
    pub expire_time: Option<String>,
    pub explicit_max_ttl: i64,
    pub id: String,
    pub issue_time: String,
    /// `workspace` and `agent`.
    pub meta: BTreeMap<String, String>,
    pub num_uses: i64,
    pub orphan: bool,
    pub path: String,
    pub policies: Vec<String>,
    pub renewable: bool,
    /// Seconds left; 0 for a token that never expires (as Vault's root token).
    pub ttl: i64,
    #[serde(rename = "type")]
    pub token_type: String,
}

impl Drop for TokenLookup {
    fn drop(&mut self) {
        self.id.zeroize();
    }
}

/// `GET /v1/sys/health`, bare (no envelope).
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    pub initialized: bool,
    pub sealed: bool,
    pub standby: bool,
    pub performance_standby: bool,
    pub replication_performance_mode: String,
    pub replication_dr_mode: String,
    pub server_time_utc: i64,
    pub version: String,
    pub enterprise: bool,
    pub cluster_name: String,
    pub clock_skew_ms: i64,
    pub echo_duration_ms: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MountConfig {
    pub default_lease_ttl: i64,
    pub force_no_cache: bool,
    pub max_lease_ttl: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MountOptions {
    /// `"2"`: KV version 2 (a string, as the Vault CLI requires).
    pub version: String,
}

/// A mount as `sys/mounts` and the CLI's preflight describe it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Mount {
    pub accessor: String,
    pub config: MountConfig,
    pub description: String,
    pub external_entropy_access: bool,
    pub local: bool,
    pub options: MountOptions,
    pub path: String,
    pub plugin_version: String,
    pub running_plugin_version: String,
    pub running_sha256: String,
    pub seal_wrap: bool,
    #[serde(rename = "type")]
    pub mount_type: String,
    pub uuid: String,
}

/// `GET /v1/sys/mounts`: the envelope, with the mounts copied to the top level as well.
#[derive(Debug, Serialize, ToSchema)]
pub struct Mounts {
    #[serde(flatten)]
    pub envelope: Envelope<BTreeMap<String, Mount>>,
    #[serde(rename = "secret/")]
    pub secret: Mount,
}
