//! Integration tests: the real server on port 0 against a fresh database.

mod abuse;
mod access;
mod auth;
mod cli;
mod helpers;
mod hostile;
mod key_rotation;
mod matrix_audit;
mod runtime;
mod secrets;
mod secrets_access;
mod sessions;
mod workspace_admin;
