//! Disk-full detection: which errors say the disk is full, and one watch per server that
//! notices when space is back (a SQLite directory's free space, or one PostgreSQL write).

use super::backend::Pool;
use super::write::begin_write;

/// Whether `err` says the disk is full: SQLite's `SQLITE_FULL` (13), PostgreSQL's `disk_full`
/// (53100), or an I/O error out of space.
pub fn is_disk_full(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => {
            matches!(db.code().as_deref(), Some("13") | Some("53100"))
                || db.message().contains("database or disk is full")
        }
        sqlx::Error::Io(io) => io.kind() == std::io::ErrorKind::StorageFull,
        _ => false,
    }
}

/// Whether this server's database writes fail for lack of disk space: one per server (shared
/// by its audit writer, its server functions and `/readyz`), so that the failure is logged
/// once as an error, not on every request, and cleared once space is back.
#[derive(Clone, Default)]
pub struct DiskWatch {
    full: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// SQLite's directory, whose free space tells whether writes fit again.
    sqlite_dir: Option<std::path::PathBuf>,
}

/// Free space below this still counts as full: SQLite's log and a page or two must fit.
const SPACE_MARGIN: u64 = 1024 * 1024;

impl DiskWatch {
    /// For the database at `url`: a SQLite file's directory is watched for free space.
    pub fn for_url(url: &str) -> Self {
        let sqlite_dir = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .map(|rest| rest.split('?').next().unwrap_or(rest))
            .and_then(|file| std::path::Path::new(file).parent().map(|d| d.to_path_buf()))
            .map(|dir| {
                if dir.as_os_str().is_empty() {
                    ".".into()
                } else {
                    dir
                }
            });
        Self {
            full: Default::default(),
            sqlite_dir,
        }
    }

    /// A write failed for lack of space.
    pub fn report(&self, detail: &dyn std::fmt::Display) {
        if !self.full.swap(true, std::sync::atomic::Ordering::AcqRel) {
            tracing::error!(error = %detail, "the database's disk is full: changes and audited reads are refused until space is freed");
        }
    }

    /// A write committed, or space is back: if the disk was full, it is not any more.
    pub fn writes_work(&self) {
        if self.full.load(std::sync::atomic::Ordering::Acquire)
            && self.full.swap(false, std::sync::atomic::Ordering::AcqRel)
        {
            tracing::info!("the database's disk has space again: writes work");
        }
    }

    /// Whether the last write that failed for lack of space has not been followed by one that
    /// committed.
    pub fn is_full(&self) -> bool {
        self.full.load(std::sync::atomic::Ordering::Acquire)
    }

    /// While the disk is (or was last seen) full, whether space is back: for SQLite, the free
    /// space of its directory; for PostgreSQL, one small write, committed (it rewrites the
    /// change counter's row with its own value: nothing changes). `/readyz` asks, so that a
    /// server taken out of rotation comes back by itself.
    pub async fn probe(&self, pool: &Pool) -> bool {
        if !self.is_full() {
            return true;
        }
        let back = match &self.sqlite_dir {
            Some(dir) => free_bytes(dir).is_some_and(|free| free >= SPACE_MARGIN),
            None => async {
                let mut tx = begin_write(pool).await?;
                sqlx::query("UPDATE change_epoch SET n = n WHERE id = 1")
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await
            }
            .await
            .is_ok(),
        };
        if back {
            self.writes_work();
        }
        back
    }
}

/// Bytes free to an unprivileged writer on the filesystem of `dir`.
#[cfg(unix)]
fn free_bytes(dir: &std::path::Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    // SAFETY: `statvfs` reads the NUL-terminated path and writes only the struct it is given,
    // both of which live on this stack for the call.
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::statvfs(path.as_ptr(), &mut stat) } == 0;
    // The fields' types differ between platforms (u64 here, u32 on some).
    #[allow(clippy::useless_conversion)]
    let free = u64::from(stat.f_bavail).saturating_mul(u64::from(stat.f_frsize));
    ok.then_some(free)
}

#[cfg(not(unix))]
fn free_bytes(_: &std::path::Path) -> Option<u64> {
    None
}

#[cfg(test)]
mod tests {
    use crate::domain::db::disk::{free_bytes, DiskWatch};

    #[test]
    fn a_sqlite_database_is_watched_in_its_directory() {
        let dir = |url: &str| DiskWatch::for_url(url).sqlite_dir;
        assert_eq!(
            dir("sqlite:///var/lib/vault/vault.db?mode=rwc"),
            Some("/var/lib/vault".into())
        );
        assert_eq!(dir("sqlite://data/vault.db"), Some("data".into()));
        assert_eq!(dir("sqlite:vault.db"), Some(".".into()));
        assert_eq!(dir("postgres://localhost/vault"), None);
    }

    #[test]
    fn free_space_is_read_from_the_filesystem() {
        assert!(free_bytes(std::path::Path::new("/")).is_some_and(|b| b > 0));
        assert_eq!(free_bytes(std::path::Path::new("/no/such/dir")), None);
    }
}
