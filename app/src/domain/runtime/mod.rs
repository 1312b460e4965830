//! The runtime API's side of the domain: an agent reads a secret by name with its own token.
//!
//! Owns the one-query read path (token, flag, existence and grant checked in one query), the
//! per-process cache of granted reads with its invalidation (`read_cache`), and the cache of
//! unwrapped data keys. May import every other room (`keys`,
//! `identity`, `audit`, `admin`, `secrets`); nothing in the domain imports `runtime`.

pub mod key_cache;
pub mod metadata;
pub mod read;
pub mod read_cache;
