use app::domain::DomainError;

use crate::config::ConfigError;

/// Errors of the server binary (CLI and start-up). Shown to the operator, exit code 1.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Io(String),
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Domain(String),
}

impl From<DomainError> for CliError {
    fn from(err: DomainError) -> Self {
        match err {
            DomainError::NotFound(what) => CliError::Domain(format!("unknown {what}")),
            other => CliError::Domain(other.to_string()),
        }
    }
}

impl From<app::domain::keys::master_key::MasterKeyError> for CliError {
    fn from(err: app::domain::keys::master_key::MasterKeyError) -> Self {
        CliError::Config(ConfigError::MasterKey(err))
    }
}
