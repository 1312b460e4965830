//! Changes to secrets: creating one, its description, its access. Every function takes
//! `&SecretsAdmin` (admin + flag on), works in one transaction, and writes an audit event;
//! nothing is half-written. New values of an existing secret are `versions`.

use sqlx::AnyConnection;

use super::value::{check_description, check_name, SecretValue};
use super::versions::{seal_version, NewVersion};
use super::{grants, join_keys, Stage};
use crate::domain::audit::change::Change;
use crate::domain::db::Pool;
use crate::domain::identity::access::SecretsAdmin;
use crate::domain::keys::crypto::Keyring;
use crate::domain::{now, validate, DomainError};
use crate::model::secrets::ValueInput;

/// A secret to create (already validated): its name, description, first value and the agents
/// that may read it.
pub(crate) struct NewSecret<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub value: &'a SecretValue,
    pub agents: &'a [i64],
}

/// A live (not deleted) secret of the workspace: (id, current version).
async fn live(
    conn: &mut AnyConnection,
    workspace_id: i64,
    name: &str,
) -> Result<(i64, i64), DomainError> {
    super::find(conn, workspace_id, name, Stage::Live).await
}

pub async fn create(
    pool: &Pool,
    keyring: &Keyring,
    who: &SecretsAdmin,
    name: &str,
    description: &str,
    value: &ValueInput,
    agents: &[i64],
) -> Result<String, DomainError> {
    let (name, description, value) = validate::all((
        check_name(name),
        check_description(description),
        SecretValue::from_input(value),
    ))?;
    let mut change = Change::begin_secrets(pool, who).await?;
    let new = NewSecret {
        name: &name,
        description: &description,
        value: &value,
        agents,
    };
    create_in(&mut change, keyring, new).await?;
    change.commit_recorded().await?;
    tracing::info!(workspace_id = who.workspace().id, secret = %name, "secret created");
    Ok(name)
}

/// Creates a secret (already validated) inside `change`, with its first version and grants,
/// and records its audit event. Returns its id.
pub(crate) async fn create_in(
    change: &mut Change,
    keyring: &Keyring,
    new: NewSecret<'_>,
) -> Result<i64, DomainError> {
    let NewSecret {
        name,
        description,
        value,
        agents,
    } = new;
    let ws = change.workspace_id();
    let actor = change.actor().to_string();
    let at = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO secrets (workspace_id, name, description, kind, key_names, current_version, updated_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $7) RETURNING id",
    )
    .bind(ws)
    .bind(name)
    .bind(description)
    .bind(value.kind().as_str())
    .bind(join_keys(&value.key_names()))
    .bind(&actor)
    .bind(at)
    .fetch_one(change.conn())
    .await
    .map_err(|e| {
        DomainError::on_unique(e, "name", "A secret with this name already exists (deleted secrets keep their name for 30 days).")
    })?;
    let first = NewVersion {
        workspace_id: ws,
        secret_id: id,
        version: 1,
        actor: &actor,
        note: "created",
    };
    seal_version(change.conn(), keyring, value, first).await?;
    let (granted, _) = grants::replace(change.conn(), ws, id, agents).await?;
    let detail = if granted.is_empty() {
        "version 1".to_string()
    } else {
        format!("version 1; granted to {}", granted.join(", "))
    };
    change
        .record("secret.create", Some((id, name)), &detail)
        .await?;
    Ok(id)
}

pub async fn update_description(
    pool: &Pool,
    who: &SecretsAdmin,
    name: &str,
    description: &str,
) -> Result<(), DomainError> {
    let description = check_description(description)?;
    let mut change = Change::begin_secrets(pool, who).await?;
    let ws = change.workspace_id();
    let (id, _) = live(change.conn(), ws, name).await?;
    super::update(&mut change, id, "description = $4", "", Some(&description)).await?;
    change
        .commit("secret.describe", Some((id, name)), "description changed")
        .await
}

/// The exact set of agents that may read the secret. Returns (granted, revoked) names.
pub async fn set_access(
    pool: &Pool,
    who: &SecretsAdmin,
    name: &str,
    agents: &[i64],
) -> Result<(Vec<String>, Vec<String>), DomainError> {
    let mut change = Change::begin_secrets(pool, who).await?;
    let ws = change.workspace_id();
    let (id, _) = live(change.conn(), ws, name).await?;
    let (granted, revoked) = grants::replace(change.conn(), ws, id, agents).await?;
    let actor = change.actor().to_string();
    grants::audit_changes(
        change.conn(),
        ws,
        &actor,
        (id, name),
        (&granted, &revoked),
        "secret page",
    )
    .await?;
    change.commit_recorded().await?;
    Ok((granted, revoked))
}
