//! What a sealed value is bound to: its associated data names the workspace, the secret and
//! version (or the webhook) and the format, so that a blob moved anywhere else does not open.

use zeroize::Zeroizing;

use super::cipher::{open_with, seal_with, CryptoError, DataKey};

/// The format of sealed secret values; part of the associated data.
pub const FORMAT_VERSION: u32 = 1;

/// What a sealed secret value is bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecretAad {
    pub workspace_id: i64,
    pub secret_id: i64,
    pub version: i64,
}

impl SecretAad {
    fn bytes(&self) -> Vec<u8> {
        format!(
            "secrets-vault/secret/v{FORMAT_VERSION}|ws={}|secret={}|version={}",
            self.workspace_id, self.secret_id, self.version
        )
        .into_bytes()
    }
}

/// What a sealed webhook signing secret is bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookAad {
    pub workspace_id: i64,
    pub webhook_id: i64,
}

impl WebhookAad {
    fn bytes(&self) -> Vec<u8> {
        format!(
            "secrets-vault/webhook/v1|ws={}|webhook={}",
            self.workspace_id, self.webhook_id
        )
        .into_bytes()
    }
}

/// Seals a webhook's signing secret under its workspace's data key.
pub fn seal_webhook(
    dek: &DataKey,
    plaintext: &[u8],
    aad: WebhookAad,
) -> Result<Vec<u8>, CryptoError> {
    seal_with(&dek.cipher, plaintext, &aad.bytes())
}

/// Opens a webhook's signing secret; a blob moved to another webhook does not open.
pub fn open_webhook(
    dek: &DataKey,
    blob: &[u8],
    aad: WebhookAad,
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    open_with(&dek.cipher, blob, &aad.bytes())
}

/// Seals a secret value under a data key.
pub fn seal(dek: &DataKey, plaintext: &[u8], aad: SecretAad) -> Result<Vec<u8>, CryptoError> {
    seal_with(&dek.cipher, plaintext, &aad.bytes())
}

/// Opens a sealed secret value; any change to the blob, key or binding fails.
pub fn open(dek: &DataKey, blob: &[u8], aad: SecretAad) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    open_with(&dek.cipher, blob, &aad.bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    use proptest::prelude::*;

    const AAD: SecretAad = SecretAad {
        workspace_id: 1,
        secret_id: 2,
        version: 3,
    };

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn any_value_up_to_64_kib_round_trips(value in proptest::collection::vec(any::<u8>(), 0..=65_536)) {
            let dek = DataKey::generate();
            let sealed = seal(&dek, &value, AAD).unwrap();
            let opened = open(&dek, &sealed, AAD).unwrap();
            prop_assert_eq!(opened.as_slice(), value.as_slice());
        }
    }

    #[test]
    fn every_single_bit_flip_is_rejected() {
        let dek = DataKey::generate();
        let sealed = seal(&dek, b"sk_live_0123456789", AAD).unwrap();
        for i in 0..sealed.len() * 8 {
            let mut tampered = sealed.clone();
            tampered[i / 8] ^= 1 << (i % 8);
            assert_eq!(
                open(&dek, &tampered, AAD).unwrap_err(),
                CryptoError::Open,
                "bit {i}"
            );
        }
    }

    #[test]
    fn a_value_moved_to_another_secret_version_or_workspace_is_rejected() {
        let dek = DataKey::generate();
        let sealed = seal(&dek, b"value", AAD).unwrap();
        for moved in [
            SecretAad {
                secret_id: 9,
                ..AAD
            },
            SecretAad { version: 4, ..AAD },
            SecretAad {
                workspace_id: 7,
                ..AAD
            },
        ] {
            assert_eq!(open(&dek, &sealed, moved).unwrap_err(), CryptoError::Open);
        }
        assert!(
            open(&DataKey::generate(), &sealed, AAD).is_err(),
            "another data key"
        );
        assert!(open(&dek, &sealed[..20], AAD).is_err(), "truncated");
    }
}
