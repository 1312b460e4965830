//! What changes a person's second factor, audited in the platform trail and in the trail of
//! every workspace they belong to (whose webhooks hear of it): confirming an authenticator app
//! (which makes the recovery codes), removing it, a new set of recovery codes, a recovery code
//! used to sign in, and the reset of a lost factor by the operator or by an admin.

use crate::domain::audit::change::Change;
use crate::domain::audit::events;
use crate::domain::db::{begin_write, Pool};
use crate::domain::identity::access::{actor_label, Actor, Admin, Operator, SignedIn};
use crate::domain::identity::totp::{self, code, recovery, store};
use crate::domain::identity::users::{self, User};
use crate::domain::identity::{access, factors, session_store};
use crate::domain::keys::crypto::Keyring;
use crate::domain::DomainError;

/// The first code from the app confirms the setup; returns the recovery codes (shown once).
pub async fn confirm(
    pool: &Pool,
    keyring: &Keyring,
    who: &SignedIn,
    typed: &str,
    now: i64,
) -> Result<Vec<String>, DomainError> {
    let user = who.user();
    let secret = store::pending_secret(pool, keyring, user.id)
        .await?
        .ok_or_else(|| DomainError::validation("code", "Start the setup again."))?;
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    let step = code::matching_step(&secret, &user.email, &typed, now).ok_or_else(|| {
        DomainError::validation(
            "code",
            "That code is not right. Type the 6 digits your app shows now (is its clock right?).",
        )
    })?;
    let mut tx = begin_write(pool).await?;
    if !store::confirm(&mut tx, user.id, step).await? {
        return Err(DomainError::validation("code", "Start the setup again."));
    }
    let codes = recovery::replace(&mut tx, user.id).await?;
    record(
        &mut tx,
        user,
        &user.email,
        "2fa.enrol",
        "an authenticator app",
    )
    .await?;
    tx.commit().await?;
    Ok(codes)
}

/// Removes the app and the recovery codes.
pub async fn remove(pool: &Pool, who: &SignedIn) -> Result<(), DomainError> {
    let mut tx = begin_write(pool).await?;
    if !store::remove(&mut tx, who.user().id).await? {
        return Err(DomainError::NotFound("authenticator app"));
    }
    let user = who.user();
    record(
        &mut tx,
        user,
        &user.email,
        "2fa.remove",
        "the authenticator app",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A new set of recovery codes, replacing the old one.
pub async fn new_recovery_codes(pool: &Pool, who: &SignedIn) -> Result<Vec<String>, DomainError> {
    if !store::is_enabled(pool, who.user().id).await? {
        return Err(DomainError::NotFound("authenticator app"));
    }
    let mut tx = begin_write(pool).await?;
    let codes = recovery::replace(&mut tx, who.user().id).await?;
    let user = who.user();
    record(
        &mut tx,
        user,
        &user.email,
        "2fa.recovery_codes",
        "a new set of recovery codes",
    )
    .await?;
    tx.commit().await?;
    Ok(codes)
}

/// The operator (through the shell) takes a lost second factor off an account: its app and
/// recovery codes go, and every session of the account ends. Audited under the operator.
pub async fn reset(pool: &Pool, operator: &Operator, email: &str) -> Result<(), DomainError> {
    let user = users::find_by_email(pool, email)
        .await?
        .ok_or(DomainError::NotFound("user"))?;
    let mut tx = begin_write(pool).await?;
    take_off(&mut tx, &user, &actor_label(operator.actor())).await?;
    tx.commit().await?;
    Ok(())
}

/// An admin takes a lost second factor off a member of their workspace: every factor goes,
/// and every session of the account ends. Refused for their own account (the Account page
/// does that, with its checks), and for a member who also belongs to a workspace this admin
/// does not administer: an admin of one workspace does not weaken another's. The operator
/// can (`vault user reset-2fa`).
pub async fn reset_member(pool: &Pool, admin: &Admin, user_id: i64) -> Result<(), DomainError> {
    let workspace = admin.workspace().id;
    let actor_id = match admin.actor() {
        Actor::User { id, .. } => Some(*id),
        Actor::Operator => None,
    };
    if actor_id == Some(user_id) {
        return Err(DomainError::validation(
            "user_id",
            "Change your own second factor on your Account page.",
        ));
    }
    if access::role_of(pool, workspace, user_id).await?.is_none() {
        return Err(DomainError::NotFound("member"));
    }
    let user = users::find_by_id(pool, user_id)
        .await?
        .ok_or(DomainError::NotFound("member"))?;
    if let Some(actor_id) = actor_id {
        let elsewhere: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM memberships m WHERE m.user_id = $1 AND NOT EXISTS \
             (SELECT 1 FROM memberships a WHERE a.workspace_id = m.workspace_id \
              AND a.user_id = $2 AND a.role = 'admin')",
        )
        .bind(user_id)
        .bind(actor_id)
        .fetch_one(pool)
        .await?;
        if elsewhere > 0 {
            return Err(DomainError::validation(
                "user_id",
                format!(
                    "{} also belongs to a workspace you do not administer: ask your operator to reset it (vault user reset-2fa).",
                    user.email
                ),
            ));
        }
    }
    let mut change = Change::begin(pool, admin).await?;
    let actor = change.actor().to_string();
    take_off(change.conn(), &user, &actor).await?;
    change.commit_recorded().await
}

/// Checks a second step's `code` for `user` (see [`totp::check`]); a recovery code used is
/// audited, since the person may have lost their app.
pub async fn pass(
    pool: &Pool,
    keyring: &Keyring,
    user: &User,
    code: &str,
    now: i64,
) -> Result<Option<totp::Passed>, DomainError> {
    let passed = totp::check(pool, keyring, user.id, &user.email, code, now).await?;
    if passed == Some(totp::Passed::Recovery) {
        let mut tx = begin_write(pool).await?;
        record(
            &mut tx,
            user,
            &user.email,
            "2fa.recovery_used",
            "a recovery code",
        )
        .await?;
        tx.commit().await?;
    }
    Ok(passed)
}

/// A reset: every factor of `user` goes and every session of theirs ends, audited under
/// `actor`; `NotFound` when there was no factor.
async fn take_off(
    conn: &mut sqlx::AnyConnection,
    user: &User,
    actor: &str,
) -> Result<(), DomainError> {
    if !factors::remove_all(conn, user.id).await? {
        return Err(DomainError::NotFound("second factor"));
    }
    session_store::delete_for_user(conn, user.id, None).await?;
    record(
        conn,
        user,
        actor,
        "2fa.reset",
        "every second factor removed; sessions ended",
    )
    .await
}

/// Records a change to `user`'s second factor in the platform trail and in the trail of every
/// workspace they belong to, whose webhooks hear of it. The detail names the account.
pub(super) async fn record(
    conn: &mut sqlx::AnyConnection,
    user: &User,
    actor: &str,
    action: &str,
    what: &str,
) -> Result<(), DomainError> {
    let detail = format!("{what} ({})", user.email);
    events::record_platform(conn, actor, action, &detail).await?;
    let workspaces: Vec<i64> = sqlx::query_scalar(
        "SELECT workspace_id FROM memberships WHERE user_id = $1 ORDER BY workspace_id",
    )
    .bind(user.id)
    .fetch_all(&mut *conn)
    .await?;
    for workspace in workspaces {
        events::record(conn, workspace, actor, action, None, &detail).await?;
    }
    Ok(())
}
