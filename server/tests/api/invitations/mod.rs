//! Invitations over HTTP: an admin invites an email with a role, the link works once, for
//! that email only, until it expires or is revoked; everything is audited, never the token.
//! `admin`: what admins do and may not do; `joining`: opening the link and joining; `mail`:
//! the link mailed when SMTP is configured.

mod admin;
mod joining;
mod mail;

use reqwest::{Client, Response, StatusCode};
use serde_json::Value;

use crate::helpers::{expect_status, TestApp};

pub(super) const NEWCOMER: &str = "newcomer@example.com";
pub(super) const STRONG: &str = "a-strong-passphrase-1";

/// An invitation made by `client` into Acme: its id and its token.
pub(super) async fn invite(
    app: &TestApp,
    client: &Client,
    email: &str,
    role: &str,
) -> (i64, String) {
    let res = app
        .call(
            client,
            "invitations/create",
            &[("ws", "acme"), ("email", email), ("role", role)],
        )
        .await;
    let body: Value = serde_json::from_str(&expect_status(res, StatusCode::OK).await).unwrap();
    let link = body["link"].as_str().unwrap();
    let prefix = app.url("/invite/");
    assert!(link.starts_with(&prefix), "{link}");
    (
        body["view"]["id"].as_i64().unwrap(),
        link[prefix.len()..].to_string(),
    )
}

pub(super) async fn register(
    app: &TestApp,
    client: &Client,
    token: &str,
    password: &str,
    confirm: &str,
) -> Response {
    app.call(
        client,
        "invitations/register",
        &[
            ("token", token),
            ("name", "New Comer"),
            ("password", password),
            ("confirm", confirm),
        ],
    )
    .await
}

/// The page of the link, as a browser gets it.
pub(super) async fn invitation_page(app: &TestApp, client: &Client, token: &str) -> String {
    expect_status(
        app.page(client, &format!("/invite/{token}")).await,
        StatusCode::OK,
    )
    .await
}

pub(super) fn lands_in(res: &Response, path: &str) {
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    assert_eq!(res.headers()["location"], path);
}

pub(super) async fn who(app: &TestApp, client: &Client) -> Option<String> {
    let body = expect_status(app.call(client, "auth/me", &[]).await, StatusCode::OK).await;
    let me: Value = serde_json::from_str(&body).unwrap();
    me["email"].as_str().map(str::to_string)
}

/// `email`'s role in Acme, if a member.
pub(super) async fn role_in_acme(app: &TestApp, email: &str) -> Option<String> {
    sqlx::query_scalar(
        "SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id \
         JOIN workspaces w ON w.id = m.workspace_id WHERE w.slug = 'acme' AND u.email = $1",
    )
    .bind(email)
    .fetch_optional(&app.pool)
    .await
    .unwrap()
}

/// The details of Acme's audit events with `action`.
pub(super) async fn audited(app: &TestApp, action: &str) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT e.actor, e.detail FROM audit_events e JOIN workspaces w ON w.id = e.workspace_id \
         WHERE w.slug = 'acme' AND e.action = $1 ORDER BY e.id",
    )
    .bind(action)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

/// An account that belongs to no workspace yet.
pub(super) async fn lone_account(app: &TestApp, email: &str, password: &str) {
    app::domain::identity::users::create(&app.pool, email, "Zoe", password.to_string().into())
        .await
        .unwrap();
}
