//! A server's background care of its database, the same call on both backends: on SQLite,
//! checkpoints while it runs ([`super::sqlite::checkpoint`]) and the log folded into the
//! database file once the pool has closed; nothing on PostgreSQL, which looks after itself.

use std::time::Duration;

use super::backend::{is_sqlite, Pool};
use super::sqlite::checkpoint;

/// Starts the database's background maintenance, every `every`, until the returned task is
/// aborted (a server does so at shutdown, before it closes the pool): SQLite's checkpoints.
/// `None` on PostgreSQL.
pub fn maintenance(pool: Pool, every: Duration) -> Option<tokio::task::JoinHandle<()>> {
    if !is_sqlite(&pool) {
        return None;
    }
    Some(checkpoint::spawn(pool, every))
}

/// Once `pool` has closed: on SQLite, folds the log into the database file at `url` and
/// empties it ([`checkpoint::fold_after_close`], trying for at most `wait`), and returns
/// whether the log is gone or empty; on PostgreSQL, `true` at once.
pub async fn after_close(pool: &Pool, url: &str, wait: Duration) -> Result<bool, sqlx::Error> {
    if !is_sqlite(pool) {
        return Ok(true);
    }
    checkpoint::fold_after_close(url, wait).await
}
