//! Passkeys (WebAuthn Level 2) as a way to sign in and as a second factor: the ceremonies
//! (`ceremony`, through webauthn-rs) and the stored credentials (`store`). Audited changes
//! live in `admin::passkeys`.

pub mod ceremony;
pub mod store;
