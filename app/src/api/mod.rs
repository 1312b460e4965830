//! Server functions: thin adapters that get their context, prove the caller's rights,
//! call one domain function and map its error.

pub mod account;
pub mod agents;
pub mod auth;
pub mod invitations;
pub mod members;
pub mod operator;
pub mod passkey_sign_in;
pub mod passkeys;
pub mod second_factor;
pub mod secrets;
pub mod sso;
pub mod webhooks;
pub mod workspace;

#[cfg(feature = "ssr")]
pub mod ctx;
#[cfg(feature = "ssr")]
pub mod redirects;
#[cfg(feature = "ssr")]
pub mod status;
