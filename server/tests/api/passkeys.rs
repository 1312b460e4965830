//! Passkeys over HTTP, where the server's refusals need no authenticator: the relying party is
//! a domain name (never an IP address), registration needs a fresh sign-in and asks for a
//! discoverable credential with user verification, and a made-up or replayed answer signs no
//! one in. The ceremonies themselves run in Chromium's virtual authenticator (Playwright,
//! `end2end/tests/passkeys.spec.ts`).

use reqwest::{Client, Response, StatusCode};

use crate::helpers::*;

/// A server function called with the browser at `localhost` (the cookies still go to the
/// test's address).
async fn call_at_localhost(
    app: &TestApp,
    client: &Client,
    name: &str,
    form: &[(&str, &str)],
) -> Response {
    let port = app.url("").rsplit(':').next().unwrap().to_string();
    client
        .post(app.url(&format!("/api/{name}")))
        .header(reqwest::header::HOST, format!("localhost:{port}"))
        .form(form)
        .send()
        .await
        .expect("request")
}

/// The options a `*_begin` answered (JSON text in a JSON string).
async fn options(res: Response) -> serde_json::Value {
    let text: String = serde_json::from_str(&expect_status(res, StatusCode::OK).await).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn registration_needs_a_domain_name_and_asks_for_a_verified_discoverable_credential() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let by_ip = app
        .call(&admin, "passkey/register_begin", &[("name", "Laptop")])
        .await;
    let body = expect_status(by_ip, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body.contains("not by an IP address"), "{body}");

    let unnamed = call_at_localhost(&app, &admin, "passkey/register_begin", &[("name", " ")]).await;
    let body = expect_status(unnamed, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body.contains("Give the passkey a name"), "{body}");

    let res = call_at_localhost(
        &app,
        &admin,
        "passkey/register_begin",
        &[("name", "Laptop")],
    )
    .await;
    let options = options(res).await;
    let key = &options["publicKey"];
    assert_eq!(key["rp"]["id"], "localhost");
    assert_eq!(key["user"]["name"], ADMIN.0);
    assert_eq!(key["authenticatorSelection"]["residentKey"], "required");
    assert_eq!(
        key["authenticatorSelection"]["userVerification"],
        "required"
    );
    assert!(key["challenge"].as_str().is_some_and(|c| c.len() >= 43));

    // A made-up answer adds nothing, and the ceremony is spent.
    let forge = || {
        call_at_localhost(
            &app,
            &admin,
            "passkey/register_finish",
            &[("name", "Laptop"), ("credential", "{\"id\":\"x\"}")],
        )
    };
    let body = expect_status(forge().await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body.contains("not accepted"), "{body}");
    assert_eq!(app.count("passkeys").await, 0);
    let body = expect_status(forge().await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body.contains("took too long"), "{body}");
}

#[tokio::test]
async fn registration_asks_for_a_fresh_sign_in() {
    let app = spawn_app_with(|c| c.sign_in.reauth_minutes = 10).await;
    let admin = app.signed_in(ADMIN).await;
    crate::sessions::age(&app, ADMIN.0, 11 * 60, &["verified_at"], false).await;
    let res = call_at_localhost(
        &app,
        &admin,
        "passkey/register_begin",
        &[("name", "Laptop")],
    )
    .await;
    let body = expect_status(res, StatusCode::UNAUTHORIZED).await;
    assert!(body.contains("ReauthRequired"), "{body}");
    let anonymous = app.client();
    let res = call_at_localhost(&app, &anonymous, "passkey/register_begin", &[("name", "L")]).await;
    expect_status(res, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn a_made_up_or_replayed_answer_signs_no_one_in() {
    let app = spawn_app().await;
    let client = app.client();
    let forged = [("credential", "{}")];
    let res = call_at_localhost(&app, &client, "auth/passkey_finish", &forged).await;
    let body = expect_status(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body.contains("took too long"), "without a start: {body}");

    let res = call_at_localhost(&app, &client, "auth/passkey_begin", &[]).await;
    let options = options(res).await;
    assert_eq!(options["publicKey"]["userVerification"], "required");
    assert!(options.get("mediation").is_none(), "asked from a button");
    let res = call_at_localhost(&app, &client, "auth/passkey_finish", &forged).await;
    let body = expect_status(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body.contains("not accepted"), "{body}");
    assert!(app.me(&client).await.is_null());
    let res = call_at_localhost(&app, &client, "auth/passkey_finish", &forged).await;
    let body = expect_status(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body.contains("took too long"), "spent: {body}");
}

#[tokio::test]
async fn the_passkey_second_step_needs_the_password_first_and_an_account_with_a_passkey() {
    let app = spawn_app().await;
    let anonymous = app.client();
    let res = call_at_localhost(&app, &anonymous, "auth/second_step_passkey_begin", &[]).await;
    expect_status(res, StatusCode::UNAUTHORIZED).await;
    let admin = app.signed_in(ADMIN).await;
    let res = call_at_localhost(&app, &admin, "passkey/reauth_begin", &[]).await;
    let body = expect_status(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body.contains("no passkey"), "{body}");
}
