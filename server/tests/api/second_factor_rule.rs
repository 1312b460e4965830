//! "Admins must use a second factor": who may switch it, every admin server function refusing
//! an admin without one while it is on (and answering once they set one up), members left
//! alone, and the audit trail and webhooks hearing of every factor change.

use reqwest::{Client, StatusCode};

use crate::helpers::*;
use crate::second_factor::enrol_signed_in;

/// Every server function an admin of `acme` calls, with arguments that parse. The Secrets
/// tab's own sweep (`secrets_access::calls`) comes first.
fn admin_calls() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    let ws = ("ws", "acme");
    let mut calls = crate::secrets_access::calls("acme");
    calls.extend([
        ("secrets/matrix", vec![ws]),
        ("secrets/apply_matrix", vec![ws]),
        ("workspace/overview", vec![ws]),
        ("workspace/second_factor_rule", vec![ws, ("on", "false")]),
        ("members/list", vec![ws]),
        (
            "members/set_role",
            vec![ws, ("user_id", "1"), ("role", "member")],
        ),
        ("members/end_sessions", vec![ws, ("user_id", "1")]),
        ("members/remove", vec![ws, ("user_id", "1")]),
        ("members/reset_2fa", vec![ws, ("user_id", "1")]),
        ("agents/list", vec![ws]),
        ("agents/create", vec![ws, ("name", "planted")]),
        ("agents/tokens", vec![ws, ("agent", "billing-worker")]),
        ("agents/issue_token", vec![ws, ("agent", "billing-worker")]),
        (
            "agents/rotate_token",
            vec![
                ws,
                ("agent", "billing-worker"),
                ("token_id", "1"),
                ("overlap_hours", "1"),
            ],
        ),
        (
            "agents/revoke_token",
            vec![ws, ("agent", "billing-worker"), ("token_id", "1")],
        ),
        ("agents/token_default", vec![ws, ("lifetime", "never")]),
        ("webhooks/list", vec![ws]),
        (
            "webhooks/create",
            vec![ws, ("url", "https://hooks.example.com/x")],
        ),
        ("webhooks/delete", vec![ws, ("id", "1")]),
        (
            "invitations/create",
            vec![ws, ("email", "new@acme.test"), ("role", "admin")],
        ),
        ("invitations/list", vec![ws]),
        ("invitations/revoke", vec![ws, ("id", "1")]),
    ]);
    calls
}

/// Makes the demo member an admin of acme: an admin without a second factor.
async fn promote_member(app: &TestApp) {
    sqlx::query(
        "UPDATE memberships SET role = 'admin' WHERE user_id = (SELECT id FROM users WHERE email = $1)",
    )
    .bind(MEMBER.0)
    .execute(&app.pool)
    .await
    .unwrap();
}

async fn set_rule(app: &TestApp, client: &Client, on: bool) -> reqwest::Response {
    let on = on.to_string();
    app.call(
        client,
        "workspace/second_factor_rule",
        &[("ws", "acme"), ("on", &on)],
    )
    .await
}

/// Everything a refused call could have changed.
async fn snapshot(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in [
        "secrets",
        "secret_versions",
        "secret_grants",
        "agents",
        "agent_tokens",
        "memberships",
        "webhooks",
        "invitations",
        "audit_events",
    ] {
        counts.push(app.count(table).await);
    }
    counts
}

#[tokio::test]
async fn only_an_admin_with_a_second_factor_switches_the_rule_and_it_is_audited() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let res = set_rule(&app, &admin, true).await;
    let body = expect_status(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        body.contains("Set up a second factor for your own account first"),
        "{body}"
    );
    let member = app.signed_in(MEMBER).await;
    let body = expect_status(set_rule(&app, &member, true).await, StatusCode::FORBIDDEN).await;
    assert!(body.contains("Forbidden"), "{body}");

    enrol_signed_in(&app, &admin).await;
    expect_status(set_rule(&app, &admin, true).await, StatusCode::OK).await;
    let page: serde_json::Value = app
        .call_json(&admin, "members/list", &[("ws", "acme")])
        .await;
    assert_eq!(page["second_factor_rule"], true);
    let details: Vec<(String, String)> = sqlx::query_as(
        "SELECT actor, detail FROM audit_events WHERE action = 'workspace.2fa_rule' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        details,
        [(
            ADMIN.0.to_string(),
            "admins must use a second factor".to_string()
        )]
    );
}

#[tokio::test]
async fn while_the_rule_is_on_an_admin_without_a_factor_is_refused_every_admin_function() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    enrol_signed_in(&app, &admin).await;
    expect_status(
        app.create_secret(&admin, "acme", "target", "the-value", &[])
            .await,
        StatusCode::OK,
    )
    .await;
    expect_status(set_rule(&app, &admin, true).await, StatusCode::OK).await;
    promote_member(&app).await;
    let second = app.signed_in(MEMBER).await;

    let before = snapshot(&app).await;
    for (f, args) in admin_calls() {
        let res = app.call(&second, f, &args).await;
        let body = expect_status(res, StatusCode::FORBIDDEN).await;
        assert!(body.contains("SecondFactorRequired"), "{f}: {body}");
    }
    assert_eq!(
        snapshot(&app).await,
        before,
        "a refused call changed something"
    );
    // The page of the workspace sends them to set one up, which the Account page offers.
    let status: serde_json::Value = app.call_json(&second, "mfa/status", &[]).await;
    assert_eq!(status["required_by"], serde_json::json!(["Acme Inc"]));

    // With an app of their own, the same admin is answered.
    enrol_signed_in(&app, &second).await;
    for f in [
        "secrets/list",
        "members/list",
        "agents/list",
        "webhooks/list",
    ] {
        let res = app.call(&second, f, &[("ws", "acme")]).await;
        expect_status(res, StatusCode::OK).await;
    }
    // An admin of the workspace who has one was never refused.
    let res = app.call(&admin, "secrets/list", &[("ws", "acme")]).await;
    expect_status(res, StatusCode::OK).await;
}

#[tokio::test]
async fn members_are_not_affected_and_other_workspaces_neither() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    enrol_signed_in(&app, &admin).await;
    expect_status(set_rule(&app, &admin, true).await, StatusCode::OK).await;
    let member = app.signed_in(MEMBER).await;
    for f in ["members/list", "agents/list", "workspace/overview"] {
        let res = app.call(&member, f, &[("ws", "acme")]).await;
        expect_status(res, StatusCode::OK).await;
    }
    // Who has a second factor is for admins to see.
    let factors = |body: String| -> Vec<bool> {
        let page: serde_json::Value = serde_json::from_str(&body).unwrap();
        page["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["second_factor"].as_bool().unwrap())
            .collect()
    };
    let seen_by_admin = app.call(&admin, "members/list", &[("ws", "acme")]).await;
    let seen_by_admin = factors(expect_status(seen_by_admin, StatusCode::OK).await);
    assert!(seen_by_admin.contains(&true), "{seen_by_admin:?}");
    let seen_by_member = app.call(&member, "members/list", &[("ws", "acme")]).await;
    let seen_by_member = factors(expect_status(seen_by_member, StatusCode::OK).await);
    assert!(!seen_by_member.contains(&true), "{seen_by_member:?}");
    // Globex has no rule: an admin there without a factor is answered.
    let olive = app.outsider(true).await;
    let res = app.call(&olive, "secrets/list", &[("ws", "initech")]).await;
    expect_status(res, StatusCode::OK).await;
}

#[tokio::test]
async fn factor_changes_reach_the_workspace_trail_and_its_webhooks() {
    let app = spawn_app_with(|c| c.webhooks.webhook_allow_private = true).await;
    let admin = app.signed_in(ADMIN).await;
    let mut form = vec![
        ("ws", "acme"),
        ("url", "http://127.0.0.1:9/hook"),
        ("events[0]", "2fa.enrol"),
        ("events[1]", "2fa.reset"),
    ];
    expect_status(
        app.call(&admin, "webhooks/create", &form).await,
        StatusCode::OK,
    )
    .await;
    form.clear();
    let member = app.signed_in(MEMBER).await;
    enrol_signed_in(&app, &member).await;
    let queued: Vec<(String, String)> =
        sqlx::query_as("SELECT event, body FROM webhook_deliveries ORDER BY id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert_eq!(queued[0].0, "2fa.enrol");
    let body: serde_json::Value = serde_json::from_str(&queued[0].1).unwrap();
    assert_eq!(body["workspace"], "acme");
    assert_eq!(body["actor"], MEMBER.0);
    let acme_trail: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_events WHERE action LIKE '2fa.%' ORDER BY id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(acme_trail, ["2fa.enrol"]);
}
