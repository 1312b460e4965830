//! Keys and ciphers: AES-256-GCM sealing and hashing (`crypto`), the operator's master keys
//! (`master_key`) and the per-workspace data keys wrapped under them (`data_keys`).
//!
//! Imports only the domain root (`db`, `DomainError`); every other room may import `keys`.

pub mod crypto;
pub mod data_keys;
pub mod digest;
pub mod master_key;
