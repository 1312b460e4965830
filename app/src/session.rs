//! Dashboard sessions: the keys a signed-in session holds and the rules that keep it alive
//! (idle, absolute, re-authentication). Shared by server functions (through `api::ctx`) and
//! plain axum handlers (the audit export), so both apply the same checks.

use tower_sessions::Session;

use crate::domain::identity::access::{self, SignedIn};
use crate::domain::identity::session_policy::Standing;
use crate::domain::now;
use crate::error::AppError;
use crate::state::AppState;

pub use crate::domain::identity::session_store::USER_ID_KEY;
/// When the user signed in (the absolute limit counts from here).
pub const AUTH_AT_KEY: &str = "auth_at";
/// The last renewal of an active session (the idle limit counts from here).
pub const SEEN_AT_KEY: &str = "seen_at";
/// Half signed in: the account whose password was right and whose second factor is awaited.
/// Holds no rights (it is not [`USER_ID_KEY`]).
pub const SECOND_STEP_USER_KEY: &str = "second_step_uid";
/// When the password was right (the second step must follow within [`SECOND_STEP_SECONDS`]).
pub const SECOND_STEP_AT_KEY: &str = "second_step_at";
pub const SECOND_STEP_SECONDS: i64 = 300;
/// Signed in through a single sign-on provider that vouched for a second factor (see
/// `sso::protocol`): it counts for the rule "Admins must use a second factor".
pub const PROVIDER_SECOND_FACTOR_KEY: &str = "provider_2fa";
/// A single sign-on re-authentication awaiting the account's own second factor: when.
pub const REAUTH_SECOND_STEP_KEY: &str = "reauth_second_step_at";
/// The last password check (sign-in or re-authentication) for dangerous actions.
pub const VERIFIED_AT_KEY: &str = "verified_at";

pub fn session_error(e: tower_sessions::session::Error) -> AppError {
    tracing::error!(error = %e, "session store error");
    AppError::Internal
}

/// The signed-in user of this session, or `NotSignedIn`. Ends the session past its idle
/// or absolute limit, or when a timestamp is missing (fail closed); renews it at most once
/// per renewal interval otherwise.
pub async fn signed_in(state: &AppState, session: &Session) -> Result<SignedIn, AppError> {
    let user_id: Option<i64> = session.get(USER_ID_KEY).await.map_err(session_error)?;
    if user_id.is_none() {
        return Err(AppError::NotSignedIn);
    }
    let auth_at: Option<i64> = session.get(AUTH_AT_KEY).await.map_err(session_error)?;
    let seen_at: Option<i64> = session.get(SEEN_AT_KEY).await.map_err(session_error)?;
    let at = now();
    match state.sessions.standing(at, auth_at, seen_at) {
        Standing::Current => {}
        Standing::Renew => session
            .insert(SEEN_AT_KEY, at)
            .await
            .map_err(session_error)?,
        Standing::Expired => {
            session.flush().await.map_err(session_error)?;
            return Err(AppError::NotSignedIn);
        }
    }
    let vouched: Option<bool> = session
        .get(PROVIDER_SECOND_FACTOR_KEY)
        .await
        .map_err(session_error)?;
    Ok(access::signed_in(&state.pool, user_id, vouched.unwrap_or(false)).await?)
}

/// The provider of this single sign-on vouched for a second factor (call after [`begin`]).
pub async fn mark_provider_second_factor(session: &Session) -> Result<(), AppError> {
    session
        .insert(PROVIDER_SECOND_FACTOR_KEY, true)
        .await
        .map_err(session_error)
}

/// Starts a signed-in session for `user_id`: a new session id, all timestamps now.
pub async fn begin(session: &Session, user_id: i64) -> Result<(), AppError> {
    session.clear().await;
    session.cycle_id().await.map_err(session_error)?;
    let at = now();
    for (key, value) in [
        (USER_ID_KEY, user_id),
        (AUTH_AT_KEY, at),
        (SEEN_AT_KEY, at),
        (VERIFIED_AT_KEY, at),
    ] {
        session.insert(key, value).await.map_err(session_error)?;
    }
    Ok(())
}

/// The password was right at `at` (the state's clock) and a second factor is due: a new
/// session id holding only the account awaiting its second step, and when.
pub async fn begin_second_step(session: &Session, user_id: i64, at: i64) -> Result<(), AppError> {
    session.clear().await;
    session.cycle_id().await.map_err(session_error)?;
    session
        .insert(SECOND_STEP_USER_KEY, user_id)
        .await
        .map_err(session_error)?;
    session
        .insert(SECOND_STEP_AT_KEY, at)
        .await
        .map_err(session_error)
}

/// The account awaiting its second step, at `now` (the state's clock) within
/// [`SECOND_STEP_SECONDS`] of its password; otherwise `NotSignedIn` (and the half-signed-in
/// state is dropped).
pub async fn second_step_user(session: &Session, now: i64) -> Result<i64, AppError> {
    let user: Option<i64> = session
        .get(SECOND_STEP_USER_KEY)
        .await
        .map_err(session_error)?;
    let at: Option<i64> = session
        .get(SECOND_STEP_AT_KEY)
        .await
        .map_err(session_error)?;
    match (user, at) {
        (Some(user), Some(at)) if now - at < SECOND_STEP_SECONDS => Ok(user),
        _ => {
            session.clear().await;
            Err(AppError::NotSignedIn)
        }
    }
}

/// Someone just proved who they are (a password, or the provider asking again): dangerous
/// actions go through for the next `reauth_minutes`, and the session gets a new id, so a
/// copy of the cookie taken before stops working.
pub async fn mark_verified(session: &Session) -> Result<(), AppError> {
    session
        .insert(VERIFIED_AT_KEY, now())
        .await
        .map_err(session_error)?;
    session.cycle_id().await.map_err(session_error)
}

/// The gate of dangerous actions (purge, token issue, role change, audit export): the
/// password was checked within `reauth_minutes`, or `ReauthRequired`. Call it after the
/// rights check, so that only someone allowed to act is asked for a password.
pub async fn recently_verified(state: &AppState, session: &Session) -> Result<(), AppError> {
    let verified_at: Option<i64> = session.get(VERIFIED_AT_KEY).await.map_err(session_error)?;
    if state.sessions.recently_verified(now(), verified_at) {
        Ok(())
    } else {
        Err(AppError::ReauthRequired)
    }
}

/// A step under way since `at` (the state's clock), kept here on the server under `key` (one
/// per kind of step) for [`SECOND_STEP_SECONDS`]: a passkey ceremony (what webauthn-rs
/// remembers between its two requests), or a re-authentication awaiting its second factor.
pub async fn put_ceremony(
    session: &Session,
    key: &str,
    state: String,
    at: i64,
) -> Result<(), AppError> {
    session
        .insert(key, (at, state))
        .await
        .map_err(session_error)
}

/// Takes the ceremony kept under `key`, once; `None` if there is none or it is older than
/// [`SECOND_STEP_SECONDS`] at `now`.
pub async fn take_ceremony(
    session: &Session,
    key: &str,
    now: i64,
) -> Result<Option<String>, AppError> {
    let kept: Option<(i64, String)> = session.remove(key).await.map_err(session_error)?;
    Ok(kept
        .filter(|(at, _)| now - at < SECOND_STEP_SECONDS)
        .map(|(_, state)| state))
}

/// A re-authentication through single sign-on passed at `at` (the state's clock) for an
/// account with a second factor the provider did not vouch for: the factor is still due
/// (see [`reauth_second_step_due`]).
pub async fn begin_reauth_second_step(session: &Session, at: i64) -> Result<(), AppError> {
    put_ceremony(session, REAUTH_SECOND_STEP_KEY, String::new(), at).await
}

/// Whether a single sign-on re-authentication within [`SECOND_STEP_SECONDS`] of `now` awaits
/// its second factor. Taken once.
pub async fn reauth_second_step_due(session: &Session, now: i64) -> Result<bool, AppError> {
    Ok(take_ceremony(session, REAUTH_SECOND_STEP_KEY, now)
        .await?
        .is_some())
}
