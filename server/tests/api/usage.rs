//! Who uses what: the last read of each secret by each agent, kept by the audit writer, and
//! the "unused for 30 days" flags on secrets, grants and tokens.

use reqwest::{Client, StatusCode};
use serde_json::Value;

use crate::helpers::{expect_status, spawn_app_with, TestApp, ADMIN, MEMBER};
use crate::runtime::{grant, issue_token};

const MONTH_AND_A_DAY: i64 = 31 * 86_400;

async fn read(app: &TestApp, token: &str, name: &str) {
    let res = Client::new()
        .get(app.url(&format!("/v1/secrets/{name}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

/// Everything that dates use moves a month and a day into the past: time is data here.
async fn a_month_passes(app: &TestApp) {
    for sql in [
        "UPDATE secrets SET created_at = created_at - $1",
        "UPDATE secret_grants SET created_at = created_at - $1",
        "UPDATE secret_reads SET last_read_at = last_read_at - $1",
        "UPDATE agent_tokens SET created_at = created_at - $1, last_used_at = last_used_at - $1",
    ] {
        sqlx::query(sql)
            .bind(MONTH_AND_A_DAY)
            .execute(&app.pool)
            .await
            .unwrap();
    }
}

fn item<'a>(list: &'a Value, name: &str) -> &'a Value {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
        .unwrap()
}

fn reader<'a>(detail: &'a Value, agent: &str) -> &'a Value {
    detail["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == agent)
        .unwrap()
}

#[tokio::test]
async fn last_reads_are_kept_per_secret_and_agent_and_a_quiet_month_flags_them_unused() {
    // Every use is written (by default at most once a minute per pair).
    let app = spawn_app_with(|c| c.audit.usage_seconds = 0).await;
    let admin = app.signed_in(ADMIN).await;
    let tab = app.secrets_tab(&admin, "acme");
    tab.create("read_key", "r").await.ok().await;
    tab.create("idle_key", "i").await.ok().await;
    grant(
        &app,
        &admin,
        "acme",
        "read_key",
        &["billing-worker", "support-bot"],
    )
    .await;
    grant(&app, &admin, "acme", "idle_key", &["billing-worker"]).await;
    let token = issue_token(&app, &admin, "acme", "billing-worker").await;
    read(&app, &token, "read_key").await;
    read(&app, &token, "read_key").await;

    let list = tab.list(&[]).await.json().await;
    assert!(item(&list, "read_key")["last_read_at"].is_i64());
    assert_eq!(item(&list, "idle_key")["last_read_at"], Value::Null);
    assert_eq!(
        item(&list, "idle_key")["unused"],
        false,
        "a new secret is not unused yet"
    );
    let detail = tab.detail("read_key").await.json().await;
    assert!(reader(&detail, "billing-worker")["last_read_at"].is_i64());
    assert_eq!(reader(&detail, "support-bot")["last_read_at"], Value::Null);

    a_month_passes(&app).await;
    let unused = tab.list(&[("status", "unused")]).await.json().await;
    assert_eq!(unused["total"], 2);
    let detail = tab.detail("read_key").await.json().await;
    assert_eq!(reader(&detail, "billing-worker")["unused"], true);
    assert_eq!(reader(&detail, "support-bot")["unused"], true);

    // One read makes the secret and that agent's grant used again; the other grant stays idle.
    read(&app, &token, "read_key").await;
    let unused = tab.list(&[("status", "unused")]).await.json().await;
    assert_eq!(unused["total"], 1);
    assert_eq!(unused["items"][0]["name"], "idle_key");
    let detail = tab.detail("read_key").await.json().await;
    assert_eq!(reader(&detail, "billing-worker")["unused"], false);
    assert_eq!(reader(&detail, "support-bot")["unused"], true);
    // The agent's page lists what it may read and when it last did.
    let page: Value = app
        .call_json(
            &admin,
            "agents/tokens",
            &[("ws", "acme"), ("agent", "billing-worker")],
        )
        .await;
    let reads = page["reads"].as_array().unwrap();
    let names: Vec<&str> = reads
        .iter()
        .map(|r| r["secret"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["idle_key", "read_key"]);
    assert_eq!(
        (reads[0]["unused"].clone(), reads[1]["unused"].clone()),
        (Value::Bool(true), Value::Bool(false))
    );
    assert!(reads[1]["last_read_at"].is_i64());
    assert_eq!(reads[1]["status"], "Ok");
    assert!(reads[1]["description"].is_string());

    // The Agents list: what each agent can read, its live tokens, its last read; for admins.
    let page: Value = app
        .call_json(&admin, "agents/list", &[("ws", "acme")])
        .await;
    let billing = app.agent_id("acme", "billing-worker").await;
    let usage = page["usage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["agent_id"] == billing)
        .unwrap()
        .clone();
    assert_eq!(usage["secrets"], 2);
    assert_eq!(usage["active_tokens"], 1);
    assert!(usage["last_read_at"].is_i64());
    let member = app.signed_in(MEMBER).await;
    let page: Value = app
        .call_json(&member, "agents/list", &[("ws", "acme")])
        .await;
    assert_eq!(page["usage"], serde_json::json!([]));
}

#[tokio::test]
async fn a_token_unused_for_a_month_is_flagged_on_the_agent_page() {
    let app = spawn_app_with(|c| c.audit.usage_seconds = 0).await;
    let admin = app.signed_in(ADMIN).await;
    issue_token(&app, &admin, "acme", "billing-worker").await;
    let tokens = |app: &TestApp| {
        let admin = admin.clone();
        let app_url = app.url("/api/agents/tokens");
        async move {
            let res = admin
                .post(app_url)
                .form(&[("ws", "acme"), ("agent", "billing-worker")])
                .send()
                .await
                .unwrap();
            let body = expect_status(res, StatusCode::OK).await;
            serde_json::from_str::<Value>(&body).unwrap()
        }
    };
    assert_eq!(tokens(&app).await["tokens"][0]["unused"], false);
    a_month_passes(&app).await;
    assert_eq!(tokens(&app).await["tokens"][0]["unused"], true);
}
