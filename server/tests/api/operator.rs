//! The platform operator: a role the CLI alone grants, that switches workspaces' flags with
//! a reason and reads the platform audit log, and that opens nothing inside a workspace.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{expect_status, spawn_app, TestApp, ADMIN, MEMBER, OPERATOR};

async fn console(app: &TestApp, client: &reqwest::Client) -> Value {
    let body = expect_status(
        app.call(client, "operator/console", &[]).await,
        StatusCode::OK,
    )
    .await;
    serde_json::from_str(&body).unwrap()
}

async fn overview(app: &TestApp, client: &reqwest::Client, ws: &str) -> Value {
    let body = expect_status(
        app.call(client, "workspace/overview", &[("ws", ws)]).await,
        StatusCode::OK,
    )
    .await;
    serde_json::from_str(&body).unwrap()
}

#[tokio::test]
async fn an_operator_switches_a_flag_with_a_reason_and_the_admin_sees_when_and_why() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    app.create_secret(
        &admin,
        "acme",
        "stripe_api_key",
        "sk_live_operator_must_not_see",
        &[],
    )
    .await;
    let operator = app.signed_in(OPERATOR).await;

    let page = console(&app, &operator).await;
    let workspaces = page["workspaces"].as_array().unwrap();
    let acme = workspaces.iter().find(|w| w["slug"] == "acme").unwrap();
    assert_eq!(acme["secrets_enabled"], true);
    assert_eq!(acme["members"], 2);
    assert_eq!(acme["secrets"], 1);
    let globex = workspaces.iter().find(|w| w["slug"] == "globex").unwrap();
    assert_eq!(globex["secrets_enabled"], false);
    let text = page.to_string();
    assert!(
        !text.contains("stripe_api_key") && !text.contains("sk_live"),
        "{text}"
    );

    // No reason: refused with a message for the field, and nothing changes.
    let body = expect_status(
        app.call(
            &operator,
            "operator/switch_flag",
            &[("ws", "globex"), ("state", "on"), ("reason", "  ")],
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(
        body.contains("reason") && body.contains("Say why"),
        "{body}"
    );
    assert_eq!(overview(&app, &admin, "globex").await["secrets_tab"], false);
    let flag_entries: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM operator_events WHERE action LIKE 'workspace.flag.%'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let seeded = flag_entries;

    let body = expect_status(
        app.call(
            &operator,
            "operator/switch_flag",
            &[
                ("ws", "globex"),
                ("state", "on"),
                ("reason", "Pilot approved (TICKET-42)"),
            ],
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        body.contains("Globex Corp") && body.contains("true"),
        "{body}"
    );

    // The admin's next request sees the tab, and the overview says when and why.
    let frame = overview(&app, &admin, "globex").await;
    assert_eq!(frame["secrets_tab"], true);
    assert_eq!(frame["flag_change"]["on"], true);
    assert_eq!(frame["flag_change"]["reason"], "Pilot approved (TICKET-42)");
    expect_status(
        app.call(&admin, "secrets/list", &[("ws", "globex")]).await,
        StatusCode::OK,
    )
    .await;
    // A member is not told.
    let member = app.signed_in(MEMBER).await;
    assert_eq!(
        overview(&app, &member, "acme").await["flag_change"],
        Value::Null
    );

    // The platform audit log has who, which workspace, on/off, the reason; one entry.
    let log = console(&app, &operator).await["log"].clone();
    let first = &log[0];
    assert_eq!(first["actor"], OPERATOR.0);
    assert_eq!(first["action"], "workspace.flag.on");
    assert_eq!(first["workspace"], "globex");
    assert_eq!(first["reason"], "Pilot approved (TICKET-42)");
    assert!(first["at"].as_i64().unwrap() > 0);
    let after: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM operator_events WHERE action LIKE 'workspace.flag.%'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(after, seeded + 1);
    // And the workspace's own audit trail names the operator and the reason.
    let detail: String = sqlx::query_scalar(
        "SELECT e.actor || ' ' || e.detail FROM audit_events e JOIN workspaces w ON w.id = e.workspace_id \
         WHERE w.slug = 'globex' AND e.action = 'workspace.flag' ORDER BY e.id DESC LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        detail,
        format!(
            "{} secrets vault on: Pilot approved (TICKET-42)",
            OPERATOR.0
        )
    );

    // Off again: the admin's very next call is refused.
    expect_status(
        app.call(
            &operator,
            "operator/switch_flag",
            &[("ws", "globex"), ("state", "off"), ("reason", "Pilot over")],
        )
        .await,
        StatusCode::OK,
    )
    .await;
    expect_status(
        app.call(&admin, "secrets/list", &[("ws", "globex")]).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(
        overview(&app, &admin, "globex").await["flag_change"]["reason"],
        "Pilot over"
    );
}

#[tokio::test]
async fn the_operator_role_opens_nothing_inside_a_workspace() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    app.create_secret(&admin, "acme", "db_url", "postgres://secret", &[])
        .await;
    let operator = app.signed_in(OPERATOR).await;
    let ws = [("ws", "acme")];
    for f in [
        "workspace/overview",
        "secrets/list",
        "secrets/overview",
        "secrets/matrix",
        "agents/list",
        "members/list",
    ] {
        let body = expect_status(app.call(&operator, f, &ws).await, StatusCode::NOT_FOUND).await;
        assert!(!body.contains("db_url"), "{f}: {body}");
    }
    for f in ["secrets/detail", "secrets/agents"] {
        let args = [("ws", "acme"), ("name", "db_url")];
        expect_status(app.call(&operator, f, &args).await, StatusCode::NOT_FOUND).await;
    }
    let audit = [
        ("ws", "acme"),
        ("filter[secret]", ""),
        ("filter[agent]", ""),
        ("filter[action]", ""),
        ("filter[actor]", ""),
        ("filter[from]", ""),
        ("filter[to]", ""),
        ("filter[page]", "0"),
    ];
    expect_status(
        app.call(&operator, "secrets/audit", &audit).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    for path in ["/w/acme", "/w/acme/secrets", "/w/acme/secrets/audit"] {
        let body = expect_status(app.page(&operator, path).await, StatusCode::NOT_FOUND).await;
        assert!(!body.contains("db_url"), "{path}");
    }
    expect_status(
        operator
            .get(app.url("/export/acme/audit"))
            .send()
            .await
            .unwrap(),
        StatusCode::NOT_FOUND,
    )
    .await;
    // Switching a flag is not a way to grant oneself a workspace.
    expect_status(
        app.call(
            &operator,
            "operator/switch_flag",
            &[("ws", "globex"), ("state", "on"), ("reason", "check")],
        )
        .await,
        StatusCode::OK,
    )
    .await;
    expect_status(
        app.call(&operator, "secrets/list", &[("ws", "globex")])
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn only_operators_reach_the_console_and_only_the_cli_makes_them() {
    let app = spawn_app().await;
    let anonymous = app.client();
    expect_status(
        app.call(&anonymous, "operator/console", &[]).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let admin = app.signed_in(ADMIN).await;
    let member = app.signed_in(MEMBER).await;
    let switch = [("ws", "acme"), ("state", "off"), ("reason", "hostile")];
    for client in [&admin, &member] {
        expect_status(
            app.call(client, "operator/console", &[]).await,
            StatusCode::FORBIDDEN,
        )
        .await;
        expect_status(
            app.call(client, "operator/switch_flag", &switch).await,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    expect_status(
        app.call(&anonymous, "operator/switch_flag", &switch).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(overview(&app, &admin, "acme").await["secrets_tab"], true);
    let body = expect_status(app.page(&admin, "/operator").await, StatusCode::FORBIDDEN).await;
    assert!(!body.contains("Platform audit log"), "{body}");

    // The CLI grants the role; the admin's session gets the console on its next request.
    let out = app.cli(&["operator", "grant", ADMIN.0]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = console(&app, &admin).await;
    assert_eq!(page["log"][0]["action"], "operator.grant");
    assert_eq!(page["log"][0]["detail"], ADMIN.0);
    assert_eq!(page["log"][0]["actor"], "operator (CLI)");
    let body = expect_status(app.page(&admin, "/operator").await, StatusCode::OK).await;
    assert!(body.contains("Platform audit log"), "{body}");
    assert_eq!(overview(&app, &admin, "acme").await["me"]["operator"], true);

    // A switch from the CLI is in the same log, with its reason.
    let out = app.cli(&[
        "workspace",
        "flag",
        "globex",
        "secrets",
        "on",
        "--reason",
        "from the CLI",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let first = console(&app, &admin).await["log"][0].clone();
    assert_eq!(first["actor"], "operator (CLI)");
    assert_eq!(first["workspace"], "globex");
    assert_eq!(first["reason"], "from the CLI");
    // Without a reason the CLI refuses.
    let out = app.cli(&["workspace", "flag", "globex", "secrets", "off"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--reason"));

    let out = app.cli(&["operator", "revoke", ADMIN.0]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    expect_status(
        app.call(&admin, "operator/console", &[]).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let out = app.cli(&["operator", "list"]);
    let listed = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(listed.trim(), OPERATOR.0);
    // Revoking a user who is not an operator, or granting an unknown one, says so.
    let out = app.cli(&["operator", "grant", "nobody@example.test"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("user"));
}

#[tokio::test]
async fn a_flag_switch_asks_for_the_password_again_after_reauth_minutes() {
    let app = crate::helpers::spawn_app_with(|c| c.sign_in.reauth_minutes = 10).await;
    let operator = app.signed_in(OPERATOR).await;
    let admin = app.signed_in(ADMIN).await;
    // Signed in 11 minutes ago: a stolen session cannot switch a workspace's agents off.
    crate::sessions::age(&app, OPERATOR.0, 11 * 60, &["verified_at"], false).await;
    let off = [
        ("ws", "acme"),
        ("state", "off"),
        ("reason", "stolen session"),
    ];
    let body = expect_status(
        app.call(&operator, "operator/switch_flag", &off).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert!(body.contains("ReauthRequired"), "{body}");
    assert_eq!(overview(&app, &admin, "acme").await["secrets_tab"], true);
    // The console itself stays readable; the password brings the switch back.
    console(&app, &operator).await;
    expect_status(
        app.call(
            &operator,
            "account/reauthenticate",
            &[("password", OPERATOR.1)],
        )
        .await,
        StatusCode::OK,
    )
    .await;
    expect_status(
        app.call(&operator, "operator/switch_flag", &off).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(overview(&app, &admin, "acme").await["secrets_tab"], false);
}
