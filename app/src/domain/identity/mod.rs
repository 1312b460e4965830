//! Who is asking: users and their passwords, workspaces, dashboard sessions (the store and
//! the idle/absolute limits) and the rights types of `access` (`SignedIn`, `Member`,
//! `Admin`, `SecretsAdmin`, and the `Actor` the audit trail names), and the operator's
//! shell (`shell`), the one way to those rights without signing in.
//!
//! Imports the domain root and `keys`. It records no audit events itself: changes that must
//! be audited live in `admin` or `secrets`, which sit above `audit`.

pub mod access;
pub mod attempts;
pub mod factors;
pub mod passkeys;
pub mod passwords;
pub mod session_policy;
pub mod session_store;
pub mod shell;
pub mod sso;
pub mod totp;
pub mod users;
pub mod workspaces;
