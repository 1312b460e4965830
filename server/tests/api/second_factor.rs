//! Authenticator codes (RFC 6238) as a second factor, over HTTP: setting one up, the second
//! step of a sign-in (codes single use, recovery codes single use, five minutes, no rights
//! before it), and re-authentication asking for a code.

use reqwest::StatusCode;
use totp_rs::{Builder, Secret};

use crate::helpers::*;

/// The code an authenticator app shows at `at` (Unix seconds) for `setup_key`.
pub(crate) fn code_at(setup_key: &str, at: i64) -> String {
    let secret = Secret::try_from_base32(setup_key.replace(' ', "")).unwrap();
    let totp = Builder::new()
        .with_secret(secret)
        .with_account_name("someone")
        .build()
        .unwrap();
    totp.generate(u64::try_from(at).unwrap()).to_string()
}

/// The code an authenticator app shows now for `setup_key`.
pub(crate) fn code_now(setup_key: &str) -> String {
    code_at(setup_key, app::domain::now())
}

/// Sets up an app for `who`; returns its setup key, the code that confirmed it and the
/// recovery codes.
async fn enrol(app: &TestApp, who: (&str, &str)) -> (String, String, Vec<String>) {
    let client = app.signed_in(who).await;
    enrol_signed_in(app, &client).await
}

/// Sets up an app for the account signed in on `client`, which stays signed in.
pub(crate) async fn enrol_signed_in(
    app: &TestApp,
    client: &reqwest::Client,
) -> (String, String, Vec<String>) {
    let client = client.clone();
    let body = expect_status(
        app.call(&client, "mfa/totp_begin", &[]).await,
        StatusCode::OK,
    )
    .await;
    let setup: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(setup["qr_svg"].as_str().unwrap().starts_with("<svg"));
    let key = setup["setup_key"].as_str().unwrap().to_string();
    let code = code_now(&key);
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    let res = app
        .call(&client, "mfa/totp_confirm", &[("code", &wrong)])
        .await;
    expect_status(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let body = expect_status(
        app.call(&client, "mfa/totp_confirm", &[("code", &code)])
            .await,
        StatusCode::OK,
    )
    .await;
    let codes: Vec<String> = serde_json::from_str(&body).unwrap();
    (key, code, codes)
}

#[tokio::test]
async fn after_setup_a_sign_in_needs_a_code_used_once_or_a_recovery_code_used_once() {
    let app = spawn_app().await;
    let (key, used, recovery) = enrol(&app, MEMBER).await;
    assert_eq!(recovery.len(), 10);
    let sealed: Vec<u8> = sqlx::query_scalar("SELECT secret_sealed FROM user_totp")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let secret = Secret::try_from_base32(key.replace(' ', "")).unwrap();
    let raw: &[u8] = secret.as_ref();
    assert!(
        !sealed.windows(raw.len()).any(|w| w == raw),
        "stored in the clear"
    );

    // Half signed in: no rights.
    let client = app.signed_in(MEMBER).await;
    assert!(app.me(&client).await.is_null());
    let res = app.call(&client, "members/list", &[("ws", "acme")]).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // The code that confirmed the setup was used: never twice.
    let res = app
        .call(&client, "auth/second_factor", &[("code", &used)])
        .await;
    expect_status(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(app.me(&client).await.is_null());
    // A recovery code works once.
    let res = app
        .call(&client, "auth/second_factor", &[("code", &recovery[0])])
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    assert_eq!(app.me(&client).await["email"], MEMBER.0);
    let again = app.signed_in(MEMBER).await;
    let res = app
        .call(&again, "auth/second_factor", &[("code", &recovery[0])])
        .await;
    expect_status(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let events: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM operator_events WHERE actor = $1 AND action LIKE '2fa.%' ORDER BY id",
    )
    .bind(MEMBER.0)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(events, ["2fa.enrol", "2fa.recovery_used"]);
}

#[tokio::test]
async fn wrong_codes_draw_on_the_accounts_sign_in_allowance() {
    let app = spawn_app_with(|config| {
        config.sign_in.sign_in_account_burst = 3;
        config.sign_in.sign_in_account_rate = app::domain::limits::Rate::per_hour(1);
    })
    .await;
    let (_, _, _) = enrol(&app, MEMBER).await;
    // Three attempts in all: the setup's sign-in, this password, and one wrong code.
    let client = app.signed_in(MEMBER).await;
    let res = app
        .call(&client, "auth/second_factor", &[("code", "000000")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .call(&client, "auth/second_factor", &[("code", "111111")])
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn re_authentication_asks_for_a_code_once_an_app_is_set_up() {
    let app = spawn_app().await;
    let (_, _, recovery) = enrol(&app, MEMBER).await;
    let client = app.signed_in(MEMBER).await;
    let res = app
        .call(&client, "auth/second_factor", &[("code", &recovery[2])])
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
    let res = app
        .call(
            &client,
            "account/reauthenticate",
            &[("password", MEMBER.1), ("code", "")],
        )
        .await;
    let body = expect_status(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body.contains("authenticator app"), "{body}");
    let res = app
        .call(
            &client,
            "account/reauthenticate",
            &[("password", MEMBER.1), ("code", &recovery[3])],
        )
        .await;
    expect_status(res, StatusCode::OK).await;
}

#[tokio::test]
async fn rotating_the_master_key_seals_authenticator_secrets_again() {
    use app::domain::identity::totp::store;
    use app::domain::keys::crypto::Keyring;
    use app::domain::keys::data_keys;
    use app::domain::keys::master_key::MasterKey;

    let app = spawn_app().await;
    let (key, _, _) = enrol(&app, MEMBER).await;
    let user_id: i64 = sqlx::query_scalar("SELECT user_id FROM user_totp")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let new_path = dir.path().join("new.key");
    MasterKey::read_or_create_file(&new_path).unwrap();
    let during = Keyring::new(
        MasterKey::read_file(&new_path).unwrap(),
        vec![MasterKey::read_file(&app.key_path()).unwrap()],
    );
    assert_eq!(
        data_keys::not_under_current(&app.pool, &during)
            .await
            .unwrap(),
        1
    );
    let report = data_keys::rewrap_all(&app.pool, &during).await.unwrap();
    assert_eq!(report.remaining, 0);
    let new_only = Keyring::new(MasterKey::read_file(&new_path).unwrap(), vec![]);
    let secret = store::confirmed_secret(&app.pool, &new_only, user_id)
        .await
        .unwrap()
        .expect("the app's secret");
    let expected = Secret::try_from_base32(key.replace(' ', "")).unwrap();
    assert_eq!(secret.as_slice(), AsRef::<[u8]>::as_ref(&expected));
    let old_only = Keyring::new(MasterKey::read_file(&app.key_path()).unwrap(), vec![]);
    assert!(store::confirmed_secret(&app.pool, &old_only, user_id)
        .await
        .is_err());
}

#[tokio::test]
async fn the_operator_resets_a_lost_second_factor_from_the_shell_and_its_sessions_end() {
    let app = spawn_app().await;
    let (_, _, recovery) = enrol(&app, MEMBER).await;
    let before = app.signed_in(MEMBER).await;
    let res = app
        .call(&before, "auth/second_factor", &[("code", &recovery[0])])
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
    assert_eq!(app.me(&before).await["email"], MEMBER.0);
    let out = app.cli(&["user", "reset-2fa", MEMBER.0]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(app.me(&before).await.is_null(), "its sessions ended");
    // A password alone signs in again.
    let after = app.signed_in(MEMBER).await;
    assert_eq!(app.me(&after).await["email"], MEMBER.0);
    let reset: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM operator_events WHERE action = '2fa.reset' AND detail LIKE $1",
    )
    .bind(format!("%({})", MEMBER.0))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(reset, 1);
    let again = app.cli(&["user", "reset-2fa", MEMBER.0]);
    assert!(!again.status.success(), "nothing left to reset");
}
