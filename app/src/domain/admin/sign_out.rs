//! Ending dashboard sessions before they expire: "sign out everywhere", an admin ending a
//! member's sessions, a password change and a removal from a workspace. The caller's own
//! session can be kept (by its id, as the cookie carries it).

use tower_sessions::session::Id;

use crate::domain::audit::change::Change;
use crate::domain::db::Pool;
use crate::domain::identity::access::Admin;
use crate::domain::identity::session_store;
use crate::domain::DomainError;

pub async fn end_for_user(
    pool: &Pool,
    user_id: i64,
    keep: Option<&Id>,
) -> Result<u64, DomainError> {
    let mut conn = pool.acquire().await?;
    session_store::delete_for_user(&mut conn, user_id, keep).await
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
    let email = crate::domain::admin::memberships::member_email(&mut change, user_id).await?;
    let ended = session_store::delete_for_user(change.conn(), user_id, keep).await?;
    let detail = format!("{email}: {ended} session(s) ended");
    change.commit("member.sessions", None, &detail).await?;
    Ok(ended)
}
