//! The Account page's "Two-factor authentication": whether an authenticator app is set up,
//! setting one up (QR code and setup key, then a code to confirm, then recovery codes shown
//! once), a new set of recovery codes, and removing the app. Changes ask for a recent
//! password check.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::second_factor::{SecondFactorStatus, TotpSetup};

#[server(endpoint = "mfa/status")]
pub async fn two_factor_status() -> Result<SecondFactorStatus, AppError> {
    use super::ctx;
    use crate::domain::identity::totp::{recovery, store};
    use crate::domain::identity::{factors, passkeys};
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let id = who.user().id;
        Ok(SecondFactorStatus {
            totp: store::is_enabled(&state.pool, id).await?,
            recovery_codes_left: recovery::left(&state.pool, id).await?,
            required_by: factors::required_by(&state.pool, id).await?,
            passkeys: passkeys::store::list(&state.pool, id).await?,
        })
    })
    .await
}

/// Starts setting up an app: a new secret (replacing an unfinished setup).
#[server(endpoint = "mfa/totp_begin")]
pub async fn begin_totp() -> Result<TotpSetup, AppError> {
    use super::ctx;
    use crate::domain::identity::totp::{code, store};
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        ctx::recently_verified(&state).await?;
        let user = who.user();
        let secret = code::new_secret();
        store::begin(&state.pool, &state.keyring, user.id, &secret).await?;
        let url = code::otpauth_url(&secret, &user.email)?;
        Ok(TotpSetup {
            qr_svg: code::qr_svg(&url)?,
            setup_key: code::setup_key(&secret),
        })
    })
    .await
}

/// The first code from the app: the setup is done; the recovery codes, shown once.
#[server(endpoint = "mfa/totp_confirm")]
pub async fn confirm_totp(code: String) -> Result<Vec<String>, AppError> {
    use super::ctx;
    use crate::domain::admin::second_factor;
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let now = state.clock.now();
        Ok(second_factor::confirm(&state.pool, &state.keyring, &who, &code, now).await?)
    })
    .await
}

#[server(endpoint = "mfa/recovery_codes")]
pub async fn new_recovery_codes() -> Result<Vec<String>, AppError> {
    use super::ctx;
    use crate::domain::admin::second_factor;
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        ctx::recently_verified(&state).await?;
        Ok(second_factor::new_recovery_codes(&state.pool, &who).await?)
    })
    .await
}

#[server(endpoint = "mfa/totp_remove")]
pub async fn remove_totp() -> Result<(), AppError> {
    use super::ctx;
    use crate::domain::admin::second_factor;
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        ctx::recently_verified(&state).await?;
        Ok(second_factor::remove(&state.pool, &who).await?)
    })
    .await
}
