//! The pool's types and which backend a pool or URL is on: the one place the rest of the room
//! asks, so that everything else speaks of `Pool` and `Backend`, not of URL schemes.

use sqlx::AnyPool;

pub type Db = sqlx::Any;
pub type Pool = AnyPool;

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

/// Whether `url` names a PostgreSQL database rather than a SQLite one; an error for any other
/// URL.
pub fn is_postgres_url(url: &str) -> Result<bool, sqlx::Error> {
    Ok(Backend::from_url(url)? == Backend::Postgres)
}

/// Whether the pool is on SQLite. Only the room asks: outside it, a difference between the
/// backends is a named function of the room.
pub(super) fn is_sqlite(pool: &Pool) -> bool {
    pool.connect_options()
        .database_url
        .scheme()
        .starts_with("sqlite")
}

/// The pool's backend, for the room's functions that take one (a caller holding a connection
/// rather than the pool asks once).
pub fn backend(pool: &Pool) -> Backend {
    if is_sqlite(pool) {
        Backend::Sqlite
    } else {
        Backend::Postgres
    }
}
