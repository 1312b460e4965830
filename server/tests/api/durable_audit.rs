//! Nothing acknowledged is lost: a runtime read is answered only after its audit event is
//! committed, so a server killed with SIGKILL under load has audited every read it answered.
//! Repeated refusals of one token collapse into one row with a count.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::{Client, StatusCode};
use secrecy::ExposeSecret;

use app::domain::keys::master_key::MasterKey;
use app::domain::{admin::tokens, demo, secrets::store};

use crate::helpers::{demo_admin_gate, single_value, spawn_app_with, PgDatabase};
use crate::instance::Instance;

/// A database (PostgreSQL when configured, else a SQLite file) with the demo data, a secret
/// `kill_test` granted to `billing-worker`, and a token for it.
pub(crate) async fn prepared(dir: &std::path::Path, pg: &Option<PgDatabase>) -> (String, String) {
    let url = match pg {
        Some(db) => db.url(),
        None => format!("sqlite://{}?mode=rwc", dir.join("vault.db").display()),
    };
    let key = dir.join("shared.key");
    let (master, _) = MasterKey::read_or_create_file(&key).unwrap();
    let keyring = app::domain::keys::crypto::Keyring::new(master, vec![]);
    let pool = app::domain::db::connect(&url, 2).await.unwrap();
    app::domain::db::migrate(&pool, &url).await.unwrap();
    demo::seed(&pool, crate::helpers::shell()).await.unwrap();
    let gate = demo_admin_gate(&pool, "acme").await;
    let agent: i64 = sqlx::query_scalar("SELECT id FROM agents WHERE name = 'billing-worker'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let value = single_value("kill-test-value");
    store::create(&pool, &keyring, &gate, "kill_test", "", &value, &[agent])
        .await
        .unwrap();
    let issued = tokens::issue(&pool, gate.admin(), "billing-worker", Some(90))
        .await
        .unwrap();
    pool.close().await;
    (url, issued.token.expose_secret().to_string())
}

/// A `vault serve` on the prepared database, its throttle lifted so that one token reads as
/// fast as it can.
pub(crate) fn unthrottled(url: &str, dir: &std::path::Path) -> Instance {
    let key = dir.join("shared.key");
    let settings = [
        ("VAULT_RUNTIME_RATE", "10000000/second"),
        ("VAULT_RUNTIME_BURST", "100000"),
    ];
    Instance::start_with(url, dir, &key, &settings)
}

/// Eight agents reading `kill_test` as fast as they can until the server is gone.
pub(crate) struct Readers {
    answered: Arc<AtomicU64>,
    /// Each reader's first answer that was neither 200 nor a connection error, if any.
    readers: Vec<tokio::task::JoinHandle<Option<StatusCode>>>,
}

impl Readers {
    pub(crate) fn start(read_url: &str, token: &str) -> Self {
        let answered = Arc::new(AtomicU64::new(0));
        let readers = (0..8)
            .map(|_| {
                let (url, token, answered) =
                    (read_url.to_string(), token.to_string(), answered.clone());
                tokio::spawn(async move {
                    let client = Client::new();
                    loop {
                        match client.get(&url).bearer_auth(&token).send().await {
                            Ok(res) if res.status() == StatusCode::OK => {
                                answered.fetch_add(1, Ordering::SeqCst);
                            }
                            Ok(res) => return Some(res.status()),
                            Err(_) => return None, // the server is gone
                        }
                    }
                })
            })
            .collect();
        Self { answered, readers }
    }

    /// Returns once `n` reads have been answered, however long that takes on this machine.
    pub(crate) async fn until_answered(&self, n: u64) {
        while self.answered.load(Ordering::SeqCst) < n {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    /// Waits for every reader to see the server go (within two minutes), checks that none
    /// got an error answer, and returns how many reads were answered.
    pub(crate) async fn finish(self, what: &str) -> u64 {
        let ended = tokio::time::timeout(
            Duration::from_secs(120),
            futures::future::join_all(self.readers),
        )
        .await
        .expect("the readers see the server go within two minutes");
        for reader in ended {
            assert_eq!(reader.unwrap(), None, "a read {what} got an error answer");
        }
        self.answered.load(Ordering::SeqCst)
    }
}

#[tokio::test]
async fn a_server_killed_under_load_has_audited_every_read_it_answered() {
    let dir = tempfile::tempdir().unwrap();
    let pg = PgDatabase::create().await;
    let (url, token) = prepared(dir.path(), &pg).await;
    let mut server = unthrottled(&url, dir.path());
    // The server is killed once 300 reads have been answered.
    let readers = Readers::start(&server.url("/v1/secrets/kill_test"), &token);
    readers.until_answered(300).await;
    server.kill();
    let answered = readers.finish("before the kill").await;
    every_answer_audited(&url, answered).await;
}

/// Every one of the `answered` reads of `kill_test` has its audit row in the database at `url`.
pub async fn every_answer_audited(url: &str, answered: u64) {
    let pool = app::domain::db::connect(url, 1).await.unwrap();
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'secret.read' AND secret_name = 'kill_test' AND outcome = 'ok'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    pool.close().await;
    assert!(
        audited >= answered as i64,
        "{answered} reads were answered but only {audited} are in the audit log"
    );
}

#[tokio::test]
async fn repeated_refusals_of_one_token_share_one_audit_row_with_a_count() {
    // A window of an hour: the five refusals fall in it however slow this machine is.
    let app = spawn_app_with(|c| c.audit.audit_collapse_seconds = 3600).await;
    let admin = app.signed_in(crate::helpers::ADMIN).await;
    let body = crate::helpers::expect_status(
        app.call(
            &admin,
            "agents/issue_token",
            &[("ws", "acme"), ("agent", "billing-worker")],
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let token = serde_json::from_str::<serde_json::Value>(&body).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let client = Client::new();
    for name in ["nope_a", "nope_b", "nope_c", "nope_d", "nope_e"] {
        let res = client
            .get(app.url(&format!("/v1/secrets/{name}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT repeat_count, detail FROM audit_events WHERE action = 'secret.read_denied' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(rows.len(), 1, "one row for five refusals: {rows:?}");
    assert_eq!(rows[0].0, 5);
    assert!(rows[0].1.contains("refused 5 times"), "{}", rows[0].1);
}

#[tokio::test]
async fn a_secret_purged_before_its_reads_batch_commits_fails_no_read() {
    use app::domain::audit::read_event::{event, Reader};
    use app::domain::audit::writer::AuditSink;
    let app = crate::helpers::spawn_app().await;
    let sink = AuditSink::spawn(
        app.pool.clone(),
        60,
        60,
        app::metrics::Metrics::default().audit_commit(),
        Default::default(),
    );
    let admin = app.signed_in(crate::helpers::ADMIN).await;
    app.secrets_tab(&admin, "acme")
        .create("kept", "v1")
        .await
        .ok()
        .await;
    let workspace_id = app.workspace_id("acme").await;
    let agent_id = app.agent_id("acme", "billing-worker").await;
    let existing: i64 = sqlx::query_scalar("SELECT id FROM secrets WHERE name = 'kept'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let reader = || Reader {
        workspace_id,
        agent_id,
        agent_name: "billing-worker",
        token_id: 1,
        token_prefix: "svt_test",
    };
    // One read of a secret that exists, one of a secret purged since its lookup: one batch.
    let (kept, purged) = tokio::join!(
        sink.record(event(reader(), "kept", "ok").of_secret(existing)),
        sink.record(event(reader(), "purged", "ok").of_secret(i64::MAX / 2)),
    );
    assert!(kept.is_ok(), "a read in the same batch was refused");
    assert!(purged.is_ok(), "the read itself is still audited");
    let usage: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM secret_reads WHERE secret_id = $1")
        .bind(existing)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(usage, 1);
}
