//! Sign-in throttling per client address (GCRA from `governor`): a burst of 10 attempts,
//! then `sign_in_per_minute`. Password guessing meets 429 long before it gets anywhere.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

const SIGN_IN_PATH: &str = "/api/login";

#[derive(Clone)]
pub struct SignInLimiter(Arc<DefaultKeyedRateLimiter<IpAddr>>);

impl SignInLimiter {
    pub fn new(per_minute: u32) -> Self {
        let rate = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(10).unwrap_or(NonZeroU32::MIN);
        Self(Arc::new(RateLimiter::keyed(
            Quota::per_minute(rate).allow_burst(burst),
        )))
    }

    /// Forgets addresses whose allowance is full again (bounded memory).
    pub fn forget_idle(&self) {
        self.0.retain_recent();
    }
}

pub async fn throttle_sign_in(
    State(limiter): State<SignInLimiter>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
    next: Next,
) -> Response {
    if req.uri().path() == SIGN_IN_PATH && limiter.0.check_key(&peer.ip()).is_err() {
        tracing::warn!(client = %peer.ip(), "sign-in throttled");
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "30")],
            "Too many sign-in attempts. Wait a minute and try again.",
        )
            .into_response();
    }
    next.run(req).await
}
