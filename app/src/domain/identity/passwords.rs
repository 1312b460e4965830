//! Argon2id password hashing, run off the async runtime, a few at a time.
//!
//! Each argon2 computation holds 19 MiB and a CPU for tens of milliseconds, so a burst of
//! sign-ins from many addresses could exhaust memory. Every hash and verification waits for
//! a turn at one process-wide gate (set once at start-up, like a thread pool's size).

use std::sync::{Arc, OnceLock};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Semaphore;

use crate::domain::DomainError;

fn hash_blocking(password: &str) -> Result<String, DomainError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| DomainError::Internal(format!("password hashing failed: {e}")))
}

fn verify_blocking(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash that no password matches, verified when an email is unknown so that both
/// failures take the same time.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking("not-a-real-password: timing equaliser").unwrap_or_default())
}

/// At most `max` blocking computations at once; the others wait for a turn.
#[derive(Clone)]
pub struct Gate(Arc<Semaphore>);

impl Gate {
    pub fn new(max: usize) -> Self {
        Self(Arc::new(Semaphore::new(max.max(1))))
    }

    /// Runs `work` on the blocking pool once a turn is free.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, DomainError> {
        let _turn = self
            .0
            .acquire()
            .await
            .map_err(|e| DomainError::Internal(format!("password gate closed: {e}")))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| DomainError::Internal(format!("password task failed: {e}")))
    }
}

static GATE: OnceLock<Gate> = OnceLock::new();

/// Sets how many password checks may run at once (the first call wins; default twice the CPUs).
pub fn limit_concurrency(max: usize) {
    let _ = GATE.set(Gate::new(max));
}

fn gate() -> &'static Gate {
    GATE.get_or_init(|| {
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        Gate::new(2 * cpus)
    })
}

pub async fn hash(password: SecretString) -> Result<String, DomainError> {
    gate()
        .run(move || hash_blocking(password.expose_secret()))
        .await?
}

/// Verifies `password` against `hash`; with `None` it verifies against a dummy hash and
/// returns false, taking as long as a real check.
pub async fn verify(password: SecretString, hash: Option<String>) -> Result<bool, DomainError> {
    // An account without a password (made by single sign-on) has an empty hash: checked
    // like an unknown email, so that it takes as long as a wrong password.
    let hash = hash.filter(|h| !h.is_empty());
    gate()
        .run(move || match hash {
            Some(hash) => verify_blocking(password.expose_secret(), &hash),
            None => {
                verify_blocking(password.expose_secret(), dummy_hash());
                false
            }
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_only_its_own_password() {
        let h = hash(SecretString::from("correct horse battery"))
            .await
            .unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(
            verify(SecretString::from("correct horse battery"), Some(h.clone()))
                .await
                .unwrap()
        );
        assert!(!verify(SecretString::from("wrong horse battery"), Some(h))
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn work_waits_while_every_turn_is_taken() {
        use std::future::Future;
        use std::task::{Context, Waker};

        let gate = Gate::new(1);
        let held = gate.0.clone().acquire_owned().await.unwrap();
        let mut waiting = std::pin::pin!(gate.run(|| 42));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(
            waiting.as_mut().poll(&mut cx).is_pending(),
            "ran without a turn"
        );
        drop(held);
        assert_eq!(waiting.await.unwrap(), 42);
        assert_eq!(gate.0.available_permits(), 1, "the turn is given back");
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies() {
        assert!(!verify(SecretString::from("anything at all"), None)
            .await
            .unwrap());
    }
}
