//! What platform operators do across workspaces: grant and revoke the operator role (from
//! the CLI only), switch a workspace's feature flag with a reason, and read the platform
//! audit log and the workspace list (counts only, never a secret's name or value).
//!
//! Imports the domain root, `identity` and `audit`; never `admin`, `secrets` or `runtime`.

pub mod console;
pub mod flag;
pub mod operators;
