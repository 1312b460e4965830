//! Integration tests: the real server on port 0 against a fresh database.

mod abuse;
mod access;
mod assets;
mod audit_scale;
mod auth;
mod backup;
mod cli;
mod durable_audit;
mod graceful_shutdown;
mod helpers;
mod hostile;
mod import;
#[allow(dead_code)] // shared with the multi-instance binary, which uses more of it
mod instance;
mod key_rotation;
mod many_servers;
mod matrix_audit;
mod races;
mod read_cache;
mod readiness;
mod retention;
mod rotation;
mod runtime;
mod secrets;
mod secrets_access;
mod secrets_tab;
mod sessions;
mod showcase;
mod token_lifetime;
mod usage;
mod vault;
mod vault_client;
mod workspace_admin;
