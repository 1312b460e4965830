//! The demo's Secrets tab and the admin's dashboard: the showcase fills Acme with every
//! feature in use, once, and the overview's counts agree with the filtered lists.

use reqwest::StatusCode;
use serde_json::Value;

use app::domain::showcase;

use crate::helpers::{expect_status, spawn_app, ADMIN, MEMBER};

#[tokio::test]
async fn the_showcase_fills_acme_once_and_the_overview_counts_what_the_lists_show() {
    let app = spawn_app().await;
    assert!(showcase::seed(&app.pool, &app.keyring).await.unwrap());
    assert!(
        !showcase::seed(&app.pool, &app.keyring).await.unwrap(),
        "seeded twice"
    );

    let admin = app.signed_in(ADMIN).await;
    let tab = app.secrets_tab(&admin, "acme");
    let all = tab.list(&[]).await.json().await;
    assert_eq!(all["total"], 5);
    let overview: Value = app
        .call_json(&admin, "secrets/overview", &[("ws", "acme")])
        .await;
    assert_eq!(overview["secrets"], 5);
    for (status, count_key, name) in [
        ("overdue", "overdue", "database_url"),
        ("expired", "expired", "legacy_ftp_password"),
        ("unused", "unused_secrets", "legacy_ftp_password"),
    ] {
        let list = tab.list(&[("status", status)]).await.json().await;
        assert_eq!(list["total"], overview[count_key], "{status}");
        assert_eq!(list["items"][0]["name"], name, "{status}");
    }
    assert_eq!(overview["due"], 0);
    let changes = overview["recent_changes"].as_array().unwrap();
    assert_eq!(changes.len(), 5);
    assert!(changes.iter().any(|c| c["actor"] == ADMIN.0), "{changes:?}");
    assert!(
        changes
            .windows(2)
            .all(|w| w[0]["at"].as_i64() >= w[1]["at"].as_i64()),
        "newest first by time"
    );
    let denials = overview["recent_denials"].as_array().unwrap();
    assert_eq!(denials[0]["outcome"], "missing_access");
    // Versions, grants and reads are there too.
    let detail = tab.detail("stripe_api_key").await.json().await;
    assert_eq!(detail["version"], 2);
    let billing = detail["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "billing-worker")
        .unwrap();
    assert_eq!(billing["granted"], true);
    assert!(billing["last_read_at"].is_i64());

    // The history holds together: every read comes after the secret it read was created,
    // by a token that exists and is listed on its agent's page; the log is in time order.
    let misdated: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events e JOIN secrets s ON s.name = e.secret_name \
         AND s.workspace_id = e.workspace_id \
         WHERE e.action IN ('secret.read', 'secret.read_denied') AND e.created_at < s.created_at",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(misdated, 0, "a read dated before its secret existed");
    let unknown: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events e WHERE e.token_prefix IS NOT NULL \
         AND NOT EXISTS (SELECT 1 FROM agent_tokens t WHERE t.prefix = e.token_prefix)",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(unknown, 0, "a read by a token that does not exist");
    let log: Value = app
        .call_json(
            &admin,
            "secrets/audit",
            &[("ws", "acme"), ("filter[secret]", "")],
        )
        .await;
    let times: Vec<i64> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["at"].as_i64().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");

    // The overview is an admin's, on a flagged workspace.
    let member = app.signed_in(MEMBER).await;
    expect_status(
        app.call(&member, "secrets/overview", &[("ws", "acme")])
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    expect_status(
        app.call(&admin, "secrets/overview", &[("ws", "globex")])
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
}
