//! An admin resets a member's lost second factor from the Users page: the member's sessions
//! end and the reset is audited; never their own factor, never someone outside the workspace,
//! and never someone who also belongs to a workspace this admin does not administer.

use reqwest::StatusCode;

use crate::helpers::*;
use crate::second_factor::enrol_signed_in;

#[tokio::test]
async fn an_admin_resets_a_members_lost_factor_and_their_sessions_end() {
    let app = spawn_app().await;
    let member = app.signed_in(MEMBER).await;
    enrol_signed_in(&app, &member).await;
    let admin = app.signed_in(ADMIN).await;
    let member_id = app::domain::identity::users::find_by_email(&app.pool, MEMBER.0)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    let admin_id = app::domain::identity::users::find_by_email(&app.pool, ADMIN.0)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();

    // Not their own (the Account page does that), and not someone outside the workspace.
    let res = app
        .call(
            &admin,
            "members/reset_2fa",
            &[("ws", "acme"), ("user_id", &admin_id)],
        )
        .await;
    expect_status(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let olive = app.outsider(true).await;
    let res = app
        .call(
            &olive,
            "members/reset_2fa",
            &[("ws", "initech"), ("user_id", &member_id)],
        )
        .await;
    expect_status(res, StatusCode::NOT_FOUND).await;

    let res = app
        .call(
            &admin,
            "members/reset_2fa",
            &[("ws", "acme"), ("user_id", &member_id)],
        )
        .await;
    expect_status(res, StatusCode::OK).await;
    assert!(app.me(&member).await.is_null(), "their session ended");
    let again = app.signed_in(MEMBER).await;
    assert_eq!(
        app.me(&again).await["email"],
        MEMBER.0,
        "the password alone signs in"
    );
    let trail: Vec<(String, String)> = sqlx::query_as(
        "SELECT actor, detail FROM audit_events WHERE action = '2fa.reset' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(trail.len(), 1);
    assert_eq!(trail[0].0, ADMIN.0);
    assert!(trail[0].1.contains(MEMBER.0), "{}", trail[0].1);
    let res = app
        .call(
            &admin,
            "members/reset_2fa",
            &[("ws", "acme"), ("user_id", &member_id)],
        )
        .await;
    expect_status(res, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn an_admin_of_one_workspace_cannot_reset_someone_who_also_belongs_to_another() {
    let app = spawn_app().await;
    let olive = app.outsider(true).await;
    enrol_signed_in(&app, &olive).await;
    // Olive also joins acme as a member: acme's admin does not administer initech.
    let olive_id: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'olive@initech.test'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let acme = app.workspace_id("acme").await;
    app::domain::admin::memberships::add(&app.pool, acme, olive_id, app::model::Role::Member)
        .await
        .unwrap();
    let admin = app.signed_in(ADMIN).await;
    let id = olive_id.to_string();
    let res = app
        .call(
            &admin,
            "members/reset_2fa",
            &[("ws", "acme"), ("user_id", &id)],
        )
        .await;
    let body = expect_status(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body.contains("ask your operator"), "{body}");
    assert!(
        app::domain::identity::factors::enrolled(&app.pool, olive_id)
            .await
            .unwrap()
    );
}
