//! The one application state, shared by the router, the runtime API and (through Leptos
//! context) every server function.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;

use crate::domain::audit::writer::AuditSink;
use crate::domain::db::Pool;
pub use crate::domain::identity::session_policy::SessionPolicy;
use crate::domain::keys::crypto::Keyring;
use crate::domain::runtime::key_cache::DataKeyCache;
use crate::domain::runtime::read_cache::ReadCache;
use crate::metrics::Metrics;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: Pool,
    pub keyring: Arc<Keyring>,
    /// Unwrapped data keys for runtime reads.
    pub data_keys: Arc<DataKeyCache>,
    /// Granted runtime reads since the last change.
    pub reads: Arc<ReadCache>,
    /// Audit trail of runtime reads (batched writer).
    pub audit: AuditSink,
    pub sessions: SessionPolicy,
    /// Prometheus metrics (`/metrics`).
    pub metrics: Arc<Metrics>,
    /// Whether webhooks may target loopback and private addresses (an operator's setting).
    pub webhook_allow_private: bool,
}
