//! Every delivery is signed: `X-Vault-Signature: v1=<hex>` where `<hex>` is
//! HMAC-SHA256(webhook secret, `<X-Vault-Timestamp>.<body>`). A receiver recomputes it with
//! the secret it was shown once, compares in constant time, and refuses timestamps older than
//! a few minutes (a replayed delivery).

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::domain::keys::digest::hex;
use crate::domain::DomainError;

pub const SIGNATURE_HEADER: &str = "x-vault-signature";
pub const TIMESTAMP_HEADER: &str = "x-vault-timestamp";
pub const EVENT_HEADER: &str = "x-vault-event";
pub const DELIVERY_HEADER: &str = "x-vault-delivery";

/// The `X-Vault-Signature` value of `body` sent at `timestamp` (Unix seconds).
pub fn signature(secret: &[u8], timestamp: i64, body: &str) -> Result<String, DomainError> {
    // HMAC takes keys of any length; the error exists for other MACs.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret)
        .map_err(|e| DomainError::Internal(format!("webhook signature: {e}")))?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    Ok(format!("v1={}", hex(&mac.finalize().into_bytes())))
}

/// A new signing secret: `whsec_` and 32 random bytes, base64url.
pub fn new_secret() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!(
        "whsec_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_over_timestamp_dot_body() {
        // Computed independently with Python's hmac module.
        let body = r#"{"event":"secret.create"}"#;
        assert_eq!(
            signature(b"whsec_test", 1_795_000_000, body).unwrap(),
            "v1=2a77379a4b4cde23c728189051663438a32e526c2af8294056631cf33ca3e011"
        );
        assert_ne!(
            signature(b"whsec_test", 1_795_000_001, body).unwrap(),
            signature(b"whsec_test", 1_795_000_000, body).unwrap()
        );
        let secret = new_secret();
        assert!(secret.starts_with("whsec_") && secret.len() == 6 + 43);
        assert_ne!(secret, new_secret());
    }
}
