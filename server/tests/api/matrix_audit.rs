//! The grant matrix applies all pending changes in one transaction; the audit log pages and
//! exports, for admins only.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{expect_status, spawn_app, ADMIN, MEMBER};

#[tokio::test]
async fn matrix_changes_apply_all_at_once_or_not_at_all() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    for name in ["alpha", "beta"] {
        expect_status(
            app.create_secret(&admin, "acme", name, "v", &[]).await,
            StatusCode::OK,
        )
        .await;
    }
    let billing = app.agent_id("acme", "billing-worker").await.to_string();
    let support = app.agent_id("acme", "support-bot").await.to_string();
    let change = |i: usize, secret: &'static str, agent: &str, grant: bool| {
        vec![
            (format!("changes[{i}][secret]"), secret.to_string()),
            (format!("changes[{i}][agent_id]"), agent.to_string()),
            (format!("changes[{i}][grant]"), grant.to_string()),
        ]
    };
    let mut form = vec![("ws".to_string(), "acme".to_string())];
    form.extend(change(0, "alpha", &billing, true));
    form.extend(change(1, "alpha", &support, true));
    form.extend(change(2, "beta", &support, true));
    let res = admin
        .post(app.url("/api/secrets/apply_matrix"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(expect_status(res, StatusCode::OK).await, "[3,0]");

    let matrix: Value = app
        .call_json(&admin, "secrets/matrix", &[("ws", "acme")])
        .await;
    assert_eq!(matrix["secrets"], serde_json::json!(["alpha", "beta"]));
    assert_eq!(matrix["granted"].as_array().unwrap().len(), 3);

    // One bad change (an unknown secret) rolls back the whole batch.
    let mut form = vec![("ws".to_string(), "acme".to_string())];
    form.extend(change(0, "alpha", &billing, false));
    form.extend(change(1, "gamma", &billing, true));
    let res = admin
        .post(app.url("/api/secrets/apply_matrix"))
        .form(&form)
        .send()
        .await
        .unwrap();
    expect_status(res, StatusCode::NOT_FOUND).await;
    assert_eq!(app.count("secret_grants").await, 3);

    // A member cannot apply anything.
    let member = app.signed_in(MEMBER).await;
    let mut form = vec![("ws".to_string(), "acme".to_string())];
    form.extend(change(0, "alpha", &billing, false));
    let res = member
        .post(app.url("/api/secrets/apply_matrix"))
        .form(&form)
        .send()
        .await
        .unwrap();
    expect_status(res, StatusCode::FORBIDDEN).await;
    assert_eq!(app.count("secret_grants").await, 3);
}

#[tokio::test]
async fn the_audit_log_filters_and_exports_for_admins_only() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    expect_status(
        app.create_secret(&admin, "acme", "one", "v", &[]).await,
        StatusCode::OK,
    )
    .await;
    expect_status(
        app.create_secret(&admin, "acme", "two", "v", &[]).await,
        StatusCode::OK,
    )
    .await;
    expect_status(
        app.call(&admin, "secrets/delete", &[("ws", "acme"), ("name", "two")])
            .await,
        StatusCode::OK,
    )
    .await;

    let page: Value = app
        .call_json(
            &admin,
            "secrets/audit",
            &[("ws", "acme"), ("filter[action]", "secret.create")],
        )
        .await;
    assert_eq!(page["total"], 2);
    assert_eq!(page["events"][0]["secret"], "two", "newest first");

    let csv = admin
        .get(app.url("/export/acme/audit?format=csv&secret=two"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = csv.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "id,time_utc,actor,action,secret,agent,outcome,detail"
    );
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[1].contains("secret.delete"));

    let json: Value = admin
        .get(app.url("/export/acme/audit?format=json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret_events = json
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"].as_str().unwrap().starts_with("secret."))
        .count();
    assert_eq!(secret_events, 3);
    // Each export is itself in the audit log, with how much left the vault.
    let exports: Vec<(String, String)> = sqlx::query_as(
        "SELECT actor, detail FROM audit_events WHERE action = 'audit.export' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(exports.len(), 2, "{exports:?}");
    assert_eq!(
        exports[0],
        (ADMIN.0.to_string(), "2 event(s) as csv".to_string())
    );
    assert!(exports[1].1.ends_with("as json"), "{exports:?}");

    let member = app.signed_in(MEMBER).await;
    assert_eq!(
        member
            .get(app.url("/export/acme/audit?format=csv"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.client()
            .get(app.url("/export/acme/audit"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        admin
            .get(app.url("/export/globex/audit"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
}
