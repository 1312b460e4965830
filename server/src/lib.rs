//! The Secrets Vault server: configuration, CLI, router and start-up.

pub mod cli;
pub mod config;
pub mod error;
pub mod export;
pub mod rate_limit;
pub mod router;
pub mod runtime;
pub mod security;
pub mod serve;
pub mod session_cookie;
