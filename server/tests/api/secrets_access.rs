//! Every Secrets server function, called by everyone who must be refused: anonymous, a
//! member, an admin of another workspace, an admin of a workspace with the flag off.
//! All are denied and nothing changes.

use reqwest::{Client, StatusCode};

use crate::helpers::{expect_status, spawn_app, TestApp, ADMIN, MEMBER};

/// Every Secrets endpoint with arguments aimed at acme's `target` secret.
pub(crate) fn calls(ws: &'static str) -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    let target = ("name", "target");
    vec![
        ("secrets/list", vec![("ws", ws)]),
        ("secrets/overview", vec![("ws", ws)]),
        (
            "secrets/import",
            vec![("ws", ws), ("text", "planted=x"), ("confirm", "true")],
        ),
        ("secrets/detail", vec![("ws", ws), target]),
        ("secrets/agents", vec![("ws", ws)]),
        ("secrets/trash", vec![("ws", ws)]),
        (
            "secrets/create",
            vec![
                ("ws", ws),
                ("name", "planted"),
                ("kind", "single"),
                ("value", "x"),
            ],
        ),
        (
            "secrets/describe",
            vec![("ws", ws), target, ("description", "defaced")],
        ),
        (
            "secrets/replace",
            vec![
                ("ws", ws),
                target,
                ("base_version", "1"),
                ("kind", "single"),
                ("value", "evil"),
            ],
        ),
        (
            "secrets/rollback",
            vec![("ws", ws), target, ("version", "1"), ("base_version", "1")],
        ),
        ("secrets/access", vec![("ws", ws), target]),
        (
            "secrets/policy",
            vec![
                ("ws", ws),
                target,
                ("interval", "1"),
                ("expires_on", "2000-01-01"),
            ],
        ),
        ("secrets/delete", vec![("ws", ws), target]),
        ("secrets/restore", vec![("ws", ws), target]),
        ("secrets/purge", vec![("ws", ws), target]),
    ]
}

/// Everything a denied call could have changed.
async fn snapshot(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT name || '|' || description || '|' || current_version || '|' || COALESCE(deleted_at, -1) \
         || '|' || COALESCE(rotation_days, -1) || '|' || COALESCE(expires_at, -1) FROM secrets ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap()
    .into_iter()
    .chain([
        format!("versions={}", app.count("secret_versions").await),
        format!("grants={}", app.count("secret_grants").await),
        format!("audit={}", app.count("audit_events").await),
    ])
    .collect()
}

async fn all_denied(
    app: &TestApp,
    who: &Client,
    ws: &'static str,
    status: StatusCode,
    error: &str,
) {
    let before = snapshot(app).await;
    for (f, args) in calls(ws) {
        let res = app.call(who, f, &args).await;
        let body = expect_status(res, status).await;
        assert!(body.contains(error), "{f}: {body}");
    }
    assert_eq!(
        snapshot(app).await,
        before,
        "a denied call changed something"
    );
}

async fn setup() -> (TestApp, Client) {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    expect_status(
        app.create_secret(&admin, "acme", "target", "the-value", &[])
            .await,
        StatusCode::OK,
    )
    .await;
    let billing = app.agent_id("acme", "billing-worker").await.to_string();
    expect_status(
        app.call(
            &admin,
            "secrets/access",
            &[("ws", "acme"), ("name", "target"), ("agents[0]", &billing)],
        )
        .await,
        StatusCode::OK,
    )
    .await;
    (app, admin)
}

#[tokio::test]
async fn anonymous_callers_are_denied_everything() {
    let (app, _) = setup().await;
    all_denied(
        &app,
        &app.client(),
        "acme",
        StatusCode::UNAUTHORIZED,
        "NotSignedIn",
    )
    .await;
}

#[tokio::test]
async fn members_are_denied_everything() {
    let (app, _) = setup().await;
    let member = app.signed_in(MEMBER).await;
    all_denied(&app, &member, "acme", StatusCode::FORBIDDEN, "Forbidden").await;
}

#[tokio::test]
async fn an_admin_of_another_workspace_is_denied_and_sees_nothing() {
    let (app, _) = setup().await;
    let olive = app.outsider(true).await;
    // Aimed at acme: the workspace does not exist for her.
    all_denied(&app, &olive, "acme", StatusCode::NOT_FOUND, "NotFound").await;
    // Aimed at acme's secret through her own workspace: the object does not exist there.
    let before = snapshot(&app).await;
    for (f, args) in calls("initech") {
        let res = app.call(&olive, f, &args).await;
        let status = res.status();
        if matches!(
            f,
            "secrets/list"
                | "secrets/overview"
                | "secrets/import"
                | "secrets/agents"
                | "secrets/trash"
                | "secrets/create"
        ) {
            continue; // her own workspace's collections are hers to use
        }
        let body = res.text().await.unwrap();
        assert_eq!(status, StatusCode::NOT_FOUND, "{f}: {body}");
    }
    let after = snapshot(&app).await;
    assert_eq!(after[0], before[0], "acme's secret is untouched");
}

#[tokio::test]
async fn an_admin_of_a_workspace_with_the_flag_off_is_denied_everything() {
    let (app, admin) = setup().await;
    crate::helpers::switch_flag(&app.pool, "acme", false).await;
    all_denied(
        &app,
        &admin,
        "acme",
        StatusCode::FORBIDDEN,
        "FeatureDisabled",
    )
    .await;
    all_denied(
        &app,
        &admin,
        "globex",
        StatusCode::FORBIDDEN,
        "FeatureDisabled",
    )
    .await;
}
