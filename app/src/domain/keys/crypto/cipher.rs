//! AES-256-GCM itself: data keys and the one seal and open every binding goes through. A
//! sealed blob is `nonce (12 bytes) || ciphertext || tag (16 bytes)`, with a fresh random
//! 96-bit nonce each time.

use std::fmt;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use rand::RngCore;
use zeroize::Zeroizing;

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
    pub(super) raw: Zeroizing<[u8; 32]>,
    pub(super) cipher: Aes256Gcm,
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

    pub(super) fn from_raw(raw: Zeroizing<[u8; 32]>) -> Self {
        let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(raw.as_ref()));
        Self { raw, cipher }
    }
}

pub(super) fn seal_with(
    cipher: &Aes256Gcm,
    plaintext: &[u8],
    aad: &[u8],
) -> Result<Vec<u8>, CryptoError> {
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

pub(super) fn open_with(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_data_key_never_prints() {
        assert_eq!(format!("{:?}", DataKey::generate()), "DataKey(redacted)");
    }
}
