//! Granted runtime reads are remembered until something they depend on changes: a change
//! through this server applies to the very next read (the runtime tests); a change made
//! around it, by the CLI or another instance, once the server has read the change counter.

use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::Value;

use crate::helpers::*;
use crate::token_lifetime::with_secret;

async fn read(app: &TestApp, token: &str) -> (StatusCode, Value) {
    let res = Client::new()
        .get(app.url("/v1/secrets/api_key"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (res.status(), res.json().await.unwrap())
}

/// A granted secret, a token for it, and two reads answered (the second one remembered).
async fn reading() -> (TestApp, String) {
    let (app, admin) = with_secret().await;
    let issued: Value = app
        .call_json(
            &admin,
            "agents/issue_token",
            &[("ws", "acme"), ("agent", "billing-worker")],
        )
        .await;
    let token = issued["token"].as_str().unwrap().to_string();
    for _ in 0..2 {
        assert_eq!(read(&app, &token).await.0, StatusCode::OK);
    }
    (app, token)
}

#[tokio::test]
async fn the_clis_flag_switch_reaches_a_server_that_remembers_the_read() {
    let (app, token) = reading().await;
    let out = app.cli(&[
        "workspace",
        "flag",
        "acme",
        "secrets",
        "off",
        "--reason",
        "incident",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The server's own poller (every 50 ms) sees the change counter move; nothing here
    // tells it. Bounded generously: only a server that never notices fails this.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (status, body) = read(&app, &token).await;
        if status == StatusCode::FORBIDDEN {
            assert_eq!(body["error"], "feature_disabled");
            break;
        }
        assert_eq!(status, StatusCode::OK);
        assert!(
            Instant::now() < deadline,
            "still answered 30 s after the CLI switched the flag off"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    for _ in 0..20 {
        assert_eq!(read(&app, &token).await.0, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn requests_that_change_nothing_leave_the_remembered_reads_alone() {
    let (app, token) = reading().await;
    let remembered = app.remembered_reads();
    assert!(remembered > 0, "the second read was remembered");
    let nobody = app.client();
    let wrong = [
        ("email", "nobody@acme.test"),
        ("password", "wrong-wrong-wrong"),
    ];
    app.call(&nobody, "auth/login", &wrong).await;
    let create = [
        ("ws", "acme"),
        ("name", "x"),
        ("kind", "single"),
        ("value", "v"),
    ];
    assert_eq!(
        app.call(&nobody, "secrets/create", &create).await.status(),
        StatusCode::UNAUTHORIZED
    );
    nobody.post(app.url("/no/such/page")).send().await.unwrap();
    let member = app.signed_in(MEMBER).await;
    app.call(&member, "secrets/create", &create).await;
    assert_eq!(
        app.remembered_reads(),
        remembered,
        "nothing changed: nothing dropped"
    );
    // A change that commits drops them before its answer leaves.
    let admin = app.signed_in(ADMIN).await;
    let describe = [
        ("ws", "acme"),
        ("name", "api_key"),
        ("description", "changed"),
    ];
    expect_status(
        app.call(&admin, "secrets/describe", &describe).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(app.remembered_reads(), 0);
    assert_eq!(read(&app, &token).await.0, StatusCode::OK);
}

async fn epoch(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT n FROM change_epoch WHERE id = 1")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn every_change_a_read_depends_on_moves_the_change_counter() {
    // Written around the server, as another instance would, each to a server that remembers
    // the granted read: the counter moves, and once the server has looked, the read is refused.
    let changes: [(&str, StatusCode, &str); 4] = [
        (
            "DELETE FROM secret_grants WHERE agent_id = (SELECT id FROM agents WHERE name = 'billing-worker')",
            StatusCode::FORBIDDEN,
            "missing_access",
        ),
        (
            "UPDATE secrets SET deleted_at = 1 WHERE name = 'api_key'",
            StatusCode::NOT_FOUND,
            "secret_not_found",
        ),
        (
            "UPDATE agent_tokens SET revoked_at = 1",
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
        (
            "UPDATE workspaces SET secrets_enabled = 0 WHERE slug = 'acme'",
            StatusCode::FORBIDDEN,
            "feature_disabled",
        ),
    ];
    for (sql, status, error) in changes {
        let (app, token) = reading().await;
        let before = epoch(&app).await;
        sqlx::query(sql).execute(&app.pool).await.unwrap();
        assert!(epoch(&app).await > before, "{sql}");
        app.see_changes().await;
        let (got, body) = read(&app, &token).await;
        assert_eq!(
            (got, body["error"].as_str().unwrap()),
            (status, error),
            "{sql}"
        );
    }
}

#[tokio::test]
async fn a_tokens_last_use_leaves_the_change_counter_alone() {
    let (app, token) = reading().await;
    let before = epoch(&app).await;
    sqlx::query("UPDATE agent_tokens SET last_used_at = 2")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(epoch(&app).await, before);
    app.see_changes().await;
    assert_eq!(read(&app, &token).await.0, StatusCode::OK);
}
