//! Authenticator codes against a clock the test controls (injected into the server's state),
//! so that the edges of the window are tested where they are, whenever the test runs: a code
//! one step either side is accepted, two steps off is refused, a step used (or an older one)
//! never works again, and the half-signed-in state ends five minutes after the password.

use reqwest::{Client, StatusCode};

use app::domain::clock::Clock;

use crate::helpers::*;
use crate::second_factor::code_at;

/// The last second of a 30-second step.
const T: i64 = 1_800_000_000 / 30 * 30 + 29;

async fn app_at(clock: &Clock) -> TestApp {
    let clock = clock.clone();
    spawn_app_with(move |config| config.clock = clock).await
}

/// Sets up an app for the member with the clock where it stands; its setup key.
async fn enrol_member(app: &TestApp, clock: &Clock) -> String {
    let client = app.signed_in(MEMBER).await;
    let body = expect_status(
        app.call(&client, "mfa/totp_begin", &[]).await,
        StatusCode::OK,
    )
    .await;
    let setup: serde_json::Value = serde_json::from_str(&body).unwrap();
    let key = setup["setup_key"].as_str().unwrap().to_string();
    let code = code_at(&key, clock.now());
    let res = app
        .call(&client, "mfa/totp_confirm", &[("code", &code)])
        .await;
    expect_status(res, StatusCode::OK).await;
    key
}

/// Whether the second step accepts `code` (a fresh password sign-in first when `client` is
/// `None`); the client, signed in or not.
async fn second_step(app: &TestApp, client: Option<Client>, code: &str) -> (bool, Client) {
    let client = match client {
        Some(client) => client,
        None => app.signed_in(MEMBER).await,
    };
    let res = app
        .call(&client, "auth/second_factor", &[("code", code)])
        .await;
    let accepted = res.status().is_success() || res.status().is_redirection();
    if accepted {
        assert_eq!(app.me(&client).await["email"], MEMBER.0);
    } else {
        assert!(app.me(&client).await.is_null(), "refused, yet signed in");
    }
    (accepted, client)
}

#[tokio::test]
async fn a_code_one_step_either_side_is_accepted_two_steps_off_refused_and_none_twice() {
    let clock = Clock::fixed(T - 60);
    let app = app_at(&clock).await;
    // Set up two steps back: the step used then is spent.
    let key = enrol_member(&app, &clock).await;
    clock.advance(60);

    let (ok, client) = second_step(&app, None, &code_at(&key, T + 31)).await;
    assert!(!ok, "two steps ahead");
    let (ok, client) = second_step(&app, Some(client), &code_at(&key, T - 60)).await;
    assert!(!ok, "the step of the setup, spent (and two steps back)");
    let (ok, _) = second_step(&app, Some(client), &code_at(&key, T - 30)).await;
    assert!(ok, "one step back");
    let (ok, _) = second_step(&app, None, &code_at(&key, T - 30)).await;
    assert!(!ok, "the same code again");
    let (ok, _) = second_step(&app, None, &code_at(&key, T + 1)).await;
    assert!(ok, "one step ahead, the first second of the next step");
    let (ok, _) = second_step(&app, None, &code_at(&key, T)).await;
    assert!(!ok, "an older step than one used");
}

#[tokio::test]
async fn the_half_signed_in_state_ends_five_minutes_after_the_password() {
    let clock = Clock::fixed(T);
    let app = app_at(&clock).await;
    let key = enrol_member(&app, &clock).await;

    let late = app.signed_in(MEMBER).await;
    clock.advance(300);
    let res = app
        .call(
            &late,
            "auth/second_factor",
            &[("code", &code_at(&key, T + 300))],
        )
        .await;
    expect_status(res, StatusCode::UNAUTHORIZED).await;
    assert!(app.me(&late).await.is_null());

    let in_time = app.signed_in(MEMBER).await;
    clock.advance(299);
    let (ok, _) = second_step(&app, Some(in_time), &code_at(&key, T + 599)).await;
    assert!(ok, "299 seconds after the password");
}
