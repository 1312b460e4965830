//! Rotation policy: each secret's status (ok, due within 14 days, overdue, expired), the
//! list's filter, a value change restarting the clock, and expired secrets that stay
//! readable with a warning and their own audit action.

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp, ADMIN};
use crate::runtime::{grant, issue_token};

const DAY: i64 = 86_400;

/// Moves the current version of `name` `days` into the past: time is data, not a sleep.
async fn age_value(app: &TestApp, name: &str, days: i64) {
    sqlx::query(
        "UPDATE secret_versions SET created_at = created_at - $1 \
         WHERE secret_id = (SELECT id FROM secrets WHERE name = $2)",
    )
    .bind(days * DAY)
    .bind(name)
    .execute(&app.pool)
    .await
    .unwrap();
}

fn date_in(days: i64) -> String {
    let at = time::OffsetDateTime::now_utc() + time::Duration::days(days);
    at.date().to_string()
}

fn names(list: &Value) -> Vec<&str> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn each_secret_has_a_rotation_status_the_list_filters_by_and_a_new_value_resets() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let tab = app.secrets_tab(&admin, "acme");
    for name in ["fresh_key", "due_key", "late_key", "dead_key", "plain_key"] {
        tab.create(name, "v").await.ok().await;
    }
    tab.set_policy("fresh_key", "90", "").await.ok().await;
    tab.set_policy("due_key", "30", "").await.ok().await;
    age_value(&app, "due_key", 20).await;
    tab.set_policy("late_key", "30", "").await.ok().await;
    age_value(&app, "late_key", 45).await;
    tab.set_policy("dead_key", "none", &date_in(-1))
        .await
        .ok()
        .await;

    let all = tab.list(&[]).await.json().await;
    let status_of = |name: &str| {
        let item = all["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["name"] == name)
            .unwrap();
        item["rotation"]["status"].as_str().unwrap().to_string()
    };
    assert_eq!(status_of("fresh_key"), "Ok");
    assert_eq!(status_of("due_key"), "Due");
    assert_eq!(status_of("late_key"), "Overdue");
    assert_eq!(status_of("dead_key"), "Expired");
    assert_eq!(status_of("plain_key"), "Ok");
    for (status, expected) in [
        ("due", vec!["due_key"]),
        ("overdue", vec!["late_key"]),
        ("expired", vec!["dead_key"]),
        ("ok", vec!["fresh_key", "plain_key"]),
    ] {
        let list = tab.list(&[("status", status)]).await.json().await;
        assert_eq!(names(&list), expected, "status={status}");
        assert_eq!(list["total"], expected.len());
    }
    // Search and status filter together.
    let list = tab
        .list(&[("q", "late"), ("status", "ok")])
        .await
        .json()
        .await;
    assert_eq!(list["total"], 0);

    let detail = tab.detail("late_key").await.json().await;
    let rotation = &detail["rotation"];
    assert_eq!(rotation["interval_days"], 30);
    // Due 30 days after the current value was stored.
    let stored: i64 = sqlx::query_scalar(
        "SELECT v.created_at FROM secret_versions v JOIN secrets s ON s.id = v.secret_id \
         WHERE s.name = 'late_key' AND v.version = s.current_version",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        rotation["due_at"].as_i64(),
        Some(stored + 30 * DAY),
        "{rotation}"
    );

    // A new value restarts the clock.
    tab.replace("late_key", 1, "rotated").await.ok().await;
    let detail = tab.detail("late_key").await.json().await;
    assert_eq!(detail["rotation"]["status"], "Ok");

    let policies: Vec<(String, String)> = sqlx::query_as(
        "SELECT secret_name, detail FROM audit_events WHERE action = 'secret.policy' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(policies.len(), 4);
    assert_eq!(
        policies[1],
        (
            "due_key".into(),
            "rotate every 30 days; no expiry date".into()
        )
    );
    assert!(
        policies[3]
            .1
            .starts_with("no rotation interval; expires on "),
        "{policies:?}"
    );
}

#[tokio::test]
async fn a_bad_policy_names_each_field_and_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let tab = app.secrets_tab(&admin, "acme");
    tab.create("api_key", "v").await.ok().await;
    tab.set_policy("api_key", "90", "").await.ok().await;
    let body = tab
        .set_policy("api_key", "0", "31/01/2027")
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY)
        .await;
    assert!(
        body.contains("\"interval\"") && body.contains("\"expires_on\""),
        "{body}"
    );
    let detail = tab.detail("api_key").await.json().await;
    assert_eq!(detail["rotation"]["interval_days"], 90);
    assert_eq!(detail["rotation"]["expires_at"], Value::Null);
    tab.set_policy("no_such_key", "90", "")
        .await
        .refused(StatusCode::NOT_FOUND)
        .await;
}

#[tokio::test]
async fn an_expired_secret_is_still_served_with_a_warning_and_audited_as_expired() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let tab = app.secrets_tab(&admin, "acme");
    tab.create("old_key", "still-works").await.ok().await;
    grant(&app, &admin, "acme", "old_key", &["billing-worker"]).await;
    let token = issue_token(&app, &admin, "acme", "billing-worker").await;
    let client = Client::new();

    let fresh = client
        .get(app.url("/v1/secrets/old_key"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert!(fresh.headers().get("warning").is_none());

    tab.set_policy("old_key", "none", &date_in(-2))
        .await
        .ok()
        .await;
    let res = client
        .get(app.url("/v1/secrets/old_key"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let warning = res.headers()["warning"].to_str().unwrap().to_string();
    assert!(
        warning.starts_with("299 - \"secret old_key expired on "),
        "{warning}"
    );
    assert_eq!(res.json::<Value>().await.unwrap()["value"], "still-works");

    let res = client
        .get(app.url("/v1/secret/data/old_key"))
        .header("X-Vault-Token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().contains_key("warning"));
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["data"]["data"], json!({ "value": "still-works" }));
    assert!(body["warnings"][0].as_str().unwrap().contains("expired on"));

    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_events WHERE secret_name = 'old_key' AND outcome = 'ok' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        actions,
        ["secret.read", "secret.read_expired", "secret.read_expired"]
    );
}
