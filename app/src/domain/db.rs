//! The connection pool. One code path for SQLite and PostgreSQL through `sqlx::Any`;
//! backend differences stay in this module and the per-backend migration folders.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyArguments, AnyConnectOptions, AnyPoolOptions, AnyRow};
use sqlx::migrate::Migrator;
use sqlx::query::QueryAs;
use sqlx::{AnyPool, ConnectOptions, Executor};

pub type Db = sqlx::Any;
pub type Pool = AnyPool;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Self, sqlx::Error> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Self::Postgres)
        } else {
            Err(sqlx::Error::Configuration(
                "the database URL must start with sqlite: or postgres:".into(),
            ))
        }
    }
}

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
                    conn.execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;")
                        .await?;
                }
                Ok(())
            })
        })
        .connect_with(options)
        .await?;
    if backend == Backend::Sqlite {
        pool.execute("PRAGMA journal_mode = WAL;").await?;
    }
    Ok(pool)
}

/// Applies the embedded migrations of the pool's backend.
pub async fn migrate(pool: &Pool, url: &str) -> Result<(), sqlx::migrate::MigrateError> {
    match Backend::from_url(url)? {
        Backend::Sqlite => SQLITE_MIGRATIONS.run(pool).await,
        Backend::Postgres => POSTGRES_MIGRATIONS.run(pool).await,
    }
}

/// Starts a transaction that will write. On SQLite it takes the write lock up front
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads and then writes fails at once
/// with "database is locked" when another writer (the audit writer, say) got in between.
pub async fn begin_write(pool: &Pool) -> Result<sqlx::Transaction<'static, Db>, sqlx::Error> {
    if is_sqlite(pool) {
        pool.begin_with("BEGIN IMMEDIATE").await
    } else {
        pool.begin().await
    }
}

pub fn is_sqlite(pool: &Pool) -> bool {
    pool.connect_options()
        .database_url
        .scheme()
        .starts_with("sqlite")
}

/// The suffix that locks the rows a `SELECT` reads until the transaction ends: `FOR UPDATE`
/// on PostgreSQL; nothing on SQLite, where a write transaction (`BEGIN IMMEDIATE`) already
/// excludes every other writer.
pub fn lock_rows(pool: &Pool) -> &'static str {
    if is_sqlite(pool) {
        ""
    } else {
        " FOR UPDATE"
    }
}

/// `%text%` for a case-insensitive `LIKE ... ESCAPE '\\'` on lowercased columns, with LIKE's
/// own wildcards in `query` escaped so that user input only ever matches literally.
pub fn like_contains(query: &str) -> String {
    let mut pattern = String::with_capacity(query.len() + 2);
    pattern.push('%');
    for c in query.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// A workspace search: `sql` with `$1` the workspace, `$2` the trimmed search text (empty
/// matches everything) and `$3` its [`like_contains`] pattern; page bounds bind after.
pub fn searched<'q, O>(
    sql: &'q str,
    workspace_id: i64,
    query: &'q str,
) -> QueryAs<'q, Db, O, AnyArguments<'q>>
where
    O: for<'r> sqlx::FromRow<'r, AnyRow>,
{
    sqlx::query_as(sql)
        .bind(workspace_id)
        .bind(query.trim())
        .bind(like_contains(query))
}

#[cfg(test)]
mod tests {
    use super::like_contains;

    #[test]
    fn search_text_cannot_inject_like_wildcards() {
        assert_eq!(like_contains(" Stripe "), "%stripe%");
        assert_eq!(like_contains("a_b%"), "%a\\_b\\%%");
    }
}
