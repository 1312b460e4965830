//! The one application state, shared by the router, the runtime API and (through Leptos
//! context) every server function.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;

use crate::domain::audit_sink::AuditSink;
use crate::domain::crypto::Keyring;
use crate::domain::db::Pool;
use crate::domain::runtime::DataKeyCache;

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

/// How long a dashboard session lives.
#[derive(Clone, Copy, Debug)]
pub struct SessionPolicy {
    /// Signed out after this much inactivity (enforced by the cookie and store expiry).
    pub idle_seconds: i64,
    /// Signed out this long after sign-in, however active.
    pub absolute_seconds: i64,
}
