//! The master key (key-encryption key) that wraps each workspace's data key.
//! It lives in a zeroizing buffer and never prints.

use std::fmt;
use std::io::Write;
use std::path::Path;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rand::RngCore;
use zeroize::Zeroizing;

#[derive(Debug, thiserror::Error)]
pub enum MasterKeyError {
    #[error("the master key must be 32 bytes, base64-encoded (44 characters)")]
    Malformed,
    #[error("cannot read the master key file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot create the master key file {path}: {source}")]
    Create {
        path: String,
        source: std::io::Error,
    },
}

pub struct MasterKey(Zeroizing<[u8; 32]>);

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(redacted)")
    }
}

impl MasterKey {
    pub fn from_base64(encoded: &str) -> Result<Self, MasterKeyError> {
        let bytes = Zeroizing::new(
            STANDARD
                .decode(encoded.trim())
                .map_err(|_| MasterKeyError::Malformed)?,
        );
        let array: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| MasterKeyError::Malformed)?;
        Ok(Self(Zeroizing::new(array)))
    }

    pub fn generate() -> Self {
        let mut key = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(key.as_mut());
        Self(key)
    }

    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub fn read_file(path: &Path) -> Result<Self, MasterKeyError> {
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|source| {
            MasterKeyError::Read {
                path: path.display().to_string(),
                source,
            }
        })?);
        Self::from_base64(&text)
    }

    /// Reads the key file, or creates it (mode 0600) with a fresh key. Returns whether it
    /// was created.
    pub fn read_or_create_file(path: &Path) -> Result<(Self, bool), MasterKeyError> {
        if path.exists() {
            return Ok((Self::read_file(path)?, false));
        }
        let create_err = |source| MasterKeyError::Create {
            path: path.display().to_string(),
            source,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(create_err)?;
        }
        let key = Self::generate();
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(create_err)?;
        let encoded = Zeroizing::new(STANDARD.encode(key.bytes()));
        file.write_all(encoded.as_bytes()).map_err(create_err)?;
        file.write_all(b"\n").map_err(create_err)?;
        Ok((key, true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_the_key() {
        let key = MasterKey::from_base64(&STANDARD.encode([7u8; 32])).unwrap();
        assert_eq!(format!("{key:?}"), "MasterKey(redacted)");
    }

    #[test]
    fn keys_of_the_wrong_length_are_refused() {
        assert!(MasterKey::from_base64(&STANDARD.encode([1u8; 16])).is_err());
        assert!(MasterKey::from_base64("not base64!").is_err());
    }

    #[test]
    fn a_created_key_file_is_private_and_reads_back() {
        let dir = std::env::temp_dir().join(format!("vault-key-test-{}", std::process::id()));
        let path = dir.join("master.key");
        let _ = std::fs::remove_file(&path);
        let (created, was_new) = MasterKey::read_or_create_file(&path).unwrap();
        assert!(was_new);
        let (again, was_new) = MasterKey::read_or_create_file(&path).unwrap();
        assert!(!was_new);
        assert_eq!(created.bytes(), again.bytes());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        std::fs::remove_dir_all(dir).unwrap();
    }
}
