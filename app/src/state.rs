//! The one application state, shared by the router, the runtime API and (through Leptos
//! context) every server function.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;

use crate::domain::audit::writer::AuditSink;
use crate::domain::clock::Clock;
use crate::domain::db::{DiskWatch, Pool};
use crate::domain::identity::attempts::AccountAttempts;
pub use crate::domain::identity::session_policy::SessionPolicy;
use crate::domain::identity::sso::directory::Directory;
use crate::domain::keys::crypto::Keyring;
use crate::domain::runtime::key_cache::DataKeyCache;
use crate::domain::runtime::read_cache::ReadCache;
use crate::mail::Mailer;
use crate::metrics::Metrics;

/// Cloned for every request (axum's `State`), so it is one reference-counted pointer: a
/// clone is one atomic increment, not one per field.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// Leptos's handlers take their options from the state.
impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// What every request shares.
pub struct Shared {
    pub leptos_options: LeptosOptions,
    pub pool: Pool,
    pub keyring: Arc<Keyring>,
    /// Unwrapped data keys for runtime reads.
    pub data_keys: Arc<DataKeyCache>,
    /// Granted runtime reads since the last change.
    pub reads: Arc<ReadCache>,
    /// Whether writes fail for lack of disk space (logged once, shown by `/readyz`).
    pub disk: DiskWatch,
    /// Audit trail of runtime reads (batched writer).
    pub audit: AuditSink,
    pub sessions: SessionPolicy,
    /// Password attempts per account (sign-in, re-authentication, password change).
    pub attempts: AccountAttempts,
    /// Prometheus metrics (`/metrics`).
    pub metrics: Arc<Metrics>,
    /// Entries one import may hold (`import_max_entries`).
    pub import_max_entries: usize,
    /// The single sign-on providers (none when unconfigured).
    pub sso: Arc<Directory>,
    /// Whether webhooks may target loopback and private addresses (an operator's setting).
    pub webhook_allow_private: bool,
    /// The origin users reach (`public_url`, like `https://vault.example.com`), for links
    /// the server hands out; `None` in development, where the request's own host is used.
    pub public_url: Option<String>,
    /// How many days an invitation link stays valid (`invitation_days`).
    pub invitation_days: i64,
    /// Mails invitation links when SMTP is configured (`smtp_url`).
    pub mail: Option<Mailer>,
    /// The time second-factor checks go by (the system's; a test's own in tests).
    pub clock: Clock,
}
