//! Agents read their granted secrets at runtime with their own token.

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{expect_status, spawn_app, spawn_app_with, TestApp, ADMIN, MEMBER};

pub(crate) async fn issue_token(app: &TestApp, admin: &Client, ws: &str, agent: &str) -> String {
    let body = expect_status(
        app.call(admin, "agents/issue_token", &[("ws", ws), ("agent", agent)])
            .await,
        StatusCode::OK,
    )
    .await;
    let v: Value = serde_json::from_str(&body).unwrap();
    v["token"].as_str().unwrap().to_string()
}

/// Revokes the agent's newest token through the dashboard's server functions.
pub(crate) async fn revoke_newest_token(app: &TestApp, admin: &Client, ws: &str, agent: &str) {
    let args = [("ws", ws), ("agent", agent)];
    let body = expect_status(
        app.call(admin, "agents/tokens", &args).await,
        StatusCode::OK,
    )
    .await;
    let tokens: Value = serde_json::from_str(&body).unwrap();
    let id = tokens["tokens"][0]["id"].as_i64().unwrap().to_string();
    let args = [("ws", ws), ("agent", agent), ("token_id", id.as_str())];
    let res = app.call(admin, "agents/revoke_token", &args).await;
    expect_status(res, StatusCode::OK).await;
}

pub(crate) async fn grant(app: &TestApp, admin: &Client, ws: &str, secret: &str, agents: &[&str]) {
    let mut form = vec![
        ("ws".to_string(), ws.to_string()),
        ("name".to_string(), secret.to_string()),
    ];
    for (i, agent) in agents.iter().enumerate() {
        form.push((
            format!("agents[{i}]"),
            app.agent_id(ws, agent).await.to_string(),
        ));
    }
    let res = admin
        .post(app.url("/api/secrets/access"))
        .form(&form)
        .send()
        .await
        .unwrap();
    expect_status(res, StatusCode::OK).await;
}

async fn read(app: &TestApp, token: &str, name: &str) -> (StatusCode, Value) {
    let res = Client::new()
        .get(app.url(&format!("/v1/secrets/{name}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap())
}

/// The runtime events stored so far. A read is answered only after its event is committed,
/// so there is nothing to wait for: every answered call is already here.
async fn runtime_events(app: &TestApp, n: i64) -> Vec<(String, String, String)> {
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE outcome IS NOT NULL")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(count >= n, "only {count} of {n} answered calls are audited");
    sqlx::query_as("SELECT agent_name, secret_name, outcome FROM audit_events WHERE outcome IS NOT NULL ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_granted_agent_reads_values_and_every_refusal_has_its_own_error() {
    // Every refusal in its own row (no collapsing of repeats), to see each outcome.
    let app = spawn_app_with(|c| c.audit.audit_collapse_seconds = 0).await;
    let admin = app.signed_in(ADMIN).await;
    expect_status(
        app.create_secret(&admin, "acme", "stripe_api_key", "sk_live_rt", &[])
            .await,
        StatusCode::OK,
    )
    .await;
    expect_status(
        app.create_secret(
            &admin,
            "acme",
            "oauth",
            "",
            &[("client_id", "cid"), ("client_secret", "cs")],
        )
        .await,
        StatusCode::OK,
    )
    .await;
    expect_status(
        app.create_secret(&admin, "acme", "private", "p", &[]).await,
        StatusCode::OK,
    )
    .await;
    grant(&app, &admin, "acme", "stripe_api_key", &["billing-worker"]).await;
    grant(&app, &admin, "acme", "oauth", &["billing-worker"]).await;
    let token = issue_token(&app, &admin, "acme", "billing-worker").await;
    assert!(token.starts_with("svt_") && token.len() == 47, "{token}");

    assert_eq!(
        read(&app, &token, "stripe_api_key").await,
        (
            StatusCode::OK,
            json!({"name": "stripe_api_key", "version": 1, "value": "sk_live_rt"})
        )
    );
    let (status, body) = read(&app, &token, "oauth").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["value"],
        json!({"client_id": "cid", "client_secret": "cs"})
    );

    let (status, body) = read(&app, &token, "private").await;
    assert_eq!(
        (status, body["error"].as_str().unwrap()),
        (StatusCode::FORBIDDEN, "missing_access")
    );
    let (status, body) = read(&app, &token, "nope").await;
    assert_eq!(
        (status, body["error"].as_str().unwrap()),
        (StatusCode::NOT_FOUND, "secret_not_found")
    );

    let list = Client::new()
        .get(app.url("/v1/secrets"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        list.json::<Value>().await.unwrap(),
        json!({"secrets": ["oauth", "stripe_api_key"]})
    );

    // A deleted secret is not found.
    expect_status(
        app.call(
            &admin,
            "secrets/delete",
            &[("ws", "acme"), ("name", "oauth")],
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let (status, body) = read(&app, &token, "oauth").await;
    assert_eq!(
        (status, body["error"].as_str().unwrap()),
        (StatusCode::NOT_FOUND, "secret_not_found")
    );

    let events = runtime_events(&app, 5).await;
    let outcomes: Vec<&str> = events.iter().map(|(_, _, o)| o.as_str()).collect();
    assert_eq!(
        outcomes,
        [
            "ok",
            "ok",
            "missing_access",
            "secret_not_found",
            "secret_not_found"
        ]
    );
    assert!(events.iter().all(|(agent, _, _)| agent == "billing-worker"));
    let details: Vec<String> = sqlx::query_scalar("SELECT detail FROM audit_events")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert!(
        details
            .iter()
            .all(|d| !d.contains("sk_live_rt") && !d.contains(&token)),
        "no value or token in the audit log"
    );
}

#[tokio::test]
async fn a_token_reads_only_its_own_workspace_even_for_the_same_name() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    crate::helpers::switch_flag(&app.pool, "globex", true).await;
    expect_status(
        app.create_secret(&admin, "acme", "db_url", "acme-db", &[])
            .await,
        StatusCode::OK,
    )
    .await;
    expect_status(
        app.create_secret(&admin, "globex", "db_url", "globex-db", &[])
            .await,
        StatusCode::OK,
    )
    .await;
    grant(&app, &admin, "globex", "db_url", &["etl-runner"]).await;
    let acme_token = issue_token(&app, &admin, "acme", "billing-worker").await;
    let globex_token = issue_token(&app, &admin, "globex", "etl-runner").await;

    assert_eq!(
        read(&app, &globex_token, "db_url").await.1["value"],
        "globex-db"
    );
    let (status, body) = read(&app, &acme_token, "db_url").await;
    assert_eq!(
        (status, body["error"].as_str().unwrap()),
        (StatusCode::FORBIDDEN, "missing_access")
    );
    assert!(!body.to_string().contains("globex-db"));
    // An admin cannot issue tokens for another workspace's agent through their own.
    expect_status(
        app.call(
            &admin,
            "agents/issue_token",
            &[("ws", "acme"), ("agent", "etl-runner")],
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn revocations_and_the_flag_apply_to_the_very_next_read() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    expect_status(
        app.create_secret(&admin, "acme", "api_key", "v1", &[])
            .await,
        StatusCode::OK,
    )
    .await;
    grant(&app, &admin, "acme", "api_key", &["billing-worker"]).await;
    let token = issue_token(&app, &admin, "acme", "billing-worker").await;
    assert_eq!(read(&app, &token, "api_key").await.0, StatusCode::OK);

    // Revoking the grant in the dashboard denies the next read.
    grant(&app, &admin, "acme", "api_key", &[]).await;
    assert_eq!(
        read(&app, &token, "api_key").await.1["error"],
        "missing_access"
    );
    grant(&app, &admin, "acme", "api_key", &["billing-worker"]).await;
    assert_eq!(read(&app, &token, "api_key").await.0, StatusCode::OK);

    // Switching the flag off denies reads.
    crate::helpers::switch_flag(&app.pool, "acme", false).await;
    app.see_changes().await;
    let (status, body) = read(&app, &token, "api_key").await;
    assert_eq!(
        (status, body["error"].as_str().unwrap()),
        (StatusCode::FORBIDDEN, "feature_disabled")
    );
    crate::helpers::switch_flag(&app.pool, "acme", true).await;
    app.see_changes().await;

    // Revoking the token: 401 at once.
    let tokens: Value = app
        .call_json(
            &admin,
            "agents/tokens",
            &[("ws", "acme"), ("agent", "billing-worker")],
        )
        .await;
    let id = tokens["tokens"][0]["id"].as_i64().unwrap().to_string();
    assert!(
        tokens["tokens"][0]["last_used_at"].is_number()
            || tokens["tokens"][0]["last_used_at"].is_null()
    );
    expect_status(
        app.call(
            &admin,
            "agents/revoke_token",
            &[
                ("ws", "acme"),
                ("agent", "billing-worker"),
                ("token_id", &id),
            ],
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let res = Client::new()
        .get(app.url("/v1/secrets/api_key"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    assert_eq!(res.json::<Value>().await.unwrap()["error"], "unauthorized");

    let outcomes: Vec<String> = runtime_events(&app, 5)
        .await
        .into_iter()
        .map(|(_, _, o)| o)
        .collect();
    assert_eq!(
        outcomes,
        [
            "ok",
            "missing_access",
            "ok",
            "feature_disabled",
            "token_revoked"
        ]
    );
}

#[tokio::test]
async fn bad_tokens_are_unauthorized_and_members_cannot_issue_tokens() {
    let app = spawn_app().await;
    for auth in [
        None,
        Some("Bearer nonsense"),
        Some("Bearer svt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        Some("Basic abc"),
    ] {
        let mut req = Client::new().get(app.url("/v1/secrets/anything"));
        if let Some(auth) = auth {
            req = req.header("authorization", auth);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{auth:?}");
    }
    let member = app.signed_in(MEMBER).await;
    expect_status(
        app.call(
            &member,
            "agents/issue_token",
            &[("ws", "acme"), ("agent", "billing-worker")],
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    expect_status(
        app.call(
            &app.client(),
            "agents/issue_token",
            &[("ws", "acme"), ("agent", "billing-worker")],
        )
        .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(app.count("agent_tokens").await, 0);
    let spec = Client::new()
        .get(app.url("/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    let spec: Value = spec.json().await.unwrap();
    assert!(spec["paths"]["/v1/secrets/{name}"]["get"].is_object());
}
