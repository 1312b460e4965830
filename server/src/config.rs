//! Layered configuration: defaults, then a TOML file, then `VAULT_*` environment variables.
//! Production mode refuses to start without what production needs.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Toml};
use figment::Figment;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use app::domain::audit::retention;
use app::domain::keys::crypto::Keyring;
use app::domain::keys::master_key::{MasterKey, MasterKeyError};

use crate::hosts::{PublicUrl, PublicUrlError};
use crate::rate_limit::Rate;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid configuration: {0}")]
    Invalid(#[from] Box<figment::Error>),
    #[error("production mode needs {0}")]
    Missing(&'static str),
    #[error("production mode refuses {0}")]
    Refused(&'static str),
    #[error(transparent)]
    MasterKey(#[from] MasterKeyError),
    #[error(transparent)]
    PublicUrl(#[from] PublicUrlError),
    #[error("invalid configuration: {0}")]
    Setting(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Local use: a key file is created in the data directory, cookies need no HTTPS.
    #[default]
    Development,
    Production,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Config {
    pub mode: Mode,
    /// `sqlite://...` or `postgres://...`; defaults to `vault.db` in the data directory.
    pub database_url: Option<String>,
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    /// Base64 of 32 random bytes. Prefer `master_key_file` outside development.
    pub master_key: Option<SecretString>,
    pub master_key_file: Option<PathBuf>,
    /// Earlier master keys, still accepted for unwrapping data keys during a rotation.
    pub previous_master_key_files: Vec<PathBuf>,
    /// The `Secure` cookie attribute; defaults to on in production, off in development.
    pub secure_cookies: Option<bool>,
    /// Where cargo-leptos put the site (`target/site`).
    pub site_root: PathBuf,
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
    /// Dangerous actions (purge, token issue, role change, audit export) ask for the
    /// password again when the last check is older than this.
    pub reauth_minutes: i64,
    pub max_connections: u32,
    /// The address users reach, `scheme://host[:port]`: the only Host and Origin accepted.
    /// Required in production; in development loopback names on the bound port are accepted too.
    pub public_url: Option<String>,
    /// Proxies whose `X-Forwarded-For` names the client; everyone else is their own client.
    pub trusted_proxies: Vec<IpAddr>,
    /// Sign-in attempts per client address: a burst, then this refill.
    pub sign_in_rate: Rate,
    pub sign_in_burst: u32,
    /// Sign-in attempts per account (email), from any number of addresses.
    pub sign_in_account_rate: Rate,
    pub sign_in_account_burst: u32,
    /// Runtime API requests per agent token (per address without a known token).
    pub runtime_rate: Rate,
    pub runtime_burst: u32,
    /// Argon2 checks at once (each takes 19 MiB); default twice the CPUs.
    pub max_concurrent_password_checks: Option<usize>,
    /// Refusals of one agent token for one reason within this many seconds share one audit row.
    pub audit_collapse_seconds: i64,
    /// A token's last use and an agent's last read of a secret are written at most this often.
    pub usage_seconds: i64,
    /// `vault demo` and `serve --demo` also fill the demo workspace's Secrets tab.
    pub demo_showcase: bool,
    /// Audit events older than this many days leave the database (0 keeps them all).
    pub audit_retention_days: i64,
    /// What happens to them: `archive` (gzip JSON lines under `data_dir/audit-archive`, then
    /// deleted) or `delete`.
    pub audit_retention_action: String,
    /// How often each server reads the database's change counter, to see changes made by
    /// other instances or the CLI (a granted read remembered before is refused after this).
    pub change_poll_ms: u64,
    /// SQLite only: how often the server copies the write-ahead log into the database file,
    /// from a task of its own rather than inside a commit (see `app::domain::db::maintenance`).
    pub sqlite_checkpoint_ms: u64,
    /// Where `/metrics` is served: unset, on the main address; set, only on this one (say
    /// `127.0.0.1:9464`, so that it need not be public), and the main address answers 404.
    pub metrics_bind: Option<SocketAddr>,
    /// Lets webhooks reach loopback and private addresses (server-side request forgery
    /// protection off): for receivers inside your own network, and for tests.
    pub webhook_allow_private: bool,
    /// How often each server looks for webhook deliveries that are due.
    pub webhook_poll_ms: u64,
    /// The wait after a failed delivery, doubled after each further failure (at most an hour).
    pub webhook_retry_base_ms: i64,
    /// Attempts before a delivery is marked failed.
    pub webhook_max_attempts: i64,
    /// How long a receiver has to answer.
    pub webhook_timeout_ms: u64,
    /// After SIGTERM, keep serving this many seconds with `/readyz` answering 503, so that
    /// load balancers stop sending before the listener closes.
    pub drain_seconds: u64,
    /// Bytes the remembered runtime reads may take (one copy of each version's ciphertext).
    pub read_cache_bytes: usize,
    /// Entries one import (page or `vault import`) may hold.
    pub import_max_entries: usize,
    /// A client has this long to send a request's headers, and a kept-alive connection
    /// waiting for its next request is closed after it.
    pub http_header_timeout_seconds: u64,
    /// Connections served at once; more wait in the listen queue. Kept below the process's
    /// open-file limit at start.
    pub max_open_connections: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            mode: Mode::Development,
            database_url: None,
            bind: SocketAddr::from(([127, 0, 0, 1], 3000)),
            data_dir: PathBuf::from("data"),
            master_key: None,
            master_key_file: None,
            previous_master_key_files: Vec::new(),
            secure_cookies: None,
            site_root: PathBuf::from("target/site"),
            session_idle_minutes: 60,
            session_absolute_hours: 12,
            reauth_minutes: 10,
            max_connections: 16,
            public_url: None,
            trusted_proxies: Vec::new(),
            sign_in_rate: Rate::per_minute(30),
            sign_in_burst: 10,
            sign_in_account_rate: Rate::per_hour(30),
            sign_in_account_burst: 10,
            runtime_rate: Rate::per_second(100),
            runtime_burst: 200,
            max_concurrent_password_checks: None,
            audit_collapse_seconds: app::domain::audit::writer::COLLAPSE_SECONDS,
            usage_seconds: app::domain::audit::writer::USAGE_SECONDS,
            demo_showcase: true,
            audit_retention_days: app::domain::audit::retention::DAYS,
            audit_retention_action: "archive".into(),
            change_poll_ms: 50,
            sqlite_checkpoint_ms: 10,
            metrics_bind: None,
            webhook_allow_private: false,
            webhook_poll_ms: 500,
            webhook_retry_base_ms: 5_000,
            webhook_max_attempts: 12,
            webhook_timeout_ms: 10_000,
            drain_seconds: 0,
            read_cache_bytes: app::domain::runtime::read_cache::DEFAULT_BUDGET_BYTES,
            import_max_entries: app::domain::secrets::import::DEFAULT_MAX_ENTRIES,
            http_header_timeout_seconds: 20,
            max_open_connections: 4096,
        }
    }
}

/// Where the master key came from, for the start-up message.
pub enum KeySource {
    Environment,
    File(PathBuf),
    CreatedDevFile(PathBuf),
}

impl Config {
    /// Loads `file` (if given, or `vault.toml` if present), then the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut figment = Figment::new();
        match file {
            Some(path) => figment = figment.merge(Toml::file_exact(path)),
            None => figment = figment.merge(Toml::file("vault.toml")),
        }
        let config: Config = figment
            .merge(Env::prefixed("VAULT_").ignore(&["config"]))
            .extract()
            .map_err(Box::new)?;
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> Result<(), ConfigError> {
        if self.mode == Mode::Production {
            if self.master_key.is_none() && self.master_key_file.is_none() {
                return Err(ConfigError::Missing(
                    "a master key: set VAULT_MASTER_KEY_FILE (or VAULT_MASTER_KEY) to 32 random bytes in base64",
                ));
            }
            if self.database_url.is_none() {
                return Err(ConfigError::Missing("VAULT_DATABASE_URL"));
            }
        }
        self.public_url()?;
        self.audit_retention()?;
        Ok(())
    }

    /// What happens to old audit events.
    /// How webhook deliveries are sent and retried.
    pub fn webhook_settings(&self) -> crate::webhooks::Settings {
        crate::webhooks::Settings {
            allow_private: self.webhook_allow_private,
            poll: std::time::Duration::from_millis(self.webhook_poll_ms.max(1)),
            timeout: std::time::Duration::from_millis(self.webhook_timeout_ms.max(1)),
            policy: app::domain::webhooks::delivery::Policy {
                // A delivery not finished within the timeout and a margin is retried.
                lease_ms: i64::try_from(self.webhook_timeout_ms)
                    .unwrap_or(i64::MAX / 2)
                    .saturating_add(30_000),
                retry_base_ms: self.webhook_retry_base_ms.max(1),
                max_attempts: self.webhook_max_attempts.max(1),
            },
        }
    }

    pub fn audit_retention(&self) -> Result<retention::Policy, ConfigError> {
        retention::Policy::from_settings(
            self.audit_retention_days,
            &self.audit_retention_action,
            &self.data_dir,
        )
        .map_err(ConfigError::Setting)
    }

    /// The parsed `public_url`, if set.
    pub fn public_url(&self) -> Result<Option<PublicUrl>, PublicUrlError> {
        self.public_url.as_deref().map(str::parse).transpose()
    }

    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("vault.db").display()
            ),
        }
    }

    /// Before serving: production refuses cookies without `Secure` (they would travel over
    /// plain HTTP) unless the operator says so with `vault serve --insecure-cookies`.
    pub fn check_cookies(&self, insecure_cookies_flag: bool) -> Result<(), ConfigError> {
        if self.mode == Mode::Production && !self.secure_cookies() && !insecure_cookies_flag {
            return Err(ConfigError::Refused(
                "secure_cookies = false: the session cookie would travel over plain HTTP. \
                 Serve over HTTPS, or pass `vault serve --insecure-cookies` to accept the risk",
            ));
        }
        Ok(())
    }

    pub fn secure_cookies(&self) -> bool {
        self.secure_cookies.unwrap_or(self.mode == Mode::Production)
    }

    /// The master key from the environment, a file, or (development only) a key file
    /// created in the data directory.
    pub fn master_key(&self) -> Result<(MasterKey, KeySource), ConfigError> {
        if let Some(encoded) = &self.master_key {
            return Ok((
                MasterKey::from_base64(encoded.expose_secret())?,
                KeySource::Environment,
            ));
        }
        if let Some(path) = &self.master_key_file {
            return Ok((MasterKey::read_file(path)?, KeySource::File(path.clone())));
        }
        if self.mode == Mode::Production {
            return Err(ConfigError::Missing("a master key"));
        }
        let path = self.data_dir.join("master.key");
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
            .previous_master_key_files
            .iter()
            .map(|path| MasterKey::read_file(path))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((Keyring::new(current, previous), source))
    }
}

#[cfg(test)]
#[allow(clippy::result_large_err)] // figment::Jail's closures return figment::Error
mod tests {
    use super::*;

    #[test]
    fn production_without_a_master_key_refuses_to_start() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("VAULT_MODE", "production");
            jail.set_env("VAULT_DATABASE_URL", "postgres://localhost/vault");
            let err = Config::load(None).unwrap_err();
            assert!(err.to_string().contains("master key"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn production_refuses_insecure_cookies_without_the_flag() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("VAULT_MODE", "production");
            jail.set_env("VAULT_DATABASE_URL", "postgres://localhost/vault");
            jail.set_env("VAULT_MASTER_KEY_FILE", "master.key");
            jail.set_env("VAULT_SECURE_COOKIES", "false");
            let config = Config::load(None).unwrap();
            let err = config.check_cookies(false).unwrap_err();
            assert!(err.to_string().contains("--insecure-cookies"), "{err}");
            assert!(config.check_cookies(true).is_ok());
            Ok(())
        });
    }

    #[test]
    fn secure_cookies_and_development_need_no_flag() {
        let production = Config {
            mode: Mode::Production,
            ..Config::default()
        };
        assert!(production.secure_cookies());
        assert!(production.check_cookies(false).is_ok());
        let development = Config::default();
        assert!(!development.secure_cookies());
        assert!(development.check_cookies(false).is_ok());
    }

    #[test]
    fn limits_and_proxies_are_read_from_the_environment() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("VAULT_SIGN_IN_RATE", "600/minute");
            jail.set_env("VAULT_SIGN_IN_BURST", "600");
            jail.set_env("VAULT_RUNTIME_RATE", "5/second");
            jail.set_env("VAULT_TRUSTED_PROXIES", "[\"10.0.0.1\", \"::1\"]");
            let config = Config::load(None).unwrap();
            assert_eq!(config.sign_in_rate, Rate::per_minute(600));
            assert_eq!(config.sign_in_burst, 600);
            assert_eq!(config.runtime_rate, Rate::per_second(5));
            assert_eq!(config.trusted_proxies.len(), 2);
            jail.set_env("VAULT_RUNTIME_RATE", "lots");
            assert!(Config::load(None).is_err());
            jail.set_env("VAULT_RUNTIME_RATE", "5/second");
            jail.set_env("VAULT_PUBLIC_URL", "vault.example.com");
            let err = Config::load(None).unwrap_err();
            assert!(err.to_string().contains("public_url"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn environment_overrides_the_file() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "vault.toml",
                "bind = \"127.0.0.1:4000\"\ndata_dir = \"from-file\"",
            )?;
            jail.set_env("VAULT_DATA_DIR", "from-env");
            let config = Config::load(None).unwrap();
            assert_eq!(config.bind.port(), 4000);
            assert_eq!(config.data_dir, PathBuf::from("from-env"));
            assert!(!config.secure_cookies());
            Ok(())
        });
    }
}
