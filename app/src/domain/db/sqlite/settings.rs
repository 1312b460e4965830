//! What every SQLite connection is set to, and when one given back to the pool may serve
//! again.

/// Log pages after which a commit checkpoints by itself (SQLite's default is 1,000): about
/// 40 MB with 4 KiB pages. Checkpoints: see [`super::checkpoint`].
pub const AUTOCHECKPOINT_PAGES: u32 = 10_000;

/// Every SQLite connection's settings.
pub static SETTINGS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL; \
         PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT_PAGES};"
    )
});

/// The database's journal, set once per pool: the write-ahead log.
pub const JOURNAL: &str = "PRAGMA journal_mode = WAL;";

/// Whether a SQLite connection given back to the pool may serve again: not if it still counts
/// itself inside a transaction once its pending rollback has run. SQLite rolls a transaction
/// back by itself when a write fails for lack of space (`SQLITE_FULL`) or on some I/O errors;
/// sqlx's rollback then fails ("no transaction is active") and sqlx keeps counting the
/// transaction, so every later `BEGIN IMMEDIATE` on that connection would fail
/// (`InvalidSavePointStatement`) long after the disk has space again. Such a connection is
/// closed instead, and the pool opens a fresh one.
pub async fn reusable(conn: &mut sqlx::AnyConnection) -> Result<bool, sqlx::Error> {
    use sqlx::Connection;
    // Not counted as in a transaction: none is open, and none is waiting for its rollback.
    // This is every release but a dropped transaction's, and it costs no round trip.
    if !conn.is_in_transaction() {
        return Ok(true);
    }
    // The connection's thread runs commands in order: once this answers, the rollback that
    // dropping a transaction queued has run, or failed.
    conn.ping().await?;
    if conn.is_in_transaction() {
        tracing::warn!(
            "a database connection lost its transaction (disk full or I/O error); closing it"
        );
        return Ok(false);
    }
    Ok(true)
}
