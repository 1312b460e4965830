//! The server's state: the database opened and migrated, the master key loaded, the caches,
//! the audit writer and the Leptos options, built once from the configuration.

use std::sync::Arc;

use leptos::config::{Env, LeptosOptions};

use app::domain::audit::writer::AuditSink;
use app::domain::db::{self, DiskWatch, Pool};
use app::domain::identity::attempts::AccountAttempts;
use app::domain::identity::sso::directory::Directory;
use app::domain::runtime::key_cache::DataKeyCache;
use app::domain::runtime::read_cache::ReadCache;
use app::mail::Mailer;
use app::metrics::Metrics;
use app::state::{AppState, SessionPolicy, Shared};

use crate::config::{Config, ConfigError, KeySource, Mode};
use crate::startup::error::CliError;

/// Opens the pool and applies migrations.
pub async fn open_database(config: &Config) -> Result<Pool, CliError> {
    if config.storage.database_url.is_none() {
        std::fs::create_dir_all(&config.storage.data_dir).map_err(|e| {
            CliError::Io(format!(
                "cannot create the data directory {}: {e}",
                config.storage.data_dir.display()
            ))
        })?;
    }
    let url = config.database_url();
    let pool = db::connect(&url, config.storage.max_connections).await?;
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
    let sso = Directory::new(config.sso.providers(config.mode)?, config.sso.timing())
        .map_err(|e| CliError::Io(e.to_string()))?;
    // Discovery and keys at start; a provider that is down is logged and tried again later.
    sso.discover_all().await;
    let metrics = Arc::new(Metrics::default());
    let disk = DiskWatch::for_url(&config.database_url());
    let audit = AuditSink::spawn(
        pool.clone(),
        config.audit.audit_collapse_seconds,
        config.audit.usage_seconds,
        metrics.audit_commit(),
        disk.clone(),
    );
    let mail = match &config.mail.smtp_url {
        Some(url) => {
            let mailer = Mailer::spawn(url, &config.mail.smtp_from)
                .map_err(|e| CliError::Config(ConfigError::Setting(e.to_string())))?;
            tracing::info!("invitation links are also mailed (smtp_url is set)");
            Some(mailer)
        }
        None => None,
    };
    let leptos_options = LeptosOptions::builder()
        .output_name("vault")
        .site_root(config.http.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .hash_files(crate::http::assets::names_are_hashed())
        .site_addr(config.http.bind)
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
        reads: Arc::new(ReadCache::with_budget(config.runtime.read_cache_bytes)),
        audit,
        disk,
        sessions: SessionPolicy::from_config(
            config.sign_in.session_idle_minutes,
            config.sign_in.session_absolute_hours,
            config.sign_in.reauth_minutes,
        ),
        attempts: AccountAttempts::new(
            config.sign_in.sign_in_account_rate,
            config.sign_in.sign_in_account_burst,
        ),
        metrics,
        webhook_allow_private: config.webhooks.webhook_allow_private,
        sso: Arc::new(sso),
        import_max_entries: config.import_max_entries.max(1),
        public_url: config
            .public_url()
            .map_err(ConfigError::from)?
            .map(|url| url.to_string()),
        invitation_days: config.sign_in.invitation_days,
        mail,
        clock: config.clock.clone(),
    }))
}
