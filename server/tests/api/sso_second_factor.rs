//! Single sign-on and "Admins must use a second factor": a sign-in through a provider counts
//! when the operator marks the provider as enforcing one, or when its ID token's `amr` claim
//! tells of one (RFC 8176); otherwise the admin is sent to set up a factor of their own.

use reqwest::StatusCode;

use crate::helpers::expect_status;
use crate::oidc_provider::{sso_app, sso_sign_in};

const ADMIN_AT_PROVIDER: &str = "admin@acme.test";

/// Signs in the demo admin through a fresh provider, with acme's rule on; the status of the
/// Secrets list that follows.
async fn secrets_after_sso(tamper: Option<&str>, enforcing: bool) -> StatusCode {
    let (app, _provider) = sso_app(tamper, &["acme.test"], |config| {
        config.sso.oidc[0].second_factor = enforcing;
    })
    .await;
    sqlx::query("UPDATE workspaces SET admins_need_second_factor = 1 WHERE slug = 'acme'")
        .execute(&app.pool)
        .await
        .unwrap();
    let client = app.client();
    sso_sign_in(&app, &client, ADMIN_AT_PROVIDER).await;
    assert_eq!(app.me(&client).await["email"], ADMIN_AT_PROVIDER);
    let res = app.call(&client, "secrets/list", &[("ws", "acme")]).await;
    let status = res.status();
    let body = res.text().await.unwrap();
    if status == StatusCode::FORBIDDEN {
        assert!(body.contains("SecondFactorRequired"), "{body}");
    }
    status
}

#[tokio::test]
async fn an_ordinary_provider_does_not_count() {
    assert_eq!(secrets_after_sso(None, false).await, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_provider_the_operator_marks_as_enforcing_counts() {
    assert_eq!(secrets_after_sso(None, true).await, StatusCode::OK);
}

#[tokio::test]
async fn an_amr_claim_of_a_password_and_a_one_time_code_counts() {
    assert_eq!(secrets_after_sso(Some("amr"), false).await, StatusCode::OK);
}

#[tokio::test]
async fn the_session_of_a_password_sign_in_does_not_inherit_it() {
    // The vouching belongs to the session the provider started, not to the account.
    let (app, _provider) = sso_app(None, &["acme.test"], |config| {
        config.sso.oidc[0].second_factor = true;
    })
    .await;
    sqlx::query("UPDATE workspaces SET admins_need_second_factor = 1 WHERE slug = 'acme'")
        .execute(&app.pool)
        .await
        .unwrap();
    let by_password = app.signed_in(crate::helpers::ADMIN).await;
    let res = app
        .call(&by_password, "secrets/list", &[("ws", "acme")])
        .await;
    expect_status(res, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn re_authentication_through_the_provider_still_asks_for_the_accounts_own_code() {
    use crate::oidc_provider::{finish, walk, PROVIDER};
    let (app, _provider) = sso_app(None, &["acme.test"], |config| {
        config.sign_in.reauth_minutes = 10;
    })
    .await;
    let client = app.client();
    sso_sign_in(&app, &client, ADMIN_AT_PROVIDER).await;
    let (key, _, _) = crate::second_factor::enrol_signed_in(&app, &client).await;
    let dangerous = || app.call(&client, "mfa/recovery_codes", &[]);
    crate::sessions::age(&app, ADMIN_AT_PROVIDER, 3600, &["verified_at"], false).await;
    expect_status(dangerous().await, StatusCode::UNAUTHORIZED).await;

    let reauth = format!("/auth/oidc/{PROVIDER}/start?purpose=reauth&next=%2Faccount");
    let walked = walk(&app, &client, &reauth, ADMIN_AT_PROVIDER).await;
    let landed = finish(&app, &client, &walked.callback).await;
    assert_eq!(landed, "/reauth?step=second&next=%2Faccount");
    expect_status(dangerous().await, StatusCode::UNAUTHORIZED).await;
    // A wrong code ends this second step: the provider is asked again.
    let res = app
        .call(&client, "account/reauth_code", &[("code", "000000")])
        .await;
    expect_status(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let next_code = crate::second_factor::code_at(&key, app::domain::now() + 30);
    let res = app
        .call(&client, "account/reauth_code", &[("code", &next_code)])
        .await;
    expect_status(res, StatusCode::UNAUTHORIZED).await;

    let walked = walk(&app, &client, &reauth, ADMIN_AT_PROVIDER).await;
    finish(&app, &client, &walked.callback).await;
    let res = app
        .call(&client, "account/reauth_code", &[("code", &next_code)])
        .await;
    expect_status(res, StatusCode::OK).await;
    expect_status(dangerous().await, StatusCode::OK).await;
}
