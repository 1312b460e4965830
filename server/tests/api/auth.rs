use reqwest::StatusCode;

use app::domain::limits::Rate;

use crate::helpers::{expect_status, session_cookie, spawn_app, spawn_app_with, ADMIN, MEMBER};

#[tokio::test]
async fn a_user_signs_in_and_sees_their_workspaces() {
    let app = spawn_app().await;
    let client = app.signed_in(ADMIN).await;
    let body = expect_status(app.call(&client, "auth/me", &[]).await, StatusCode::OK).await;
    let me: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(me["email"], "admin@acme.test");
    let slugs: Vec<&str> = me["workspaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["acme", "globex"]);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let app = spawn_app().await;
    let client = app.client();
    let wrong = app
        .call(
            &client,
            "auth/login",
            &[("email", ADMIN.0), ("password", "not-the-password")],
        )
        .await;
    assert!(
        session_cookie(wrong.headers()).is_none(),
        "a failed sign-in must not start a session"
    );
    let wrong = expect_status(wrong, StatusCode::UNAUTHORIZED).await;
    let unknown = app
        .call(
            &client,
            "auth/login",
            &[
                ("email", "nobody@acme.test"),
                ("password", "not-the-password"),
            ],
        )
        .await;
    let unknown = expect_status(unknown, StatusCode::UNAUTHORIZED).await;
    assert_eq!(wrong, unknown);
    let me = expect_status(app.call(&client, "auth/me", &[]).await, StatusCode::OK).await;
    assert_eq!(me, "null");
}

#[tokio::test]
async fn the_session_id_changes_at_sign_in_and_the_old_one_dies() {
    let app = spawn_app().await;
    let client = app.client();
    let first = app
        .call(
            &client,
            "auth/login",
            &[("email", MEMBER.0), ("password", MEMBER.1)],
        )
        .await;
    let first = session_cookie(first.headers()).expect("first session cookie");
    let second = app
        .call(
            &client,
            "auth/login",
            &[("email", ADMIN.0), ("password", ADMIN.1)],
        )
        .await;
    let second = session_cookie(second.headers()).expect("second session cookie");
    let value = |c: &str| c.split(';').next().unwrap().to_string();
    assert_ne!(value(&first), value(&second));

    // Replaying the first cookie (a fixation or theft attempt) reaches nobody's session.
    assert_eq!(app.me_with_cookie(&value(&first)).await, "null");
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_strict() {
    let app = spawn_app().await;
    let res = app.sign_in_response(ADMIN).await;
    let cookie = session_cookie(res.headers()).expect("session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "development mode serves plain http: {cookie}"
    );
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = spawn_app().await;
    let client = app.signed_in(ADMIN).await;
    let out = app.call(&client, "auth/logout", &[]).await;
    assert!(out.status().is_success() || out.status().is_redirection());
    assert_eq!(
        expect_status(app.call(&client, "auth/me", &[]).await, StatusCode::OK).await,
        "null"
    );
    let res = app.page(&client, "/w/acme/agents").await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(res.headers()["location"], "/login");
}

#[tokio::test]
async fn sessions_live_in_the_database() {
    let app = spawn_app().await;
    let _client = app.signed_in(ADMIN).await;
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 1);
    let data: String = sqlx::query_scalar("SELECT data FROM sessions")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(!data.contains(ADMIN.1), "no password in session data");
}

#[tokio::test]
async fn a_session_past_its_absolute_lifetime_is_signed_out() {
    let app = spawn_app().await;
    let client = app.signed_in(ADMIN).await;
    // Age the sign-in time by 13 hours (the default absolute lifetime is 12).
    let data: String = sqlx::query_scalar("SELECT data FROM sessions")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&data).unwrap();
    let at = json["auth_at"].as_i64().unwrap();
    json["auth_at"] = serde_json::json!(at - 13 * 3600);
    sqlx::query("UPDATE sessions SET data = $1")
        .bind(json.to_string())
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        expect_status(app.call(&client, "auth/me", &[]).await, StatusCode::OK).await,
        "null"
    );
}

#[tokio::test]
async fn password_guessing_is_throttled_per_client() {
    // A burst of 10, then one attempt per hour: nothing refills during the test, however
    // slow the machine. The per-account limit is out of the way (see abuse.rs for that one).
    let app = spawn_app_with(|c| {
        c.sign_in.sign_in_rate = Rate::per_hour(1);
        c.sign_in.sign_in_burst = 10;
        c.sign_in.sign_in_account_burst = 1000;
    })
    .await;
    let client = app.client();
    for attempt in 1..=10 {
        let res = app
            .call(
                &client,
                "auth/login",
                &[("email", ADMIN.0), ("password", "guess-guess-guess")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "guess {attempt}");
    }
    let res = app
        .call(
            &client,
            "auth/login",
            &[("email", ADMIN.0), ("password", "guess-guess-guess")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 60, "Retry-After {wait}");
    // The form gets its own error type back, saying how long to wait (about an hour; the
    // exact minutes depend on how long the ten guesses took).
    let refusal: app::error::AppError = serde_json::from_str(&res.text().await.unwrap()).unwrap();
    let app::error::AppError::Throttled(message) = refusal else {
        panic!("not a throttling error: {refusal:?}");
    };
    assert!(
        message.starts_with("Too many sign-in attempts from your network. Try again in ")
            && message.ends_with(" minutes."),
        "{message}"
    );
    // While throttled, even the right password is refused without being checked.
    let res = app
        .call(
            &client,
            "auth/login",
            &[("email", ADMIN.0), ("password", ADMIN.1)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(session_cookie(res.headers()).is_none());
}
