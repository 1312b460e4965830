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
    let overview: Value = serde_json::from_str(
        &expect_status(
            app.call(&admin, "secrets/overview", &[("ws", "acme")])
                .await,
            StatusCode::OK,
        )
        .await,
    )
    .unwrap();
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
    assert_eq!(changes[0]["actor"], ADMIN.0);
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
