//! The Secrets Vault server: configuration, CLI, router and start-up.
#![recursion_limit = "512"]

pub mod assets;
pub mod changes;
pub mod cli;
pub mod client_addr;
pub mod config;
pub mod connections;
pub mod error;
pub mod export;
pub mod form_errors;
pub mod guards;
pub mod hosts;
pub mod metrics;
pub mod rate_limit;
pub mod ready;
pub mod router;
pub mod runtime;
pub mod security;
pub mod serve;
pub mod session_cookie;
pub mod shutdown;
pub mod sign_in_throttle;
pub mod webhooks;
