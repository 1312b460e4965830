//! Server-side context for server functions: state, session, the signed-in user, and the
//! HTTP status of an error reply.

use std::future::Future;

use leptos::prelude::*;
use tower_sessions::Session;

use crate::domain::access::{self, SignedIn};
use crate::domain::now;
use crate::error::AppError;
use crate::state::AppState;

pub const USER_ID_KEY: &str = "uid";
pub const AUTH_AT_KEY: &str = "auth_at";

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
pub async fn signed_in_with(state: &AppState, session: &Session) -> Result<SignedIn, AppError> {
    let user_id: Option<i64> = session.get(USER_ID_KEY).await.map_err(session_error)?;
    let auth_at: Option<i64> = session.get(AUTH_AT_KEY).await.map_err(session_error)?;
    if let (Some(_), Some(at)) = (user_id, auth_at) {
        if now() - at > state.sessions.absolute_seconds {
            session.flush().await.map_err(session_error)?;
            return Err(AppError::NotSignedIn);
        }
    }
    Ok(access::signed_in(&state.pool, user_id).await?)
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
