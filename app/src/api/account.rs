//! The signed-in user's own account: password change, re-authentication before dangerous
//! actions, and "sign out everywhere".

use leptos::prelude::*;

use crate::error::AppError;

/// Changes the caller's password (current one required) and ends their other sessions.
#[server(endpoint = "change_password")]
pub async fn change_password(
    current: String,
    password: String,
    confirm: String,
) -> Result<(), AppError> {
    use super::ctx;
    use crate::domain::users;
    use secrecy::SecretString;
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let session = ctx::session().await?;
        users::change_password(
            &state.pool,
            who.user().id,
            SecretString::from(current),
            SecretString::from(password),
            SecretString::from(confirm),
            session.id().as_ref(),
        )
        .await?;
        // Typing the current password is a fresh password check too.
        session
            .insert(ctx::VERIFIED_AT_KEY, crate::domain::now())
            .await
            .map_err(ctx::session_error)?;
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
#[server(endpoint = "reauthenticate")]
pub async fn reauthenticate(password: String) -> Result<(), AppError> {
    use super::ctx;
    use crate::domain::users;
    use secrecy::SecretString;
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let session = ctx::session().await?;
        if !users::verify_password(&state.pool, who.user().id, SecretString::from(password)).await?
        {
            tracing::info!(user_id = who.user().id, "re-authentication refused");
            return Err(AppError::Validation {
                field: "password".into(),
                message: "The password is incorrect.".into(),
            });
        }
        session
            .insert(ctx::VERIFIED_AT_KEY, crate::domain::now())
            .await
            .map_err(ctx::session_error)?;
        Ok(())
    })
    .await
}

/// Ends every session of the caller, this one included, and goes to the sign-in page.
#[server(endpoint = "logout_everywhere")]
pub async fn logout_everywhere() -> Result<(), AppError> {
    use super::ctx;
    use crate::domain::sessions;
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let session = ctx::session().await?;
        let ended = sessions::end_for_user(&state.pool, who.user().id, None).await?;
        session.flush().await.map_err(ctx::session_error)?;
        tracing::info!(user_id = who.user().id, ended, "signed out everywhere");
        leptos_axum::redirect("/login");
        Ok(())
    })
    .await
}
