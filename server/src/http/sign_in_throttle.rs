//! Sign-in throttling per client address.
//!
//! An attempt must pass the bucket of its client address (see `client_addr`) before the sign-in
//! server function runs. The bucket of the account it names is charged by that function itself
//! (`app::api::ctx::charge_account`), on the email it actually checks, so that no other
//! spelling of the form can avoid it; re-authentication and password changes draw on the same
//! per-account allowance.

use std::net::IpAddr;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;

use app::error::AppError;

use crate::http::client_addr::ClientAddr;
use app::domain::limits::{Rate, Throttle, Wait};

const SIGN_IN_PATH: &str = "/api/auth/login";
const PASSKEY_PATHS: [&str; 2] = ["/api/auth/passkey_begin", "/api/auth/passkey_finish"];

#[derive(Clone)]
pub struct SignInThrottle {
    per_address: Throttle<IpAddr>,
}

impl SignInThrottle {
    pub fn new(rate: Rate, burst: u32) -> Self {
        Self {
            per_address: Throttle::new(rate, burst),
        }
    }

    pub fn forget_idle(&self) {
        self.per_address.forget_idle();
    }
}

/// A `429` that the sign-in form shows as it is: the server function's own error type, with
/// how long to wait.
fn refused(wait: Wait) -> Response {
    let message = format!(
        "Too many sign-in attempts from your network. {}",
        wait.try_again()
    );
    wait.response(Json(AppError::Throttled(message)))
}

pub async fn throttle_sign_in(
    State(throttle): State<SignInThrottle>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    // Every single sign-on start writes a flow: throttled like password attempts.
    let sso_start = path.starts_with("/auth/oidc/") && path.ends_with("/start");
    // A passkey sign-in writes a session at its start and checks a credential at its end.
    let passkey = PASSKEY_PATHS.contains(&path);
    if path != SIGN_IN_PATH && !sso_start && !passkey {
        return next.run(req).await;
    }
    let Some(&ClientAddr(client)) = req.extensions().get::<ClientAddr>() else {
        tracing::error!("sign-in without a resolved client address");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Err(wait) = throttle.per_address.check(&client) {
        tracing::warn!(client = %client, "sign-in throttled for this address");
        return refused(wait);
    }
    next.run(req).await
}
