//! Write transactions. On SQLite a writer takes this process's turn to write
//! ([`super::sqlite::write_turn`]) and the write lock up front (`BEGIN IMMEDIATE`); on
//! PostgreSQL a plain transaction, whose writers lock rows.

use super::backend::{is_sqlite, Backend, Db, Pool};
use super::sqlite::write_turn::{self as turns, Turn};

/// Starts a transaction that will write. On SQLite it takes the connection, then this
/// process's turn to write ([`super::sqlite::write_turn`]), then the write lock up front
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads and then writes fails at once with
/// "database is locked" when another writer (the audit writer, say) got in between.
pub async fn begin_write(pool: &Pool) -> Result<WriteTx, sqlx::Error> {
    if !is_sqlite(pool) {
        return Ok(WriteTx {
            tx: pool.begin().await?,
            _turn: None,
        });
    }
    let conn = pool.acquire().await?;
    let turn = write_turn(pool).await?;
    // What `Pool::begin_with` does, on the connection taken before the turn.
    let tx = sqlx::Transaction::begin(conn, Some(BEGIN_IMMEDIATE.into())).await?;
    Ok(WriteTx { tx, _turn: turn })
}

/// On SQLite, waits for this process's next turn to write to the pool's database (see
/// [`super::sqlite::write_turn`]); `None` on PostgreSQL. Take the connection first.
pub async fn write_turn(pool: &Pool) -> Result<Option<Turn>, sqlx::Error> {
    if !is_sqlite(pool) {
        return Ok(None);
    }
    let url = pool.connect_options().database_url.to_string();
    turns::take(&url).await.map(Some)
}

/// A write transaction from [`begin_write`], holding (on SQLite) the process's turn to write
/// until it commits or is dropped. It is used as the connection it writes on.
pub struct WriteTx {
    // Dropped first: the rollback is queued before the next writer's turn begins.
    tx: sqlx::Transaction<'static, Db>,
    _turn: Option<Turn>,
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

/// [`begin_write`] on a connection of a `backend` pool the caller already holds (the audit
/// writer keeps one), after taking [`write_turn`] itself.
pub async fn begin_write_on(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
) -> Result<sqlx::Transaction<'_, Db>, sqlx::Error> {
    if backend == Backend::Sqlite {
        sqlx::Connection::begin_with(conn, BEGIN_IMMEDIATE).await
    } else {
        sqlx::Connection::begin(conn).await
    }
}

const BEGIN_IMMEDIATE: &str = "BEGIN IMMEDIATE";
