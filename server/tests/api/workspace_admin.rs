//! Agents and Users tabs: members read, admins change, nobody else.

use reqwest::StatusCode;

use crate::helpers::{expect_status, spawn_app, ADMIN, MEMBER};

#[tokio::test]
async fn members_list_agents_but_cannot_create_them() {
    let app = spawn_app().await;
    let member = app.signed_in(MEMBER).await;
    let page: serde_json::Value = app
        .call_json(&member, "agents/list", &[("ws", "acme")])
        .await;
    assert_eq!(page["can_manage"], false);
    assert_eq!(page["agents"].as_array().unwrap().len(), 2);

    let body = expect_status(
        app.call(
            &member,
            "agents/create",
            &[("ws", "acme"), ("name", "sneaky")],
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(body.contains("Forbidden"));
    assert_eq!(
        app.agent_names("acme").await,
        ["billing-worker", "support-bot"]
    );
}

#[tokio::test]
async fn admins_create_agents_with_validated_unique_names() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    expect_status(
        app.call(
            &admin,
            "agents/create",
            &[("ws", "acme"), ("name", "report-runner")],
        )
        .await,
        StatusCode::OK,
    )
    .await;

    let body = expect_status(
        app.call(
            &admin,
            "agents/create",
            &[("ws", "acme"), ("name", "report-runner")],
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(body.contains("already exists"), "{body}");

    let body = expect_status(
        app.call(
            &admin,
            "agents/create",
            &[("ws", "acme"), ("name", "Bad Name!")],
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(body.contains("\"field\":\"name\""), "{body}");
    assert_eq!(
        app.agent_names("acme").await,
        ["billing-worker", "report-runner", "support-bot"]
    );
    // The same name in another workspace is fine.
    expect_status(
        app.call(
            &admin,
            "agents/create",
            &[("ws", "globex"), ("name", "report-runner")],
        )
        .await,
        StatusCode::OK,
    )
    .await;
}

#[tokio::test]
async fn admins_change_roles_and_members_cannot() {
    let app = spawn_app().await;
    let member = app.signed_in(MEMBER).await;
    let admin = app.signed_in(ADMIN).await;
    let members: serde_json::Value = app
        .call_json(&admin, "members/list", &[("ws", "acme")])
        .await;
    let id_of = |email: &str| {
        members["members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["email"] == email)
            .unwrap()["user_id"]
            .as_i64()
            .unwrap()
            .to_string()
    };
    let member_id = id_of(MEMBER.0);
    let admin_id = id_of(ADMIN.0);

    expect_status(
        app.call(
            &member,
            "members/set_role",
            &[("ws", "acme"), ("user_id", &member_id), ("role", "admin")],
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;

    // The only admin cannot demote themselves.
    let body = expect_status(
        app.call(
            &admin,
            "members/set_role",
            &[("ws", "acme"), ("user_id", &admin_id), ("role", "member")],
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(body.contains("at least one admin"), "{body}");

    expect_status(
        app.call(
            &admin,
            "members/set_role",
            &[("ws", "acme"), ("user_id", &member_id), ("role", "admin")],
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let audit: Vec<String> =
        sqlx::query_scalar("SELECT detail FROM audit_events WHERE action = 'member.role'")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        audit,
        ["member@acme.test is now admin"],
        "only the applied change is audited"
    );
    // Promoted: the former member now passes the secrets gate.
    expect_status(
        app.call(&member, "secrets/list", &[("ws", "acme")]).await,
        StatusCode::OK,
    )
    .await;
}

#[tokio::test]
async fn a_role_change_cannot_reach_a_user_of_another_workspace() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    // The member belongs to acme only: globex's admin cannot touch them through globex.
    let member_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(MEMBER.0)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    expect_status(
        app.call(
            &admin,
            "members/set_role",
            &[
                ("ws", "globex"),
                ("user_id", &member_id.to_string()),
                ("role", "admin"),
            ],
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let globex_members: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM memberships m JOIN workspaces w ON w.id = m.workspace_id WHERE w.slug = 'globex'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(globex_members, 1);
}
