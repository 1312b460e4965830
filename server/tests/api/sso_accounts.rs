//! Accounts and single sign-on: linking an identity from the Account page, linking by email
//! where the operator made a provider authoritative, unlinking, `--require`, and
//! re-authentication back through the provider.

use reqwest::StatusCode;

use crate::helpers::*;
use crate::oidc_provider::{finish, sso_app, sso_sign_in, walk, PROVIDER};

async fn methods(app: &TestApp, client: &reqwest::Client) -> serde_json::Value {
    let body = expect_status(app.call(client, "sso/methods", &[]).await, StatusCode::OK).await;
    serde_json::from_str(&body).unwrap()
}

fn cli_ok(app: &TestApp, args: &[&str]) {
    let out = app.cli(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Makes every dangerous action of `email`'s sessions ask again: its last check is an hour
/// old.
async fn age_verification(app: &TestApp, email: &str) {
    crate::sessions::age(app, email, 3600, &["verified_at"], false).await;
}

#[tokio::test]
async fn an_admin_links_an_identity_then_signs_in_with_it_and_unlinks_it() {
    let (app, _op) = sso_app(None, &[], |_| {}).await;
    let admin = app.signed_in(ADMIN).await;
    let link = format!("/auth/oidc/{PROVIDER}/start?purpose=link");
    let walked = walk(&app, &admin, &link, "bob@acme.test").await;
    assert_eq!(
        finish(&app, &admin, &walked.callback).await,
        "/account?linked=1"
    );
    let linked = methods(&app, &admin).await;
    assert_eq!(
        linked["identities"][0]["email"], "bob@acme.test",
        "{linked}"
    );
    assert_eq!(linked["has_password"], true);

    // Bob's identity now signs the admin in, in a browser of its own.
    let elsewhere = app.client();
    assert_eq!(sso_sign_in(&app, &elsewhere, "bob@acme.test").await, "/");
    assert_eq!(app.me(&elsewhere).await["email"], ADMIN.0);

    let id = linked["identities"][0]["id"].to_string();
    expect_status(
        app.call(&admin, "sso/unlink", &[("id", &id)]).await,
        StatusCode::OK,
    )
    .await;
    let after = app.client();
    assert_eq!(
        sso_sign_in(&app, &after, "bob@acme.test").await,
        "/login?sso=no_workspace"
    );
    let audited: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM operator_events WHERE actor = $1 AND action LIKE 'sso.%' ORDER BY id",
    )
    .bind(ADMIN.0)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(audited, ["sso.link", "sso.sign_in", "sso.unlink"]);
}

#[tokio::test]
async fn linking_needs_a_recent_check_and_an_identity_links_to_one_account_only() {
    let (app, _op) = sso_app(None, &[], |_| {}).await;
    let admin = app.signed_in(ADMIN).await;
    age_verification(&app, ADMIN.0).await;
    let link = format!("/auth/oidc/{PROVIDER}/start?purpose=link");
    let res = admin.get(app.url(&link)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/reauth?next="),
        "{:?}",
        res.headers()["location"]
    );

    let member = app.signed_in(MEMBER).await;
    let walked = walk(&app, &member, &link, "bob@acme.test").await;
    assert_eq!(
        finish(&app, &member, &walked.callback).await,
        "/account?linked=1"
    );
    let admin = app.signed_in(ADMIN).await;
    let walked = walk(&app, &admin, &link, "bob@acme.test").await;
    assert_eq!(
        finish(&app, &admin, &walked.callback).await,
        "/account?sso=linked_elsewhere"
    );
}

#[tokio::test]
async fn an_authoritative_provider_links_the_account_with_the_same_email() {
    let (app, _op) = sso_app(None, &["acme.test"], |_| {}).await;
    let client = app.client();
    assert_eq!(sso_sign_in(&app, &client, "admin@acme.test").await, "/");
    assert_eq!(app.me(&client).await["email"], ADMIN.0);
    let linked: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM operator_events WHERE actor = $1 AND action = 'sso.link'",
    )
    .bind(ADMIN.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(linked, 1);
}

#[tokio::test]
async fn the_last_way_to_sign_in_cannot_be_unlinked() {
    let (app, _op) = sso_app(None, &[], |_| {}).await;
    cli_ok(&app, &["workspace", "sso", "acme", "--domain", "acme.test"]);
    let client = app.client();
    assert_eq!(sso_sign_in(&app, &client, "alice@acme.test").await, "/");
    let mine = methods(&app, &client).await;
    assert_eq!(mine["has_password"], false);
    let id = mine["identities"][0]["id"].to_string();
    let body = expect_status(
        app.call(&client, "sso/unlink", &[("id", &id)]).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(body.contains("only way to sign in"), "{body}");
    assert_eq!(
        methods(&app, &client).await["identities"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Someone else's identity is not found.
    let admin = app.signed_in(ADMIN).await;
    expect_status(
        app.call(&admin, "sso/unlink", &[("id", &id)]).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn a_workspace_that_requires_sso_refuses_its_members_passwords_but_not_operators() {
    let (app, _op) = sso_app(None, &[], |_| {}).await;
    cli_ok(
        &app,
        &[
            "workspace",
            "sso",
            "acme",
            "--domain",
            "acme.test",
            "--require",
        ],
    );
    cli_ok(
        &app,
        &["user", "add", OPERATOR.0, "acme", "--role", "member"],
    );
    let client = app.client();
    let body = expect_status(
        app.call(
            &client,
            "auth/login",
            &[("email", MEMBER.0), ("password", MEMBER.1)],
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(body.contains("requires single sign-on"), "{body}");
    assert!(app.me(&client).await.is_null());
    let operator = app.signed_in(OPERATOR).await;
    assert_eq!(app.me(&operator).await["email"], OPERATOR.0);
    let out = app.cli(&["workspace", "sso-list"]);
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains("acme.test") && listed.contains("required"),
        "{listed}"
    );
}

#[tokio::test]
async fn reauthentication_goes_back_through_the_provider_which_asks_again() {
    let (app, _op) = sso_app(None, &[], |_| {}).await;
    cli_ok(&app, &["workspace", "sso", "acme", "--domain", "acme.test"]);
    let client = app.client();
    assert_eq!(sso_sign_in(&app, &client, "alice@acme.test").await, "/");
    cli_ok(
        &app,
        &["user", "set-role", "alice@acme.test", "acme", "admin"],
    );
    age_verification(&app, "alice@acme.test").await;
    let bob_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(MEMBER.0)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let set_role = |client: reqwest::Client| {
        let app = &app;
        async move {
            app.call(
                &client,
                "members/set_role",
                &[
                    ("ws", "acme"),
                    ("user_id", &bob_id.to_string()),
                    ("role", "admin"),
                ],
            )
            .await
        }
    };
    assert_eq!(
        set_role(client.clone()).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let reauth = format!("/auth/oidc/{PROVIDER}/start?purpose=reauth&next=%2Fw%2Facme%2Fusers");
    let walked = walk(&app, &client, &reauth, "alice@acme.test").await;
    assert_eq!(
        walked.logins, 1,
        "the provider must ask for the password again"
    );
    assert_eq!(
        finish(&app, &client, &walked.callback).await,
        "/w/acme/users"
    );
    assert_eq!(set_role(client.clone()).await.status(), StatusCode::OK);

    // Someone else's identity does not re-authenticate Alice.
    age_verification(&app, "alice@acme.test").await;
    let walked = walk(&app, &client, &reauth, "bob@acme.test").await;
    let landed = finish(&app, &client, &walked.callback).await;
    assert!(landed.starts_with("/reauth?sso=wrong_account"), "{landed}");
    assert_eq!(
        set_role(client.clone()).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn an_invited_email_continues_with_single_sign_on_and_lands_in_the_workspace() {
    let (app, _op) = sso_app(None, &[], |_| {}).await;
    let admin = app.signed_in(ADMIN).await;
    let (_, token) = crate::invitations::invite(&app, &admin, "alice@acme.test", "member").await;
    let start = format!("/auth/oidc/{PROVIDER}/start?next=%2Finvite%2F{token}");

    // Another verified identity with the same link is not the invitee.
    let stranger = app.client();
    let walked = walk(&app, &stranger, &start, "bob@acme.test").await;
    assert_eq!(
        finish(&app, &stranger, &walked.callback).await,
        "/login?sso=no_workspace"
    );

    let client = app.client();
    let walked = walk(&app, &client, &start, "alice@acme.test").await;
    assert_eq!(finish(&app, &client, &walked.callback).await, "/w/acme");
    let me = app.me(&client).await;
    assert_eq!(me["email"], "alice@acme.test");
    assert_eq!(me["workspaces"][0]["slug"], "acme");
    assert_eq!(me["workspaces"][0]["role"], "member");
    let accepted: Option<i64> =
        sqlx::query_scalar("SELECT accepted_at FROM invitations WHERE email = 'alice@acme.test'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(accepted.is_some(), "the invitation is used");
    assert_eq!(methods(&app, &client).await["has_password"], false);
}

#[tokio::test]
async fn an_authenticator_app_is_still_asked_after_a_single_sign_on() {
    let (app, _op) = sso_app(None, &[], |_| {}).await;
    cli_ok(&app, &["workspace", "sso", "acme", "--domain", "acme.test"]);
    let client = app.client();
    assert_eq!(sso_sign_in(&app, &client, "alice@acme.test").await, "/");
    let body = expect_status(
        app.call(&client, "mfa/totp_begin", &[]).await,
        StatusCode::OK,
    )
    .await;
    let setup: serde_json::Value = serde_json::from_str(&body).unwrap();
    let code = crate::second_factor::code_now(setup["setup_key"].as_str().unwrap());
    let body = expect_status(
        app.call(&client, "mfa/totp_confirm", &[("code", &code)])
            .await,
        StatusCode::OK,
    )
    .await;
    let recovery: Vec<String> = serde_json::from_str(&body).unwrap();

    let again = app.client();
    assert_eq!(
        sso_sign_in(&app, &again, "alice@acme.test").await,
        "/login/code?next=%2F"
    );
    assert!(app.me(&again).await.is_null(), "no rights before the code");
    let res = app
        .call(&again, "auth/second_factor", &[("code", &recovery[0])])
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    assert_eq!(app.me(&again).await["email"], "alice@acme.test");
}
