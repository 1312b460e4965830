//! An admin resets a member's lost second factor from the Users page: the member's sessions
//! end and the reset is audited; never their own factor, never someone outside the workspace,
//! and never someone who also belongs to a workspace this admin does not administer.

use reqwest::StatusCode;

use crate::helpers::*;
use crate::second_factor::enrol_signed_in;

async fn user_id(app: &TestApp, email: &str) -> String {
    let user = app::domain::identity::users::find_by_email(&app.pool, email)
        .await
        .unwrap()
        .expect("a user");
    user.id.to_string()
}

async fn reset(app: &TestApp, admin: &reqwest::Client, ws: &str, id: &str) -> reqwest::Response {
    app.call(admin, "members/reset_2fa", &[("ws", ws), ("user_id", id)])
        .await
}

#[tokio::test]
async fn an_admin_resets_a_members_lost_factor_and_their_sessions_end() {
    let app = spawn_app().await;
    let member = app.signed_in(MEMBER).await;
    enrol_signed_in(&app, &member).await;
    let admin = app.signed_in(ADMIN).await;
    let member_id = user_id(&app, MEMBER.0).await;
    let admin_id = user_id(&app, ADMIN.0).await;

    // Not their own (the Account page does that), and not someone outside the workspace.
    let res = reset(&app, &admin, "acme", &admin_id).await;
    expect_status(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let olive = app.outsider(true).await;
    let res = reset(&app, &olive, "initech", &member_id).await;
    expect_status(res, StatusCode::NOT_FOUND).await;

    let res = reset(&app, &admin, "acme", &member_id).await;
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
    let res = reset(&app, &admin, "acme", &member_id).await;
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
    let res = reset(&app, &admin, "acme", &id).await;
    let body = expect_status(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body.contains("ask your operator"), "{body}");
    assert!(
        app::domain::identity::factors::enrolled(&app.pool, olive_id)
            .await
            .unwrap()
    );
}
