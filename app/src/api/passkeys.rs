//! Passkeys of the signed-in account: adding one (with a name), removing one, and confirming
//! it is you with one (re-authentication). Each ceremony is two calls made by the passkey
//! script (`components::passkey`): `*_begin` answers the options for the browser's
//! authenticator as JSON text, `*_finish` takes the authenticator's answer as JSON text and
//! answers where the browser goes next.

use leptos::prelude::*;

use crate::error::AppError;

#[cfg(feature = "ssr")]
const REGISTER: &str = "passkey_register";
#[cfg(feature = "ssr")]
const REAUTH: &str = "passkey_reauth";

/// Starts adding a passkey named `name`; asks for a recent password check first.
#[server(endpoint = "passkey/register_begin")]
pub async fn begin_registration(name: String) -> Result<String, AppError> {
    use super::ctx;
    use crate::domain::identity::passkeys::{ceremony, store};
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        ctx::recently_verified(&state).await?;
        store::name(&name)?;
        let rp = ctx::relying_party(&state).await?;
        let user = who.user();
        let handle = store::handle(&state.pool, user.id).await?;
        let existing = store::credentials(&state.pool, user.id)
            .await?
            .into_iter()
            .map(|(_, key)| key.cred_id().clone())
            .collect();
        let started = ceremony::start_registration(&rp, handle, &user.email, &user.name, existing)?;
        ctx::keep_ceremony(&state, &ctx::session().await?, REGISTER, started).await
    })
    .await
}

/// The authenticator made the passkey: it is stored under its name, audited.
#[server(endpoint = "passkey/register_finish")]
pub async fn finish_registration(name: String, credential: String) -> Result<String, AppError> {
    use super::ctx;
    use crate::domain::admin::passkeys;
    use crate::domain::identity::passkeys::{ceremony, store};
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let name = store::name(&name)?;
        let session = ctx::session().await?;
        let kept = ctx::take_ceremony(&state, &session, REGISTER).await?;
        let rp = ctx::relying_party(&state).await?;
        let key = ceremony::finish_registration(&rp, &credential, &kept)?;
        passkeys::add(&state.pool, &who, &name, &key).await?;
        tracing::info!(user_id = who.user().id, "passkey added");
        Ok("/account?passkey=added#two-factor".to_string())
    })
    .await
}

/// Removes one of the account's passkeys; asks for a recent password check first.
#[server(endpoint = "passkey/remove")]
pub async fn remove_passkey(id: i64) -> Result<(), AppError> {
    use super::ctx;
    use crate::domain::admin::passkeys;
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        ctx::recently_verified(&state).await?;
        Ok(passkeys::remove(&state.pool, &who, id).await?)
    })
    .await
}

/// Starts confirming it is you with one of the account's passkeys.
#[server(endpoint = "passkey/reauth_begin")]
pub async fn begin_reauth() -> Result<String, AppError> {
    use super::ctx;
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let session = ctx::session().await?;
        ctx::begin_known_passkey(&state, &session, REAUTH, who.user().id).await
    })
    .await
}

/// The passkey answered: dangerous actions go through for the next `reauth_minutes`; the
/// browser goes on to `next`.
#[server(endpoint = "passkey/reauth_finish")]
pub async fn finish_reauth(credential: String, next: Option<String>) -> Result<String, AppError> {
    use super::ctx;
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let session = ctx::session().await?;
        let user_id = who.user().id;
        ctx::finish_known_passkey(&state, &session, REAUTH, user_id, &credential).await?;
        crate::session::mark_verified(&session).await?;
        tracing::info!(user_id, "re-authenticated with a passkey");
        Ok(super::redirects::local_next(next.as_deref(), "/account"))
    })
    .await
}
