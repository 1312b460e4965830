//! Starting the server: open the database, apply migrations, load the master key, bind.

use std::sync::Arc;
use std::time::Duration;

use leptos::config::{Env, LeptosOptions};
use tokio::net::TcpListener;

use app::domain::audit::retention;
use app::domain::audit::writer::AuditSink;
use app::domain::db::{self, DiskWatch, Pool};
use app::domain::identity::attempts::AccountAttempts;
use app::domain::identity::session_store::DbSessionStore;
use app::domain::runtime::key_cache::DataKeyCache;
use app::domain::runtime::read_cache::ReadCache;
use app::domain::secrets::trash;
use app::domain::{demo, identity::passwords};
use app::metrics::Metrics;
use app::state::{AppState, SessionPolicy, Shared};

use crate::config::{Config, KeySource, Mode};
use crate::error::CliError;
use crate::guards::Guards;
use crate::shutdown::Shutdown;
use crate::{connections, router};

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

/// Opens the pool and applies migrations.
pub async fn open_database(config: &Config) -> Result<Pool, CliError> {
    if config.database_url.is_none() {
        std::fs::create_dir_all(&config.data_dir).map_err(|e| {
            CliError::Io(format!(
                "cannot create the data directory {}: {e}",
                config.data_dir.display()
            ))
        })?;
    }
    let url = config.database_url();
    let pool = db::connect(&url, config.max_connections).await?;
    db::migrate(&pool, &url).await?;
    Ok(pool)
}

pub async fn build_state(config: &Config) -> Result<AppState, CliError> {
    let (keyring, source) = config.keyring()?;
    match source {
        KeySource::CreatedDevFile(path) => tracing::warn!(
            "DEVELOPMENT MODE: created a new master key file at {} (mode 0600). \
             Anyone who can read it can decrypt this vault. Use VAULT_MASTER_KEY_FILE in production.",
            path.display()
        ),
        KeySource::File(path) => tracing::info!("master key loaded from {}", path.display()),
        KeySource::Environment => tracing::info!("master key loaded from the environment"),
    }
    let pool = open_database(config).await?;
    match app::domain::keys::data_keys::not_under_current(&pool, &keyring).await {
        Ok(0) => {}
        Ok(n) => tracing::warn!(
            data_keys = n,
            "{n} data key(s) are still wrapped under a previous master key: keep it configured \
             and finish the rotation with `vault rotate-master-key`"
        ),
        Err(e) => {
            tracing::warn!(error = %e, "could not count data keys under previous master keys")
        }
    }
    let metrics = Arc::new(Metrics::default());
    let disk = DiskWatch::for_url(&config.database_url());
    let audit = AuditSink::spawn(
        pool.clone(),
        config.audit_collapse_seconds,
        config.usage_seconds,
        metrics.audit_commit(),
        disk.clone(),
    );
    let leptos_options = LeptosOptions::builder()
        .output_name("vault")
        .site_root(config.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .hash_files(crate::assets::names_are_hashed())
        .site_addr(config.bind)
        .env(if config.mode == Mode::Production {
            Env::PROD
        } else {
            Env::DEV
        })
        .build();
    Ok(AppState::new(Shared {
        leptos_options,
        pool,
        keyring: Arc::new(keyring),
        data_keys: Arc::new(DataKeyCache::default()),
        reads: Arc::new(ReadCache::with_budget(config.read_cache_bytes)),
        audit,
        disk,
        sessions: SessionPolicy::from_config(
            config.session_idle_minutes,
            config.session_absolute_hours,
            config.reauth_minutes,
        ),
        attempts: AccountAttempts::new(config.sign_in_account_rate, config.sign_in_account_burst),
        metrics,
        webhook_allow_private: config.webhook_allow_private,
        import_max_entries: config.import_max_entries.max(1),
    }))
}

/// Binds and serves until the process is stopped. Used by `vault serve`.
pub async fn serve(config: Config, listener: TcpListener) -> Result<(), CliError> {
    if let Some(n) = config.max_concurrent_password_checks {
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
    spawn_cleanup(state.pool.clone(), config.audit_retention()?);
    let checkpoints = db::maintenance(
        state.pool.clone(),
        Duration::from_millis(config.sqlite_checkpoint_ms.max(1)),
    );
    state.reads.spawn_poller(
        state.pool.clone(),
        Duration::from_millis(config.change_poll_ms.max(1)),
    );
    guards.spawn_forget_idle(state.attempts.clone());
    let webhooks =
        crate::webhooks::spawn(state.clone(), config.webhook_settings(), shutdown.clone())
            .map_err(|e| CliError::Io(format!("cannot start webhook delivery: {e}")))?;
    if let Some(bind) = config.metrics_bind {
        let listener = TcpListener::bind(bind)
            .await
            .map_err(|e| CliError::Io(format!("cannot listen on {bind} for metrics: {e}")))?;
        spawn_metrics(listener, state.clone())?;
    }
    let metrics_here = config.metrics_bind.is_none();
    let (audit, pool) = (state.audit.clone(), state.pool.clone());
    let app = router::build(
        state,
        config.secure_cookies(),
        guards,
        shutdown.clone(),
        metrics_here,
    );
    tracing::info!("Secrets Vault listening on http://{addr}");
    let drain = Duration::from_secs(config.drain_seconds);
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
        header_timeout: Duration::from_secs(config.http_header_timeout_seconds.max(1)),
        max_open: config.max_open_connections.max(1),
    };
    connections::serve(listener, app, limits, stop_accepting).await;
    // Every request is answered. Still queued: events of reads whose clients went away.
    audit.finish(AUDIT_FINISH).await.map_err(|e| {
        tracing::error!(error = %e, "shutdown: audit queue not committed");
        CliError::Io(e.to_string())
    })?;
    // The webhook loop claims nothing more; the deliveries it is sending get recorded (any
    // it cannot finish in time are retried by another server when their lease ends).
    if tokio::time::timeout(AUDIT_FINISH, webhooks).await.is_err() {
        tracing::warn!("shutdown: webhook deliveries still in flight; they will be retried");
    }
    // No checkpoint may hold a connection while the pool closes: the last connection to
    // close folds the write-ahead log into the database file only if it is alone.
    if let Some(task) = checkpoints {
        task.abort();
        let _ = task.await;
    }
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

/// Serves `/metrics` alone on `listener` (the `metrics_bind` address).
pub fn spawn_metrics(listener: TcpListener, state: AppState) -> Result<(), CliError> {
    let addr = listener
        .local_addr()
        .map_err(|e| CliError::Io(e.to_string()))?;
    let app = crate::metrics::routes().with_state(state);
    tracing::info!("metrics served at http://{addr}/metrics");
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "the metrics listener stopped");
        }
    });
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

/// Every ten minutes: drop expired sessions, purge secrets 30 days in the trash, archive or
/// delete audit events past their retention.
fn spawn_cleanup(pool: Pool, retention: retention::Policy) {
    let store = DbSessionStore::new(pool.clone());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(e) = store.delete_expired().await {
                tracing::warn!(error = %e, "could not delete expired sessions");
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
    });
}
