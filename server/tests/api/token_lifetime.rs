//! Agent tokens that expire: a lifetime per token (90 days unless chosen, "never" only
//! explicitly), expired tokens refused like revoked ones with their own audit outcome, and
//! rotation with an overlap during which the old token still works.

use reqwest::{Client, StatusCode};
use serde_json::Value;

use crate::helpers::{expect_status, spawn_app, TestApp, ADMIN};
use crate::runtime::grant;

const DAY: i64 = 86_400;

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

async fn issue(app: &TestApp, admin: &Client, lifetime: Option<&str>) -> Value {
    let mut form = vec![("ws", "acme"), ("agent", "billing-worker")];
    if let Some(lifetime) = lifetime {
        form.push(("lifetime", lifetime));
    }
    let body = expect_status(
        app.call(admin, "agents/issue_token", &form).await,
        StatusCode::OK,
    )
    .await;
    serde_json::from_str(&body).unwrap()
}

async fn rotate(
    app: &TestApp,
    admin: &Client,
    token_id: i64,
    overlap_hours: &str,
) -> reqwest::Response {
    let id = token_id.to_string();
    let form = [
        ("ws", "acme"),
        ("agent", "billing-worker"),
        ("token_id", id.as_str()),
        ("overlap_hours", overlap_hours),
    ];
    app.call(admin, "agents/rotate_token", &form).await
}

/// The status of a read of `api_key` with `token` on our API and on the Vault API.
async fn reads(app: &TestApp, token: &str) -> (StatusCode, StatusCode) {
    let client = Client::new();
    let ours = client
        .get(app.url("/v1/secrets/api_key"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status();
    let vault = client
        .get(app.url("/v1/secret/data/api_key"))
        .header("X-Vault-Token", token)
        .send()
        .await
        .unwrap()
        .status();
    (ours, vault)
}

/// Moves a token's expiry into the past: time is data here.
async fn expire(app: &TestApp, token_id: i64) {
    sqlx::query("UPDATE agent_tokens SET expires_at = $1 WHERE id = $2")
        .bind(now() - 1)
        .bind(token_id)
        .execute(&app.pool)
        .await
        .unwrap();
    // Written around the server, which sees it at its next look at the change counter.
    app.see_changes().await;
}

/// A server whose acme holds `api_key`, granted to billing-worker; and its admin.
pub(crate) async fn with_secret() -> (TestApp, Client) {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    app.secrets_tab(&admin, "acme")
        .create("api_key", "v")
        .await
        .ok()
        .await;
    grant(&app, &admin, "acme", "api_key", &["billing-worker"]).await;
    (app, admin)
}

#[tokio::test]
async fn a_token_past_its_lifetime_is_refused_like_a_revoked_one_and_audited_as_expired() {
    let (app, admin) = with_secret().await;
    let before = now();
    let default = issue(&app, &admin, None).await;
    let expires = default["view"]["expires_at"].as_i64().unwrap();
    assert!((before + 90 * DAY..=now() + 90 * DAY).contains(&expires));
    let never = issue(&app, &admin, Some("never")).await;
    assert_eq!(never["view"]["expires_at"], Value::Null);
    let body = expect_status(
        app.call(
            &admin,
            "agents/issue_token",
            &[
                ("ws", "acme"),
                ("agent", "billing-worker"),
                ("lifetime", "0"),
            ],
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(body.contains("lifetime"), "{body}");

    let day = issue(&app, &admin, Some("1")).await;
    let token = day["token"].as_str().unwrap();
    assert_eq!(reads(&app, token).await, (StatusCode::OK, StatusCode::OK));
    expire(&app, day["view"]["id"].as_i64().unwrap()).await;
    assert_eq!(
        reads(&app, token).await,
        (StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN)
    );
    let outcomes: Vec<String> =
        sqlx::query_scalar("SELECT outcome FROM audit_events WHERE outcome = 'token_expired'")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert!(!outcomes.is_empty());
    let body = expect_status(
        app.call(
            &admin,
            "agents/tokens",
            &[("ws", "acme"), ("agent", "billing-worker")],
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let tokens: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(tokens["tokens"][0]["expired"], true);
    assert_eq!(tokens["tokens"][1]["expired"], false);
}

#[tokio::test]
async fn rotation_keeps_the_old_token_for_the_overlap_and_then_refuses_it() {
    let (app, admin) = with_secret().await;
    let old = issue(&app, &admin, Some("never")).await;
    let (old_id, old_token) = (
        old["view"]["id"].as_i64().unwrap(),
        old["token"].as_str().unwrap(),
    );

    let before = now();
    let res = rotate(&app, &admin, old_id, "24").await;
    let new: Value = serde_json::from_str(&expect_status(res, StatusCode::OK).await).unwrap();
    let new_token = new["token"].as_str().unwrap();
    assert_ne!(new_token, old_token);
    // Both work during the overlap; the old one ends 24 hours from now.
    assert_eq!(
        reads(&app, old_token).await,
        (StatusCode::OK, StatusCode::OK)
    );
    assert_eq!(
        reads(&app, new_token).await,
        (StatusCode::OK, StatusCode::OK)
    );
    let old_end: i64 = sqlx::query_scalar("SELECT expires_at FROM agent_tokens WHERE id = $1")
        .bind(old_id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!((before + DAY..=now() + DAY).contains(&old_end));
    expire(&app, old_id).await;
    assert_eq!(reads(&app, old_token).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(reads(&app, new_token).await.0, StatusCode::OK);

    // An expired (or revoked) token cannot be rotated again; without overlap the old one ends now.
    expect_status(
        rotate(&app, &admin, old_id, "24").await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let new_id = new["view"]["id"].as_i64().unwrap();
    let res = rotate(&app, &admin, new_id, "0").await;
    expect_status(res, StatusCode::OK).await;
    assert_eq!(reads(&app, new_token).await.0, StatusCode::UNAUTHORIZED);
    let live = issue(&app, &admin, None).await;
    let res = rotate(&app, &admin, live["view"]["id"].as_i64().unwrap(), "1000").await;
    let body = expect_status(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body.contains("overlap_hours"), "{body}");

    let rotations: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE action = 'token.rotate'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(rotations, 2);
}

#[tokio::test]
async fn the_workspace_default_lifetime_applies_to_new_tokens_unless_one_is_chosen() {
    let (app, admin) = with_secret().await;
    let set = |lifetime: &'static str| {
        let (app, admin) = (&app, &admin);
        async move {
            app.call(
                admin,
                "agents/token_default",
                &[("ws", "acme"), ("lifetime", lifetime)],
            )
            .await
        }
    };
    expect_status(set("30").await, StatusCode::OK).await;
    let before = now();
    let issued = issue(&app, &admin, None).await;
    let expires = issued["view"]["expires_at"].as_i64().unwrap();
    assert!((before + 30 * DAY..=now() + 30 * DAY).contains(&expires));
    let chosen = issue(&app, &admin, Some("1")).await;
    assert!(chosen["view"]["expires_at"].as_i64().unwrap() < now() + 2 * DAY);
    expect_status(set("never").await, StatusCode::OK).await;
    assert_eq!(
        issue(&app, &admin, None).await["view"]["expires_at"],
        Value::Null
    );
    let body = expect_status(set("0").await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body.contains("lifetime"), "{body}");
    let member = app.signed_in(crate::helpers::MEMBER).await;
    let res = app
        .call(
            &member,
            "agents/token_default",
            &[("ws", "acme"), ("lifetime", "1")],
        )
        .await;
    expect_status(res, StatusCode::FORBIDDEN).await;
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'workspace.token_lifetime'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(audited, 2);
}
