//! Single sign-on with OpenID Connect (Core 1.0 and Discovery 1.0, through the
//! `openidconnect` crate): the providers the operator configured and what their discovery
//! documents and keys say (`directory`); the authorization code flow with PKCE and the ID
//! token's checks (`protocol`); the flows under way, bound to one browser and answered once
//! (`flows`); the identities linked to accounts (`identities`); and the email domains that
//! let a workspace's people in (`domains`).
//!
//! Imports the domain root and `identity`. Records no audit events: the audited changes (a
//! first sign-in joining workspaces, a link, an unlink) live in `admin::sso_accounts`.

pub mod directory;
pub mod domains;
pub mod error;
pub mod flows;
pub mod identities;
pub mod protocol;

pub use error::SsoError;
