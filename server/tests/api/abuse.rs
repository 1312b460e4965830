//! Abuse: absurd names, floods of runtime calls, password guessing from many addresses,
//! malformed server function calls and oversized bodies get clear 4xx answers, never 500,
//! and cost nothing they should not. Limits are configured with a refill of one per hour,
//! so no result depends on the machine's speed.

use reqwest::header::RETRY_AFTER;
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;

use app::domain::limits::Rate;
use app::domain::{admin::tokens, identity::workspaces};
use secrecy::ExposeSecret;
use server::config::Config;

use crate::helpers::{expect_status, spawn_app, spawn_app_with, TestApp, ADMIN, MEMBER};

/// A runtime limit of 3 calls, then one per hour.
fn three_runtime_calls(c: &mut Config) {
    c.runtime.runtime_rate = Rate::per_hour(1);
    c.runtime.runtime_burst = 3;
}

async fn token_for(app: &TestApp, agent: &str) -> String {
    let ws = workspaces::get_by_slug(&app.pool, "acme").await.unwrap();
    let issued = tokens::issue(
        &app.pool,
        &crate::helpers::shell().admin(ws),
        agent,
        Some(90),
    )
    .await
    .unwrap();
    issued.token.expose_secret().to_string()
}

async fn list(app: &TestApp, token: Option<&str>) -> Response {
    let mut req = Client::new().get(app.url("/v1/secrets"));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    req.send().await.unwrap()
}

async fn error_code(res: Response) -> String {
    let v: Value = res.json().await.unwrap();
    v["error"].as_str().unwrap_or_default().to_string()
}

fn retry_after(res: &Response) -> u64 {
    res.headers()[RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_name_that_breaks_the_name_rule_gets_400_and_leaves_no_audit_row() {
    let app = spawn_app().await;
    let token = token_for(&app, "billing-worker").await;
    let before = app.count("audit_events").await;
    for name in [
        "a".repeat(20_000),
        "Stripe_Key".into(),
        "1st".into(),
        "a-b".into(),
    ] {
        let res = Client::new()
            .get(app.url(&format!("/v1/secrets/{name}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{name:.20}");
        assert_eq!(error_code(res).await, "invalid_name");
    }
    assert_eq!(app.count("audit_events").await, before);
    let longest: Option<i64> =
        sqlx::query_scalar("SELECT MAX(LENGTH(secret_name)) FROM audit_events")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(longest.unwrap_or(0) <= 64);
}

#[tokio::test]
async fn a_flooding_token_meets_429_with_retry_after_and_other_tokens_do_not() {
    let app = spawn_app_with(three_runtime_calls).await;
    let flooding = token_for(&app, "billing-worker").await;
    let other = token_for(&app, "support-bot").await;
    for _ in 0..3 {
        expect_status(list(&app, Some(&flooding)).await, StatusCode::OK).await;
    }
    let refused = list(&app, Some(&flooding)).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait = retry_after(&refused);
    assert!(wait > 60 && wait <= 3600, "Retry-After {wait}");
    assert_eq!(error_code(refused).await, "rate_limited");
    expect_status(list(&app, Some(&other)).await, StatusCode::OK).await;
}

#[tokio::test]
async fn guessing_with_fresh_unknown_tokens_is_limited_per_address() {
    let app = spawn_app_with(three_runtime_calls).await;
    let before = app.count("audit_events").await;
    for i in 0..3 {
        let guess = format!("svt_guess{i:040}");
        let res = list(&app, Some(&guess)).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    // A fresh token every time does not buy a fresh allowance.
    let refused = list(&app, Some(&format!("svt_guess{:040}", 99))).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&refused) > 60);
    // Without any token the address is just as spent.
    assert_eq!(
        list(&app, None).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(app.count("audit_events").await, before);
}

#[tokio::test]
async fn someone_elses_guesses_from_the_same_address_never_refuse_a_valid_token() {
    let app = spawn_app_with(three_runtime_calls).await;
    let token = token_for(&app, "billing-worker").await;
    // Another client behind the same address (a NAT, a proxy) guesses until it is refused.
    for i in 0..20 {
        let guess = format!("svt_guess{i:040}");
        let res = list(&app, Some(&guess)).await;
        assert!(
            [StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS].contains(&res.status()),
            "{}",
            res.status()
        );
    }
    assert_eq!(
        list(&app, Some(&format!("svt_guess{:040}", 99)))
            .await
            .status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // The agent with a real token, from that same address, reads as usual.
    expect_status(list(&app, Some(&token)).await, StatusCode::OK).await;
}

/// Signs in through a trusted proxy that says the client is `client`.
async fn sign_in_via_proxy(app: &TestApp, client: &str, who: (&str, &str)) -> StatusCode {
    app.client()
        .post(app.url("/api/auth/login"))
        .header("x-forwarded-for", client)
        .form(&[("email", who.0), ("password", who.1)])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn guesses_at_one_account_from_many_addresses_are_throttled_per_account() {
    let app = spawn_app_with(|c| {
        c.http.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
        c.sign_in.sign_in_account_rate = Rate::per_hour(1);
        c.sign_in.sign_in_account_burst = 3;
    })
    .await;
    for i in 1..=3 {
        let from = format!("203.0.113.{i}");
        let status = sign_in_via_proxy(&app, &from, (ADMIN.0, "guess-guess-guess")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "guess from {from}");
    }
    // A fourth address, the right password, and an email in other letters: still the same
    // account, and still refused before any password check.
    let upper = ADMIN.0.to_uppercase();
    let status = sign_in_via_proxy(&app, "203.0.113.4", (&upper, ADMIN.1)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // Another account signs in from the same proxy.
    let status = sign_in_via_proxy(&app, "203.0.113.5", MEMBER).await;
    assert!(status.is_success() || status.is_redirection(), "{status}");
}

#[tokio::test]
async fn a_forwarded_for_header_from_an_untrusted_peer_is_ignored() {
    let app = spawn_app_with(|c| {
        c.sign_in.sign_in_rate = Rate::per_hour(1);
        c.sign_in.sign_in_burst = 3;
    })
    .await;
    for i in 1..=3 {
        let status = sign_in_via_proxy(
            &app,
            &format!("198.51.100.{i}"),
            (ADMIN.0, "nope-nope-nope"),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // Claiming to be yet another address does not buy a fresh bucket, even for another account.
    let status = sign_in_via_proxy(&app, "198.51.100.77", MEMBER).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_server_function_called_without_a_required_argument_gets_400() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let res = app.call(&admin, "secrets/audit", &[("ws", "acme")]).await;
    let body = expect_status(res, StatusCode::BAD_REQUEST).await;
    assert!(body.contains("filter"), "{body}");
}

#[tokio::test]
async fn an_enormous_page_number_is_an_empty_page_not_an_overflow() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let huge = i64::MAX.to_string();
    let list = app
        .call(&admin, "secrets/list", &[("ws", "acme"), ("page", &huge)])
        .await;
    let body = expect_status(list, StatusCode::OK).await;
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["items"].as_array().map(Vec::len), Some(0), "{body}");
    let audit = app
        .call(
            &admin,
            "secrets/audit",
            &[("ws", "acme"), ("filter[secret]", ""), ("page", &huge)],
        )
        .await;
    expect_status(audit, StatusCode::OK).await;
    let matrix = app
        .call(
            &admin,
            "secrets/matrix",
            &[("ws", "acme"), ("page", &huge), ("apage", &huge)],
        )
        .await;
    expect_status(matrix, StatusCode::OK).await;
}

#[tokio::test]
async fn oversized_bodies_get_413() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let big = "x".repeat(300 * 1024);
    let res = app
        .create_secret(&admin, "acme", "too_big", &big, &[])
        .await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let token = token_for(&app, "billing-worker").await;
    let res = Client::new()
        .get(app.url("/v1/secrets"))
        .bearer_auth(&token)
        .body("x".repeat(32 * 1024))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // A value at the 64 KiB limit, percent-encoded to three times its size, still fits.
    let max = "/".repeat(64 * 1024);
    let res = app
        .create_secret(&admin, "acme", "just_fits", &max, &[])
        .await;
    expect_status(res, StatusCode::OK).await;
}
