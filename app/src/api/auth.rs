use leptos::prelude::*;

use crate::error::AppError;
use crate::model::Me;

/// Signs in with email and password; the session id is cycled. Then the browser goes to
/// `next` if it is a path of this site (see [`super::redirects::local_next`]), else home.
#[server(endpoint = "auth/login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use super::ctx;
    use crate::domain::identity::{factors, sso, users};
    use secrecy::SecretString;

    ctx::respond(async move {
        let state = ctx::state()?;
        let session = ctx::session().await?;
        // Charged here, on the email this function checks: however the form spelled it.
        ctx::charge_account(&state, &email)?;
        let user =
            match users::authenticate(&state.pool, &email, SecretString::from(password)).await {
                Ok(user) => user,
                Err(e) => {
                    tracing::info!("sign-in refused");
                    return Err(e.into());
                }
            };
        if sso::domains::password_refused(&state.pool, user.id).await? {
            tracing::info!(
                user_id = user.id,
                "password sign-in refused: single sign-on required"
            );
            return Err(sso_required());
        }
        let next = super::redirects::local_next(next.as_deref(), "/");
        if factors::enrolled(&state.pool, user.id).await? {
            crate::session::begin_second_step(&session, user.id, state.clock.now()).await?;
            tracing::info!(user_id = user.id, "password right; second factor due");
            leptos_axum::redirect(&second_step_path(&next));
            return Ok(());
        }
        crate::session::begin(&session, user.id).await?;
        tracing::info!(user_id = user.id, "signed in");
        leptos_axum::redirect(&next);
        Ok(())
    })
    .await
}

/// The second step's page, going on to `next` afterwards.
pub fn second_step_path(next: &str) -> String {
    format!(
        "/login/code?next={}",
        crate::components::url::urlencode(next)
    )
}

/// The second step of a sign-in: a code from the authenticator app, or a recovery code,
/// within five minutes of the password. Wrong codes draw on the account's sign-in allowance.
#[server(endpoint = "auth/second_factor")]
pub async fn second_factor(code: String, next: Option<String>) -> Result<(), AppError> {
    use super::ctx;
    use crate::domain::admin::second_factor;
    ctx::respond(async move {
        let state = ctx::state()?;
        let session = ctx::session().await?;
        let user = ctx::second_step_account(&state, &session).await?;
        let passed =
            second_factor::pass(&state.pool, &state.keyring, &user, &code, state.clock.now())
                .await?;
        if passed.is_none() {
            tracing::info!(user_id = user.id, "authentication code refused");
            return Err(AppError::Validation {
                field: "code".into(),
                message: "That code is not right, or was used already.".into(),
            });
        }
        crate::session::begin(&session, user.id).await?;
        tracing::info!(user_id = user.id, "signed in with a second factor");
        leptos_axum::redirect(&super::redirects::local_next(next.as_deref(), "/"));
        Ok(())
    })
    .await
}

/// A workspace of this account requires single sign-on: its password does not sign in.
#[cfg(feature = "ssr")]
pub fn sso_required() -> AppError {
    AppError::Validation {
        field: "sso".into(),
        message:
            "Your workspace requires single sign-on: sign in with your organisation's provider."
                .into(),
    }
}

/// Signs out; then the browser goes to `next` if it is a path of this site, else sign-in.
#[server(endpoint = "auth/logout")]
pub async fn logout(next: Option<String>) -> Result<(), AppError> {
    use super::ctx;
    ctx::respond(async move {
        let session = ctx::session().await?;
        session.flush().await.map_err(ctx::session_error)?;
        leptos_axum::redirect(&super::redirects::local_next(next.as_deref(), "/login"));
        Ok(())
    })
    .await
}

/// The signed-in user and their workspaces, or `None` when signed out.
#[server(endpoint = "auth/me")]
pub async fn current_user() -> Result<Option<Me>, AppError> {
    use super::ctx;
    use crate::domain::identity::{access, workspaces};
    ctx::respond(async move {
        let (state, who) = match ctx::signed_in().await {
            Ok(found) => found,
            Err(AppError::NotSignedIn) => return Ok(None),
            Err(e) => return Err(e),
        };
        let user = who.user();
        Ok(Some(Me {
            email: user.email.clone(),
            name: user.name.clone(),
            workspaces: workspaces::list_for_user(&state.pool, user.id).await?,
            operator: access::is_operator(&state.pool, user.id).await?,
        }))
    })
    .await
}
