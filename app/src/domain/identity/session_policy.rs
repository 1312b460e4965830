//! How long a dashboard session lives, as plain arithmetic on Unix seconds so that the
//! rules are tested without a clock.
//!
//! - Idle: a session unused for `idle_seconds` ends. Activity renews it, but at most once per
//!   [`SessionPolicy::renew_seconds`] (a database write per minute, not per request): the
//!   session's `seen_at` moves only then, so a session ends between `idle` and
//!   `idle + renew` seconds after its last request.
//! - Absolute: a session ends `absolute_seconds` after sign-in, however active.
//! - Re-authentication: dangerous actions need a password check within `reauth_seconds`.
//!
//! A signed-in session missing one of its timestamps is treated as expired (fail closed).

/// What a request finds when it looks at its session's timestamps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Signed in, nothing to write.
    Current,
    /// Signed in; move `seen_at` to now (the session is saved and its expiry slides).
    Renew,
    /// Too old, or a timestamp is missing: sign out.
    Expired,
}

#[derive(Clone, Copy, Debug)]
pub struct SessionPolicy {
    /// Signed out after this much inactivity.
    pub idle_seconds: i64,
    /// Signed out this long after sign-in, however active.
    pub absolute_seconds: i64,
    /// Dangerous actions ask for the password again when the last check is older.
    pub reauth_seconds: i64,
}

impl SessionPolicy {
    pub fn from_config(idle_minutes: i64, absolute_hours: i64, reauth_minutes: i64) -> Self {
        Self {
            idle_seconds: idle_minutes.max(1) * 60,
            absolute_seconds: absolute_hours.max(1) * 3600,
            reauth_seconds: reauth_minutes.max(0) * 60,
        }
    }

    /// How often activity is written back: once a minute, or a quarter of a short idle limit.
    pub fn renew_seconds(&self) -> i64 {
        (self.idle_seconds / 4).clamp(1, 60)
    }

    /// The lifetime given to the store row and the cookie at each renewal.
    pub fn store_lifetime_seconds(&self) -> i64 {
        self.idle_seconds + self.renew_seconds()
    }

    /// The standing at `now` of a session signed in at `auth_at` and last renewed at `seen_at`.
    pub fn standing(&self, now: i64, auth_at: Option<i64>, seen_at: Option<i64>) -> Standing {
        let (Some(auth_at), Some(seen_at)) = (auth_at, seen_at) else {
            return Standing::Expired;
        };
        if now - auth_at >= self.absolute_seconds || now - seen_at >= self.store_lifetime_seconds()
        {
            Standing::Expired
        } else if now - seen_at >= self.renew_seconds() {
            Standing::Renew
        } else {
            Standing::Current
        }
    }

    /// Whether a password check at `verified_at` still covers a dangerous action at `now`.
    pub fn recently_verified(&self, now: i64, verified_at: Option<i64>) -> bool {
        verified_at.is_some_and(|at| now - at < self.reauth_seconds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One minute idle, one hour absolute, ten minutes for re-authentication.
    fn policy() -> SessionPolicy {
        SessionPolicy::from_config(1, 1, 10)
    }

    #[test]
    fn activity_renews_at_most_every_renew_interval() {
        let p = policy();
        assert_eq!(p.renew_seconds(), 15);
        assert_eq!(
            p.standing(1_000, Some(1_000), Some(1_000)),
            Standing::Current
        );
        assert_eq!(
            p.standing(1_014, Some(1_000), Some(1_000)),
            Standing::Current
        );
        assert_eq!(p.standing(1_015, Some(1_000), Some(1_000)), Standing::Renew);
        assert_eq!(SessionPolicy::from_config(60, 12, 10).renew_seconds(), 60);
    }

    #[test]
    fn requests_every_twenty_seconds_keep_a_one_minute_session_alive() {
        let p = policy();
        let mut seen = 0;
        for now in (20..=600).step_by(20) {
            match p.standing(now, Some(0), Some(seen)) {
                Standing::Renew => seen = now,
                Standing::Current => {}
                Standing::Expired => panic!("signed out at {now}s"),
            }
        }
    }

    #[test]
    fn idleness_past_the_limit_ends_the_session() {
        let p = policy();
        assert_eq!(p.standing(1_059, Some(1_000), Some(1_000)), Standing::Renew);
        assert_eq!(
            p.standing(1_075, Some(1_000), Some(1_000)),
            Standing::Expired
        );
    }

    #[test]
    fn the_absolute_limit_ends_a_session_kept_alive() {
        let p = policy();
        assert_eq!(p.standing(3_600, Some(0), Some(3_590)), Standing::Expired);
        assert_eq!(p.standing(3_599, Some(0), Some(3_590)), Standing::Current);
    }

    #[test]
    fn missing_timestamps_fail_closed() {
        let p = policy();
        assert_eq!(p.standing(10, None, Some(10)), Standing::Expired);
        assert_eq!(p.standing(10, Some(10), None), Standing::Expired);
    }

    #[test]
    fn a_password_check_covers_dangerous_actions_for_reauth_minutes() {
        let p = policy();
        assert!(p.recently_verified(1_000 + 599, Some(1_000)));
        assert!(!p.recently_verified(1_000 + 600, Some(1_000)));
        assert!(!p.recently_verified(1_000, None));
    }
}
