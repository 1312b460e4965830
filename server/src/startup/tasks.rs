//! The background tasks every server runs beside its requests, started together and stopped
//! together: expired sessions, the trash and audit retention every ten minutes (`cleanup`),
//! SQLite checkpoints, the change-counter poller, forgetting idle throttle keys, webhook
//! deliveries, and `/metrics` on a listener of its own when `metrics_bind` is set.

use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use app::domain::audit::retention;
use app::domain::db::{self, Pool};
use app::domain::identity::session_store::DbSessionStore;
use app::domain::identity::sso::flows as sso_flows;
use app::domain::secrets::trash;
use app::state::AppState;

use crate::config::Config;
use crate::startup::error::CliError;
use crate::startup::guards::Guards;
use crate::startup::shutdown::Shutdown;
use crate::startup::webhooks;

/// At shutdown, the deliveries being sent get this long to be recorded.
const WEBHOOKS_FINISH: Duration = Duration::from_secs(30);

/// The running background tasks.
pub struct Tasks {
    /// Tasks that hold no work of their own: stopped by aborting them.
    abort: Vec<JoinHandle<()>>,
    webhooks: JoinHandle<()>,
}

impl Tasks {
    /// Starts every background task of a server serving `state`.
    pub async fn start(
        config: &Config,
        state: &AppState,
        guards: &Guards,
        shutdown: &Shutdown,
    ) -> Result<Self, CliError> {
        let mut abort = vec![spawn_cleanup(state.pool.clone(), config.audit_retention()?)];
        abort.extend(db::maintenance(
            state.pool.clone(),
            Duration::from_millis(config.storage.sqlite_checkpoint_ms.max(1)),
        ));
        state.reads.spawn_poller(
            state.pool.clone(),
            Duration::from_millis(config.runtime.change_poll_ms.max(1)),
        );
        abort.push(guards.spawn_forget_idle(state.attempts.clone()));
        let webhooks = webhooks::spawn(
            state.clone(),
            webhooks::Settings::from_config(&config.webhooks),
            shutdown.clone(),
        )
        .map_err(|e| CliError::Io(format!("cannot start webhook delivery: {e}")))?;
        if let Some(bind) = config.http.metrics_bind {
            let listener = TcpListener::bind(bind)
                .await
                .map_err(|e| CliError::Io(format!("cannot listen on {bind} for metrics: {e}")))?;
            abort.push(spawn_metrics(listener, state.clone())?);
        }
        Ok(Self { abort, webhooks })
    }

    /// Once every request is answered: the webhook loop, which claims nothing more once the
    /// shutdown has begun, records the deliveries it is sending (any it cannot finish in time
    /// are retried by another server when their lease ends); the other tasks stop at once,
    /// so that no checkpoint holds a connection while the pool closes.
    pub async fn stop(self) {
        if tokio::time::timeout(WEBHOOKS_FINISH, self.webhooks)
            .await
            .is_err()
        {
            tracing::warn!("shutdown: webhook deliveries still in flight; they will be retried");
        }
        for task in self.abort {
            task.abort();
            let _ = task.await;
        }
    }
}

/// Serves `/metrics` alone on `listener` (the `metrics_bind` address).
fn spawn_metrics(listener: TcpListener, state: AppState) -> Result<JoinHandle<()>, CliError> {
    let addr = listener
        .local_addr()
        .map_err(|e| CliError::Io(e.to_string()))?;
    let app = crate::http::metrics::routes().with_state(state);
    tracing::info!("metrics served at http://{addr}/metrics");
    Ok(tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "the metrics listener stopped");
        }
    }))
}

/// Every ten minutes: drop expired sessions and single sign-on flows, purge secrets 30 days in the trash, archive or
/// delete audit events past their retention.
fn spawn_cleanup(pool: Pool, retention: retention::Policy) -> JoinHandle<()> {
    let store = DbSessionStore::new(pool.clone());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(e) = store.delete_expired().await {
                tracing::warn!(error = %e, "could not delete expired sessions");
            }
            if let Err(e) = sso_flows::delete_expired(&pool).await {
                tracing::warn!(error = %e, "could not delete expired single sign-on flows");
            }
            match trash::purge_expired(&pool).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(purged = n, "secrets purged after 30 days in the trash"),
                Err(e) => tracing::warn!(error = %e, "could not purge the trash"),
            }
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            match retention::run(&pool, &retention, now).await {
                Ok(pass) if pass.deleted == 0 => {}
                Ok(pass) => tracing::info!(
                    archived = pass.archived,
                    deleted = pass.deleted,
                    files = pass.files.len(),
                    "audit events past their retention left the database"
                ),
                Err(e) => tracing::warn!(error = %e, "could not apply the audit retention"),
            }
        }
    })
}
