//! Password attempts, wherever a password is typed: sign-in, re-authentication and the
//! current password of a password change.
//!
//! Two counts, both charged before any password is checked, so that parallel attempts cannot
//! all see the same count while argon2 runs:
//! - per account (the email as sign-in compares it), in this process: a burst and a refill
//!   from configuration, from any number of addresses and sessions. It is charged by the
//!   code that checks the password, on the email it checks, so no spelling of a form avoids
//!   it;
//! - per session, in the database (one atomic `UPDATE ... RETURNING`): a stolen session
//!   cookie must not become a way to guess the password, so the session ends after
//!   [`MAX_WRONG_PER_SESSION`] wrong passwords.

use tower_sessions::session::Id;

use crate::domain::db::Pool;
use crate::domain::identity::session_store::storage_key;
use crate::domain::limits::{Rate, Throttle, Wait};
use crate::domain::DomainError;

/// Wrong passwords one session may type before it is ended.
pub const MAX_WRONG_PER_SESSION: i64 = 5;
/// Longer keys are cut: an email is at most 254 characters.
const MAX_EMAIL_KEY: usize = 254;

/// The per-account allowance, shared by every server function that checks a password.
#[derive(Clone)]
pub struct AccountAttempts(Throttle<String>);

impl AccountAttempts {
    pub fn new(rate: Rate, burst: u32) -> Self {
        Self(Throttle::new(rate, burst))
    }

    /// Takes one attempt from `email`'s allowance (normalised as sign-in compares emails), or
    /// says how long to wait. An empty email is charged too: it is still an attempt.
    pub fn charge(&self, email: &str) -> Result<(), Wait> {
        self.0.check(&account_key(email))
    }

    pub fn forget_idle(&self) {
        self.0.forget_idle();
    }
}

/// The account an attempt names: trimmed and lowercased, as `users::authenticate` compares.
pub fn account_key(email: &str) -> String {
    email
        .trim()
        .to_lowercase()
        .chars()
        .take(MAX_EMAIL_KEY)
        .collect()
}

/// What a session's count allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionCount {
    /// This attempt may check the password; it is the `n`th since the last right one.
    Check(i64),
    /// The session is gone (ended, or its id was cycled meanwhile).
    Gone,
}

/// Counts one password attempt of session `id`, atomically. A session past the limit is
/// charged too and must be ended by the caller without checking the password.
pub async fn charge_session(pool: &Pool, id: &Id) -> Result<SessionCount, DomainError> {
    let n: Option<i64> = sqlx::query_scalar(
        "UPDATE sessions SET password_attempts = password_attempts + 1 WHERE id = $1 \
         RETURNING password_attempts",
    )
    .bind(storage_key(id))
    .fetch_optional(pool)
    .await?;
    Ok(n.map_or(SessionCount::Gone, SessionCount::Check))
}

/// The `n`th attempt of a session was wrong: whether the session must now end.
pub fn ends_session(n: i64) -> bool {
    n >= MAX_WRONG_PER_SESSION
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_an_email_is_one_account() {
        assert_eq!(account_key(" Admin@Acme.TEST "), "admin@acme.test");
        assert_eq!(account_key(&"a".repeat(5000)).len(), 254);
    }

    #[test]
    fn an_account_gets_its_burst_then_waits() {
        let attempts = AccountAttempts::new(Rate::per_hour(1), 2);
        assert!(attempts.charge("a@x.test").is_ok());
        assert!(attempts.charge("A@X.test ").is_ok());
        assert!(attempts.charge("a@x.test").is_err());
        assert!(attempts.charge("b@x.test").is_ok());
    }

    #[test]
    fn the_fifth_wrong_password_ends_the_session() {
        assert!(!ends_session(4));
        assert!(ends_session(5));
        assert!(ends_session(9));
    }
}
