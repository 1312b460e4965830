//! Server-only domain code shared by server functions, the runtime API and the CLI.
//! No UI code lives here.

pub mod access;
pub mod agents;
pub mod audit;
pub mod audit_log;
pub mod audit_sink;
pub mod change;
pub mod crypto;
pub mod db;
pub mod demo;
pub mod error;
pub mod keys;
pub mod master_key;
pub mod memberships;
pub mod passwords;
pub mod runtime;
pub mod secrets;
pub mod session_policy;
pub mod session_store;
pub mod sessions;
pub mod tokens;
pub mod users;
pub mod validate;
pub mod workspaces;

pub use error::DomainError;

/// Seconds since the Unix epoch, the unit of every `*_at` column.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}
