//! The Secrets Vault server: configuration, CLI, router and start-up.

pub mod cli;
pub mod config;
pub mod error;
pub mod router;
pub mod security;
pub mod serve;
