//! Copies of a SQLite vault. A backup is a consistent snapshot of a running database:
//! `VACUUM INTO` reads inside one transaction while the server keeps writing. A restore
//! checks that the file is a whole Secrets Vault database before it replaces anything.
//! Both write a hidden file beside the target and rename it into place, so a crash
//! never leaves a half-written file under the target's name.
//!
//! A copy holds ciphertext and hashes only; without the master key it opens nothing.
//! PostgreSQL databases are backed up with `pg_dump` instead.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteLockingMode};
use sqlx::{ConnectOptions, Connection};

use super::super::schema::schema_of;
use crate::domain::db::{Backend, Pool, Schema};
use crate::domain::DomainError;

/// The database file a `sqlite:` URL names.
pub fn sqlite_path(url: &str) -> Result<PathBuf, DomainError> {
    Ok(SqliteConnectOptions::from_str(url)?
        .get_filename()
        .to_path_buf())
}

/// Writes a snapshot of the pool's SQLite database to `dest`, which must not exist yet.
pub async fn snapshot(pool: &Pool, dest: &Path) -> Result<(), DomainError> {
    if dest.exists() {
        return Err(refused(format!(
            "{} exists; choose a new file name (a backup never overwrites)",
            dest.display()
        )));
    }
    let partial = Partial::create(dest)?;
    sqlx::query("VACUUM INTO $1")
        .bind(partial.path_text()?)
        .execute(pool)
        .await?;
    partial.finish(dest, false)
}

/// Replaces the SQLite database at `target` with a copy of the backup `source`, after
/// checking that `source` is an intact Secrets Vault database this version can upgrade.
/// An existing `target` is replaced only with `force`, and never while a server has it open.
pub async fn restore(source: &Path, target: &Path, force: bool) -> Result<(), DomainError> {
    let mut backup = open_backup(source).await?;
    check_backup(&mut backup, source).await?;
    if target.exists() {
        if !force {
            return Err(refused(format!(
                "the database {} exists; stop the server and pass --force to replace it",
                target.display()
            )));
        }
        refuse_in_use(target).await?;
    }
    let partial = Partial::create(target)?;
    sqlx::query("VACUUM INTO $1")
        .bind(partial.path_text()?)
        .execute(&mut backup)
        .await?;
    backup.close().await?;
    // The replaced database's write-ahead log must not be applied to the restored one.
    for suffix in ["-wal", "-shm"] {
        let mut side = target.as_os_str().to_owned();
        side.push(suffix);
        match std::fs::remove_file(&side) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(io("cannot remove", Path::new(&side), e))
            }
            _ => {}
        }
    }
    partial.finish(target, true)
}

async fn open_backup(source: &Path) -> Result<SqliteConnection, DomainError> {
    if !source.is_file() {
        return Err(refused(format!("{} is not a file", source.display())));
    }
    SqliteConnectOptions::new()
        .filename(source)
        .read_only(true)
        .connect()
        .await
        .map_err(|e| not_a_vault(source, &e.to_string()))
}

/// Intact (`PRAGMA integrity_check`), migrated by Secrets Vault, no failed migration, and
/// none unknown to this binary (which could not serve a newer schema).
async fn check_backup(conn: &mut SqliteConnection, source: &Path) -> Result<(), DomainError> {
    let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| not_a_vault(source, &e.to_string()))?;
    if integrity.first().map(String::as_str) != Some("ok") {
        return Err(not_a_vault(source, &integrity.join("; ")));
    }
    let applied: Vec<(i64, bool)> = sqlx::query_as("SELECT version, success FROM _sqlx_migrations")
        .fetch_all(&mut *conn)
        .await
        .map_err(|_| not_a_vault(source, "it has no migrations table"))?;
    if applied.is_empty() {
        return Err(not_a_vault(source, "no migration was ever applied to it"));
    }
    match schema_of(Backend::Sqlite, &applied) {
        Schema::Current | Schema::Pending => Ok(()),
        Schema::Failed => Err(not_a_vault(source, "a migration had failed in it")),
        Schema::Newer => Err(refused(format!(
            "{} was written by a newer version of Secrets Vault (or another program); \
             restore it with that version",
            source.display()
        ))),
    }
}

/// A server holds its SQLite database open (WAL mode), so an exclusive lock is refused
/// at once while one runs.
async fn refuse_in_use(target: &Path) -> Result<(), DomainError> {
    let in_use = |e: sqlx::Error| {
        refused(format!(
            "the database {} is in use or unreadable ({e}); stop every server using it first",
            target.display()
        ))
    };
    let mut conn = SqliteConnectOptions::new()
        .filename(target)
        .locking_mode(SqliteLockingMode::Exclusive)
        .busy_timeout(Duration::ZERO)
        .connect()
        .await
        .map_err(in_use)?;
    sqlx::raw_sql("BEGIN EXCLUSIVE; COMMIT;")
        .execute(&mut conn)
        .await
        .map_err(in_use)?;
    conn.close().await?;
    Ok(())
}

/// A new, empty file (mode 0600) beside the target, removed unless it is renamed into place.
struct Partial {
    path: PathBuf,
    kept: bool,
}

impl Partial {
    fn create(target: &Path) -> Result<Self, DomainError> {
        let name = target
            .file_name()
            .ok_or_else(|| refused(format!("{} names no file", target.display())))?;
        let mut hidden = std::ffi::OsString::from(".");
        hidden.push(name);
        hidden.push(format!(".{}.partial", std::process::id()));
        let path = target.with_file_name(hidden);
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options
            .open(&path)
            .map_err(|e| io("cannot create", &path, e))?;
        Ok(Self { path, kept: false })
    }

    fn path_text(&self) -> Result<&str, DomainError> {
        self.path
            .to_str()
            .ok_or_else(|| refused(format!("{} is not valid UTF-8", self.path.display())))
    }

    /// Syncs the file, renames it to `target` (refusing an existing one unless `replace`)
    /// and syncs the directory, so that the new name survives a crash.
    fn finish(mut self, target: &Path, replace: bool) -> Result<(), DomainError> {
        File::open(&self.path)
            .and_then(|f| f.sync_all())
            .map_err(|e| io("cannot sync", &self.path, e))?;
        if !replace && target.exists() {
            return Err(refused(format!("{} appeared meanwhile", target.display())));
        }
        std::fs::rename(&self.path, target).map_err(|e| io("cannot rename to", target, e))?;
        self.kept = true;
        if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
            File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(|e| io("cannot sync", dir, e))?;
        }
        Ok(())
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn refused(message: String) -> DomainError {
    DomainError::validation("file", message)
}

fn not_a_vault(path: &Path, why: &str) -> DomainError {
    refused(format!(
        "{} is not a Secrets Vault database: {why}",
        path.display()
    ))
}

fn io(what: &str, path: &Path, e: std::io::Error) -> DomainError {
    DomainError::Internal(format!("{what} {}: {e}", path.display()))
}
