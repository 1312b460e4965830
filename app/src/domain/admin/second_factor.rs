//! What changes a person's second factor, audited in the platform trail under their email:
//! confirming an authenticator app (which makes the recovery codes), removing it, a new set
//! of recovery codes, a recovery code used to sign in, and the operator's reset of a lost
//! factor.

use crate::domain::audit::events;
use crate::domain::db::{begin_write, Pool};
use crate::domain::identity::access::{actor_label, Operator, SignedIn};
use crate::domain::identity::session_store;
use crate::domain::identity::totp::{self, code, recovery, store};
use crate::domain::identity::users::{self, User};
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
    events::record_platform(&mut tx, &user.email, "2fa.enrol", "authenticator app").await?;
    tx.commit().await?;
    Ok(codes)
}

/// Removes the app and the recovery codes.
pub async fn remove(pool: &Pool, who: &SignedIn) -> Result<(), DomainError> {
    let mut tx = begin_write(pool).await?;
    if !store::remove(&mut tx, who.user().id).await? {
        return Err(DomainError::NotFound("authenticator app"));
    }
    events::record_platform(
        &mut tx,
        &who.user().email,
        "2fa.remove",
        "authenticator app",
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
    events::record_platform(
        &mut tx,
        &who.user().email,
        "2fa.recovery_codes",
        "a new set",
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
    if !store::remove(&mut tx, user.id).await? {
        return Err(DomainError::NotFound("second factor"));
    }
    session_store::delete_for_user(&mut tx, user.id, None).await?;
    let actor = actor_label(operator.actor());
    events::record_platform(&mut tx, &actor, "2fa.reset", &user.email).await?;
    tx.commit().await?;
    Ok(())
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
        let mut conn = pool.acquire().await?;
        events::record_platform(
            &mut conn,
            &user.email,
            "2fa.recovery_used",
            "a recovery code",
        )
        .await?;
    }
    Ok(passed)
}
