//! Attacks on the front door, tried as an attacker would: a sign-in form spelled another way,
//! parallel password guesses in one session, a copy of a cookie kept across a password change,
//! stored markup in a form field, and redirects to another host.

use app::domain::limits::Rate;
use futures::future::join_all;
use reqwest::header::{ACCEPT, CONTENT_TYPE, COOKIE, LOCATION};
use reqwest::{Client, StatusCode};

use crate::helpers::{
    expect_status, session_cookie, spawn_app, spawn_app_with, TestApp, ADMIN, MEMBER,
};

/// The `name=value` part of a `Set-Cookie` header, for a `Cookie` header.
fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap_or_default().to_string()
}

async fn raw_sign_in(app: &TestApp, body: &str) -> StatusCode {
    app.client()
        .post(app.url("/api/auth/login"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn the_account_limit_counts_every_spelling_of_the_sign_in_form() {
    let app = spawn_app_with(|c| {
        c.sign_in.sign_in_account_rate = Rate::per_hour(1);
        c.sign_in.sign_in_account_burst = 3;
        // Every request comes from one address: its own allowance (10 at once, one more
        // every 2 s) is not under test here, and must not depend on how fast passwords are
        // checked.
        c.sign_in.sign_in_rate = Rate::per_hour(1);
        c.sign_in.sign_in_burst = 100;
    })
    .await;
    let email = "member%40acme.test";
    let spellings = [
        format!("%5Bemail%5D={email}&password=wrong-wrong-wrong"),
        format!("email={email}&password=wrong-wrong-wrong"),
        "password=wrong-wrong-wrong&email=%20MEMBER%40acme.test".to_string(),
        format!("email={email}&email={email}&password=wrong-wrong-wrong"),
    ];
    let mut statuses = Vec::new();
    for _ in 0..2 {
        for body in &spellings {
            statuses.push(raw_sign_in(&app, body).await);
        }
    }
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    assert!(
        checked <= 3,
        "at most 3 passwords are checked: {statuses:?}"
    );
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    // The right password, in any spelling, is refused too while the account is throttled.
    for body in [
        format!("%5Bemail%5D={email}&password=member-demo-password"),
        format!("email={email}&password=member-demo-password"),
    ] {
        let status = raw_sign_in(&app, &body).await;
        assert!(
            !status.is_success() && !status.is_redirection(),
            "{body}: {status}"
        );
    }
    // Another account is not affected.
    assert!(
        raw_sign_in(&app, "email=admin%40acme.test&password=admin-demo-password")
            .await
            .is_success()
    );
}

/// `n` wrong passwords sent at once in one session to the server function `function`, each
/// form built by `form` from its guess; then what the session got back must show they were
/// counted one by one: at most four answered as wrong, and the session ended.
async fn guesses_at_once_end_the_session(
    app: &TestApp,
    session: &Client,
    function: &str,
    n: usize,
    form: fn(String) -> Vec<(&'static str, String)>,
) {
    let guesses = (0..n).map(|i| {
        let form = form(format!("guess-number-{i}"));
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call(session, function, &form).await.status()
        }
    });
    let statuses = join_all(guesses).await;
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    assert!(
        checked <= 4,
        "at most four wrong passwords are answered as wrong before the session ends: {statuses:?}"
    );
    let me = expect_status(app.call(session, "auth/me", &[]).await, StatusCode::OK).await;
    assert_eq!(me, "null", "the session is ended");
}

#[tokio::test]
async fn parallel_wrong_passwords_in_one_session_are_counted_one_by_one() {
    let app = spawn_app().await;
    let thief = app.signed_in(ADMIN).await;
    guesses_at_once_end_the_session(&app, &thief, "account/reauthenticate", 12, |guess| {
        vec![("password", guess)]
    })
    .await;
}

#[tokio::test]
async fn parallel_password_changes_in_one_session_are_counted_too() {
    let app = spawn_app().await;
    let thief = app.signed_in(MEMBER).await;
    guesses_at_once_end_the_session(&app, &thief, "account/change_password", 10, |guess| {
        let new = "a-brand-new-passphrase".to_string();
        vec![
            ("current", guess),
            ("password", new.clone()),
            ("confirm", new),
        ]
    })
    .await;
}

#[tokio::test]
async fn re_authentication_draws_on_the_accounts_sign_in_limit() {
    let app = spawn_app_with(|c| {
        c.sign_in.sign_in_account_rate = Rate::per_hour(1);
        c.sign_in.sign_in_account_burst = 3;
    })
    .await;
    // The sign-in is the first attempt; two re-authentications use up the rest.
    let session = app.signed_in(ADMIN).await;
    for _ in 0..2 {
        let res = app
            .call(&session, "account/reauthenticate", &[("password", ADMIN.1)])
            .await;
        expect_status(res, StatusCode::OK).await;
    }
    let res = app
        .call(&session, "account/reauthenticate", &[("password", ADMIN.1)])
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
}

/// Signs `who` in, calls `function` with `form` on that session's cookie, and checks that the
/// call gave the session a new id: the old cookie is signed out, the new one signed in.
async fn a_call_cycles_the_session(
    app: &TestApp,
    who: (&str, &str),
    function: &str,
    form: &[(&str, &str)],
) {
    let res = app.sign_in_response(who).await;
    let old = cookie_pair(&session_cookie(res.headers()).expect("session cookie"));
    let answer = app
        .client()
        .post(app.url(&format!("/api/{function}")))
        .header(COOKIE, &old)
        .form(form)
        .send()
        .await
        .unwrap();
    let new = session_cookie(answer.headers()).map(|c| cookie_pair(&c));
    expect_status(answer, StatusCode::OK).await;
    let new = new.unwrap_or_else(|| panic!("{function} sets a new session cookie"));
    assert_ne!(new, old);
    assert_eq!(app.me_with_cookie(&old).await, "null");
    assert!(app.me_with_cookie(&new).await.contains(who.0));
}

#[tokio::test]
async fn a_copy_of_the_cookie_from_before_a_password_change_is_signed_out() {
    let app = spawn_app().await;
    let form = [
        ("current", MEMBER.1),
        ("password", "a-brand-new-passphrase"),
        ("confirm", "a-brand-new-passphrase"),
    ];
    a_call_cycles_the_session(&app, MEMBER, "account/change_password", &form).await;
}

#[tokio::test]
async fn re_authentication_gives_the_session_a_new_id() {
    let app = spawn_app().await;
    let form = [("password", ADMIN.1)];
    a_call_cycles_the_session(&app, ADMIN, "account/reauthenticate", &form).await;
}

#[tokio::test]
async fn stored_markup_in_a_description_stays_text_in_its_field() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let hostile = "</textarea><b>x</b><form action=/api/auth/logout><h1 id=x>..</h1>";
    let created = app
        .call(
            &admin,
            "secrets/create",
            &[
                ("ws", "acme"),
                ("name", "hostile_text"),
                ("description", hostile),
                ("kind", "single"),
                ("value", "v-1"),
            ],
        )
        .await;
    assert!(created.status().is_success(), "{}", created.status());
    let page = app.page(&admin, "/w/acme/secret/hostile_text").await;
    let html = expect_status(page, StatusCode::OK).await;
    assert!(!html.contains("<b>x</b>"), "live markup on the page");
    assert!(!html.contains("<h1 id=x>"), "live markup on the page");
    let field = html
        .split("id=\"edit-description\"")
        .nth(1)
        .expect("the description field");
    let content = field.split("</textarea>").next().unwrap_or_default();
    assert!(
        content.contains("&lt;/textarea&gt;&lt;b&gt;x&lt;/b&gt;"),
        "the text is in the field, escaped: {content}"
    );
}

#[tokio::test]
async fn no_redirect_the_server_builds_leaves_our_origin() {
    let app = spawn_app().await;
    for path in [
        "//evil.example/x?__err=boom",
        "/%2F/evil.example/x?__err=boom",
        "/\\evil.example/x?__err=boom",
        "//evil.example/x?__path=%2Fapi&__err=e30&keep=1",
    ] {
        let res = app
            .client()
            .get(app.url(path))
            .header(ACCEPT, "text/html")
            .send()
            .await
            .unwrap();
        if let Some(location) = res.headers().get(LOCATION) {
            let location = location.to_str().unwrap();
            assert!(location.starts_with('/'), "{path}: {location}");
            assert!(
                !location.starts_with("//") && !location.starts_with("/\\"),
                "{path}: {location}"
            );
            assert!(
                !location.contains('\t') && !location.contains('\n'),
                "{path}"
            );
        }
    }
}
