//! Signing in with a passkey: alone, without a password (the authenticator's discoverable
//! credential says whose it is), or as the second step after a password. Two calls each, made
//! by the passkey script (`components::passkey`); the second answers where to go.

use leptos::prelude::*;

use crate::error::AppError;

#[cfg(feature = "ssr")]
const SIGN_IN: &str = "passkey_sign_in";
#[cfg(feature = "ssr")]
const SECOND_STEP: &str = "passkey_second_step";

#[server(endpoint = "auth/passkey_begin")]
pub async fn begin_passkey_sign_in() -> Result<String, AppError> {
    use super::ctx;
    use crate::domain::identity::passkeys::ceremony;
    ctx::respond(async move {
        let state = ctx::state()?;
        let rp = ctx::relying_party(&state).await?;
        let started = ceremony::start_sign_in(&rp)?;
        ctx::keep_ceremony(&state, &ctx::session().await?, SIGN_IN, started).await
    })
    .await
}

/// The passkey answered: a fresh session for its account, unless a workspace of the account
/// requires single sign-on (a passkey does not replace the organisation's provider).
#[server(endpoint = "auth/passkey_finish")]
pub async fn finish_passkey_sign_in(
    credential: String,
    next: Option<String>,
) -> Result<String, AppError> {
    use super::ctx;
    use crate::domain::identity::passkeys::{ceremony, store};
    use crate::domain::identity::{sso, users};
    ctx::respond(async move {
        let state = ctx::state()?;
        let session = ctx::session().await?;
        let kept = ctx::take_ceremony(&state, &session, SIGN_IN).await?;
        let rp = ctx::relying_party(&state).await?;
        let (handle, answer) = ceremony::identify(&rp, &credential)?;
        let unknown = || AppError::Validation {
            field: "passkey".into(),
            message: "This passkey does not belong to an account here.".into(),
        };
        let user_id = store::user_by_handle(&state.pool, handle)
            .await?
            .ok_or_else(unknown)?;
        let user = users::find_by_id(&state.pool, user_id)
            .await?
            .ok_or_else(unknown)?;
        ctx::charge_account(&state, &user.email)?;
        let mut keys = store::credentials(&state.pool, user.id).await?;
        let plain: Vec<_> = keys.iter().map(|(_, key)| key.clone()).collect();
        let result = ceremony::finish_sign_in(&rp, &answer, &kept, &plain)?;
        store::used(&state.pool, user.id, &mut keys, &result).await?;
        if sso::domains::password_refused(&state.pool, user.id).await? {
            return Err(super::auth::sso_required());
        }
        crate::session::begin(&session, user.id).await?;
        tracing::info!(user_id = user.id, "signed in with a passkey");
        Ok(super::redirects::local_next(next.as_deref(), "/"))
    })
    .await
}

/// The second step with a passkey, after the password.
#[server(endpoint = "auth/second_step_passkey_begin")]
pub async fn begin_second_step_passkey() -> Result<String, AppError> {
    use super::ctx;
    ctx::respond(async move {
        let state = ctx::state()?;
        let session = ctx::session().await?;
        let user_id = crate::session::second_step_user(&session, state.clock.now()).await?;
        ctx::begin_known_passkey(&state, &session, SECOND_STEP, user_id).await
    })
    .await
}

#[server(endpoint = "auth/second_step_passkey_finish")]
pub async fn finish_second_step_passkey(
    credential: String,
    next: Option<String>,
) -> Result<String, AppError> {
    use super::ctx;
    ctx::respond(async move {
        let state = ctx::state()?;
        let session = ctx::session().await?;
        let user = ctx::second_step_account(&state, &session).await?;
        ctx::finish_known_passkey(&state, &session, SECOND_STEP, user.id, &credential).await?;
        crate::session::begin(&session, user.id).await?;
        tracing::info!(user_id = user.id, "signed in with a password and a passkey");
        Ok(super::redirects::local_next(next.as_deref(), "/"))
    })
    .await
}
