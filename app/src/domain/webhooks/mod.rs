//! Webhooks: admins register an http(s) URL and the change events it wants; each audited
//! change is queued for it in the change's transaction (`audit::outbox`), then delivered
//! signed, with retries, by every server's delivery loop (`delivery`).
//!
//! - `target`: which URLs and addresses a webhook may reach (server-side request forgery);
//! - `signing`: the HMAC-SHA256 signature receivers check;
//! - `registry`: creating, listing and deleting webhooks, audited;
//! - `delivery`: claiming due deliveries from the outbox and recording their outcome.
//!
//! Imports the domain root, `keys`, `identity` and `audit`.

pub mod delivery;
pub mod registry;
pub mod signing;
pub mod target;
