//! Restarts the machine's PostgreSQL under load, so it runs as its own test binary, alone
//! (`scripts/test` runs it after the other suites). Needs VAULT_TEST_POSTGRES and
//! VAULT_TEST_PG_CTL (for example `pg_ctlcluster --skip-systemctl-redirect 15 main`).

#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;
#[allow(dead_code)]
#[path = "api/instance.rs"]
mod instance;

use std::process::Command;
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::Value;

use app::domain::keys::master_key::MasterKey;
use helpers::{PgDatabase, ADMIN};
use instance::Instance;

#[path = "support/shell.rs"]
mod support_shell;
use support_shell::shell;

fn pg_ctl(action: &str) {
    let ctl = std::env::var("VAULT_TEST_PG_CTL").expect("VAULT_TEST_PG_CTL");
    let mut parts = ctl.split_whitespace();
    let status = Command::new(parts.next().unwrap())
        .args(parts)
        .arg(action)
        .status()
        .expect("pg_ctl");
    assert!(status.success(), "PostgreSQL {action} failed");
}

#[tokio::test]
async fn the_server_answers_errors_while_postgres_is_down_and_recovers_by_itself() {
    let db = PgDatabase::create().await.expect("VAULT_TEST_POSTGRES");
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("k");
    MasterKey::read_or_create_file(&key).unwrap();
    let pool = app::domain::db::connect(&db.url(), 1).await.unwrap();
    app::domain::db::migrate(&pool, &db.url()).await.unwrap();
    app::domain::demo::seed(&pool, shell()).await.unwrap();
    pool.close().await;
    let server = Instance::start(&db.url(), dir.path(), &key);
    let admin = Client::builder()
        .cookie_store(true)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    server
        .call(
            &admin,
            "auth/login",
            &[("email", ADMIN.0), ("password", ADMIN.1)],
        )
        .await;
    let form = [
        ("ws", "acme"),
        ("name", "survivor"),
        ("kind", "single"),
        ("value", "still-here"),
    ];
    assert_eq!(
        server.call(&admin, "secrets/create", &form).await.status(),
        StatusCode::OK
    );
    let agents: Value = server
        .call(&admin, "agents/list", &[("ws", "acme")])
        .await
        .json()
        .await
        .unwrap();
    let billing = agents["agents"][0]["id"].to_string();
    server
        .call(
            &admin,
            "secrets/access",
            &[
                ("ws", "acme"),
                ("name", "survivor"),
                ("agents[0]", &billing),
            ],
        )
        .await;
    let issued: Value = server
        .call(
            &admin,
            "agents/issue_token",
            &[
                ("ws", "acme"),
                ("agent", agents["agents"][0]["name"].as_str().unwrap()),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    let token = issued["token"].as_str().unwrap().to_string();
    let read = || {
        Client::new()
            .get(server.url("/v1/secrets/survivor"))
            .bearer_auth(&token)
            .timeout(Duration::from_secs(10))
            .send()
    };
    assert_eq!(read().await.unwrap().status(), StatusCode::OK);

    pg_ctl("stop");
    for _ in 0..3 {
        match read().await {
            Ok(res) => {
                let status = res.status();
                assert!(
                    status.is_server_error(),
                    "while PostgreSQL is down: {status}, never a value"
                );
                assert!(!res.text().await.unwrap().contains("still-here"));
            }
            Err(e) => assert!(e.is_timeout() || e.is_connect(), "{e}"),
        }
    }
    pg_ctl("start");
    let started = Instant::now();
    loop {
        if let Ok(res) = read().await {
            if res.status() == StatusCode::OK {
                let body: Value = res.json().await.unwrap();
                assert_eq!(body["value"], "still-here");
                break;
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the server did not recover"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    eprintln!(
        "recovered {:?} after PostgreSQL came back",
        started.elapsed()
    );
}
