//! The master keys' side: a master key (KEK) wraps one data key (DEK) per workspace and key
//! version, bound to both; the keyring holds the current master key and the earlier ones
//! still accepted for unwrapping.

use aes_gcm::aead::KeyInit;
use aes_gcm::{Aes256Gcm, Key};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::cipher::{open_with, seal_with, CryptoError, DataKey};
use crate::domain::keys::digest::hex;
use crate::domain::keys::master_key::MasterKey;

fn dek_aad(workspace_id: i64, key_version: i64) -> Vec<u8> {
    format!("secrets-vault/dek/v1|ws={workspace_id}|key={key_version}").into_bytes()
}

fn kek_cipher(kek: &MasterKey) -> Aes256Gcm {
    Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(kek.bytes()))
}

fn user_secret_aad(user_id: i64) -> Vec<u8> {
    format!("secrets-vault/totp/v1|user={user_id}").into_bytes()
}

/// Seals a person's authenticator secret directly under a master key, bound to the person: a
/// blob moved to another account does not open.
pub fn seal_user_secret(
    kek: &MasterKey,
    plaintext: &[u8],
    user_id: i64,
) -> Result<Vec<u8>, CryptoError> {
    seal_with(&kek_cipher(kek), plaintext, &user_secret_aad(user_id))
}

pub fn open_user_secret(
    kek: &MasterKey,
    blob: &[u8],
    user_id: i64,
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    open_with(&kek_cipher(kek), blob, &user_secret_aad(user_id))
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
    }
}
