//! The KV version 2 mount: `data/{name}` (a version's value), `metadata/{name}` (versions and
//! description) and the list of the names this agent may read (`LIST metadata/` or
//! `GET metadata/?list=true`). Our names have no folders: listing any folder is "not found".

use axum::extract::{Path, RawQuery, State};
use axum::http::Method;
use axum::response::Response;
use secrecy::ExposeSecret;
use std::collections::BTreeMap;

use app::domain::audit::read_event::Via;
use app::domain::runtime::metadata::{self, SecretMetadata};
use app::domain::runtime::read;
use app::domain::secrets::value::SecretValue;
use app::state::AppState;

use super::reply::{envelope, ok, rfc3339, VaultError};
use super::request::{is_list, params, readable, secret_name};
use super::wire::{
    Envelope, KeyList, KvMetadata, KvRead, VaultErrors, VersionMetadata, VersionState,
};
use crate::runtime::credentials::Credential;
use crate::runtime::names::{expired_warning, warning_header};
use crate::runtime::refusal::{self, authenticate, refuse};
use crate::runtime::wire::SecretNameParam;

/// `data.data`: a key/value secret as its object, a single value as `{"value": ...}`.
fn kv_data(value: &SecretValue) -> BTreeMap<String, String> {
    match value {
        SecretValue::Single(v) => {
            BTreeMap::from([("value".to_string(), v.expose_secret().to_string())])
        }
        SecretValue::Pairs(pairs) => pairs
            .iter()
            .map(|(k, v)| (k.clone(), v.expose_secret().to_string()))
            .collect(),
    }
}

/// The description, which tells an agent what the secret is for; null without one.
fn custom_metadata(description: &str) -> Option<BTreeMap<String, String>> {
    (!description.is_empty())
        .then(|| BTreeMap::from([("description".to_string(), description.to_string())]))
}

/// Reads a secret's current value, or an earlier version; audited with the version read.
#[utoipa::path(
    get,
    path = "/v1/secret/data/{*name}",
    tag = "vault",
    params(
        SecretNameParam,
        ("version" = Option<i64>, Query, minimum = 0, description = "A version number; 0 or absent for the current one."),
    ),
    security(("vault_token" = []), ("agent_token" = [])),
    responses(
        (status = 200, description = "The version's value and metadata.", body = Envelope<KvRead>),
        (status = 400, description = "A malformed name or version.", body = VaultErrors),
        (status = 403, description = "A missing, unknown or revoked token, a missing grant, or the vault switched off.", body = VaultErrors),
        (status = 404, description = "No such live secret or version: `{\"errors\": []}`.", body = VaultErrors),
        (status = 405, description = "Any write: agents only read.", body = VaultErrors),
        (status = 429, description = "The runtime rate limit.", body = VaultErrors),
    )
)]
pub async fn data(
    State(state): State<AppState>,
    method: Method,
    Path(path): Path<String>,
    RawQuery(query): RawQuery,
    credential: Credential,
) -> Result<Response, VaultError> {
    readable(&method, "GET, HEAD")?;
    let p = params(query.as_deref())?;
    let name = secret_name(&path)?;
    let read = refusal::read(&state, &credential, name, p.version, Via::VaultApi).await?;
    let body = KvRead {
        data: kv_data(&read.value),
        metadata: VersionMetadata {
            created_time: rfc3339(read.created_at),
            custom_metadata: custom_metadata(&read.description),
            deletion_time: String::new(),
            destroyed: false,
            version: read.version,
        },
    };
    let mut answer = envelope(body, "kv");
    let Some(expired_at) = read.expired_at else {
        return Ok(ok(&answer));
    };
    let warning = expired_warning(name, expired_at);
    let header = warning_header(&warning);
    answer.warnings = Some(vec![warning]);
    let mut res = ok(&answer);
    if let Some(header) = header {
        res.headers_mut()
            .insert(axum::http::header::WARNING, header);
    }
    Ok(res)
}

fn metadata_body(m: &SecretMetadata) -> KvMetadata {
    let versions = m
        .versions
        .iter()
        .map(|(version, created_at)| {
            let state = VersionState {
                created_time: rfc3339(*created_at),
                deletion_time: String::new(),
                destroyed: false,
            };
            (version.to_string(), state)
        })
        .collect();
    KvMetadata {
        cas_required: false,
        created_time: rfc3339(m.created_at),
        current_version: m.current_version,
        custom_metadata: custom_metadata(&m.description),
        delete_version_after: "0s".to_string(),
        max_versions: 0,
        oldest_version: m.versions.first().map_or(0, |(version, _)| *version),
        updated_time: rfc3339(m.updated_at),
        versions,
    }
}

/// A secret's description and versions (never a value); with `list=true`, a folder's list
/// (there are no folders: 404).
#[utoipa::path(
    get,
    path = "/v1/secret/metadata/{*name}",
    tag = "vault",
    params(
        SecretNameParam,
        ("list" = Option<bool>, Query, description = "`true`: list this folder instead (Vault's `LIST` verb is the same request; there are no folders, so 404)."),
    ),
    security(("vault_token" = []), ("agent_token" = [])),
    responses(
        (status = 200, description = "The metadata.", body = Envelope<KvMetadata>),
        (status = 400, description = "A malformed name or `list`.", body = VaultErrors),
        (status = 403, description = "A bad token, a missing grant, or the vault switched off.", body = VaultErrors),
        (status = 404, description = "No such live secret: `{\"errors\": []}`.", body = VaultErrors),
        (status = 405, description = "Any write.", body = VaultErrors),
    )
)]
pub async fn metadata(
    State(state): State<AppState>,
    method: Method,
    Path(path): Path<String>,
    RawQuery(query): RawQuery,
    credential: Credential,
) -> Result<Response, VaultError> {
    let p = params(query.as_deref())?;
    if is_list(&method, &p) {
        return list(&state, &credential, &path).await;
    }
    readable(&method, "GET, HEAD")?;
    let name = secret_name(&path)?;
    let agent = authenticate(&state, &credential, name, Via::VaultApi).await?;
    match metadata::of(&state.pool, &agent, name).await {
        Ok(m) => Ok(ok(&envelope(metadata_body(&m), "kv"))),
        Err(e) => Err(refuse(&state, &agent, name, None, e, Via::VaultApi)
            .await
            .into()),
    }
}

/// The names this agent may read: `LIST /v1/secret/metadata/` (Vault's `LIST` verb) or
/// `GET /v1/secret/metadata/?list=true`.
#[utoipa::path(
    get,
    path = "/v1/secret/metadata/",
    tag = "vault",
    params(("list" = Option<bool>, Query, description = "`true`: list (Go's ParseBool forms are accepted; Vault's `LIST` verb is the same request). Without it: 404.")),
    security(("vault_token" = []), ("agent_token" = [])),
    responses(
        (status = 200, description = "The names, in order.", body = Envelope<KeyList>),
        (status = 400, description = "A malformed `list`.", body = VaultErrors),
        (status = 403, description = "A bad token, or the vault switched off.", body = VaultErrors),
        (status = 404, description = "Nothing to list, or no `list`: `{\"errors\": []}`, as in Vault.", body = VaultErrors),
        (status = 405, description = "Any write.", body = VaultErrors),
    )
)]
pub async fn metadata_root(
    State(state): State<AppState>,
    method: Method,
    RawQuery(query): RawQuery,
    credential: Credential,
) -> Result<Response, VaultError> {
    let p = params(query.as_deref())?;
    if is_list(&method, &p) {
        return list(&state, &credential, "").await;
    }
    readable(&method, "GET, HEAD")?;
    authenticate(&state, &credential, "*", Via::VaultApi).await?;
    Err(VaultError::NotFound)
}

/// The names this agent may read. Empty, or any folder, is 404 `{"errors": []}`, as in Vault.
async fn list(
    state: &AppState,
    credential: &Credential,
    folder: &str,
) -> Result<Response, VaultError> {
    let agent = authenticate(state, credential, "*", Via::VaultApi).await?;
    let names = match read::readable_names(&state.pool, &agent).await {
        Ok(names) => names,
        Err(e) => {
            return Err(refuse(state, &agent, "*", None, e, Via::VaultApi)
                .await
                .into())
        }
    };
    if !folder.trim_matches('/').is_empty() || names.is_empty() {
        return Err(VaultError::NotFound);
    }
    Ok(ok(&envelope(KeyList { keys: names }, "kv")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_values_read_as_a_value_key() {
        let single = SecretValue::Single("sk_live".to_string().into());
        let value = BTreeMap::from([("value".to_string(), "sk_live".to_string())]);
        assert_eq!(kv_data(&single), value);
        assert_eq!(custom_metadata(""), None);
        let described = BTreeMap::from([("description".to_string(), "Stripe".to_string())]);
        assert_eq!(custom_metadata("Stripe"), Some(described));
    }
}
