//! SQLite copies its write-ahead log back into the database file in checkpoints. Left to
//! itself, SQLite runs one inside whichever commit takes the log past 1,000 pages: under a
//! steady stream of audited reads that is the audit writer's commit, and every read waiting
//! on that batch waits for the copy and its two fsyncs too (the slowest 1% of reads).
//!
//! A server instead checkpoints from a task of its own every `sqlite_checkpoint_ms`, in
//! SQLite's `PASSIVE` mode: it copies what it can without waiting for, or blocking, readers
//! and the writer. A commit still checkpoints once the log reaches
//! [`AUTOCHECKPOINT_PAGES`], a bound on the log's size for when the background task falls
//! behind; by then the task has copied almost all of it, so that checkpoint is short.

use std::time::Duration;

use super::db::{is_sqlite, Pool};

/// Log pages after which a commit checkpoints by itself (SQLite's default is 1,000): about
/// 40 MB with 4 KiB pages.
pub const AUTOCHECKPOINT_PAGES: u32 = 10_000;

/// What one checkpoint did, as SQLite reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpoint {
    /// Pages in the log.
    pub log_pages: i64,
    /// Of those, pages now copied into the database file.
    pub copied_pages: i64,
}

/// Copies what the log holds into the database file without waiting for anyone.
pub async fn once(pool: &Pool) -> Result<Checkpoint, sqlx::Error> {
    let (_busy, log_pages, copied_pages): (i64, i64, i64) =
        sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
            .fetch_one(pool)
            .await?;
    Ok(Checkpoint {
        log_pages,
        copied_pages,
    })
}

/// After the pool has closed: opens one connection alone, empties the log into the database
/// file and closes it, so that SQLite deletes the log. SQLite deletes it only when the
/// connection that closes is the last one open, and `Pool::close` can return while a
/// connection given back during the close is still being closed on its own thread. So this
/// tries again, every `FOLD_RETRY`, until the log is gone or `wait` has passed. Returns
/// whether the log is gone.
pub async fn fold_after_close(url: &str, wait: Duration) -> Result<bool, sqlx::Error> {
    use sqlx::Connection;
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let mut conn = sqlx::sqlite::SqliteConnection::connect(url).await?;
        let file: String =
            sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
                .fetch_one(&mut conn)
                .await?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut conn)
            .await?;
        conn.close().await?;
        if !std::path::Path::new(&format!("{file}-wal")).exists() {
            return Ok(true);
        }
        if tokio::time::Instant::now() >= deadline {
            return Ok(false);
        }
        tokio::time::sleep(FOLD_RETRY).await;
    }
}

/// How long [`fold_after_close`] waits for another connection to finish closing.
const FOLD_RETRY: Duration = Duration::from_millis(20);

/// On SQLite, checkpoints every `every` until the returned task is aborted (a server does
/// so at shutdown, before it closes the pool). `None` on PostgreSQL.
pub fn spawn(pool: Pool, every: Duration) -> Option<tokio::task::JoinHandle<()>> {
    if !is_sqlite(&pool) {
        return None;
    }
    Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if pool.is_closed() {
                return;
            }
            if let Err(e) = once(&pool).await {
                tracing::warn!(error = %e, "SQLite checkpoint failed; a commit will checkpoint instead");
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::db;

    /// An empty directory for one test's database `t.db`, and that database's URL.
    fn scratch(name: &str) -> (std::path::PathBuf, String) {
        let dir = std::env::temp_dir().join(format!("vault-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.join("t.db").display());
        (dir, url)
    }

    #[tokio::test]
    async fn commits_leave_the_log_to_the_checkpoint_task_which_copies_all_of_it() {
        let (dir, url) = scratch("ckpt");
        let pool = db::connect(&url, 2).await.unwrap();
        let limit: i64 = sqlx::query_scalar("PRAGMA wal_autocheckpoint")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(limit, i64::from(AUTOCHECKPOINT_PAGES));
        sqlx::query("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
            .execute(&pool)
            .await
            .unwrap();
        // 1,500 commits: past SQLite's default of 1,000 log pages, which would have
        // checkpointed inside one of them.
        for i in 0..1_500 {
            sqlx::query("INSERT INTO t (v) VALUES ($1)")
                .bind(format!("row {i}"))
                .execute(&pool)
                .await
                .unwrap();
        }
        let log = std::fs::metadata(dir.join("t.db-wal")).unwrap().len();
        assert!(
            log > 1_000 * 4096,
            "the commits did not checkpoint: {log} bytes of log"
        );
        let done = once(&pool).await.unwrap();
        assert!(done.log_pages >= 1_500, "{done:?}");
        assert_eq!(done.copied_pages, done.log_pages, "{done:?}");
        // The copy is in the database file: a new connection reads every row from it.
        pool.close().await;
        let url = format!("sqlite://{}", dir.join("t.db").display());
        let again = db::connect(&url, 1).await.unwrap();
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(&again)
            .await
            .unwrap();
        assert_eq!(rows, 1_500);
        again.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn the_log_is_deleted_once_the_last_other_connection_has_closed() {
        use sqlx::Connection;
        let (dir, url) = scratch("fold");
        let pool = db::connect(&url, 2).await.unwrap();
        sqlx::query("CREATE TABLE t (v TEXT NOT NULL)")
            .execute(&pool)
            .await
            .unwrap();
        // A connection still open, as one closing on its own thread after the pool closed.
        let mut straggler = sqlx::sqlite::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query("SELECT COUNT(*) FROM t")
            .execute(&mut straggler)
            .await
            .unwrap();
        pool.close().await;
        let wal = dir.join("t.db-wal");
        assert!(wal.exists(), "the log is there while a connection is open");
        assert!(
            !fold_after_close(&url, Duration::ZERO).await.unwrap(),
            "folding while another connection is open cannot delete the log"
        );
        assert!(wal.exists());
        straggler.close().await.unwrap();
        assert!(fold_after_close(&url, Duration::ZERO).await.unwrap());
        assert!(!wal.exists(), "alone, the fold deletes the log");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
