//! New values of a live secret: rotation, roll-back and an import's replacement, each a new
//! sealed version on top of the one the editor saw (optimistic concurrency: a stale edit gets
//! a conflict, never overwrites). Like `store`, one transaction and one audit event each.

use sqlx::AnyConnection;

use super::value::SecretValue;
use super::{join_keys, sealing, Stage};
use crate::domain::audit::change::Change;
use crate::domain::db::Pool;
use crate::domain::identity::access::SecretsAdmin;
use crate::domain::keys::crypto::{Keyring, SecretAad};
use crate::domain::keys::data_keys::{self, MAX_ENCRYPTIONS_PER_KEY};
use crate::domain::{now, DomainError};
use crate::model::secrets::ValueInput;

/// Which version of which secret is being written, by whom and why.
pub(super) struct NewVersion<'a> {
    pub workspace_id: i64,
    pub secret_id: i64,
    pub version: i64,
    pub actor: &'a str,
    pub note: &'a str,
}

/// Encrypts `value` as a new version of the secret and stores it.
pub(super) async fn seal_version(
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

/// A new value for a live secret: on top of `base_version` (a conflict if the secret moved
/// on) or of whatever is current (`None`), with the version's note and the audited action.
pub(crate) struct NextVersion<'a> {
    pub name: &'a str,
    pub base_version: Option<i64>,
    pub note: &'a str,
    pub action: &'a str,
}

/// Stores `value` as the next version, unless someone else changed the secret since its
/// `base_version` (optimistic concurrency: a stale edit gets a conflict, never overwrites).
async fn add_version(
    pool: &Pool,
    keyring: &Keyring,
    who: &SecretsAdmin,
    next: NextVersion<'_>,
    value: &SecretValue,
) -> Result<i64, DomainError> {
    let mut change = Change::begin_secrets(pool, who).await?;
    let next = version_in(&mut change, keyring, next, value).await?;
    change.commit_recorded().await?;
    Ok(next)
}

/// Stores `value` as the next version inside `change` and records the audit event (see
/// [`NextVersion`]).
pub(crate) async fn version_in(
    change: &mut Change,
    keyring: &Keyring,
    next: NextVersion<'_>,
    value: &SecretValue,
) -> Result<i64, DomainError> {
    let NextVersion {
        name,
        base_version,
        note,
        action,
    } = next;
    let ws = change.workspace_id();
    let actor = change.actor().to_string();
    let (id, current) = super::find(change.conn(), ws, name, Stage::Live).await?;
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
    let next = NextVersion {
        name,
        base_version: Some(base_version),
        note: "value replaced",
        action: "secret.rotate",
    };
    add_version(pool, keyring, who, next, &value).await
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
    let next = NextVersion {
        name,
        base_version: Some(base_version),
        note: &note,
        action: "secret.rollback",
    };
    add_version(pool, keyring, who, next, &value).await
}
