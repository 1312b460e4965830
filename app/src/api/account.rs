//! The signed-in user's own account: password change, re-authentication before dangerous
//! actions, and "sign out everywhere".

use leptos::prelude::*;

use crate::error::AppError;

/// The bookkeeping of password checks within one session (server only).
#[cfg(feature = "ssr")]
mod ssr {
    use tower_sessions::Session;

    use super::super::ctx;
    use crate::error::AppError;

    /// Wrong passwords one session may type (re-authentication, current password) before it
    /// is ended: a stolen session cookie must not become a way to guess the password.
    const MAX_WRONG_PASSWORDS: i64 = 5;
    const WRONG_PASSWORDS_KEY: &str = "wrong_passwords";

    /// Counts a wrong password typed in this session; past the limit the session ends.
    pub async fn wrong_password(session: &Session, refusal: AppError) -> AppError {
        let count = match session.get::<i64>(WRONG_PASSWORDS_KEY).await {
            Ok(count) => count.unwrap_or(0) + 1,
            Err(e) => return ctx::session_error(e),
        };
        if count >= MAX_WRONG_PASSWORDS {
            tracing::warn!("too many wrong passwords: session ended");
            return match session.flush().await {
                Ok(()) => AppError::NotSignedIn,
                Err(e) => ctx::session_error(e),
            };
        }
        match session.insert(WRONG_PASSWORDS_KEY, count).await {
            Ok(()) => refusal,
            Err(e) => ctx::session_error(e),
        }
    }

    /// The right password was just typed: dangerous actions go through for the next
    /// `reauth_minutes`, and the count of wrong ones starts again.
    pub async fn mark_verified(session: &Session) -> Result<(), AppError> {
        session
            .insert(crate::session::VERIFIED_AT_KEY, crate::domain::now())
            .await
            .map_err(ctx::session_error)?;
        session
            .remove_value(WRONG_PASSWORDS_KEY)
            .await
            .map_err(ctx::session_error)?;
        Ok(())
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
                return Err(ssr::wrong_password(&session, e).await)
            }
            other => other?,
        }
        // Typing the current password is a fresh password check too.
        ssr::mark_verified(&session).await?;
        tracing::info!(
            user_id = who.user().id,
            "password changed; other sessions ended"
        );
        Ok(())
    })
    .await
}

/// Confirms the caller's password so that dangerous actions go through for the next
/// `reauth_minutes`.
#[server(endpoint = "account/reauthenticate")]
pub async fn reauthenticate(password: String) -> Result<(), AppError> {
    use super::ctx;
    use crate::domain::identity::users;
    use secrecy::SecretString;
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let session = ctx::session().await?;
        if !users::verify_password(&state.pool, who.user().id, SecretString::from(password)).await?
        {
            tracing::info!(user_id = who.user().id, "re-authentication refused");
            let refusal = AppError::Validation {
                field: "password".into(),
                message: "The password is incorrect.".into(),
            };
            return Err(ssr::wrong_password(&session, refusal).await);
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
