//! Sign-in throttling, per client address and per account.
//!
//! Per address alone fails twice: behind a proxy every user shares one bucket, and a botnet
//! guesses one account from a thousand addresses. So an attempt must pass both the bucket of
//! its client address (see `client_addr`) and the bucket of the email it names, before any
//! password is checked. The email is read from the form body, which is then handed on intact.

use std::net::IpAddr;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;

use app::error::AppError;

use crate::client_addr::ClientAddr;
use crate::rate_limit::{Rate, Throttle, Wait};

const SIGN_IN_PATH: &str = "/api/auth/login";
/// An email and a password fit many times over; a bigger body is not a sign-in.
const MAX_SIGN_IN_BODY: usize = 8 * 1024;
const MAX_EMAIL_KEY: usize = 254;

#[derive(Clone)]
pub struct SignInThrottle {
    per_address: Throttle<IpAddr>,
    per_account: Throttle<String>,
}

pub struct SignInLimits {
    pub address_rate: Rate,
    pub address_burst: u32,
    pub account_rate: Rate,
    pub account_burst: u32,
}

impl SignInThrottle {
    pub fn new(limits: SignInLimits) -> Self {
        Self {
            per_address: Throttle::new(limits.address_rate, limits.address_burst),
            per_account: Throttle::new(limits.account_rate, limits.account_burst),
        }
    }

    pub fn forget_idle(&self) {
        self.per_address.forget_idle();
        self.per_account.forget_idle();
    }
}

/// The account an attempt names: its email, trimmed and lowercased as sign-in compares it.
fn account_key(form: &[u8]) -> Option<String> {
    form_urlencoded::parse(form)
        .find(|(k, _)| k == "email")
        .map(|(_, v)| v.trim().to_lowercase())
        .filter(|email| !email.is_empty())
        .map(|email| email.chars().take(MAX_EMAIL_KEY).collect())
}

/// A `429` that the sign-in form shows as it is: the server function's own error type, with
/// how long to wait.
fn refused(wait: Wait, what: &str) -> Response {
    let minutes = wait.seconds().div_ceil(60);
    let message = format!(
        "{what} Try again in {minutes} minute{}.",
        if minutes == 1 { "" } else { "s" }
    );
    wait.response(Json(AppError::Throttled(message)))
}

pub async fn throttle_sign_in(
    State(throttle): State<SignInThrottle>,
    req: Request,
    next: Next,
) -> Response {
    if req.uri().path() != SIGN_IN_PATH {
        return next.run(req).await;
    }
    let Some(&ClientAddr(client)) = req.extensions().get::<ClientAddr>() else {
        tracing::error!("sign-in without a resolved client address");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Err(wait) = throttle.per_address.check(&client) {
        tracing::warn!(client = %client, "sign-in throttled for this address");
        return refused(wait, "Too many sign-in attempts from your network.");
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_SIGN_IN_BODY).await else {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            "The sign-in request is too large.",
        )
            .into_response();
    };
    if let Some(account) = account_key(&bytes) {
        if let Err(wait) = throttle.per_account.check(&account) {
            tracing::warn!(client = %client, "sign-in throttled for this account");
            return refused(wait, "Too many sign-in attempts for this account.");
        }
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_is_the_normalised_email_of_the_form() {
        assert_eq!(
            account_key(b"email=%20Admin%40Acme.TEST&password=x").as_deref(),
            Some("admin@acme.test")
        );
        assert_eq!(account_key(b"password=x"), None);
        assert_eq!(account_key(b"email=&password=x"), None);
        let long = format!("email={}", "a".repeat(5000));
        assert_eq!(account_key(long.as_bytes()).map(|k| k.len()), Some(254));
    }
}
