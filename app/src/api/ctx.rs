//! Server-side context for server functions: state, session, the signed-in user, and the
//! HTTP status of an error reply (`AppError::status`, applied through `api::status`). The
//! session rules themselves live in `crate::session`, shared with plain axum handlers.

use std::future::Future;

use leptos::prelude::*;
use tower_sessions::Session;

use crate::domain::identity::access::{self, SignedIn};
use crate::error::AppError;
use crate::state::AppState;

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

pub use crate::session::session_error;

/// The signed-in user, or `NotSignedIn` (see [`crate::session::signed_in`]).
pub async fn signed_in() -> Result<(AppState, SignedIn), AppError> {
    let state = state()?;
    let session = session().await?;
    let who = crate::session::signed_in(&state, &session).await?;
    Ok((state, who))
}

/// The gate of dangerous actions (see [`crate::session::recently_verified`]).
pub async fn recently_verified(state: &AppState) -> Result<(), AppError> {
    crate::session::recently_verified(state, &session().await?).await
}

/// The origin links handed out by this server start with: `public_url` when configured,
/// otherwise (development) `http://` and the request's `Host`, which the server's host check
/// has already accepted as one of its own names.
pub async fn site_origin(state: &AppState) -> Result<String, AppError> {
    if let Some(url) = &state.public_url {
        return Ok(url.clone());
    }
    let headers: http::HeaderMap = leptos_axum::extract().await.map_err(|e| {
        tracing::error!(error = %e, "request headers missing");
        AppError::Internal
    })?;
    headers
        .get(http::header::HOST)
        .and_then(|host| host.to_str().ok())
        .filter(|host| !host.is_empty() && host.bytes().all(|b| b.is_ascii_graphic()))
        .map(|host| format!("http://{host}"))
        .ok_or_else(|| AppError::BadRequest("the request names no host".into()))
}

/// The WebAuthn relying party: this site, as [`site_origin`] names it.
pub async fn relying_party(state: &AppState) -> Result<webauthn_rs::prelude::Webauthn, AppError> {
    let origin = site_origin(state).await?;
    Ok(crate::domain::identity::passkeys::ceremony::relying_party(
        &origin,
    )?)
}

/// For issuing or rotating a token: an admin of `ws` who entered their password recently, and
/// the lifetime asked for (empty: the workspace's default).
pub async fn token_issuer(
    ws: &str,
    lifetime: Option<String>,
) -> Result<
    (
        AppState,
        crate::domain::identity::access::Admin,
        Option<i64>,
    ),
    AppError,
> {
    use crate::domain::{admin::token_policy, identity::access};
    let (state, who) = signed_in().await?;
    let admin = access::require_admin(&state.pool, &who, ws).await?;
    recently_verified(&state).await?;
    let raw = lifetime.unwrap_or_default();
    let lifetime = token_policy::resolve(&state.pool, &admin, &raw).await?;
    Ok((state, admin, lifetime))
}

/// The account awaiting its second step (see [`crate::session::second_step_user`]), with
/// one attempt charged to its sign-in allowance.
pub async fn second_step_account(
    state: &AppState,
    session: &Session,
) -> Result<crate::domain::identity::users::User, AppError> {
    let user_id = crate::session::second_step_user(session, state.clock.now()).await?;
    let user = crate::domain::identity::users::find_by_id(&state.pool, user_id)
        .await?
        .ok_or(AppError::NotSignedIn)?;
    charge_account(state, &user.email)?;
    Ok(user)
}

/// Keeps a passkey ceremony just `started` under `key`; the options for the browser.
pub async fn keep_ceremony(
    state: &AppState,
    session: &Session,
    key: &str,
    started: crate::domain::identity::passkeys::ceremony::Started,
) -> Result<String, AppError> {
    crate::session::put_ceremony(session, key, started.state, state.clock.now()).await?;
    Ok(started.options)
}

/// The passkey ceremony kept under `key`, once; refused when there is none or it is too old.
pub async fn take_ceremony(
    state: &AppState,
    session: &Session,
    key: &str,
) -> Result<String, AppError> {
    use crate::domain::identity::passkeys::ceremony;
    Ok(
        crate::session::take_ceremony(session, key, state.clock.now())
            .await?
            .ok_or_else(ceremony::expired)?,
    )
}

/// Starts asking for one of `user_id`'s passkeys (a field error when it has none), kept under
/// `key`; the options for the browser.
pub async fn begin_known_passkey(
    state: &AppState,
    session: &Session,
    key: &str,
    user_id: i64,
) -> Result<String, AppError> {
    use crate::domain::identity::passkeys::{ceremony, store};
    let keys: Vec<_> = store::credentials(&state.pool, user_id)
        .await?
        .into_iter()
        .map(|(_, key)| key)
        .collect();
    if keys.is_empty() {
        return Err(AppError::Validation {
            field: "passkey".into(),
            message: "This account has no passkey.".into(),
        });
    }
    let rp = relying_party(state).await?;
    keep_ceremony(state, session, key, ceremony::start_known(&rp, &keys)?).await
}

/// A passkey ceremony of a known account (`start_known`) kept under `key`, finished with the
/// browser's `credential`: the passkey's counter and last use are saved.
pub async fn finish_known_passkey(
    state: &AppState,
    session: &Session,
    key: &str,
    user_id: i64,
    credential: &str,
) -> Result<(), AppError> {
    use crate::domain::identity::passkeys::{ceremony, store};
    let kept = take_ceremony(state, session, key).await?;
    let mut keys = store::credentials(&state.pool, user_id).await?;
    let rp = relying_party(state).await?;
    let result = ceremony::finish_known(&rp, credential, &kept)?;
    store::used(&state.pool, user_id, &mut keys, &result).await?;
    Ok(())
}

/// Charges one password attempt to `email`'s account (see
/// [`crate::domain::identity::attempts`]): past its allowance, `Throttled` with how long to
/// wait, and `Retry-After` on the reply.
pub fn charge_account(state: &AppState, email: &str) -> Result<(), AppError> {
    let Err(wait) = state.attempts.charge(email) else {
        return Ok(());
    };
    tracing::warn!("password attempts throttled for this account");
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.insert_header(
            http::header::RETRY_AFTER,
            http::HeaderValue::from(wait.seconds()),
        );
    }
    Err(AppError::Throttled(format!(
        "Too many sign-in attempts for this account. {}",
        wait.try_again()
    )))
}

/// Runs a server function body; on error sets the reply's HTTP status to match.
pub async fn respond<T>(body: impl Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    let result = body.await;
    if let Err(AppError::Unavailable(message)) = &result {
        if message == crate::error::DISK_FULL {
            if let Ok(state) = state() {
                state.disk.report(&"a change could not be written");
            }
        }
    }
    if let Err(err) = &result {
        if let Ok(status) = http::StatusCode::from_u16(err.status()) {
            super::status::set_error_status(status);
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
