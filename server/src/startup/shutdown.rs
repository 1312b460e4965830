//! Stopping without dropping an answer. SIGTERM or ctrl-c begins the shutdown: the server
//! is draining at once (`/readyz` answers 503, so load balancers stop sending), keeps
//! serving for `drain_seconds`, then stops accepting, lets requests in flight finish,
//! commits the audit queue and exits (serve.rs).

use std::sync::Arc;

use tokio::sync::watch;

use crate::http::ready::Draining;

/// Whether the shutdown has begun; cloned into the readiness check and the server loop.
#[derive(Clone)]
pub struct Shutdown(Arc<watch::Sender<bool>>);

impl Default for Shutdown {
    fn default() -> Self {
        Self(Arc::new(watch::channel(false).0))
    }
}

impl Shutdown {
    /// A shutdown that begins on SIGTERM or ctrl-c.
    pub fn on_signals() -> Self {
        let shutdown = Self::default();
        let begin = shutdown.clone();
        tokio::spawn(async move {
            signal().await;
            begin.begin();
        });
        shutdown
    }

    /// Begins the shutdown (again: nothing more happens).
    pub fn begin(&self) {
        self.0.send_replace(true);
    }

    /// Returns once the shutdown has begun.
    pub async fn begun(&self) {
        let mut draining = self.0.subscribe();
        // The sender lives in `self`, so this waits until `begin`.
        let _ = draining.wait_for(|draining| *draining).await;
    }
}

impl Draining for Shutdown {
    fn is_draining(&self) -> bool {
        *self.0.borrow()
    }
}

async fn signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
