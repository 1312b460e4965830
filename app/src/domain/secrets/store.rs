//! Changes to secrets. Every function takes `&SecretsAdmin` (admin + flag on), works in one
//! transaction, and writes an audit event; nothing is half-written.

use sqlx::AnyConnection;

use super::value::{check_description, check_name, SecretValue};
use super::{grants, join_keys, sealing, Stage};
use crate::domain::audit::change::Change;
use crate::domain::db::Pool;
use crate::domain::identity::access::SecretsAdmin;
use crate::domain::keys::crypto::{Keyring, SecretAad};
use crate::domain::keys::data_keys::{self, MAX_ENCRYPTIONS_PER_KEY};
use crate::domain::{now, validate, DomainError};
use crate::model::secrets::ValueInput;

/// Which version of which secret is being written, by whom and why.
struct NewVersion<'a> {
    workspace_id: i64,
    secret_id: i64,
    version: i64,
    actor: &'a str,
    note: &'a str,
}

/// Encrypts `value` as a new version of the secret and stores it.
async fn seal_version(
    conn: &mut AnyConnection,
    keyring: &Keyring,
    value: &SecretValue,
    v: NewVersion<'_>,
) -> Result<(), DomainError> {
    let NewVersion {
        workspace_id,
        secret_id,
        version,
        actor,
        note,
    } = v;
    let (key_id, dek) =
        data_keys::for_encryption(conn, keyring, workspace_id, MAX_ENCRYPTIONS_PER_KEY).await?;
    let at = SecretAad {
        workspace_id,
        secret_id,
        version,
    };
    let sealed = sealing::seal(&dek, value, at)?;
    let at = now();
    sqlx::query(
        "INSERT INTO secret_versions (secret_id, version, key_id, sealed, kind, key_names, created_by, note, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
    )
    .bind(secret_id)
    .bind(version)
    .bind(key_id)
    .bind(sealed)
    .bind(value.kind().as_str())
    .bind(join_keys(&value.key_names()))
    .bind(actor)
    .bind(note)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
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
    let (name, description, value) = validate::all3(
        check_name(name),
        check_description(description),
        SecretValue::from_input(value),
    )?;
    let mut change = Change::begin_secrets(pool, who).await?;
    create_in(&mut change, keyring, (&name, &description), &value, agents).await?;
    change.commit_recorded().await?;
    tracing::info!(workspace_id = who.workspace().id, secret = %name, "secret created");
    Ok(name)
}

/// Creates a secret (already validated) inside `change`, with its first version and grants,
/// and records its audit event. Returns its id.
pub(crate) async fn create_in(
    change: &mut Change,
    keyring: &Keyring,
    (name, description): (&str, &str),
    value: &SecretValue,
    agents: &[i64],
) -> Result<i64, DomainError> {
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

/// Stores `value` as the next version, unless someone else changed the secret since
/// `base_version` (optimistic concurrency: a stale edit gets a conflict, never overwrites).
async fn add_version(
    pool: &Pool,
    keyring: &Keyring,
    who: &SecretsAdmin,
    (name, base_version): (&str, i64),
    value: &SecretValue,
    (note, action): (&str, &str),
) -> Result<i64, DomainError> {
    let mut change = Change::begin_secrets(pool, who).await?;
    let next = version_in(
        &mut change,
        keyring,
        (name, Some(base_version)),
        value,
        (note, action),
    )
    .await?;
    change.commit_recorded().await?;
    Ok(next)
}

/// Stores `value` as the next version inside `change` and records the audit event: on top of
/// `base_version` (a conflict if the secret moved on), or of whatever is current (`None`).
pub(crate) async fn version_in(
    change: &mut Change,
    keyring: &Keyring,
    (name, base_version): (&str, Option<i64>),
    value: &SecretValue,
    (note, action): (&str, &str),
) -> Result<i64, DomainError> {
    let ws = change.workspace_id();
    let actor = change.actor().to_string();
    let (id, current) = live(change.conn(), ws, name).await?;
    let base_version = base_version.unwrap_or(current);
    let next = base_version + 1;
    let updated = sqlx::query(
        "UPDATE secrets SET current_version = $1, kind = $2, key_names = $3, updated_at = $4, updated_by = $5 \
         WHERE id = $6 AND current_version = $7",
    )
    .bind(next)
    .bind(value.kind().as_str())
    .bind(join_keys(&value.key_names()))
    .bind(now())
    .bind(&actor)
    .bind(id)
    .bind(base_version)
    .execute(change.conn())
    .await?;
    if updated.rows_affected() == 0 {
        return Err(DomainError::Conflict {
            field: "value",
            message: format!(
                "This secret changed since you opened it (it is now at version {current}). Reload the page and try again."
            ),
        });
    }
    let new = NewVersion {
        workspace_id: ws,
        secret_id: id,
        version: next,
        actor: &actor,
        note,
    };
    seal_version(change.conn(), keyring, value, new).await?;
    change
        .record(action, Some((id, name)), &format!("version {next}; {note}"))
        .await?;
    Ok(next)
}

/// Rotation: a new value (either kind) as a new version. Returns the new version number.
pub async fn replace_value(
    pool: &Pool,
    keyring: &Keyring,
    who: &SecretsAdmin,
    name: &str,
    base_version: i64,
    value: &ValueInput,
) -> Result<i64, DomainError> {
    let value = SecretValue::from_input(value).map_err(DomainError::Invalid)?;
    let change = ("value replaced", "secret.rotate");
    add_version(pool, keyring, who, (name, base_version), &value, change).await
}

/// Makes a new version with the value of `target` version.
pub async fn roll_back(
    pool: &Pool,
    keyring: &Keyring,
    who: &SecretsAdmin,
    name: &str,
    target: i64,
    base_version: i64,
) -> Result<i64, DomainError> {
    let ws = who.workspace().id;
    let value = super::sealing::version_value(pool, keyring, ws, name, target).await?;
    let note = format!("rolled back to version {target}");
    let change = (note.as_str(), "secret.rollback");
    add_version(pool, keyring, who, (name, base_version), &value, change).await
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
