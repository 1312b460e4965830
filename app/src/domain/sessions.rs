//! Ending dashboard sessions before they expire: "sign out everywhere", an admin ending a
//! member's sessions, a password change and a removal from a workspace. The caller's own
//! session can be kept (by its id, as the cookie carries it).

use sqlx::AnyConnection;
use tower_sessions::session::Id;

use super::access::Admin;
use super::change::Change;
use super::db::Pool;
use super::session_store::storage_key;
use super::DomainError;

/// Deletes every session of `user_id` except `keep`; returns how many ended.
pub async fn end_for_user_in(
    conn: &mut AnyConnection,
    user_id: i64,
    keep: Option<&Id>,
) -> Result<u64, DomainError> {
    let keep = keep.map(storage_key).unwrap_or_default();
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
        .bind(user_id)
        .bind(keep)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}

pub async fn end_for_user(
    pool: &Pool,
    user_id: i64,
    keep: Option<&Id>,
) -> Result<u64, DomainError> {
    let mut conn = pool.acquire().await?;
    end_for_user_in(&mut conn, user_id, keep).await
}

/// An admin ends the sessions of a member of their workspace (their own other sessions
/// when they pick themselves). Someone outside the workspace is "not found". Audited.
pub async fn end_for_member(
    pool: &Pool,
    admin: &Admin,
    user_id: i64,
    keep: Option<&Id>,
) -> Result<u64, DomainError> {
    let mut change = Change::begin(pool, admin).await?;
    let email = super::memberships::member_email(&mut change, user_id).await?;
    let ended = end_for_user_in(change.conn(), user_id, keep).await?;
    let detail = format!("{email}: {ended} session(s) ended");
    change.commit("member.sessions", None, &detail).await?;
    Ok(ended)
}
