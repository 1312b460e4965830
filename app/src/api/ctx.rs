//! Server-side context for server functions: state, session, the signed-in user, and the
//! HTTP status of an error reply.

use std::future::Future;

use leptos::prelude::*;
use tower_sessions::Session;

use crate::domain::access::{self, SignedIn};
use crate::domain::now;
use crate::domain::session_policy::Standing;
use crate::error::AppError;
use crate::state::AppState;

pub use crate::domain::session_store::USER_ID_KEY;
/// When the user signed in (the absolute limit counts from here).
pub const AUTH_AT_KEY: &str = "auth_at";
/// The last renewal of an active session (the idle limit counts from here).
pub const SEEN_AT_KEY: &str = "seen_at";
/// The last password check (sign-in or re-authentication) for dangerous actions.
pub const VERIFIED_AT_KEY: &str = "verified_at";

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server function context");
        AppError::Internal
    })
}

pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|e| {
        tracing::error!(error = %e, "session layer missing");
        AppError::Internal
    })
}

pub fn session_error(e: tower_sessions::session::Error) -> AppError {
    tracing::error!(error = %e, "session store error");
    AppError::Internal
}

/// The signed-in user, or `NotSignedIn`. Enforces the absolute session lifetime.
pub async fn signed_in() -> Result<(AppState, SignedIn), AppError> {
    let state = state()?;
    let session = session().await?;
    let who = signed_in_with(&state, &session).await?;
    Ok((state, who))
}

/// The same check for plain axum handlers (exports) that have the session at hand.
/// Ends the session past its idle or absolute limit, or when a timestamp is missing
/// (fail closed); renews it at most once per renewal interval otherwise.
pub async fn signed_in_with(state: &AppState, session: &Session) -> Result<SignedIn, AppError> {
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
    Ok(access::signed_in(&state.pool, user_id).await?)
}

/// Starts a signed-in session for `user_id`: a new session id, all timestamps now.
pub async fn begin_session(session: &Session, user_id: i64) -> Result<(), AppError> {
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

/// The gate of dangerous actions (purge, token issue, role change, audit export): the
/// password was checked within `reauth_minutes`, or `ReauthRequired`. Call it after the
/// rights check, so that only someone allowed to act is asked for a password.
pub async fn recently_verified(state: &AppState) -> Result<(), AppError> {
    recently_verified_with(state, &session().await?).await
}

pub async fn recently_verified_with(state: &AppState, session: &Session) -> Result<(), AppError> {
    let verified_at: Option<i64> = session.get(VERIFIED_AT_KEY).await.map_err(session_error)?;
    if state.sessions.recently_verified(now(), verified_at) {
        Ok(())
    } else {
        Err(AppError::ReauthRequired)
    }
}

/// Runs a server function body; on error sets the reply's HTTP status to match.
pub async fn respond<T>(body: impl Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    let result = body.await;
    if let Err(err) = &result {
        if let (Some(options), Ok(status)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::StatusCode::from_u16(err.status()),
        ) {
            options.set_status(status);
        }
    }
    result
}

/// Signed in, admin of `ws`, secrets flag on: the gate of every Secrets server function.
pub async fn secrets_admin(ws: &str) -> Result<(AppState, access::SecretsAdmin), AppError> {
    let (state, who) = signed_in().await?;
    let gate = access::require_secrets_admin(&state.pool, &who, ws).await?;
    Ok((state, gate))
}
