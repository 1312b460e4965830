//! Layered configuration: defaults, then a TOML file, then `VAULT_*` environment variables.
//! Production mode refuses to start without what production needs.
//!
//! Owns the settings, in sections (`sections`: storage, http, sign-in, runtime, audit,
//! webhooks; `sso`: single sign-on providers), the public URL (`public_url`) and the master key (`keys`). May import: the `app`
//! crate only; every other room of the server imports from here.

use std::path::Path;

use figment::providers::{Env, Format, Toml};
use figment::Figment;
use serde::Deserialize;

use app::domain::audit::retention;
use app::domain::keys::master_key::MasterKeyError;

mod keys;
mod public_url;
mod sections;
mod sso;

pub use keys::KeySource;
pub use public_url::{PublicUrl, PublicUrlError};
pub use sections::{Audit, Http, Mail, Runtime, SignIn, Storage, Webhooks};
pub use sso::{OidcProvider, Sso};

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
    #[serde(flatten)]
    pub storage: Storage,
    #[serde(flatten)]
    pub http: Http,
    #[serde(flatten)]
    pub sign_in: SignIn,
    #[serde(flatten)]
    pub runtime: Runtime,
    #[serde(flatten)]
    pub audit: Audit,
    #[serde(flatten)]
    pub webhooks: Webhooks,
    /// Single sign-on providers (`[[oidc]]`).
    #[serde(flatten)]
    pub sso: Sso,
    #[serde(flatten)]
    pub mail: Mail,
    /// `vault demo` and `serve --demo` also fill the demo workspace's Secrets tab.
    pub demo_showcase: bool,
    /// Entries one import (page or `vault import`) may hold.
    pub import_max_entries: usize,
    /// The time second-factor checks go by: never configured (the system's); tests set one.
    #[serde(skip)]
    pub clock: app::domain::clock::Clock,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            mode: Mode::Development,
            demo_showcase: true,
            import_max_entries: app::domain::secrets::import::DEFAULT_MAX_ENTRIES,
            storage: Default::default(),
            http: Default::default(),
            sign_in: Default::default(),
            runtime: Default::default(),
            audit: Default::default(),
            webhooks: Default::default(),
            sso: Default::default(),
            mail: Default::default(),
            clock: Default::default(),
        }
    }
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
            if self.storage.master_key.is_none() && self.storage.master_key_file.is_none() {
                return Err(ConfigError::Missing(
                    "a master key: set VAULT_MASTER_KEY_FILE (or VAULT_MASTER_KEY) to 32 random bytes in base64",
                ));
            }
            if self.storage.database_url.is_none() {
                return Err(ConfigError::Missing("VAULT_DATABASE_URL"));
            }
        }
        self.public_url()?;
        self.audit_retention()?;
        self.sso.providers(self.mode)?;
        if !(1..=365).contains(&self.sign_in.invitation_days) {
            return Err(ConfigError::Setting(
                "invitation_days must be 1 to 365".into(),
            ));
        }
        Ok(())
    }

    /// What happens to old audit events.
    pub fn audit_retention(&self) -> Result<retention::Policy, ConfigError> {
        retention::Policy::from_settings(
            self.audit.audit_retention_days,
            &self.audit.audit_retention_action,
            &self.storage.data_dir,
        )
        .map_err(ConfigError::Setting)
    }

    /// The parsed `public_url`, if set.
    pub fn public_url(&self) -> Result<Option<PublicUrl>, PublicUrlError> {
        self.http.public_url.as_deref().map(str::parse).transpose()
    }

    pub fn database_url(&self) -> String {
        match &self.storage.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.storage.data_dir.join("vault.db").display()
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
        self.http
            .secure_cookies
            .unwrap_or(self.mode == Mode::Production)
    }
}

#[cfg(test)]
#[allow(clippy::result_large_err)] // figment::Jail's closures return figment::Error
mod tests {
    use super::*;
    use app::domain::limits::Rate;
    use std::path::PathBuf;

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
            assert_eq!(config.sign_in.sign_in_rate, Rate::per_minute(600));
            assert_eq!(config.sign_in.sign_in_burst, 600);
            assert_eq!(config.runtime.runtime_rate, Rate::per_second(5));
            assert_eq!(config.http.trusted_proxies.len(), 2);
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
            assert_eq!(config.http.bind.port(), 4000);
            assert_eq!(config.storage.data_dir, PathBuf::from("from-env"));
            assert!(!config.secure_cookies());
            Ok(())
        });
    }

    #[test]
    fn providers_come_from_the_file_and_one_from_the_environment() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("secret", "from-a-file\n")?;
            jail.create_file(
                "vault.toml",
                "[[oidc]]\nid = \"google\"\nname = \"Google\"\n\
                 issuer = \"https://accounts.google.com\"\nclient_id = \"abc\"\n\
                 client_secret_file = \"secret\"\ndomains = [\"acme.com\"]\n",
            )?;
            jail.set_env("VAULT_OIDC_ISSUER", "https://idp.example.com");
            jail.set_env("VAULT_OIDC_CLIENT_ID", "vault");
            jail.set_env("VAULT_OIDC_CLIENT_SECRET_FILE", "secret");
            jail.set_env("VAULT_OIDC_NAME", "Acme SSO");
            let config = Config::load(None).unwrap();
            let providers = config.sso.providers(config.mode).unwrap();
            let ids: Vec<&str> = providers.iter().map(|p| p.id.as_str()).collect();
            assert_eq!(ids, ["google", "default"]);
            assert_eq!(providers[0].domains, ["acme.com"]);
            assert_eq!(providers[1].name, "Acme SSO");
            jail.set_env("VAULT_OIDC_CLIENT_ID", "");
            jail.set_env("VAULT_OIDC_CLIENT_SECRET_FILE", "missing");
            let err = Config::load(None).unwrap_err();
            assert!(err.to_string().contains("client_secret_file"), "{err}");
            Ok(())
        });
    }
}
