//! Envelope encryption with AES-256-GCM.
//!
//! A master key (KEK) wraps one data key (DEK) per workspace and key version; each secret
//! version is sealed under a DEK with a fresh random 96-bit nonce and associated data that
//! binds the ciphertext to its workspace, secret, version and format. A sealed blob is
//! `nonce (12 bytes) || ciphertext || tag (16 bytes)`.

use std::fmt;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::digest::hex;
use crate::domain::keys::master_key::MasterKey;

/// The format of sealed secret values; part of the associated data.
pub const FORMAT_VERSION: u32 = 1;
const NONCE_LEN: usize = 12;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    /// Wrong key, tampered or moved ciphertext: deliberately one undistinguished error.
    #[error("decryption failed")]
    Open,
    #[error("encryption failed")]
    Seal,
    #[error("no configured master key matches key id {0}")]
    UnknownKek(String),
}

/// A workspace data key with its AES-256-GCM cipher, built once: the key schedule is
/// expanded when the key is made, not on every seal and open. Both the raw key and the
/// cipher's round keys (aes-gcm's `zeroize` feature) are wiped on drop; never printed.
pub struct DataKey {
    raw: Zeroizing<[u8; 32]>,
    cipher: Aes256Gcm,
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(redacted)")
    }
}

impl DataKey {
    pub fn generate() -> Self {
        let mut key = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(key.as_mut());
        Self::from_raw(key)
    }

    fn from_raw(raw: Zeroizing<[u8; 32]>) -> Self {
        let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(raw.as_ref()));
        Self { raw, cipher }
    }
}

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

fn dek_aad(workspace_id: i64, key_version: i64) -> Vec<u8> {
    format!("secrets-vault/dek/v1|ws={workspace_id}|key={key_version}").into_bytes()
}

fn seal_with(cipher: &Aes256Gcm, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let mut nonce = [0u8; NONCE_LEN];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let ciphertext = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .map_err(|_| CryptoError::Seal)?;
    let mut blob = Vec::with_capacity(NONCE_LEN + ciphertext.len());
    blob.extend_from_slice(&nonce);
    blob.extend_from_slice(&ciphertext);
    Ok(blob)
}

fn open_with(
    cipher: &Aes256Gcm,
    blob: &[u8],
    aad: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    if blob.len() < NONCE_LEN + 16 {
        return Err(CryptoError::Open);
    }
    let (nonce, ciphertext) = blob.split_at(NONCE_LEN);
    cipher
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| CryptoError::Open)
}

/// Seals a secret value under a data key.
pub fn seal(dek: &DataKey, plaintext: &[u8], aad: SecretAad) -> Result<Vec<u8>, CryptoError> {
    seal_with(&dek.cipher, plaintext, &aad.bytes())
}

/// Opens a sealed secret value; any change to the blob, key or binding fails.
pub fn open(dek: &DataKey, blob: &[u8], aad: SecretAad) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    open_with(&dek.cipher, blob, &aad.bytes())
}

fn kek_cipher(kek: &MasterKey) -> Aes256Gcm {
    Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(kek.bytes()))
}

/// A short public identifier of a master key, stored next to each wrapped data key.
pub fn kek_id(kek: &MasterKey) -> String {
    let digest = Sha256::new()
        .chain_update(b"secrets-vault kek id v1")
        .chain_update(kek.bytes())
        .finalize();
    hex(&digest[..8])
}

pub fn wrap_dek(
    kek: &MasterKey,
    dek: &DataKey,
    workspace_id: i64,
    key_version: i64,
) -> Result<Vec<u8>, CryptoError> {
    seal_with(
        &kek_cipher(kek),
        dek.raw.as_ref(),
        &dek_aad(workspace_id, key_version),
    )
}

pub fn unwrap_dek(
    kek: &MasterKey,
    blob: &[u8],
    workspace_id: i64,
    key_version: i64,
) -> Result<DataKey, CryptoError> {
    let bytes = open_with(&kek_cipher(kek), blob, &dek_aad(workspace_id, key_version))?;
    if bytes.len() != 32 {
        return Err(CryptoError::Open);
    }
    // Copied straight into wiped memory: no stray copy of the key on the stack.
    let mut raw = Zeroizing::new([0u8; 32]);
    raw.copy_from_slice(&bytes);
    Ok(DataKey::from_raw(raw))
}

/// The current master key plus earlier ones still accepted for unwrapping, so that a
/// master key rotation never makes a read fail.
#[derive(Debug)]
pub struct Keyring {
    current: MasterKey,
    current_id: String,
    previous: Vec<(String, MasterKey)>,
}

impl Keyring {
    pub fn new(current: MasterKey, previous: Vec<MasterKey>) -> Self {
        Self {
            current_id: kek_id(&current),
            current,
            previous: previous.into_iter().map(|k| (kek_id(&k), k)).collect(),
        }
    }

    pub fn current(&self) -> (&str, &MasterKey) {
        (&self.current_id, &self.current)
    }

    pub fn find(&self, id: &str) -> Result<&MasterKey, CryptoError> {
        if id == self.current_id {
            return Ok(&self.current);
        }
        self.previous
            .iter()
            .find(|(pid, _)| pid == id)
            .map(|(_, k)| k)
            .ok_or_else(|| CryptoError::UnknownKek(id.to_string()))
    }
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

    #[test]
    fn a_wrong_master_key_cannot_unwrap_a_data_key() {
        let kek = MasterKey::generate();
        let dek = DataKey::generate();
        let wrapped = wrap_dek(&kek, &dek, 1, 1).unwrap();
        let unwrapped = unwrap_dek(&kek, &wrapped, 1, 1).unwrap();
        assert_eq!(unwrapped.raw.as_ref(), dek.raw.as_ref());
        assert!(unwrap_dek(&MasterKey::generate(), &wrapped, 1, 1).is_err());
        assert!(
            unwrap_dek(&kek, &wrapped, 2, 1).is_err(),
            "moved to another workspace"
        );
        assert!(
            unwrap_dek(&kek, &wrapped, 1, 2).is_err(),
            "moved to another key version"
        );
    }

    #[test]
    fn the_keyring_finds_current_and_previous_keys_only() {
        let old = MasterKey::generate();
        let old_id = kek_id(&old);
        let ring = Keyring::new(MasterKey::generate(), vec![old]);
        assert!(ring.find(&old_id).is_ok());
        assert!(ring.find(ring.current().0).is_ok());
        assert!(ring.find(&kek_id(&MasterKey::generate())).is_err());
        assert_eq!(format!("{:?}", DataKey::generate()), "DataKey(redacted)");
    }
}
