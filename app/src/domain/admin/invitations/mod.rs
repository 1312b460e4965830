//! Invitations to a workspace: an admin invites an email with a role and gets a one-time
//! link; whoever opens it joins with the account of that email (signing in first, or
//! creating it on the spot).
//!
//! Promises: the token (32 random bytes, base64url) exists only in the link; the database
//! keeps its SHA-256. A link works once, until it expires (`invitation_days`), unless an
//! admin revoked it. Inviting an email that has an open invitation replaces it: the older
//! link is revoked in the same transaction (so an admin who lost a link, or picked the wrong
//! role, simply invites again). Inviting a member is refused. Creating, revoking and
//! accepting are audited in the workspace's trail, never with the token.

mod accept;
mod manage;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use secrecy::SecretString;

use crate::domain::keys::digest::sha256_hex;

pub use accept::{accept, accept_with_new_account, describe, NewAccount};
pub use manage::{create, list, revoke, Issued};

const DAY: i64 = 86_400;
/// Base64url of 32 bytes, without padding.
const TOKEN_LEN: usize = 43;

/// A new token: 32 random bytes, base64url without padding.
fn generate() -> SecretString {
    let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
    rand::rngs::OsRng.fill_bytes(bytes.as_mut());
    SecretString::from(URL_SAFE_NO_PAD.encode(bytes.as_ref()))
}

/// How a token is stored and looked up; `None` for text that no token can be (it is then
/// never looked up).
fn stored_hash(token: &str) -> Option<String> {
    let well_formed = token.len() == TOKEN_LEN
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    well_formed.then(|| sha256_hex(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::{generate, stored_hash};

    #[test]
    fn a_token_is_43_url_safe_characters_and_is_stored_as_its_sha256() {
        let token = generate();
        let text = token.expose_secret();
        assert_eq!(text.len(), 43);
        let hash = stored_hash(text).expect("a generated token is well formed");
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains(text));
        assert_ne!(generate().expose_secret(), text);
    }

    #[test]
    fn text_that_no_token_can_be_is_never_looked_up() {
        for bad in [
            "",
            "short",
            &"a".repeat(44),
            &format!("{}/", "a".repeat(42)),
        ] {
            assert_eq!(stored_hash(bad), None, "{bad:?}");
        }
    }
}
