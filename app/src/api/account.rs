//! The signed-in user's own account: password change, re-authentication before dangerous
//! actions, and "sign out everywhere".

use leptos::prelude::*;

use crate::error::AppError;

/// The bookkeeping of password checks within one session (server only).
#[cfg(feature = "ssr")]
mod ssr {
    use tower_sessions::Session;

    use super::super::ctx;
    use crate::domain::identity::access::SignedIn;
    use crate::domain::identity::attempts::{self, SessionCount};
    use crate::error::AppError;
    use crate::state::AppState;

    /// Charges one password attempt before the password is checked: the account's allowance
    /// (shared with sign-in) and this session's count, atomically, so that parallel attempts
    /// are numbered one after another. Returns this attempt's number; past the session's
    /// limit the session ends and nothing is checked.
    pub async fn charge(
        state: &AppState,
        session: &Session,
        who: &SignedIn,
    ) -> Result<i64, AppError> {
        ctx::charge_account(state, &who.user().email)?;
        let id = session.id().ok_or(AppError::NotSignedIn)?;
        match attempts::charge_session(&state.pool, &id).await? {
            SessionCount::Gone => Err(AppError::NotSignedIn),
            SessionCount::Check(n) if n > attempts::MAX_WRONG_PER_SESSION => {
                Err(end(session).await)
            }
            SessionCount::Check(n) => Ok(n),
        }
    }

    /// The `n`th attempt was wrong: at the limit the session ends.
    pub async fn wrong_password(session: &Session, n: i64, refusal: AppError) -> AppError {
        if attempts::ends_session(n) {
            end(session).await
        } else {
            refusal
        }
    }

    async fn end(session: &Session) -> AppError {
        tracing::warn!("too many wrong passwords: session ended");
        match session.flush().await {
            Ok(()) => AppError::NotSignedIn,
            Err(e) => ctx::session_error(e),
        }
    }

    /// The right password was just typed (see [`crate::session::mark_verified`]); the
    /// session's count starts again with its new row.
    pub async fn mark_verified(session: &Session) -> Result<(), AppError> {
        crate::session::mark_verified(session).await
    }
}

/// Changes the caller's password (current one required) and ends their other sessions.
#[server(endpoint = "account/change_password")]
pub async fn change_password(
    current: String,
    password: String,
    confirm: String,
) -> Result<(), AppError> {
    use super::ctx;
    use crate::domain::identity::users;
    use secrecy::SecretString;
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let session = ctx::session().await?;
        let attempt = ssr::charge(&state, &session, &who).await?;
        let changed = users::change_password(
            &state.pool,
            who.user().id,
            SecretString::from(current),
            SecretString::from(password),
            SecretString::from(confirm),
            session.id().as_ref(),
        )
        .await
        .map_err(AppError::from);
        match changed {
            Err(e) if e.field_message("current").is_some() => {
                return Err(ssr::wrong_password(&session, attempt, e).await)
            }
            // The current password was right (a new one was refused): a fresh check all the
            // same, so the count starts again.
            Err(e)
                if ["password", "confirm"]
                    .iter()
                    .any(|f| e.field_message(f).is_some()) =>
            {
                ssr::mark_verified(&session).await?;
                return Err(e);
            }
            other => other?,
        }
        // Typing the current password is a fresh password check too; the session gets a new
        // id, so a copy of the old cookie is signed out like every other session.
        ssr::mark_verified(&session).await?;
        tracing::info!(
            user_id = who.user().id,
            "password changed; other sessions ended"
        );
        Ok(())
    })
    .await
}

/// Confirms the caller's password (and, with an authenticator app, a code) so that dangerous
/// actions go through for the next `reauth_minutes`.
#[server(endpoint = "account/reauthenticate")]
pub async fn reauthenticate(password: String, code: Option<String>) -> Result<(), AppError> {
    use super::ctx;
    use crate::domain::admin::second_factor;
    use crate::domain::identity::{totp, users};
    use secrecy::SecretString;
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let session = ctx::session().await?;
        if crate::domain::identity::sso::domains::password_refused(&state.pool, who.user().id)
            .await?
        {
            return Err(super::auth::sso_required());
        }
        let attempt = ssr::charge(&state, &session, &who).await?;
        if !users::verify_password(&state.pool, who.user().id, SecretString::from(password)).await?
        {
            tracing::info!(user_id = who.user().id, "re-authentication refused");
            let refusal = AppError::Validation {
                field: "password".into(),
                message: "The password is incorrect.".into(),
            };
            return Err(ssr::wrong_password(&session, attempt, refusal).await);
        }
        let user = who.user();
        let app = totp::store::is_enabled(&state.pool, user.id).await?;
        if !app && crate::domain::identity::factors::enrolled(&state.pool, user.id).await? {
            return Err(AppError::Validation {
                field: "code".into(),
                message:
                    "Your account uses a passkey as its second factor: confirm with your passkey."
                        .into(),
            });
        }
        if app {
            let code = code.unwrap_or_default();
            let now = state.clock.now();
            let passed = second_factor::pass(&state.pool, &state.keyring, user, &code, now).await?;
            if passed.is_none() {
                return Err(AppError::Validation {
                    field: "code".into(),
                    message:
                        "Enter the current code from your authenticator app (or a recovery code)."
                            .into(),
                });
            }
        }
        ssr::mark_verified(&session).await?;
        Ok(())
    })
    .await
}

/// The second step of a re-authentication through single sign-on, for an account whose own
/// authenticator app the provider did not vouch for: its code (or a recovery code), within
/// five minutes of the provider's answer.
#[server(endpoint = "account/reauth_code")]
pub async fn reauth_code(code: String) -> Result<(), AppError> {
    use super::ctx;
    use crate::domain::admin::second_factor;
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let session = ctx::session().await?;
        let now = state.clock.now();
        if !crate::session::reauth_second_step_due(&session, now).await? {
            return Err(AppError::ReauthRequired);
        }
        let _ = ssr::charge(&state, &session, &who).await?;
        let passed =
            second_factor::pass(&state.pool, &state.keyring, who.user(), &code, now).await?;
        if passed.is_none() {
            // Another try needs the provider again: a wrong code ends this second step.
            return Err(AppError::Validation {
                field: "code".into(),
                message: "That code is not right. Confirm with your provider again.".into(),
            });
        }
        ssr::mark_verified(&session).await?;
        Ok(())
    })
    .await
}

/// Ends every session of the caller, this one included, and goes to the sign-in page.
#[server(endpoint = "account/logout_everywhere")]
pub async fn logout_everywhere() -> Result<(), AppError> {
    use super::ctx;
    use crate::domain::admin::sign_out;
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let session = ctx::session().await?;
        let ended = sign_out::end_for_user(&state.pool, who.user().id, None).await?;
        session.flush().await.map_err(ctx::session_error)?;
        tracing::info!(user_id = who.user().id, ended, "signed out everywhere");
        leptos_axum::redirect("/login");
        Ok(())
    })
    .await
}
