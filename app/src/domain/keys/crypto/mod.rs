//! Envelope encryption with AES-256-GCM.
//!
//! A master key (KEK) wraps one data key (DEK) per workspace and key version (`keyring`); each
//! secret version is sealed under a DEK with a fresh random 96-bit nonce (`cipher`) and
//! associated data that binds the ciphertext to its workspace, secret, version and format
//! (`bound`). A sealed blob is `nonce (12 bytes) || ciphertext || tag (16 bytes)`.

mod bound;
mod cipher;
mod keyring;

pub use bound::{open, open_webhook, seal, seal_webhook, SecretAad, WebhookAad, FORMAT_VERSION};
pub use cipher::{CryptoError, DataKey};
pub use keyring::{kek_id, open_user_secret, seal_user_secret, unwrap_dek, wrap_dek, Keyring};
