//! Changes to secrets. Every function takes `&SecretsAdmin` (admin + flag on), works in one
//! transaction, and writes an audit event; nothing is half-written.

use sqlx::AnyConnection;

use super::value::{check_description, check_name, invalid, SecretValue};
use super::{grants, join_keys, TRASH_SECONDS};
use crate::domain::access::SecretsAdmin;
use crate::domain::audit::{self, actor_label};
use crate::domain::crypto::{self, Keyring, SecretAad};
use crate::domain::db::Pool;
use crate::domain::keys::{self, MAX_ENCRYPTIONS_PER_KEY};
use crate::domain::{now, DomainError};
use crate::model::secrets::ValueInput;

fn crypto_err(e: crypto::CryptoError) -> DomainError {
    DomainError::Internal(format!("secret encryption failed: {e}"))
}

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
    let aad = SecretAad {
        workspace_id,
        secret_id,
        version,
    };
    let sealed = crypto::seal(&dek, &value.to_plaintext()?, aad).map_err(crypto_err)?;
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

/// A live (not deleted) secret of the workspace: (id, current version). Secrets of other
/// workspaces are simply not found.
async fn live(
    conn: &mut AnyConnection,
    workspace_id: i64,
    name: &str,
) -> Result<(i64, i64), DomainError> {
    sqlx::query_as("SELECT id, current_version FROM secrets WHERE workspace_id = $1 AND name = $2 AND deleted_at IS NULL")
        .bind(workspace_id)
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(DomainError::NotFound("secret"))
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
    let ws = who.workspace().id;
    let actor = actor_label(who.admin().actor());
    let at = now();
    let mut tx = crate::domain::db::begin_write(pool).await?;
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
    .fetch_one(&mut *tx)
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
    seal_version(&mut tx, keyring, &value, first).await?;
    let (granted, _) = grants::replace(&mut tx, ws, id, agents).await?;
    let detail = if granted.is_empty() {
        "version 1".to_string()
    } else {
        format!("version 1; granted to {}", granted.join(", "))
    };
    audit::record(
        &mut tx,
        ws,
        &actor,
        "secret.create",
        Some((id, &name)),
        &detail,
    )
    .await?;
    tx.commit().await?;
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
    let ws = who.workspace().id;
    let actor = actor_label(who.admin().actor());
    let mut tx = crate::domain::db::begin_write(pool).await?;
    let (id, _) = live(&mut tx, ws, name).await?;
    sqlx::query(
        "UPDATE secrets SET description = $1, updated_at = $2, updated_by = $3 WHERE id = $4",
    )
    .bind(&description)
    .bind(now())
    .bind(&actor)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        ws,
        &actor,
        "secret.describe",
        Some((id, name)),
        "description changed",
    )
    .await?;
    tx.commit().await?;
    Ok(())
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
    let ws = who.workspace().id;
    let actor = actor_label(who.admin().actor());
    let mut tx = crate::domain::db::begin_write(pool).await?;
    let (id, current) = live(&mut tx, ws, name).await?;
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
    .execute(&mut *tx)
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
    seal_version(&mut tx, keyring, value, new).await?;
    audit::record(
        &mut tx,
        ws,
        &actor,
        action,
        Some((id, name)),
        &format!("version {next}; {note}"),
    )
    .await?;
    tx.commit().await?;
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
    let value = super::read::version_value(pool, keyring, ws, name, target).await?;
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
    let ws = who.workspace().id;
    let actor = actor_label(who.admin().actor());
    let mut tx = crate::domain::db::begin_write(pool).await?;
    let (id, _) = live(&mut tx, ws, name).await?;
    let (granted, revoked) = grants::replace(&mut tx, ws, id, agents).await?;
    grants::audit_changes(
        &mut tx,
        ws,
        &actor,
        (id, name),
        (&granted, &revoked),
        "secret page",
    )
    .await?;
    tx.commit().await?;
    Ok((granted, revoked))
}

/// Moves a secret to the trash: agents lose access at once; restorable for 30 days.
pub async fn delete(pool: &Pool, who: &SecretsAdmin, name: &str) -> Result<(), DomainError> {
    let ws = who.workspace().id;
    let actor = actor_label(who.admin().actor());
    let mut tx = crate::domain::db::begin_write(pool).await?;
    let (id, _) = live(&mut tx, ws, name).await?;
    sqlx::query(
        "UPDATE secrets SET deleted_at = $1, updated_at = $1, updated_by = $2 WHERE id = $3",
    )
    .bind(now())
    .bind(&actor)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        ws,
        &actor,
        "secret.delete",
        Some((id, name)),
        "moved to trash",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn trashed(
    conn: &mut AnyConnection,
    workspace_id: i64,
    name: &str,
) -> Result<i64, DomainError> {
    sqlx::query_scalar(
        "SELECT id FROM secrets WHERE workspace_id = $1 AND name = $2 AND deleted_at IS NOT NULL",
    )
    .bind(workspace_id)
    .bind(name)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(DomainError::NotFound("secret"))
}

pub async fn restore(pool: &Pool, who: &SecretsAdmin, name: &str) -> Result<(), DomainError> {
    let ws = who.workspace().id;
    let actor = actor_label(who.admin().actor());
    let mut tx = crate::domain::db::begin_write(pool).await?;
    let id = trashed(&mut tx, ws, name).await?;
    sqlx::query(
        "UPDATE secrets SET deleted_at = NULL, updated_at = $1, updated_by = $2 WHERE id = $3",
    )
    .bind(now())
    .bind(&actor)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        ws,
        &actor,
        "secret.restore",
        Some((id, name)),
        "restored from trash",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a trashed secret and all its versions for good.
pub async fn purge(pool: &Pool, who: &SecretsAdmin, name: &str) -> Result<(), DomainError> {
    let ws = who.workspace().id;
    let actor = actor_label(who.admin().actor());
    let mut tx = crate::domain::db::begin_write(pool).await?;
    let id = trashed(&mut tx, ws, name).await?;
    sqlx::query("DELETE FROM secrets WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        ws,
        &actor,
        "secret.purge",
        Some((id, name)),
        "deleted forever",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes secrets that have been in the trash for more than 30 days. Returns how many.
pub async fn purge_expired(pool: &Pool) -> Result<usize, DomainError> {
    let cutoff = now() - TRASH_SECONDS;
    let expired: Vec<(i64, i64, String)> =
        sqlx::query_as("SELECT id, workspace_id, name FROM secrets WHERE deleted_at IS NOT NULL AND deleted_at < $1")
            .bind(cutoff)
            .fetch_all(pool)
            .await?;
    for (id, ws, name) in &expired {
        let mut tx = crate::domain::db::begin_write(pool).await?;
        sqlx::query("DELETE FROM secrets WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
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
    }
    Ok(expired.len())
}
