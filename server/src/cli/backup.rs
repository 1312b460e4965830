//! `vault backup` and `vault restore`: whole copies of a SQLite vault, audited in the
//! operator trail. A PostgreSQL vault is backed up with its own tools (README, "Operating
//! Secrets Vault").

use std::path::Path;

use app::domain::audit::events;
use app::domain::db;
use app::domain::db::sqlite::backup;

use crate::config::Config;
use crate::startup;
use crate::startup::error::CliError;

pub(super) async fn backup(config: &Config, file: &Path) -> Result<(), CliError> {
    let url = sqlite_url(config, "pg_dump")?;
    let database = backup::sqlite_path(&url)?;
    if !database.is_file() {
        return Err(CliError::Usage(format!(
            "no database at {}: nothing to back up",
            database.display()
        )));
    }
    let pool = db::connect(&url, 1).await?;
    backup::snapshot(&pool, file).await?;
    let detail = format!("backup written to {}", file.display());
    events::record_operator(&pool, None, "vault.backup", &detail).await?;
    pool.close().await;
    println!(
        "backed up {} to {}; keep the master key apart from it",
        database.display(),
        file.display()
    );
    Ok(())
}

pub(super) async fn restore(config: &Config, file: &Path, force: bool) -> Result<(), CliError> {
    let url = sqlite_url(config, "pg_restore")?;
    let database = backup::sqlite_path(&url)?;
    if let Some(dir) = database.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| CliError::Io(format!("cannot create {}: {e}", dir.display())))?;
    }
    backup::restore(file, &database, force).await?;
    // A backup from an earlier version is upgraded here, as a server would at start.
    let pool = startup::open_database(config).await?;
    let detail = format!("restored from {}", file.display());
    events::record_operator(&pool, None, "vault.restore", &detail).await?;
    pool.close().await;
    println!(
        "restored {} from {}; migrations applied",
        database.display(),
        file.display()
    );
    Ok(())
}

/// The configured database URL if it is SQLite; PostgreSQL is pointed to `tool`.
fn sqlite_url(config: &Config, tool: &str) -> Result<String, CliError> {
    let url = config.database_url();
    if db::is_postgres_url(&url)? {
        return Err(CliError::Usage(format!(
            "vault backup and vault restore copy SQLite databases; for PostgreSQL use {tool} \
             (and keep the master key file apart): see \"Backups and restore\" in README.md"
        )));
    }
    Ok(url)
}
