//! Several stateless server processes sharing one PostgreSQL database: sessions, grant
//! revocations and concurrent edits behave as with one server; a killed server loses no
//! acknowledged write. Needs PostgreSQL: `scripts/test` runs this binary with
//! VAULT_TEST_POSTGRES set.

#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;
#[allow(dead_code)]
#[path = "api/instance.rs"]
mod instance;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::Value;

use app::domain::keys::crypto::Keyring;
use app::domain::keys::master_key::MasterKey;

use helpers::{expect_status, PgDatabase, ADMIN};
use instance::Instance;

#[path = "support/shell.rs"]
mod support_shell;
use support_shell::shell;

struct Cluster {
    db: PgDatabase,
    dir: tempfile::TempDir,
    a: Instance,
    b: Instance,
}

impl Cluster {
    fn key(&self) -> std::path::PathBuf {
        self.dir.path().join("shared.key")
    }
}

/// Two instances on one fresh PostgreSQL database with demo data.
async fn cluster() -> Cluster {
    cluster_with(&[]).await
}

/// The same, with extra `VAULT_*` settings for both instances.
async fn cluster_with(env: &[(&str, &str)]) -> Cluster {
    let db = PgDatabase::create()
        .await
        .expect("multi-instance tests need PostgreSQL: set VAULT_TEST_POSTGRES");
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("shared.key");
    MasterKey::read_or_create_file(&key).unwrap();
    let pool = app::domain::db::connect(&db.url(), 2).await.unwrap();
    app::domain::db::migrate(&pool, &db.url()).await.unwrap();
    app::domain::demo::seed(&pool, shell()).await.unwrap();
    pool.close().await;
    let a = Instance::start_with(&db.url(), dir.path(), &key, env);
    let b = Instance::start_with(&db.url(), dir.path(), &key, env);
    Cluster { db, dir, a, b }
}

fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The id of acme's billing-worker agent, as the dashboard lists it.
/// A new token for `billing-worker`, issued on `on`: the answer, with `token` and its `view`.
async fn issue_billing_token(on: &Instance, admin: &Client) -> Value {
    on.call(
        admin,
        "agents/issue_token",
        &[("ws", "acme"), ("agent", "billing-worker")],
    )
    .await
    .json()
    .await
    .unwrap()
}

async fn billing_worker_id(on: &Instance, admin: &Client) -> String {
    let agents: Value = on
        .call(admin, "agents/list", &[("ws", "acme")])
        .await
        .json()
        .await
        .unwrap();
    agents["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "billing-worker")
        .unwrap()["id"]
        .to_string()
}

#[tokio::test]
async fn a_session_from_one_instance_is_valid_on_the_other_and_revocations_apply_everywhere_at_once(
) {
    let c = cluster().await;
    let admin = browser();
    let login =
        c.a.call(
            &admin,
            "auth/login",
            &[("email", ADMIN.0), ("password", ADMIN.1)],
        )
        .await;
    assert!(login.status().is_success());
    let me: Value = c.b.call(&admin, "auth/me", &[]).await.json().await.unwrap();
    assert_eq!(
        me["email"], ADMIN.0,
        "instance B knows the session made on A"
    );

    let form = [
        ("ws", "acme"),
        ("name", "shared_key"),
        ("kind", "single"),
        ("value", "multi-instance"),
    ];
    expect_status(
        c.a.call(&admin, "secrets/create", &form).await,
        StatusCode::OK,
    )
    .await;
    let billing = billing_worker_id(&c.b, &admin).await;
    expect_status(
        c.b.call(
            &admin,
            "secrets/access",
            &[
                ("ws", "acme"),
                ("name", "shared_key"),
                ("agents[0]", &billing),
            ],
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let issued = issue_billing_token(&c.a, &admin).await;
    let token = issued["token"].as_str().unwrap().to_string();

    let read_on = |i: &Instance| {
        Client::new()
            .get(i.url("/v1/secrets/shared_key"))
            .bearer_auth(&token)
            .send()
    };
    for _ in 0..2 {
        assert_eq!(read_on(&c.b).await.unwrap().status(), StatusCode::OK);
        assert_eq!(read_on(&c.a).await.unwrap().status(), StatusCode::OK);
    }
    // Revoke the grant through A: the very next read on A is denied; B, which remembers the
    // granted read, denies it once it has seen the change counter move (every 50 ms).
    expect_status(
        c.a.call(
            &admin,
            "secrets/access",
            &[("ws", "acme"), ("name", "shared_key")],
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(read_on(&c.a).await.unwrap().status(), StatusCode::FORBIDDEN);
    let deadline = Instant::now() + Duration::from_secs(30);
    let denied = loop {
        let res = read_on(&c.b).await.unwrap();
        if res.status() != StatusCode::OK || Instant::now() > deadline {
            break res;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        denied.json::<Value>().await.unwrap()["error"],
        "missing_access"
    );

    // Signing out on B ends the session on A too.
    c.b.call(&admin, "auth/logout", &[]).await;
    assert_eq!(
        c.a.call(&admin, "auth/me", &[]).await.text().await.unwrap(),
        "null"
    );
}

#[tokio::test]
async fn concurrent_edits_from_two_instances_never_lose_a_version() {
    let c = cluster().await;
    let admin = browser();
    c.a.call(
        &admin,
        "auth/login",
        &[("email", ADMIN.0), ("password", ADMIN.1)],
    )
    .await;
    let form = [
        ("ws", "acme"),
        ("name", "contended"),
        ("kind", "single"),
        ("value", "v1"),
    ];
    expect_status(
        c.a.call(&admin, "secrets/create", &form).await,
        StatusCode::OK,
    )
    .await;
    for (round, base) in (0..5).zip(1..) {
        let (va, vb) = (format!("a{round}"), format!("b{round}"));
        let base_s = base.to_string();
        let form = |v: &str| {
            vec![
                ("ws", "acme"),
                ("name", "contended"),
                ("base_version", base_s.as_str()),
                ("kind", "single"),
                ("value", v),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>()
        };
        let (ra, rb) = tokio::join!(
            admin
                .post(c.a.url("/api/secrets/replace"))
                .form(&form(&va))
                .send(),
            admin
                .post(c.b.url("/api/secrets/replace"))
                .form(&form(&vb))
                .send(),
        );
        let mut statuses = [ra.unwrap().status(), rb.unwrap().status()];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::CONFLICT],
            "round {round}: exactly one edit wins"
        );
    }
    let detail: Value =
        c.b.call(
            &admin,
            "secrets/detail",
            &[("ws", "acme"), ("name", "contended")],
        )
        .await
        .json()
        .await
        .unwrap();
    let versions: Vec<i64> = detail["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect();
    assert_eq!(
        versions,
        [6, 5, 4, 3, 2, 1],
        "every acknowledged edit is a version, none lost or duplicated"
    );
}

#[tokio::test]
async fn a_server_killed_mid_burst_loses_no_acknowledged_write_and_leaves_nothing_half_written() {
    let mut c = cluster().await;
    let admin = browser();
    c.a.call(
        &admin,
        "auth/login",
        &[("email", ADMIN.0), ("password", ADMIN.1)],
    )
    .await;
    // Four writers create secrets until their server dies; the server is killed once 20
    // creations have been acknowledged.
    let acked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut writers = Vec::new();
    for w in 0..4 {
        let (client, url, acked) = (admin.clone(), c.a.url("/api/secrets/create"), acked.clone());
        writers.push(tokio::spawn(async move {
            for i in 0..100 {
                let name = format!("burst_{w}_{i:03}");
                let form = [
                    ("ws", "acme"),
                    ("name", name.as_str()),
                    ("kind", "single"),
                    ("value", "burst-value"),
                ];
                match client.post(&url).form(&form).send().await {
                    Ok(r) if r.status() == StatusCode::OK => acked.lock().unwrap().push(name),
                    Ok(r) => panic!("unexpected answer {}", r.status()),
                    Err(_) => return, // the server is gone
                }
            }
        }));
    }
    // Kill once 20 writes are acknowledged, however long that takes on this machine.
    while acked.lock().unwrap().len() < 20 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    c.a.kill();
    for w in writers {
        w.await.unwrap();
    }
    let acknowledged = acked.lock().unwrap().clone();
    assert!(
        !acknowledged.is_empty(),
        "some writes were acknowledged before the kill"
    );
    assert!(acknowledged.len() < 400, "the kill interrupted the burst");

    // Restart and check through the other instance and the database itself.
    let restarted = Instance::start(&c.db.url(), c.dir.path(), &c.key());
    let pool = app::domain::db::connect(&c.db.url(), 2).await.unwrap();
    let ws: i64 = sqlx::query_scalar("SELECT id FROM workspaces WHERE slug = 'acme'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let keyring = Keyring::new(MasterKey::read_file(&c.key()).unwrap(), vec![]);
    for name in &acknowledged {
        let (version, _) = helpers::current_value(&pool, &keyring, ws, name)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(version, 1);
    }
    let half_written: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM secrets s WHERE NOT EXISTS \
         (SELECT 1 FROM secret_versions v WHERE v.secret_id = s.id AND v.version = s.current_version)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(half_written, 0);
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM secrets WHERE name LIKE 'burst_%'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(stored as usize >= acknowledged.len());
    pool.close().await;
    let list: Value = restarted
        .call(&admin, "secrets/list", &[("ws", "acme"), ("q", "burst_")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        list["total"].as_i64().unwrap(),
        stored,
        "the restarted instance serves them"
    );
    drop(c.b);
}

/// Reads answered after a revocation, beyond this, are a failure. The servers look at the
/// change counter every 50 ms; the bound is wider so that only a server that misses a change,
/// not a loaded machine, fails the test. The latency seen is printed.
const WINDOW: Duration = Duration::from_secs(1);

#[tokio::test]
async fn revocations_under_load_reach_the_other_instance_within_the_window() {
    // Twelve tokens read as fast as they can: no throttling here.
    let c = cluster_with(&[
        ("VAULT_RUNTIME_RATE", "1000000/second"),
        ("VAULT_RUNTIME_BURST", "100000"),
    ])
    .await;
    let admin = browser();
    c.a.call(
        &admin,
        "auth/login",
        &[("email", ADMIN.0), ("password", ADMIN.1)],
    )
    .await;
    let billing = billing_worker_id(&c.a, &admin).await;
    expect_status(
        c.a.call(
            &admin,
            "secrets/create",
            &[
                ("ws", "acme"),
                ("name", "hot_key"),
                ("kind", "single"),
                ("value", "under load"),
                ("agents[0]", &billing),
            ],
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let mut tokens = Vec::new();
    for _ in 0..12 {
        let issued = issue_billing_token(&c.a, &admin).await;
        tokens.push((
            issued["token"].as_str().unwrap().to_string(),
            issued["view"]["id"].as_i64().unwrap().to_string(),
        ));
    }

    // Every token is read on B in a loop; each read is logged with when it was sent.
    let url = c.b.url("/v1/secrets/hot_key");
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let log: Arc<Mutex<Vec<(usize, Instant, StatusCode)>>> = Arc::default();
    let mut readers = Vec::new();
    for (i, (token, _)) in tokens.iter().enumerate() {
        let (url, token, stop, log) = (url.clone(), token.clone(), stop.clone(), log.clone());
        readers.push(tokio::spawn(async move {
            let client = Client::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let sent = Instant::now();
                let status = client
                    .get(&url)
                    .bearer_auth(&token)
                    .send()
                    .await
                    .unwrap()
                    .status();
                log.lock().unwrap().push((i, sent, status));
            }
        }));
    }
    // Each reader has been answered (and remembered) before its token is revoked on A.
    while (0..tokens.len()).any(|i| {
        !log.lock()
            .unwrap()
            .iter()
            .any(|(j, _, s)| *j == i && *s == StatusCode::OK)
    }) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let mut revoked_at = Vec::new();
    for (_, id) in &tokens {
        let res =
            c.a.call(
                &admin,
                "agents/revoke_token",
                &[
                    ("ws", "acme"),
                    ("agent", "billing-worker"),
                    ("token_id", id),
                ],
            )
            .await;
        expect_status(res, StatusCode::OK).await;
        revoked_at.push(Instant::now());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Keep reading until every token has been refused past the window.
    let last = *revoked_at.last().unwrap();
    while Instant::now() < last + WINDOW + Duration::from_millis(200) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for r in readers {
        r.await.unwrap();
    }

    let log = log.lock().unwrap();
    let mut worst = Duration::ZERO;
    for (i, at) in revoked_at.iter().enumerate() {
        let late: Vec<Duration> = log
            .iter()
            .filter(|(j, sent, s)| *j == i && *sent > *at && *s == StatusCode::OK)
            .map(|(_, sent, _)| *sent - *at)
            .collect();
        if let Some(max) = late.iter().max() {
            worst = worst.max(*max);
        }
        assert!(
            late.iter().all(|d| *d <= WINDOW),
            "token {i} was still answered {late:?} after its revocation"
        );
        assert!(
            log.iter().any(|(j, sent, s)| *j == i
                && *sent > *at + WINDOW
                && *s == StatusCode::UNAUTHORIZED),
            "token {i} was read and refused after the window"
        );
    }
    println!(
        "{} reads on B; the latest read still answered after its revocation was sent {worst:?} after it",
        log.len()
    );
}
