//! Server-only domain code shared by server functions, the runtime API and the CLI.
//! No UI code lives here.
//!
//! Rooms, each importing only the ones listed before it (and this root: `clock`, `db`,
//! `error`, `limits`, `validate`, `now`):
//! 1. `keys`: ciphers, master keys, data keys;
//! 2. `identity`: users, passwords, workspaces, sessions, rights types;
//! 3. `audit`: audit events, the batched writer, log queries, the audited-change helper;
//! 4. `admin`: members, agents, tokens, ending sessions;
//! 5. `secrets`: secrets, values, versions, grants, the grant matrix;
//! 6. `runtime`: an agent's read by token;
//! 7. `platform`: operators, the feature flag switch, the platform audit log (imports only
//!    the root, `identity` and `audit`);
//! 8. `webhooks`: webhooks, their signatures and the outbox's delivery (imports the root,
//!    `keys`, `identity` and `audit`).
//!
//! `demo` seeds the demo accounts and workspaces, `showcase` the demo's secrets, from all of
//! them. `db` holds the pool and every difference between SQLite and PostgreSQL (SQLite's
//! checkpoints, writers' turns and whole-file backups in `db::sqlite`); it imports nothing
//! else of the domain but `DomainError`.

pub mod admin;
pub mod audit;
pub mod clock;
pub mod db;
pub mod demo;
pub mod error;
pub mod identity;
pub mod keys;
pub mod limits;
pub mod platform;
pub mod runtime;
pub mod secrets;
pub mod showcase;
pub mod validate;
pub mod webhooks;

pub use error::DomainError;

/// Seconds since the Unix epoch, the unit of every `*_at` column.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}
