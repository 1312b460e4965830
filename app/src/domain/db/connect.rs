//! Opening a pool: one code path for SQLite and PostgreSQL through `sqlx::Any`, with SQLite's
//! connection settings and its check of connections given back.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{ConnectOptions, Executor};

use super::backend::{Backend, Pool};
use super::sqlite::settings;

/// Opens a pool for `url` (creating a SQLite file if needed).
pub async fn connect(url: &str, max_connections: u32) -> Result<Pool, sqlx::Error> {
    sqlx::any::install_default_drivers();
    let backend = Backend::from_url(url)?;
    let options = AnyConnectOptions::from_str(url)?.disable_statement_logging();
    let pool = AnyPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    conn.execute(settings::SETTINGS.as_str()).await?;
                }
                Ok(())
            })
        })
        .after_release(move |conn, _meta| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    return settings::reusable(conn).await;
                }
                Ok(true)
            })
        })
        .connect_with(options)
        .await?;
    if backend == Backend::Sqlite {
        pool.execute(settings::JOURNAL).await?;
    }
    Ok(pool)
}

#[cfg(test)]
mod tests {
    use crate::domain::db::begin_write;

    /// A SQLite connection whose transaction SQLite ended by itself (as on `SQLITE_FULL`;
    /// here a raw `ROLLBACK` inside the transaction does the same) is not reused.
    #[tokio::test]
    async fn a_connection_whose_transaction_sqlite_rolled_back_is_not_reused() {
        let dir = std::env::temp_dir().join(format!("vault-lost-tx-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.join("t.db").display());
        let pool = super::connect(&url, 1).await.unwrap();
        sqlx::query("CREATE TABLE t (v TEXT)")
            .execute(&pool)
            .await
            .unwrap();
        {
            let mut tx = begin_write(&pool).await.unwrap();
            sqlx::query("INSERT INTO t VALUES ('lost')")
                .execute(&mut *tx)
                .await
                .unwrap();
            // SQLite ends the transaction; sqlx still counts it.
            sqlx::query("ROLLBACK").execute(&mut *tx).await.unwrap();
        }
        // The pool's one connection comes back (or is replaced): a write works again.
        let mut tx = begin_write(&pool)
            .await
            .expect("a write transaction begins");
        sqlx::query("INSERT INTO t VALUES ('kept')")
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let rows: Vec<String> = sqlx::query_scalar("SELECT v FROM t")
            .fetch_all(&pool)
            .await
            .unwrap();
        assert_eq!(rows, ["kept"]);
        pool.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }
}
