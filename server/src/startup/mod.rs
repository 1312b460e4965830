//! Starting and stopping the server: the router assembled from `http` and `runtime`
//! (`router`), the request guards built from the configuration (`guards`), the server state
//! and serving until shutdown (`serve`), the shutdown signal (`shutdown`), the server state
//! (`state`), the background tasks started and stopped together (`tasks`, webhook delivery
//! in `webhooks`) and the binary's error type (`error`).
//!
//! May import: `config`, `http`, `runtime`, the `app` crate. Not `cli`.

pub mod error;
mod guards;
mod router;
mod serve;
mod shutdown;
mod state;
mod tasks;
mod webhooks;

pub use router::routes;
pub use serve::{serve, serve_state, serve_until};
pub use shutdown::Shutdown;
pub use state::{build_state, open_database};
