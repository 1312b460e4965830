//! What admins and the operator change about a workspace's people and agents: memberships
//! and roles, invitations (and joining through one), agents and their tokens, ending sessions,
//! second factors and the rule that admins use one, and what single sign-on changes about
//! accounts.
//! Every change here is audited (through `audit::change::Change` or `audit::events`).
//!
//! Imports the domain root, `keys`, `identity` and `audit`; never `secrets` or `runtime`.

pub mod agents;
pub mod invitations;
pub mod memberships;
pub mod passkeys;
pub mod second_factor;
pub mod second_factor_rule;
pub mod sign_out;
pub mod sso_accounts;
pub mod token_identity;
pub mod token_policy;
pub mod tokens;
