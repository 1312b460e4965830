//! Keyed throttles (GCRA from `governor`) shared by sign-in, re-authentication and the
//! runtime API.
//!
//! Every limit is a burst plus a refill rate written as `N/second`, `N/minute` or `N/hour`,
//! both from configuration, so that tests can set a refill of one per hour and never race
//! the machine's clock. A refusal carries how long to wait, for `Retry-After`.

use std::hash::Hash;
use std::num::NonZeroU32;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::Deserialize;

/// A refill rate: `count` units per `per`. Written `30/minute` in configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Rate {
    count: NonZeroU32,
    per: Duration,
}

impl Rate {
    pub const fn new(count: NonZeroU32, per: Duration) -> Self {
        Self { count, per }
    }

    pub fn per_second(count: u32) -> Self {
        Self::new(non_zero(count), Duration::from_secs(1))
    }

    pub fn per_minute(count: u32) -> Self {
        Self::new(non_zero(count), Duration::from_secs(60))
    }

    pub fn per_hour(count: u32) -> Self {
        Self::new(non_zero(count), Duration::from_secs(3600))
    }

    fn quota(self, burst: u32) -> Quota {
        let quota = Quota::with_period(self.per / self.count.get())
            .unwrap_or_else(|| Quota::per_second(self.count));
        quota.allow_burst(non_zero(burst))
    }
}

fn non_zero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

impl FromStr for Rate {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let bad = || format!("{raw:?} is not a rate like 30/minute (second, minute or hour)");
        let (count, unit) = raw.split_once('/').ok_or_else(bad)?;
        let count: u32 = count.trim().parse().map_err(|_| bad())?;
        let count = NonZeroU32::new(count).ok_or_else(bad)?;
        let per = match unit.trim() {
            "second" | "s" => Duration::from_secs(1),
            "minute" | "min" => Duration::from_secs(60),
            "hour" | "h" => Duration::from_secs(3600),
            _ => return Err(bad()),
        };
        Ok(Self::new(count, per))
    }
}

impl TryFrom<String> for Rate {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        raw.parse()
    }
}

/// Refused: wait this long before the next attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait(pub Duration);

impl Wait {
    /// Whole seconds for `Retry-After`, at least 1.
    pub fn seconds(self) -> u64 {
        (self.0.as_secs() + u64::from(self.0.subsec_nanos() > 0)).max(1)
    }

    /// "Try again in N minute(s).", for a person (rounded up to whole minutes).
    pub fn try_again(self) -> String {
        let minutes = self.seconds().div_ceil(60);
        let unit = if minutes == 1 { "minute" } else { "minutes" };
        format!("Try again in {minutes} {unit}.")
    }

    /// A `429` with `Retry-After` and `body`.
    pub fn response(self, body: impl IntoResponse) -> Response {
        let mut res = (StatusCode::TOO_MANY_REQUESTS, body).into_response();
        self.set_retry_after(&mut res);
        res
    }

    pub fn set_retry_after(self, res: &mut Response) {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(self.seconds()));
    }
}

/// One keyed limiter: each key has its own burst and refill.
pub struct Throttle<K: Hash + Eq + Clone>(Arc<DefaultKeyedRateLimiter<K>>);

impl<K: Hash + Eq + Clone> Clone for Throttle<K> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<K: Hash + Eq + Clone> Throttle<K> {
    pub fn new(rate: Rate, burst: u32) -> Self {
        Self(Arc::new(RateLimiter::keyed(rate.quota(burst))))
    }

    /// Takes one unit from `key`'s allowance, or says how long to wait.
    pub fn check(&self, key: &K) -> Result<(), Wait> {
        self.0
            .check_key(key)
            .map_err(|not_until| Wait(not_until.wait_time_from(self.0.clock().now())))
    }

    /// Forgets keys whose allowance is full again (bounded memory).
    pub fn forget_idle(&self) {
        self.0.retain_recent();
        self.0.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_from_configuration_text() {
        assert_eq!("30/minute".parse(), Ok(Rate::per_minute(30)));
        assert_eq!("1/hour".parse(), Ok(Rate::per_hour(1)));
        assert_eq!(" 100 / second ".parse(), Ok(Rate::per_second(100)));
        for bad in ["30", "0/minute", "x/hour", "5/fortnight", "-1/second"] {
            assert!(bad.parse::<Rate>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn a_key_gets_its_burst_then_waits_for_the_refill() {
        let throttle = Throttle::new(Rate::per_hour(1), 3);
        for _ in 0..3 {
            assert!(throttle.check(&"a").is_ok());
        }
        let wait = throttle.check(&"a").unwrap_err();
        assert!(wait.seconds() > 3000 && wait.seconds() <= 3600, "{wait:?}");
        assert!(throttle.check(&"b").is_ok(), "keys are independent");
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(Wait(Duration::from_millis(1)).seconds(), 1);
        assert_eq!(Wait(Duration::from_millis(1500)).seconds(), 2);
        assert_eq!(Wait(Duration::ZERO).seconds(), 1);
    }

    #[test]
    fn a_person_is_told_the_wait_in_whole_minutes() {
        assert_eq!(
            Wait(Duration::from_secs(1)).try_again(),
            "Try again in 1 minute."
        );
        assert_eq!(
            Wait(Duration::from_secs(61)).try_again(),
            "Try again in 2 minutes."
        );
    }
}
