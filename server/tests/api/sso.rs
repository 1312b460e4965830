//! Single sign-on against a real OpenID Provider (npm `oidc-provider` on loopback), driven
//! over HTTP as a browser would: every refusal lands on a page with a reason and creates no
//! session and no account.

use reqwest::StatusCode;

use crate::helpers::*;
use crate::oidc_provider::{finish, sso_app, sso_sign_in, walk, PROVIDER};

async fn users_named(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

fn bind(app: &TestApp, args: &[&str]) {
    let mut all = vec!["workspace", "sso"];
    all.extend_from_slice(args);
    let out = app.cli(&all);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn a_verified_identity_of_a_bound_domain_joins_the_workspace_as_a_member() {
    let (app, _op) = sso_app(None, &[], |_| {}).await;
    bind(&app, &["acme", "--domain", "acme.test"]);
    let client = app.client();
    assert_eq!(sso_sign_in(&app, &client, "alice@acme.test").await, "/");
    let me = app.me(&client).await;
    assert_eq!(me["email"], "alice@acme.test");
    assert_eq!(me["workspaces"][0]["slug"], "acme");
    assert_eq!(me["workspaces"][0]["role"], "member");
    let joined: Vec<String> = sqlx::query_scalar(
        "SELECT detail FROM audit_events WHERE action = 'member.join' AND actor = 'alice@acme.test'",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(joined.len(), 1, "{joined:?}");
    let signed: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM operator_events WHERE action = 'sso.sign_in' AND actor = 'alice@acme.test'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(signed, 1);
    // No password: the account cannot be signed in with one.
    let res = app
        .call(
            &client,
            "auth/login",
            &[("email", "alice@acme.test"), ("password", "")],
        )
        .await;
    assert_ne!(res.status(), StatusCode::OK);

    // A second sign-in finds the identity: no second account, no second join.
    let again = app.client();
    assert_eq!(sso_sign_in(&app, &again, "alice@acme.test").await, "/");
    assert_eq!(users_named(&app, "alice@acme.test").await, 1);
}

#[tokio::test]
async fn refusals_land_on_the_sign_in_page_with_a_reason_and_sign_nobody_in() {
    let (app, _op) = sso_app(None, &[], |_| {}).await;
    bind(&app, &["acme", "--domain", "acme.test"]);
    for (email, code) in [
        ("unverified@acme.test", "email_unverified"),
        ("eve@elsewhere.test", "no_workspace"),
        ("admin@acme.test", "account_exists"),
    ] {
        let client = app.client();
        let landed = sso_sign_in(&app, &client, email).await;
        assert_eq!(landed, format!("/login?sso={code}"), "{email}");
        assert!(app.me(&client).await.is_null(), "{email} got a session");
    }
    assert_eq!(users_named(&app, "unverified@acme.test").await, 0);
    assert_eq!(users_named(&app, "eve@elsewhere.test").await, 0);
    let page = app
        .page(&app.client(), "/login?sso=no_workspace")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("No workspace accepts sign-ins from your email"),
        "{page}"
    );
}

#[tokio::test]
async fn a_callback_is_single_use_and_bound_to_the_browser_that_started_it() {
    let (app, _op) = sso_app(None, &[], |_| {}).await;
    bind(&app, &["acme", "--domain", "acme.test"]);
    let start = format!("/auth/oidc/{PROVIDER}/start");
    let client = app.client();
    let walked = walk(&app, &client, &start, "alice@acme.test").await;

    // Another browser with the same URL: refused, and the owner's flow is still there.
    let thief = app.client();
    assert_eq!(
        finish(&app, &thief, &walked.callback).await,
        "/login?sso=state"
    );
    assert!(app.me(&thief).await.is_null());
    // A tampered state: refused.
    let forged = walked.callback.replace("state=", "state=x");
    assert_eq!(finish(&app, &client, &forged).await, "/login?sso=state");

    assert_eq!(finish(&app, &client, &walked.callback).await, "/");
    assert_eq!(app.me(&client).await["email"], "alice@acme.test");
    // Replayed: the state was used.
    let replay = app.client();
    assert_eq!(
        finish(&app, &replay, &walked.callback).await,
        "/login?sso=state"
    );
    assert_eq!(
        finish(&app, &client, &walked.callback).await,
        "/login?sso=state"
    );
    // Completing twice: nothing to complete.
    let res = client
        .get(app.url("/auth/oidc/complete"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/login?sso=state");
}

#[tokio::test]
async fn a_code_used_once_is_refused_in_another_flow() {
    let (app, _op) = sso_app(None, &[], |_| {}).await;
    bind(&app, &["acme", "--domain", "acme.test"]);
    let start = format!("/auth/oidc/{PROVIDER}/start");
    let code = |url: &str| {
        reqwest::Url::parse(url)
            .unwrap()
            .query_pairs()
            .find(|(k, _)| k == "code")
            .map(|(_, v)| v.to_string())
            .unwrap()
    };
    let first = app.client();
    let used = walk(&app, &first, &start, "alice@acme.test").await;
    assert_eq!(finish(&app, &first, &used.callback).await, "/");
    // Another browser's own flow, answered with the code already redeemed.
    let second = app.client();
    let walked = walk(&app, &second, &start, "alice@acme.test").await;
    let injected = walked
        .callback
        .replace(&code(&walked.callback), &code(&used.callback));
    assert_eq!(finish(&app, &second, &injected).await, "/login?sso=code");
    assert!(app.me(&second).await.is_null());
}

#[tokio::test]
async fn an_id_token_failing_any_check_signs_nobody_in() {
    for (tamper, why) in [
        ("aud", "wrong audience"),
        ("iss", "wrong issuer"),
        ("nonce", "wrong nonce"),
        ("exp", "expired"),
        ("sig", "signed with a key the provider never published"),
    ] {
        let (app, _op) = sso_app(Some(tamper), &[], |_| {}).await;
        bind(&app, &["acme", "--domain", "acme.test"]);
        let client = app.client();
        assert_eq!(
            sso_sign_in(&app, &client, "alice@acme.test").await,
            "/login?sso=token",
            "{why}"
        );
        assert!(app.me(&client).await.is_null(), "{why}");
        assert_eq!(users_named(&app, "alice@acme.test").await, 0, "{why}");
    }
}

#[tokio::test]
async fn keys_the_provider_rotated_are_fetched_again() {
    let (app, op) = sso_app(None, &[], |_| {}).await;
    bind(&app, &["acme", "--domain", "acme.test"]);
    let rotated = reqwest::Client::new()
        .post(format!("{}/test/rotate-keys", op.issuer))
        .send()
        .await
        .unwrap();
    assert_eq!(rotated.status(), StatusCode::OK);
    let client = app.client();
    assert_eq!(sso_sign_in(&app, &client, "alice@acme.test").await, "/");
    assert_eq!(app.me(&client).await["email"], "alice@acme.test");
}

#[tokio::test]
async fn a_provider_that_is_down_is_shown_and_passwords_still_work() {
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let secret = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret.path(), "s3cret").unwrap();
    let app = spawn_app_with(|config| {
        config.sso.oidc = vec![server::config::OidcProvider {
            id: "down".into(),
            name: "Down IdP".into(),
            issuer,
            client_id: "vault".into(),
            client_secret_file: secret.path().to_path_buf(),
            scopes: None,
            domains: vec![],
            second_factor: false,
        }];
        config.sso.sso_retry_seconds = 3600;
    })
    .await;
    let client = app.client();
    let body = expect_status(
        app.call(&client, "sso/providers", &[]).await,
        StatusCode::OK,
    )
    .await;
    let providers: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(providers[0]["available"], false, "{body}");
    let page = app.page(&client, "/login").await.text().await.unwrap();
    assert!(
        page.contains("Sign in with Down IdP") || page.contains("Down IdP"),
        "{page}"
    );
    assert!(page.contains("could not be reached just now"), "{page}");
    let res = client
        .get(app.url("/auth/oidc/down/start"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/login?sso=unavailable");
    let signed_in = app.signed_in(ADMIN).await;
    assert_eq!(app.me(&signed_in).await["email"], ADMIN.0);
}

#[tokio::test]
async fn a_flow_left_at_the_provider_past_its_time_is_refused() {
    let (app, _op) = sso_app(None, &[], |config| config.sso.sso_flow_minutes = 10).await;
    bind(&app, &["acme", "--domain", "acme.test"]);
    let client = app.client();
    let walked = walk(
        &app,
        &client,
        &format!("/auth/oidc/{PROVIDER}/start"),
        "alice@acme.test",
    )
    .await;
    let expires: i64 = sqlx::query_scalar("SELECT expires_at FROM sso_flows")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let now = app::domain::now();
    assert!(
        (now + 590..=now + 600).contains(&expires),
        "ten minutes: {expires} vs {now}"
    );
    // Ten minutes later, as the clock would have it.
    sqlx::query("UPDATE sso_flows SET expires_at = $1")
        .bind(now - 1)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        finish(&app, &client, &walked.callback).await,
        "/login?sso=state"
    );
    assert!(app.me(&client).await.is_null());
    assert_eq!(users_named(&app, "alice@acme.test").await, 0);
}
