//! Serving: bind, start the background tasks, answer requests until the shutdown, then stop
//! in order (requests in flight, the audit queue, the tasks, the pool, SQLite's log).

use std::time::Duration;

use tokio::net::TcpListener;

use app::domain::db::{self, Pool};
use app::domain::{demo, identity::passwords};
use app::state::AppState;

use crate::config::{Config, Mode};
use crate::http::connections;
use crate::startup::error::CliError;
use crate::startup::guards::Guards;
use crate::startup::router;
use crate::startup::shutdown::Shutdown;
use crate::startup::state::build_state;
use crate::startup::tasks::Tasks;

/// At shutdown, the audit writer gets this long to commit its queue (a failing batch is tried
/// four times, each try waiting at most the pool's five seconds for a connection).
const AUDIT_FINISH: Duration = Duration::from_secs(30);
/// Then the pool waits this long for connections still in use by background tasks.
const POOL_CLOSE: Duration = Duration::from_secs(5);
/// And SQLite's log is folded into the database file and emptied, trying for at most this
/// long while a reader still holds part of it. Normally the first try deletes the log; a
/// connection given back during the close may still be closing on its own thread, and then
/// the log stays as an empty file (waiting for its deletion made the fresh-clone CI flaky).
const FOLD_WAIT: Duration = Duration::from_secs(30);

/// Binds and serves until the process is stopped. Used by `vault serve`.
pub async fn serve(config: Config, listener: TcpListener) -> Result<(), CliError> {
    if let Some(n) = config.sign_in.max_concurrent_password_checks {
        passwords::limit_concurrency(n);
    }
    let state = build_state(&config).await?;
    serve_state(config, listener, state).await
}

/// Serves `state` (from [`build_state`]) until SIGTERM or ctrl-c; the tests keep a handle
/// on the state's caches.
pub async fn serve_state(
    config: Config,
    listener: TcpListener,
    state: AppState,
) -> Result<(), CliError> {
    serve_until(config, listener, state, Shutdown::on_signals()).await
}

/// Serves `state` until `shutdown` begins, then drains: `/readyz` answers 503 for
/// `drain_seconds` while requests are still served, then the listener closes, requests in
/// flight finish, the audit queue is committed and the pool closed.
pub async fn serve_until(
    config: Config,
    listener: TcpListener,
    state: AppState,
    shutdown: Shutdown,
) -> Result<(), CliError> {
    let addr = listener
        .local_addr()
        .map_err(|e| CliError::Io(e.to_string()))?;
    let guards = Guards::new(&config, addr)?;
    if config.mode == Mode::Production {
        refuse_public_demo_passwords(&state.pool).await?;
    }
    let tasks = Tasks::start(&config, &state, &guards, &shutdown).await?;
    let metrics_here = config.http.metrics_bind.is_none();
    let (audit, pool) = (state.audit.clone(), state.pool.clone());
    let app = router::build(
        state,
        config.secure_cookies(),
        guards,
        shutdown.clone(),
        metrics_here,
    );
    tracing::info!("Secrets Vault listening on http://{addr}");
    let drain = Duration::from_secs(config.http.drain_seconds);
    let stop_accepting = async move {
        shutdown.begun().await;
        tracing::info!(
            drain_seconds = drain.as_secs(),
            "shutting down: /readyz answers 503 (draining); the listener closes after drain_seconds"
        );
        tokio::time::sleep(drain).await;
        tracing::info!("listener closed; finishing the requests in flight");
    };
    let limits = connections::Limits {
        header_timeout: Duration::from_secs(config.http.http_header_timeout_seconds.max(1)),
        max_open: config.http.max_open_connections.max(1),
    };
    connections::serve(listener, app, limits, stop_accepting).await;
    // Every request is answered. Still queued: events of reads whose clients went away.
    audit.finish(AUDIT_FINISH).await.map_err(|e| {
        tracing::error!(error = %e, "shutdown: audit queue not committed");
        CliError::Io(e.to_string())
    })?;
    tasks.stop().await;
    if tokio::time::timeout(POOL_CLOSE, pool.close())
        .await
        .is_err()
    {
        tracing::warn!("shutdown: database connections still busy after {POOL_CLOSE:?}");
    } else {
        match db::after_close(&pool, &config.database_url(), FOLD_WAIT).await {
            Ok(true) => {}
            Ok(false) => tracing::warn!(
                "shutdown: a reader still held the write-ahead log after {FOLD_WAIT:?}; it is not empty"
            ),
            Err(e) => tracing::warn!(error = %e, "shutdown: the write-ahead log was not folded into the database"),
        }
    }
    tracing::info!("shutdown complete");
    Ok(())
}

/// Production does not start while an account signs in with a password from the README.
async fn refuse_public_demo_passwords(pool: &Pool) -> Result<(), CliError> {
    let exposed = demo::accounts_with_public_passwords(pool).await?;
    if exposed.is_empty() {
        return Ok(());
    }
    Err(CliError::Usage(format!(
        "refusing to start in production: {} still sign(s) in with the public demo password; \
         change the password or remove the account first",
        exposed.join(", ")
    )))
}
