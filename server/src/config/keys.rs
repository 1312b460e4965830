//! The master key: from the environment, a file, or (development only) a key file created in
//! the data directory; and the keyring with the previous keys of a rotation.

use std::path::PathBuf;

use secrecy::ExposeSecret;

use app::domain::keys::crypto::Keyring;
use app::domain::keys::master_key::MasterKey;

use super::{Config, ConfigError, Mode};

/// Where the master key came from, for the start-up message.
pub enum KeySource {
    Environment,
    File(PathBuf),
    CreatedDevFile(PathBuf),
}

impl Config {
    /// The master key from the environment, a file, or (development only) a key file
    /// created in the data directory.
    pub fn master_key(&self) -> Result<(MasterKey, KeySource), ConfigError> {
        if let Some(encoded) = &self.storage.master_key {
            return Ok((
                MasterKey::from_base64(encoded.expose_secret())?,
                KeySource::Environment,
            ));
        }
        if let Some(path) = &self.storage.master_key_file {
            return Ok((MasterKey::read_file(path)?, KeySource::File(path.clone())));
        }
        if self.mode == Mode::Production {
            return Err(ConfigError::Missing("a master key"));
        }
        let path = self.storage.data_dir.join("master.key");
        let (key, created) = MasterKey::read_or_create_file(&path)?;
        let source = if created {
            KeySource::CreatedDevFile(path)
        } else {
            KeySource::File(path)
        };
        Ok((key, source))
    }

    /// The current master key and any previous ones listed for a rotation.
    pub fn keyring(&self) -> Result<(Keyring, KeySource), ConfigError> {
        let (current, source) = self.master_key()?;
        let previous = self
            .storage
            .previous_master_key_files
            .iter()
            .map(|path| MasterKey::read_file(path))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((Keyring::new(current, previous), source))
    }
}
