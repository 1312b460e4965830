//! The one application state, shared by the router, the runtime API and (through Leptos
//! context) every server function.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;

use crate::domain::audit_sink::AuditSink;
use crate::domain::crypto::Keyring;
use crate::domain::db::Pool;
use crate::domain::runtime::DataKeyCache;
pub use crate::domain::session_policy::SessionPolicy;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: Pool,
    pub keyring: Arc<Keyring>,
    /// Unwrapped data keys for runtime reads.
    pub data_keys: Arc<DataKeyCache>,
    /// Audit trail of runtime reads (batched writer).
    pub audit: AuditSink,
    pub sessions: SessionPolicy,
}
