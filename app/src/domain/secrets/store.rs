//! Changes to secrets. Every function takes `&SecretsAdmin` (admin + flag on), works in one
//! transaction, and writes an audit event; nothing is half-written.

use sqlx::AnyConnection;

use super::value::{check_description, check_name, invalid, SecretValue};
use super::{grants, join_keys, sealing, Stage, TRASH_SECONDS};
use crate::domain::access::SecretsAdmin;
use crate::domain::audit;
use crate::domain::change::Change;
use crate::domain::crypto::{Keyring, SecretAad};
use crate::domain::db::Pool;
use crate::domain::keys::{self, MAX_ENCRYPTIONS_PER_KEY};
use crate::domain::{now, DomainError};
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
        keys::for_encryption(conn, keyring, workspace_id, MAX_ENCRYPTIONS_PER_KEY).await?;
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
    let mut errors = Vec::new();
    let name = check_name(name).map_err(|e| errors.push(e)).ok();
    let description = check_description(description)
        .map_err(|e| errors.push(e))
        .ok();
    let value = SecretValue::from_input(value)
        .map_err(|e| errors.extend(e))
        .ok();
    let (Some(name), Some(description), Some(value)) = (name, description, value) else {
        return Err(invalid(errors));
    };
    let mut change = Change::begin_secrets(pool, who).await?;
    let ws = change.workspace_id();
    let actor = change.actor().to_string();
    let at = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO secrets (workspace_id, name, description, kind, key_names, current_version, updated_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $7) RETURNING id",
    )
    .bind(ws)
    .bind(&name)
    .bind(&description)
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
    seal_version(change.conn(), keyring, &value, first).await?;
    let (granted, _) = grants::replace(change.conn(), ws, id, agents).await?;
    let detail = if granted.is_empty() {
        "version 1".to_string()
    } else {
        format!("version 1; granted to {}", granted.join(", "))
    };
    change
        .commit("secret.create", Some((id, &name)), &detail)
        .await?;
    tracing::info!(workspace_id = ws, secret = %name, "secret created");
    Ok(name)
}

pub async fn update_description(
    pool: &Pool,
    who: &SecretsAdmin,
    name: &str,
    description: &str,
) -> Result<(), DomainError> {
    let description = check_description(description).map_err(|e| invalid(vec![e]))?;
    let mut change = Change::begin_secrets(pool, who).await?;
    let ws = change.workspace_id();
    let (id, _) = live(change.conn(), ws, name).await?;
    let actor = change.actor().to_string();
    sqlx::query(
        "UPDATE secrets SET description = $1, updated_at = $2, updated_by = $3 WHERE id = $4",
    )
    .bind(&description)
    .bind(now())
    .bind(&actor)
    .bind(id)
    .execute(change.conn())
    .await?;
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
    let ws = change.workspace_id();
    let actor = change.actor().to_string();
    let (id, current) = live(change.conn(), ws, name).await?;
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
        .commit(action, Some((id, name)), &format!("version {next}; {note}"))
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
    let value = SecretValue::from_input(value).map_err(invalid)?;
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

/// Moves a secret to the trash: agents lose access at once; restorable for 30 days.
pub async fn delete(pool: &Pool, who: &SecretsAdmin, name: &str) -> Result<(), DomainError> {
    let mut change = Change::begin_secrets(pool, who).await?;
    let ws = change.workspace_id();
    let (id, _) = live(change.conn(), ws, name).await?;
    let actor = change.actor().to_string();
    sqlx::query(
        "UPDATE secrets SET deleted_at = $1, updated_at = $1, updated_by = $2 WHERE id = $3 AND deleted_at IS NULL",
    )
    .bind(now())
    .bind(&actor)
    .bind(id)
    .execute(change.conn())
    .await?;
    change
        .commit("secret.delete", Some((id, name)), "moved to trash")
        .await
}

async fn trashed(
    conn: &mut AnyConnection,
    workspace_id: i64,
    name: &str,
) -> Result<i64, DomainError> {
    Ok(super::find(conn, workspace_id, name, Stage::Trashed)
        .await?
        .0)
}

/// Brings a trashed secret back. Guarded by `deleted_at IS NOT NULL` in the statement
/// itself, so a purge that got there first leaves nothing to restore (not found).
pub async fn restore(pool: &Pool, who: &SecretsAdmin, name: &str) -> Result<(), DomainError> {
    let mut change = Change::begin_secrets(pool, who).await?;
    let ws = change.workspace_id();
    let id = trashed(change.conn(), ws, name).await?;
    let actor = change.actor().to_string();
    let restored = sqlx::query(
        "UPDATE secrets SET deleted_at = NULL, updated_at = $1, updated_by = $2 WHERE id = $3 AND deleted_at IS NOT NULL",
    )
    .bind(now())
    .bind(&actor)
    .bind(id)
    .execute(change.conn())
    .await?;
    if restored.rows_affected() == 0 {
        return Err(DomainError::NotFound("secret"));
    }
    change
        .commit("secret.restore", Some((id, name)), "restored from trash")
        .await
}

/// Deletes a trashed secret and all its versions for good.
pub async fn purge(pool: &Pool, who: &SecretsAdmin, name: &str) -> Result<(), DomainError> {
    let mut change = Change::begin_secrets(pool, who).await?;
    let ws = change.workspace_id();
    let id = trashed(change.conn(), ws, name).await?;
    if !delete_trashed(change.conn(), id, i64::MAX).await? {
        return Err(DomainError::NotFound("secret"));
    }
    change
        .commit("secret.purge", Some((id, name)), "deleted forever")
        .await
}

/// Deletes secret `id` only if it is still in the trash, since before `cutoff`. The
/// condition lives in the statement, so a restore committed meanwhile wins, and of two
/// server instances purging the same secret exactly one deletes it.
async fn delete_trashed(
    conn: &mut AnyConnection,
    id: i64,
    cutoff: i64,
) -> Result<bool, DomainError> {
    let done = sqlx::query(
        "DELETE FROM secrets WHERE id = $1 AND deleted_at IS NOT NULL AND deleted_at < $2",
    )
    .bind(id)
    .bind(cutoff)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A secret in the trash for more than 30 days: (id, workspace, name).
pub type Expired = (i64, i64, String);

/// Secrets that have been in the trash for more than 30 days.
pub async fn expired(pool: &Pool) -> Result<Vec<Expired>, DomainError> {
    Ok(sqlx::query_as(
        "SELECT id, workspace_id, name FROM secrets WHERE deleted_at IS NOT NULL AND deleted_at < $1",
    )
    .bind(now() - TRASH_SECONDS)
    .fetch_all(pool)
    .await?)
}

/// Purges one expired secret, unless it was restored (or purged by another instance) since
/// it was listed. Returns whether this call purged it; only then is a purge event written.
pub async fn purge_expired_one(pool: &Pool, (id, ws, name): &Expired) -> Result<bool, DomainError> {
    let mut tx = crate::domain::db::begin_write(pool).await?;
    if !delete_trashed(&mut tx, *id, now() - TRASH_SECONDS).await? {
        return Ok(false);
    }
    audit::record(
        &mut tx,
        *ws,
        "system",
        "secret.purge",
        Some((*id, name)),
        "30 days in trash",
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Deletes secrets that have been in the trash for more than 30 days. Returns how many.
pub async fn purge_expired(pool: &Pool) -> Result<usize, DomainError> {
    let mut purged = 0;
    for candidate in expired(pool).await? {
        if purge_expired_one(pool, &candidate).await? {
            purged += 1;
        }
    }
    Ok(purged)
}
