//! What every HTTP request passes before a page, a server function or the runtime API sees
//! it, and the plain routes that need no page.
//!
//! Middleware: the allowed hosts (`hosts`), the client address (`client_addr`), cross-site
//! request refusal and security headers (`security`), the session cookie
//! (`session_cookie`), the sign-in throttle (`sign_in_throttle`), form errors carried in a
//! redirect (`form_errors`), changes applied to the runtime cache at once (`changes`) and the
//! connection limits of the accept loop (`connections`). Routes: static assets (`assets`),
//! `/healthz` and `/readyz` (`ready`), `/metrics` (`metrics`), the audit export (`export`),
//! single sign-on's way out to a provider and back (`sso`).
//!
//! May import: `config`, the `app` crate. Not `runtime`, `startup` or `cli`.

pub mod assets;
pub mod changes;
pub mod client_addr;
pub mod connections;
pub mod export;
pub mod form_errors;
pub mod hosts;
pub mod metrics;
pub mod ready;
pub mod security;
pub mod session_cookie;
pub mod sign_in_throttle;
pub mod sso;
