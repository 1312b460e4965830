//! Integration tests: the real server on port 0 against a fresh database.

mod abuse;
mod access;
mod assets;
mod audit_scale;
mod auth;
mod backup;
mod cli;
mod durable_audit;
mod front_door;
mod full_disk;
mod graceful_shutdown;
mod helpers;
mod hostile;
mod import;
#[allow(dead_code)] // shared with the multi-instance binary, which uses more of it
mod instance;
mod key_rotation;
mod many_servers;
mod matrix_audit;
mod metrics;
mod openapi_fuzz;
mod operator;
mod plain_forms;
mod races;
mod read_cache;
mod readiness;
mod receiver;
mod retention;
mod rotation;
mod runtime;
mod secrets;
mod secrets_access;
mod secrets_tab;
mod sessions;
mod showcase;
mod slow_clients;
#[path = "../support/shell.rs"]
mod support_shell;
mod token_lifetime;
mod usage;
mod vault;
mod vault_agent;
mod vault_client;
mod webhooks;
mod workspace_admin;
mod write_turn;
