//! Starting and stopping the server: the router assembled from `http` and `runtime`
//! (`router`), the request guards built from the configuration (`guards`), the server state
//! and serving until shutdown (`serve`), the shutdown signal (`shutdown`), the background
//! tasks (`webhooks` among them) and the binary's error type (`error`).
//!
//! May import: `config`, `http`, `runtime`, the `app` crate. Not `cli`.

pub mod error;
pub mod guards;
pub mod router;
pub mod serve;
pub mod shutdown;
pub mod webhooks;
