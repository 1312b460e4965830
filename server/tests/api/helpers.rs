use std::net::SocketAddr;
use std::sync::Arc;

use reqwest::header::{HeaderMap, ACCEPT, SET_COOKIE};
use reqwest::{Client, Response, StatusCode};
use tempfile::TempDir;
use tokio::net::TcpListener;

pub use crate::support_shell::shell;
use app::domain::db::Pool;
use app::domain::demo;
use app::domain::keys::crypto::Keyring;
use app::domain::runtime::read_cache::ReadCache;
use app::domain::secrets::{sealing, value::SecretValue};
use app::domain::DomainError;
use server::config::Config;
use server::startup;
use server::startup::Shutdown;

pub const ADMIN: (&str, &str) = (demo::ADMIN.email, demo::ADMIN.password);
pub const MEMBER: (&str, &str) = (demo::MEMBER.email, demo::MEMBER.password);
pub const OPERATOR: (&str, &str) = (demo::OPERATOR.email, demo::OPERATOR.password);

/// A database of its own on the PostgreSQL server named by `VAULT_TEST_POSTGRES`
/// (`postgres://user@host:port`), dropped with the test app.
pub struct PgDatabase {
    pub base: String,
    pub name: String,
}

impl PgDatabase {
    /// Creates a fresh database when the suite runs against PostgreSQL; `None` for SQLite.
    pub async fn create() -> Option<Self> {
        let base = std::env::var("VAULT_TEST_POSTGRES")
            .ok()
            .filter(|b| !b.is_empty())?;
        let name = format!(
            "vault_test_{}_{}",
            std::process::id(),
            NEXT_DB.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        let admin = app::domain::db::connect(&format!("{base}/postgres"), 1)
            .await
            .expect("PostgreSQL admin connection");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&admin)
            .await
            .expect("create test database");
        admin.close().await;
        Some(Self { base, name })
    }

    pub fn url(&self) -> String {
        format!("{}/{}", self.base, self.name)
    }
}

static NEXT_DB: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let (base, name) = (self.base.clone(), self.name.clone());
        // The test's runtime is shutting down: drop the database from a runtime of our own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                if let Ok(admin) = app::domain::db::connect(&format!("{base}/postgres"), 1).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&admin)
                        .await;
                    admin.close().await;
                }
            });
        })
        .join();
    }
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub pool: Pool,
    /// The server's own keys (the development key file in the data directory).
    pub keyring: Keyring,
    /// The server's remembered runtime reads.
    reads: Arc<ReadCache>,
    /// The server's own pool (`pool` is another one on the same database).
    pub server_pool: Pool,
    /// Begins the server's shutdown, as SIGTERM does.
    pub shutdown: Shutdown,
    dir: TempDir,
    /// Held for its `Drop`: the PostgreSQL test database goes with the app.
    pg: Option<PgDatabase>,
}

/// Starts the real server on port 0 with a fresh database seeded with the demo data.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// The same, with the configuration adjusted first: tests that exercise limits and clocks
/// set them here (a refill of one per hour, an idle limit of seconds) instead of racing
/// the machine's speed.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    spawn_app_on(listener, adjust).await
}

/// The same on a listener bound already: a test that must name the server's address before
/// it starts (a provider's redirect URI) binds first.
pub async fn spawn_app_on(listener: TcpListener, adjust: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let pg = PgDatabase::create().await;
    let mut config = Config::default();
    config.storage.data_dir = dir.path().to_path_buf();
    config.http.bind = "127.0.0.1:0".parse().unwrap();
    config.storage.database_url = pg.as_ref().map(PgDatabase::url);
    // Tests write events at chosen times, some long past: the server's own retention
    // pass must not take them away meanwhile (tests of retention run it themselves).
    config.audit.audit_retention_days = 0;
    adjust(&mut config);
    let (keyring, _) = config.keyring().expect("master key");
    let pool = startup::open_database(&config).await.expect("database");
    demo::seed(&pool, shell()).await.expect("demo data");
    let addr = listener.local_addr().unwrap();
    let state = startup::build_state(&config).await.expect("server state");
    let (reads, server_pool) = (state.reads.clone(), state.pool.clone());
    let shutdown = Shutdown::default();
    tokio::spawn(startup::serve_until(
        config,
        listener,
        state,
        shutdown.clone(),
    ));
    TestApp {
        addr,
        pool,
        keyring,
        reads,
        server_pool,
        shutdown,
        dir,
        pg,
    }
}

impl TestApp {
    /// Has the server read the database's change counter now, as its poller does every
    /// `change_poll_ms`: a change written around the server (as the CLI does, from another
    /// process) then applies to its next runtime read. Instead of waiting for the poller.
    pub async fn see_changes(&self) {
        self.reads.poll(&self.pool).await.expect("change counter");
    }

    /// Bytes the server's remembered runtime reads take now (0: nothing remembered).
    pub fn remembered_reads(&self) -> usize {
        self.reads.bytes()
    }

    /// Runs the `vault` CLI, another process, on this server's database.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_vault"));
        cmd.args(args)
            .env("VAULT_DATA_DIR", self.dir.path())
            .env_remove("VAULT_MODE");
        match &self.pg {
            Some(pg) => cmd.env("VAULT_DATABASE_URL", pg.url()),
            None => cmd.env_remove("VAULT_DATABASE_URL"),
        };
        cmd.output().expect("vault binary")
    }

    /// Whether the suite runs on PostgreSQL (`VAULT_TEST_POSTGRES`), not SQLite.
    pub fn on_postgres(&self) -> bool {
        self.pg.is_some()
    }

    /// The data directory (SQLite database `vault.db`, development key `master.key`).
    pub fn data_dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// The development master key file the server created in its data directory.
    pub fn key_path(&self) -> std::path::PathBuf {
        self.dir.path().join("master.key")
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A browser-like client: keeps cookies, does not follow redirects. A request that gets
    /// no whole answer within two minutes fails its test instead of hanging the suite.
    pub fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(120))
            .build()
            .unwrap()
    }

    /// Calls a server function with form-encoded arguments, as a hydrated page does.
    pub async fn call(&self, client: &Client, name: &str, form: &[(&str, &str)]) -> Response {
        client
            .post(self.url(&format!("/api/{name}")))
            .form(form)
            .send()
            .await
            .expect("request")
    }

    /// Calls a server function that must answer 200; its JSON body.
    pub async fn call_json(
        &self,
        client: &Client,
        name: &str,
        form: &[(&str, &str)],
    ) -> serde_json::Value {
        let body = expect_status(self.call(client, name, form).await, StatusCode::OK).await;
        serde_json::from_str(&body).expect("a JSON body")
    }

    pub async fn page(&self, client: &Client, path: &str) -> Response {
        client
            .get(self.url(path))
            .header(ACCEPT, "text/html")
            .send()
            .await
            .expect("request")
    }

    /// A client signed in as `who`.
    pub async fn signed_in(&self, who: (&str, &str)) -> Client {
        let client = self.client();
        let res = self
            .call(
                &client,
                "auth/login",
                &[("email", who.0), ("password", who.1)],
            )
            .await;
        assert!(
            res.status().is_success() || res.status().is_redirection(),
            "sign-in failed: {}",
            res.status()
        );
        client
    }

    pub async fn agent_names(&self, ws: &str) -> Vec<String> {
        sqlx::query_scalar(
            "SELECT a.name FROM agents a JOIN workspaces w ON w.id = a.workspace_id WHERE w.slug = $1 ORDER BY a.name",
        )
        .bind(ws)
        .fetch_all(&self.pool)
        .await
        .unwrap()
    }
}

/// The session cookie's value from a response, if it sets one.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("vault_session="))
        .map(|v| v.to_string())
}

pub async fn expect_status(res: Response, status: StatusCode) -> String {
    let got = res.status();
    let body = res.text().await.unwrap();
    assert_eq!(got, status, "body: {body}");
    body
}

impl TestApp {
    /// Creates a secret through the server function, as the form does. `value` is a single
    /// value; `pairs` makes it a key/value secret instead.
    pub async fn create_secret(
        &self,
        client: &Client,
        ws: &str,
        name: &str,
        value: &str,
        pairs: &[(&str, &str)],
    ) -> Response {
        let mut form: Vec<(String, String)> = vec![
            ("ws".into(), ws.into()),
            ("name".into(), name.into()),
            ("description".into(), format!("{name} for tests")),
        ];
        if pairs.is_empty() {
            form.push(("kind".into(), "single".into()));
            form.push(("value".into(), value.into()));
        } else {
            form.push(("kind".into(), "pairs".into()));
            for (i, (k, v)) in pairs.iter().enumerate() {
                form.push((format!("pairs[{i}][key]"), k.to_string()));
                form.push((format!("pairs[{i}][value]"), v.to_string()));
            }
        }
        client
            .post(self.url("/api/secrets/create"))
            .form(&form)
            .send()
            .await
            .expect("request")
    }

    pub async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    pub async fn workspace_id(&self, slug: &str) -> i64 {
        sqlx::query_scalar("SELECT id FROM workspaces WHERE slug = $1")
            .bind(slug)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    /// An audit writer of the test's own on its pool, and a refused read of `secret_name` by
    /// Acme's `billing-worker` for it to record (a missing grant; no token row needed).
    pub async fn audit_sink_and_refusal(
        &self,
        secret_name: &str,
    ) -> (
        app::domain::audit::writer::AuditSink,
        app::domain::audit::read_event::ReadEvent,
    ) {
        use app::domain::audit::read_event::{ReadEvent, Via};
        use app::domain::audit::writer::AuditSink;
        let timing = app::metrics::Metrics::default().audit_commit();
        let sink = AuditSink::spawn(self.pool.clone(), 60, 60, timing, Default::default());
        let event = ReadEvent {
            workspace_id: self.workspace_id("acme").await,
            agent_id: self.agent_id("acme", "billing-worker").await,
            agent_name: "billing-worker".into(),
            token_id: -1,
            token_prefix: "svt_test".into(),
            secret_name: secret_name.into(),
            secret_id: None,
            outcome: "missing_access",
            version: None,
            via: Via::RuntimeApi,
            expired: false,
            at: app::domain::now(),
        };
        (sink, event)
    }

    pub async fn agent_id(&self, ws: &str, name: &str) -> i64 {
        sqlx::query_scalar("SELECT a.id FROM agents a JOIN workspaces w ON w.id = a.workspace_id WHERE w.slug = $1 AND a.name = $2")
            .bind(ws)
            .bind(name)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }
}

impl TestApp {
    /// Olive, admin of her own workspace `initech` (secrets flag as given), signed in: an
    /// admin of another workspace.
    pub async fn outsider(&self, secrets_on: bool) -> Client {
        use app::domain::{admin::memberships, identity::users, identity::workspaces};
        let ws = workspaces::create(&self.pool, "initech", "Initech")
            .await
            .unwrap();
        crate::helpers::switch_flag(&self.pool, "initech", secrets_on).await;
        let password = secrecy::SecretString::from("olive-password-1");
        let user = users::create(&self.pool, "olive@initech.test", "Olive", password)
            .await
            .unwrap();
        memberships::add(&self.pool, ws.id, user.id, app::model::Role::Admin)
            .await
            .unwrap();
        self.signed_in(("olive@initech.test", "olive-password-1"))
            .await
    }
}

/// The demo admin's rights proof for `ws`, obtained the way a server function obtains it:
/// for tests that call domain functions directly.
/// Switches a workspace's secrets vault flag as the CLI operator does.
pub async fn switch_flag(pool: &Pool, ws: &str, on: bool) {
    let operator = shell().operator();
    app::domain::platform::flag::set(pool, &operator, ws, on, "test")
        .await
        .unwrap();
}

pub async fn demo_admin_gate(pool: &Pool, ws: &str) -> app::domain::identity::access::SecretsAdmin {
    use app::domain::{identity::access, identity::users};
    let admin = users::find_by_email(pool, demo::ADMIN.email)
        .await
        .unwrap()
        .unwrap();
    let who = access::signed_in(pool, Some(admin.id), false)
        .await
        .unwrap();
    access::require_secrets_admin(pool, &who, ws).await.unwrap()
}

/// A single-value secret as the form sends it.
pub fn single_value(value: &str) -> app::model::secrets::ValueInput {
    app::model::secrets::ValueInput {
        kind: "single".into(),
        value: value.into(),
        pairs: vec![],
    }
}

impl TestApp {
    /// The answer to a sign-in from a fresh client, for tests that look at its cookie.
    pub async fn sign_in_response(&self, who: (&str, &str)) -> Response {
        self.call(
            &self.client(),
            "auth/login",
            &[("email", who.0), ("password", who.1)],
        )
        .await
    }

    /// Who `/api/me` says a raw `Cookie` header belongs to: `"null"` for nobody.
    /// Who `client` is signed in as (`auth/me`): the user, or `null`.
    pub async fn me(&self, client: &Client) -> serde_json::Value {
        let body = expect_status(self.call(client, "auth/me", &[]).await, StatusCode::OK).await;
        serde_json::from_str(&body).expect("auth/me answers JSON")
    }

    pub async fn me_with_cookie(&self, cookie: &str) -> String {
        let res = Client::new()
            .post(self.url("/api/auth/me"))
            .header(reqwest::header::COOKIE, cookie)
            .send()
            .await
            .expect("request");
        expect_status(res, StatusCode::OK).await
    }

    /// `GET path` sent with another `Host` header, as a rebinding page would.
    pub async fn get_as_host(&self, path: &str, host: &str) -> Response {
        self.client()
            .get(self.url(path))
            .header(reqwest::header::HOST, host)
            .send()
            .await
            .expect("request")
    }
}

/// The current value of a live secret and its version, decrypted with `keyring`: what an
/// agent would read. Tests use it to check what was stored.
pub async fn current_value(
    pool: &Pool,
    keyring: &Keyring,
    workspace_id: i64,
    name: &str,
) -> Result<(i64, SecretValue), DomainError> {
    let version: i64 = sqlx::query_scalar(
        "SELECT current_version FROM secrets WHERE workspace_id = $1 AND name = $2 AND deleted_at IS NULL",
    )
    .bind(workspace_id)
    .bind(name)
    .fetch_one(pool)
    .await?;
    let value = sealing::version_value(pool, keyring, workspace_id, name, version).await?;
    Ok((version, value))
}

/// A tool the tests run against the server: `$env`, or `tools/venv/bin/<name>` as
/// `scripts/setup` installs it. Missing, `None` (the test says it is skipped), except in CI,
/// where a missing tool fails the test.
pub fn installed_tool(env: &str, name: &str) -> Option<std::path::PathBuf> {
    if let Ok(path) = std::env::var(env) {
        return Some(path.into());
    }
    let installed = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../tools/venv/bin/{name}"));
    if installed.exists() {
        return Some(installed);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{} is missing: run scripts/setup to install it",
        installed.display()
    );
    eprintln!(
        "skipped: {} is missing (scripts/setup installs it)",
        installed.display()
    );
    None
}
