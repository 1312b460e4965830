//! Sessions that behave: the idle limit slides with activity, the absolute limit ends a
//! kept-alive session, the database holds only hashes of session ids, sessions end when
//! they should (everywhere, by an admin, on removal, on a password change), and dangerous
//! actions ask for the password again. Time is moved by ageing the stored session, never
//! by waiting.

use std::str::FromStr;

use reqwest::{Client, StatusCode};
use tower_sessions::session::Id;

use app::domain::identity::session_store::storage_key;

use crate::helpers::{
    expect_status, session_cookie, spawn_app, spawn_app_with, TestApp, ADMIN, MEMBER,
};

const NEW_PASSWORD: &str = "a-brand-new-passphrase";

/// Moves the named session timestamps of `email`'s sessions `seconds` into the past (and the
/// row's expiry too when `row`).
pub(crate) async fn age(app: &TestApp, email: &str, seconds: i64, keys: &[&str], row: bool) {
    let uid = user_id(app, email).await;
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT id, data FROM sessions WHERE user_id = $1")
            .bind(uid)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert!(!rows.is_empty(), "{email} has no session to age");
    for (id, data) in rows {
        let mut json: serde_json::Value = serde_json::from_str(&data).unwrap();
        for key in keys {
            let at = json[*key].as_i64().expect("timestamp in the session");
            json[*key] = serde_json::json!(at - seconds);
        }
        let shift = if row { seconds } else { 0 };
        sqlx::query("UPDATE sessions SET data = $1, expiry_date = expiry_date - $2 WHERE id = $3")
            .bind(json.to_string())
            .bind(shift)
            .bind(id)
            .execute(&app.pool)
            .await
            .unwrap();
    }
}

async fn user_id(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// The signed-in email, or `None` when the client is signed out.
async fn who(app: &TestApp, client: &Client) -> Option<String> {
    let body = expect_status(app.call(client, "auth/me", &[]).await, StatusCode::OK).await;
    let me: serde_json::Value = serde_json::from_str(&body).unwrap();
    me["email"].as_str().map(str::to_string)
}

async fn sign_in_status(app: &TestApp, email: &str, password: &str) -> StatusCode {
    app.call(
        &app.client(),
        "auth/login",
        &[("email", email), ("password", password)],
    )
    .await
    .status()
}

#[tokio::test]
async fn activity_slides_the_idle_limit() {
    let app = spawn_app_with(|c| c.sign_in.session_idle_minutes = 1).await;
    let client = app.signed_in(ADMIN).await;
    // 40 s of a 60 s idle limit gone: the next request renews the session...
    age(&app, ADMIN.0, 40, &["seen_at"], true).await;
    assert_eq!(who(&app, &client).await.as_deref(), Some(ADMIN.0));
    // ...so another 40 s later (80 s after sign-in) it is still alive.
    age(&app, ADMIN.0, 40, &["seen_at"], true).await;
    assert_eq!(who(&app, &client).await.as_deref(), Some(ADMIN.0));
}

#[tokio::test]
async fn a_session_left_alone_past_the_idle_limit_is_signed_out() {
    let app = spawn_app_with(|c| c.sign_in.session_idle_minutes = 1).await;
    let client = app.signed_in(ADMIN).await;
    age(&app, ADMIN.0, 80, &["seen_at"], true).await;
    assert_eq!(who(&app, &client).await, None);
}

#[tokio::test]
async fn idleness_is_checked_on_the_server_not_only_by_the_row_expiry() {
    let app = spawn_app_with(|c| c.sign_in.session_idle_minutes = 1).await;
    let client = app.signed_in(ADMIN).await;
    // The row's expiry is untouched; only the session's own last-seen time is old.
    age(&app, ADMIN.0, 80, &["seen_at"], false).await;
    assert_eq!(who(&app, &client).await, None);
    assert_eq!(
        app.count("sessions").await,
        0,
        "the expired session is deleted"
    );
}

#[tokio::test]
async fn the_absolute_limit_ends_a_session_kept_alive() {
    let app = spawn_app_with(|c| c.sign_in.session_absolute_hours = 1).await;
    let client = app.signed_in(ADMIN).await;
    // Signed in 58 minutes ago and active all along.
    age(&app, ADMIN.0, 58 * 60, &["auth_at"], false).await;
    assert_eq!(who(&app, &client).await.as_deref(), Some(ADMIN.0));
    age(&app, ADMIN.0, 3 * 60, &["auth_at"], false).await;
    assert_eq!(who(&app, &client).await, None);
}

#[tokio::test]
async fn a_signed_in_session_without_its_sign_in_time_is_signed_out() {
    let app = spawn_app().await;
    let client = app.signed_in(ADMIN).await;
    let data: String = sqlx::query_scalar("SELECT data FROM sessions")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&data).unwrap();
    json.as_object_mut().unwrap().remove("auth_at");
    sqlx::query("UPDATE sessions SET data = $1")
        .bind(json.to_string())
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(who(&app, &client).await, None);
}

#[tokio::test]
async fn the_database_holds_a_hash_of_the_session_id_not_the_id() {
    let app = spawn_app().await;
    let res = app.sign_in_response(ADMIN).await;
    let cookie = session_cookie(res.headers()).expect("session cookie");
    let value = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("vault_session=")
        .to_string();
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT id, data FROM sessions")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let (id, data) = &rows[0];
    assert!(!id.contains(&value) && !data.contains(&value));
    assert_eq!(id, &storage_key(&Id::from_str(&value).unwrap()));
    // The stored hash, used as a cookie, reaches nobody's session.
    let forged = format!("vault_session={id}");
    assert_eq!(app.me_with_cookie(&forged).await, "null");
}

#[tokio::test]
async fn signing_out_everywhere_ends_the_sessions_of_every_client() {
    let app = spawn_app().await;
    let laptop = app.signed_in(MEMBER).await;
    let phone = app.signed_in(MEMBER).await;
    let admin = app.signed_in(ADMIN).await;
    let res = app.call(&laptop, "account/logout_everywhere", &[]).await;
    assert!(res.status().is_success() || res.status().is_redirection());
    assert_eq!(who(&app, &phone).await, None);
    assert_eq!(who(&app, &laptop).await, None);
    assert_eq!(who(&app, &admin).await.as_deref(), Some(ADMIN.0));
}

#[tokio::test]
async fn an_admin_ends_the_sessions_of_a_member_of_their_workspace_only() {
    let app = spawn_app().await;
    let member = app.signed_in(MEMBER).await;
    let member_id = user_id(&app, MEMBER.0).await.to_string();
    let admin_id = user_id(&app, ADMIN.0).await.to_string();

    // A member may not end an admin's sessions; an admin of another workspace may not end
    // the sessions of someone outside it.
    expect_status(
        app.call(
            &member,
            "members/end_sessions",
            &[("ws", "acme"), ("user_id", &admin_id)],
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let olive = app.outsider(true).await;
    expect_status(
        app.call(
            &olive,
            "members/end_sessions",
            &[("ws", "initech"), ("user_id", &member_id)],
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(who(&app, &member).await.as_deref(), Some(MEMBER.0));

    let admin = app.signed_in(ADMIN).await;
    expect_status(
        app.call(
            &admin,
            "members/end_sessions",
            &[("ws", "acme"), ("user_id", &member_id)],
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(who(&app, &member).await, None);
    assert_eq!(who(&app, &admin).await.as_deref(), Some(ADMIN.0));
}

#[tokio::test]
async fn removing_a_member_ends_their_membership_and_sessions_and_is_audited() {
    let app = spawn_app().await;
    let member = app.signed_in(MEMBER).await;
    let admin = app.signed_in(ADMIN).await;
    let member_id = user_id(&app, MEMBER.0).await.to_string();
    let admin_id = user_id(&app, ADMIN.0).await.to_string();

    // The only admin cannot remove themselves.
    let body = expect_status(
        app.call(
            &admin,
            "members/remove",
            &[("ws", "acme"), ("user_id", &admin_id)],
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(body.contains("at least one admin"), "{body}");
    // A member cannot remove anybody.
    expect_status(
        app.call(
            &member,
            "members/remove",
            &[("ws", "acme"), ("user_id", &admin_id)],
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;

    expect_status(
        app.call(
            &admin,
            "members/remove",
            &[("ws", "acme"), ("user_id", &member_id)],
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(who(&app, &member).await, None);
    let acme = app.workspace_id("acme").await;
    let left: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM memberships WHERE workspace_id = $1 AND user_id = $2",
    )
    .bind(acme)
    .bind(user_id(&app, MEMBER.0).await)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(left, 0);
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE workspace_id = $1 AND action = 'member.remove'",
    )
    .bind(acme)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);
    // Signing in again works, but Acme is no longer theirs.
    let again = app.signed_in(MEMBER).await;
    expect_status(
        app.call(&again, "members/list", &[("ws", "acme")]).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn changing_the_password_ends_the_other_sessions_and_keeps_this_one() {
    let app = spawn_app().await;
    let here = app.signed_in(MEMBER).await;
    let elsewhere = app.signed_in(MEMBER).await;
    expect_status(
        app.call(
            &here,
            "account/change_password",
            &[
                ("current", MEMBER.1),
                ("password", NEW_PASSWORD),
                ("confirm", NEW_PASSWORD),
            ],
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(who(&app, &here).await.as_deref(), Some(MEMBER.0));
    assert_eq!(who(&app, &elsewhere).await, None);
    assert_eq!(
        sign_in_status(&app, MEMBER.0, MEMBER.1).await,
        StatusCode::UNAUTHORIZED
    );
    assert!(sign_in_status(&app, MEMBER.0, NEW_PASSWORD)
        .await
        .is_success());
}

#[tokio::test]
async fn a_password_change_needs_the_current_password_and_a_strong_new_one() {
    let app = spawn_app().await;
    let client = app.signed_in(MEMBER).await;
    let attempts = [
        (
            "not-the-password",
            NEW_PASSWORD,
            NEW_PASSWORD,
            "current",
            "incorrect",
        ),
        (MEMBER.1, "short", "short", "password", "too weak"),
        (
            MEMBER.1,
            NEW_PASSWORD,
            "a-different-passphrase",
            "confirm",
            "do not match",
        ),
    ];
    for (current, new, confirm, field, message) in attempts {
        let body = expect_status(
            app.call(
                &client,
                "account/change_password",
                &[
                    ("current", current),
                    ("password", new),
                    ("confirm", confirm),
                ],
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(body.contains(field) && body.contains(message), "{body}");
        assert!(!body.contains(current) && !body.contains(new), "{body}");
    }
    assert!(sign_in_status(&app, MEMBER.0, MEMBER.1).await.is_success());
    assert_eq!(who(&app, &client).await.as_deref(), Some(MEMBER.0));
}

/// The four dangerous actions as the admin's client performs them.
async fn dangerous_actions(app: &TestApp, admin: &Client, member_id: &str) -> Vec<StatusCode> {
    vec![
        app.call(
            admin,
            "secrets/purge",
            &[("ws", "acme"), ("name", "old_key")],
        )
        .await
        .status(),
        app.call(
            admin,
            "agents/issue_token",
            &[("ws", "acme"), ("agent", "billing-worker")],
        )
        .await
        .status(),
        app.call(
            admin,
            "members/set_role",
            &[("ws", "acme"), ("user_id", member_id), ("role", "member")],
        )
        .await
        .status(),
        admin
            .get(app.url("/export/acme/audit?format=json"))
            .send()
            .await
            .unwrap()
            .status(),
    ]
}

#[tokio::test]
async fn dangerous_actions_ask_for_the_password_again_after_reauth_minutes() {
    let app = spawn_app_with(|c| c.sign_in.reauth_minutes = 10).await;
    let admin = app.signed_in(ADMIN).await;
    let member_id = user_id(&app, MEMBER.0).await.to_string();
    let secret = [("ws", "acme"), ("name", "old_key")];
    expect_status(
        app.create_secret(&admin, "acme", "old_key", "v", &[]).await,
        StatusCode::OK,
    )
    .await;
    expect_status(
        app.call(&admin, "secrets/delete", &secret).await,
        StatusCode::OK,
    )
    .await;

    // Signed in 11 minutes ago: still signed in, but not fresh enough to act.
    age(&app, ADMIN.0, 11 * 60, &["verified_at"], false).await;
    assert_eq!(who(&app, &admin).await.as_deref(), Some(ADMIN.0));
    let refused = app
        .call(
            &admin,
            "agents/issue_token",
            &[("ws", "acme"), ("agent", "billing-worker")],
        )
        .await;
    let body = expect_status(refused, StatusCode::UNAUTHORIZED).await;
    assert!(body.contains("ReauthRequired"), "{body}");
    assert_eq!(
        dangerous_actions(&app, &admin, &member_id).await,
        vec![StatusCode::UNAUTHORIZED; 4]
    );
    assert_eq!(app.count("agent_tokens").await, 0);
    // A browser following the export link is sent to the password prompt, and back after.
    let page = admin
        .get(app.url("/export/acme/audit?format=csv"))
        .header(reqwest::header::ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        page.headers()["location"],
        "/reauth?next=%2Fexport%2Facme%2Faudit%3Fformat%3Dcsv"
    );

    // A wrong password changes nothing.
    expect_status(
        app.call(
            &admin,
            "account/reauthenticate",
            &[("password", "not-the-password")],
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        dangerous_actions(&app, &admin, &member_id).await,
        vec![StatusCode::UNAUTHORIZED; 4]
    );

    expect_status(
        app.call(&admin, "account/reauthenticate", &[("password", ADMIN.1)])
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        dangerous_actions(&app, &admin, &member_id).await,
        vec![StatusCode::OK; 4]
    );
}

// The production cookie (`__Host-`, `Secure`) and HSTS are tested on the router's session
// layer in `server/src/session_cookie.rs`: a production server refuses to start with the
// demo accounts this suite seeds.

#[tokio::test]
async fn a_session_that_keeps_typing_wrong_passwords_is_ended() {
    let app = spawn_app().await;
    let thief = app.signed_in(ADMIN).await;
    for _ in 0..4 {
        expect_status(
            app.call(
                &thief,
                "account/reauthenticate",
                &[("password", "guess-guess-guess")],
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let wrong_current = [
        ("current", "guess-guess-guess"),
        ("password", NEW_PASSWORD),
        ("confirm", NEW_PASSWORD),
    ];
    expect_status(
        app.call(&thief, "account/change_password", &wrong_current)
            .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(who(&app, &thief).await, None);
    // The account itself is untouched.
    assert!(sign_in_status(&app, ADMIN.0, ADMIN.1).await.is_success());
}
