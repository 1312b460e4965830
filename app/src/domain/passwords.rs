//! Argon2id password hashing, run off the async runtime.

use std::sync::OnceLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use secrecy::{ExposeSecret, SecretString};

use super::DomainError;

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

pub async fn hash(password: SecretString) -> Result<String, DomainError> {
    tokio::task::spawn_blocking(move || hash_blocking(password.expose_secret()))
        .await
        .map_err(|e| DomainError::Internal(format!("hashing task failed: {e}")))?
}

/// Verifies `password` against `hash`; with `None` it verifies against a dummy hash and
/// returns false, taking as long as a real check.
pub async fn verify(password: SecretString, hash: Option<String>) -> Result<bool, DomainError> {
    tokio::task::spawn_blocking(move || match hash {
        Some(hash) => verify_blocking(password.expose_secret(), &hash),
        None => {
            verify_blocking(password.expose_secret(), dummy_hash());
            false
        }
    })
    .await
    .map_err(|e| DomainError::Internal(format!("verification task failed: {e}")))
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
    async fn an_unknown_user_never_verifies() {
        assert!(!verify(SecretString::from("anything at all"), None)
            .await
            .unwrap());
    }
}
