//! The trash: deleting a secret moves it here (agents lose access at once), an admin may
//! restore it or purge it for good, and after 30 days the server purges it itself.

use sqlx::AnyConnection;

use super::{Stage, TRASH_SECONDS};
use crate::domain::audit::change::Change;
use crate::domain::audit::events;
use crate::domain::db::{self, Pool};
use crate::domain::identity::access::SecretsAdmin;
use crate::domain::{now, DomainError};

/// Moves a secret to the trash: agents lose access at once; restorable for 30 days.
pub async fn delete(pool: &Pool, who: &SecretsAdmin, name: &str) -> Result<(), DomainError> {
    let mut change = Change::begin_secrets(pool, who).await?;
    let ws = change.workspace_id();
    let (id, _) = super::find(change.conn(), ws, name, Stage::Live).await?;
    let live = " AND deleted_at IS NULL";
    super::update(&mut change, id, "deleted_at = $1", live, None).await?;
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
    let in_trash = " AND deleted_at IS NOT NULL";
    if !super::update(&mut change, id, "deleted_at = NULL", in_trash, None).await? {
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
    let mut tx = db::begin_write(pool).await?;
    if !delete_trashed(&mut tx, *id, now() - TRASH_SECONDS).await? {
        return Ok(false);
    }
    events::record(
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
