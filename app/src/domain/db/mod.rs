//! The database, and every difference between SQLite and PostgreSQL: the pool and its
//! connection settings (`connect`), the migrations and the schema check (`schema`), write
//! transactions (`write`), the places where the two dialects' SQL text differs (`dialect`),
//! disk-full detection (`disk`), and a server's background maintenance (`maintenance`). What
//! only SQLite has lives in `sqlite/`: checkpoints, this process's writers' turns, whole-file
//! backup and restore. `search` builds the workspace searches both backends share.
//!
//! Everything else uses one code path through `sqlx::Any` and asks this room, by a named
//! function, wherever the backends differ; nothing outside it asks which backend a pool is on.
//!
//! Imports only sqlx, std, tokio, tracing, libc and `crate::domain::DomainError` (for
//! `sqlite::backup`); nothing else from the domain. Inside the room imports point one way:
//! `backend` (the pool's types and backend) and `schema` at the bottom, then `sqlite/`, then
//! the files that choose per backend (`connect`, `write`, `disk`, `dialect`, `maintenance`).
//! `sqlite/`'s tests open their pools with `connect`.

mod backend;
mod connect;
mod dialect;
mod disk;
mod maintenance;
mod schema;
mod search;
pub mod sqlite;
mod write;

pub use self::backend::{backend, is_postgres_url, Backend, Db, Pool};
pub use self::connect::connect;
pub use self::dialect::{lock_rows, skip_locked, BatchedInsert};
pub use self::disk::{is_disk_full, DiskWatch};
pub use self::maintenance::{after_close, maintenance};
pub use self::schema::{migrate, schema, Schema};
pub use self::search::{like_contains, searched};
pub use self::write::{begin_write, begin_write_on, write_turn, WriteTx};
