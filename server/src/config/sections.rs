//! The settings in sections. Each section is flattened into [`super::Config`], so the TOML
//! file and the `VAULT_*` variables name every setting without its section
//! (`sign_in_rate`, `VAULT_SIGN_IN_RATE`).

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use app::domain::limits::Rate;
use secrecy::SecretString;
use serde::Deserialize;

/// Where the data lives: the database, the data directory, the master key.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Storage {
    /// `sqlite://...` or `postgres://...`; defaults to `vault.db` in the data directory.
    pub database_url: Option<String>,
    pub data_dir: PathBuf,
    pub max_connections: u32,
    /// Base64 of 32 random bytes. Prefer `master_key_file` outside development.
    pub master_key: Option<SecretString>,
    pub master_key_file: Option<PathBuf>,
    /// Earlier master keys, still accepted for unwrapping data keys during a rotation.
    pub previous_master_key_files: Vec<PathBuf>,
    /// SQLite only: how often the server copies the write-ahead log into the database file,
    /// from a task of its own rather than inside a commit (see `app::domain::db::maintenance`).
    pub sqlite_checkpoint_ms: u64,
}

impl Default for Storage {
    fn default() -> Self {
        Self {
            database_url: None,
            data_dir: PathBuf::from("data"),
            max_connections: 16,
            master_key: None,
            master_key_file: None,
            previous_master_key_files: Vec::new(),
            sqlite_checkpoint_ms: 10,
        }
    }
}

/// How the server is reached: addresses, proxies, cookies, connection limits, draining.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Http {
    pub bind: SocketAddr,
    /// The address users reach, `scheme://host[:port]`: the only Host and Origin accepted.
    /// Required in production; in development loopback names on the bound port are accepted too.
    pub public_url: Option<String>,
    /// Proxies whose `X-Forwarded-For` names the client; everyone else is their own client.
    pub trusted_proxies: Vec<IpAddr>,
    /// The `Secure` cookie attribute; defaults to on in production, off in development.
    pub secure_cookies: Option<bool>,
    /// Where cargo-leptos put the site (`target/site`).
    pub site_root: PathBuf,
    /// A client has this long to send a request's headers, and a kept-alive connection
    /// waiting for its next request is closed after it.
    pub http_header_timeout_seconds: u64,
    /// Connections served at once; more wait in the listen queue. Kept below the process's
    /// open-file limit at start.
    pub max_open_connections: usize,
    /// Where `/metrics` is served: unset, on the main address; set, only on this one (say
    /// `127.0.0.1:9464`, so that it need not be public), and the main address answers 404.
    pub metrics_bind: Option<SocketAddr>,
    /// After SIGTERM, keep serving this many seconds with `/readyz` answering 503, so that
    /// load balancers stop sending before the listener closes.
    pub drain_seconds: u64,
}

impl Default for Http {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 3000)),
            public_url: None,
            trusted_proxies: Vec::new(),
            secure_cookies: None,
            site_root: PathBuf::from("target/site"),
            http_header_timeout_seconds: 20,
            max_open_connections: 4096,
            metrics_bind: None,
            drain_seconds: 0,
        }
    }
}

/// Signing in and staying signed in: sessions, re-authentication, throttles, password checks.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct SignIn {
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
    /// Dangerous actions (purge, token issue, role change, audit export) ask for the
    /// password again when the last check is older than this.
    pub reauth_minutes: i64,
    /// Sign-in attempts per client address: a burst, then this refill.
    pub sign_in_rate: Rate,
    pub sign_in_burst: u32,
    /// Sign-in attempts per account (email), from any number of addresses.
    pub sign_in_account_rate: Rate,
    pub sign_in_account_burst: u32,
    /// Argon2 checks at once (each takes 19 MiB); default twice the CPUs.
    pub max_concurrent_password_checks: Option<usize>,
    /// How many days an invitation link stays valid (1 to 365).
    pub invitation_days: i64,
}

impl Default for SignIn {
    fn default() -> Self {
        Self {
            session_idle_minutes: 60,
            session_absolute_hours: 12,
            reauth_minutes: 10,
            sign_in_rate: Rate::per_minute(30),
            sign_in_burst: 10,
            sign_in_account_rate: Rate::per_hour(30),
            sign_in_account_burst: 10,
            max_concurrent_password_checks: None,
            invitation_days: 7,
        }
    }
}

/// The runtime API agents call: its throttle and the remembered reads.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Runtime {
    /// Runtime API requests per agent token (per address without a known token).
    pub runtime_rate: Rate,
    pub runtime_burst: u32,
    /// How often each server reads the database's change counter, to see changes made by
    /// other instances or the CLI (a granted read remembered before is refused after this).
    pub change_poll_ms: u64,
    /// Bytes the remembered runtime reads may take (one copy of each version's ciphertext).
    pub read_cache_bytes: usize,
}

impl Default for Runtime {
    fn default() -> Self {
        Self {
            runtime_rate: Rate::per_second(100),
            runtime_burst: 200,
            change_poll_ms: 50,
            read_cache_bytes: app::domain::runtime::read_cache::DEFAULT_BUDGET_BYTES,
        }
    }
}

/// The audit log: collapsed refusals, usage writes, retention.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Audit {
    /// Refusals of one agent token for one reason within this many seconds share one audit row.
    pub audit_collapse_seconds: i64,
    /// A token's last use and an agent's last read of a secret are written at most this often.
    pub usage_seconds: i64,
    /// Audit events older than this many days leave the database (0 keeps them all).
    pub audit_retention_days: i64,
    /// What happens to them: `archive` (gzip JSON lines under `data_dir/audit-archive`, then
    /// deleted) or `delete`.
    pub audit_retention_action: String,
}

impl Default for Audit {
    fn default() -> Self {
        Self {
            audit_collapse_seconds: app::domain::audit::writer::COLLAPSE_SECONDS,
            usage_seconds: app::domain::audit::writer::USAGE_SECONDS,
            audit_retention_days: app::domain::audit::retention::DAYS,
            audit_retention_action: "archive".into(),
        }
    }
}

/// Outgoing mail: invitation links are also mailed when `smtp_url` is set.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Mail {
    /// `smtp://host:25`, `smtp://user:password@host:587?tls=required` (STARTTLS) or
    /// `smtps://user:password@host:465`; unset, nothing is mailed.
    pub smtp_url: Option<SecretString>,
    /// The sender of those mails.
    pub smtp_from: String,
}

impl Default for Mail {
    fn default() -> Self {
        Self {
            smtp_url: None,
            smtp_from: "Secrets Vault <vault@localhost>".into(),
        }
    }
}

/// Webhook deliveries: where they may go, how often they are polled and retried.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Webhooks {
    /// Lets webhooks reach loopback and private addresses (server-side request forgery
    /// protection off): for receivers inside your own network, and for tests.
    pub webhook_allow_private: bool,
    /// How often each server looks for webhook deliveries that are due.
    pub webhook_poll_ms: u64,
    /// The wait after a failed delivery, doubled after each further failure (at most an hour).
    pub webhook_retry_base_ms: i64,
    /// Attempts before a delivery is marked failed.
    pub webhook_max_attempts: i64,
    /// How long a receiver has to answer.
    pub webhook_timeout_ms: u64,
}

impl Default for Webhooks {
    fn default() -> Self {
        Self {
            webhook_allow_private: false,
            webhook_poll_ms: 500,
            webhook_retry_base_ms: 5_000,
            webhook_max_attempts: 12,
            webhook_timeout_ms: 10_000,
        }
    }
}
