//! Single sign-on for pages: the providers the sign-in page offers, the signed-in account's
//! ways to sign in (Account and re-authentication pages), and unlinking an identity. The
//! flow itself is plain HTTP (`/auth/oidc/...`, in the server crate): it leaves the site.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::sso::{SignInMethods, SsoProvider};

/// The configured providers, for the sign-in page (anyone may ask).
#[server(endpoint = "sso/providers")]
pub async fn sso_providers() -> Result<Vec<SsoProvider>, AppError> {
    use super::ctx;
    ctx::respond(async move {
        let state = ctx::state()?;
        Ok(ssr::providers(&state))
    })
    .await
}

/// The signed-in account's password and linked identities, and the providers it could link.
#[server(endpoint = "sso/methods")]
pub async fn sign_in_ways() -> Result<SignInMethods, AppError> {
    use super::ctx;
    use crate::domain::identity::{sso::identities, users};
    use crate::model::sso::LinkedIdentity;
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let user_id = who.user().id;
        let providers = ssr::providers(&state);
        let identities = identities::for_user(&state.pool, user_id)
            .await?
            .into_iter()
            .map(|i| LinkedIdentity {
                id: i.id,
                provider_name: providers
                    .iter()
                    .find(|p| p.id == i.provider_id)
                    .map_or_else(|| i.provider_id.clone(), |p| p.name.clone()),
                provider_id: i.provider_id,
                email: i.email,
                linked_at: i.created_at,
                last_used_at: i.last_used_at,
            })
            .collect();
        Ok(SignInMethods {
            has_password: users::has_password(&state.pool, user_id).await?,
            has_passkey: !crate::domain::identity::passkeys::store::list(&state.pool, user_id)
                .await?
                .is_empty(),
            identities,
            providers,
        })
    })
    .await
}

/// Unlinks one of the caller's identities while another way to sign in remains.
#[server(endpoint = "sso/unlink")]
pub async fn unlink_identity(id: i64) -> Result<(), AppError> {
    use super::ctx;
    use crate::domain::admin::sso_accounts;
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        ctx::recently_verified(&state).await?;
        sso_accounts::unlink(&state.pool, &who, id).await?;
        Ok(())
    })
    .await
}

#[cfg(feature = "ssr")]
mod ssr {
    use crate::model::sso::SsoProvider;
    use crate::state::AppState;

    pub fn providers(state: &AppState) -> Vec<SsoProvider> {
        state
            .sso
            .list()
            .into_iter()
            .map(|p| SsoProvider {
                id: p.id,
                name: p.name,
                available: p.available,
            })
            .collect()
    }
}
