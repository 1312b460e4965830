//! The Secrets Vault server: the `vault` binary's library. Its rooms, each importing only
//! from the rooms before it:
//! - `config`: the settings (defaults, TOML file, `VAULT_*` environment) and the public URL;
//! - `http`: what every request passes (hosts, client address, cross-site defence, security
//!   headers, session cookie, sign-in throttle, form errors, connection limits) and the plain
//!   routes (assets, health and readiness, metrics, the audit export);
//! - `runtime`: the APIs agents call with their own credential (`/v1`);
//! - `startup`: the router put together, the server state, serving, shutdown and the
//!   background tasks;
//! - `cli`: the `vault` commands.
//!
//! The domain (store, crypto, rights) is the `app` crate's `domain`, shared with the pages'
//! server functions. Public here is only what `main.rs` and the integration tests use.
#![recursion_limit = "512"]

pub mod cli;
pub mod config;
mod http;
mod runtime;
pub mod startup;
