//! What admins do with invitations, and what nobody else may.

use reqwest::StatusCode;
use serde_json::Value;

use super::{audited, invitation_page, invite, lands_in, register, role_in_acme, NEWCOMER, STRONG};
use crate::helpers::{expect_status, spawn_app, spawn_app_with, ADMIN, MEMBER};

#[tokio::test]
async fn a_member_can_neither_invite_nor_list_invitations() {
    let app = spawn_app().await;
    let member = app.signed_in(MEMBER).await;
    let form = [("ws", "acme"), ("email", NEWCOMER), ("role", "member")];
    expect_status(
        app.call(&member, "invitations/create", &form).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let list = app
        .call(&member, "invitations/list", &[("ws", "acme")])
        .await;
    expect_status(list, StatusCode::FORBIDDEN).await;
    assert_eq!(app.count("invitations").await, 0);
    // Their Users page has no invitations at all.
    let page = expect_status(app.page(&member, "/w/acme/users").await, StatusCode::OK).await;
    assert!(!page.contains("Invite a teammate") && !page.contains("Pending invitations"));
    // Nor can someone signed out.
    let anonymous = app.call(&app.client(), "invitations/create", &form).await;
    expect_status(anonymous, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn an_admin_of_another_workspace_cannot_revoke_this_workspaces_invitation() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let (id, token) = invite(&app, &admin, NEWCOMER, "member").await;
    let olive = app.outsider(false).await;
    let id = id.to_string();
    for ws in ["initech", "acme"] {
        let res = app
            .call(&olive, "invitations/revoke", &[("ws", ws), ("id", &id)])
            .await;
        expect_status(res, StatusCode::NOT_FOUND).await;
    }
    let list = app
        .call(&olive, "invitations/list", &[("ws", "initech")])
        .await;
    assert_eq!(expect_status(list, StatusCode::OK).await, "[]");
    let page = invitation_page(&app, &app.client(), &token).await;
    assert!(
        page.contains("Create account and join"),
        "still pending: {page}"
    );
    assert!(audited(&app, "invitation.revoke").await.is_empty());
}

#[tokio::test]
async fn a_link_lasts_the_configured_number_of_days() {
    let app = spawn_app_with(|c| c.sign_in.invitation_days = 2).await;
    let admin = app.signed_in(ADMIN).await;
    invite(&app, &admin, NEWCOMER, "member").await;
    let (created, expires): (i64, i64) =
        sqlx::query_as("SELECT created_at, expires_at FROM invitations")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(expires - created, 2 * 86_400);
}

#[tokio::test]
async fn inviting_an_admin_asks_for_the_password_again() {
    let app = spawn_app_with(|c| c.sign_in.reauth_minutes = 10).await;
    let admin = app.signed_in(ADMIN).await;
    crate::sessions::age(&app, ADMIN.0, 11 * 60, &["verified_at"], false).await;
    let form = [("ws", "acme"), ("email", NEWCOMER), ("role", "admin")];
    let refused = app.call(&admin, "invitations/create", &form).await;
    let body = expect_status(refused, StatusCode::UNAUTHORIZED).await;
    assert!(body.contains("ReauthRequired"), "{body}");
    assert_eq!(app.count("invitations").await, 0);
    // A member's invitation needs no fresh password...
    invite(&app, &admin, "plain@example.com", "member").await;
    // ...and once the password is confirmed, the admin's goes through.
    let confirm = app
        .call(&admin, "account/reauthenticate", &[("password", ADMIN.1)])
        .await;
    expect_status(confirm, StatusCode::OK).await;
    invite(&app, &admin, NEWCOMER, "admin").await;
    assert_eq!(app.count("invitations").await, 2);
}

#[tokio::test]
async fn the_token_is_stored_only_as_its_hash() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let (_, token) = invite(&app, &admin, NEWCOMER, "member").await;
    let stored: String = sqlx::query_scalar("SELECT token_hash FROM invitations")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        stored,
        app::domain::keys::digest::sha256_hex(token.as_bytes())
    );
    let row: (i64, String, String, i64) =
        sqlx::query_as("SELECT workspace_id, email, role, expires_at FROM invitations")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(!format!("{row:?}").contains(&token));
    // Nor does the list show it.
    let list = app
        .call(&admin, "invitations/list", &[("ws", "acme")])
        .await;
    let list = expect_status(list, StatusCode::OK).await;
    assert!(list.contains(NEWCOMER) && list.contains(ADMIN.0), "{list}");
    assert!(!list.contains(&token) && !list.contains(&stored), "{list}");
}

#[tokio::test]
async fn inviting_a_member_is_refused_and_inviting_again_replaces_the_older_link() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let form = [("ws", "acme"), ("email", MEMBER.0), ("role", "member")];
    let body = expect_status(
        app.call(&admin, "invitations/create", &form).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(body.contains("already a member"), "{body}");
    let (_, first) = invite(&app, &admin, NEWCOMER, "member").await;
    let (_, second) = invite(&app, &admin, "NewComer@Example.com", "admin").await;
    let page = invitation_page(&app, &app.client(), &first).await;
    assert!(page.contains("withdrawn"), "{page}");
    let list = app
        .call(&admin, "invitations/list", &[("ws", "acme")])
        .await;
    let list: Value = serde_json::from_str(&expect_status(list, StatusCode::OK).await).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["role"], "admin");
    lands_in(
        &register(&app, &app.client(), &second, STRONG, STRONG).await,
        "/w/acme",
    );
    assert_eq!(role_in_acme(&app, NEWCOMER).await.as_deref(), Some("admin"));
}

#[tokio::test]
async fn invitations_acceptances_and_revocations_are_audited_without_the_token() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let (id, revoked) = invite(&app, &admin, "gone@example.com", "member").await;
    let res = app
        .call(
            &admin,
            "invitations/revoke",
            &[("ws", "acme"), ("id", &id.to_string())],
        )
        .await;
    expect_status(res, StatusCode::OK).await;
    let (_, accepted) = invite(&app, &admin, NEWCOMER, "member").await;
    lands_in(
        &register(&app, &app.client(), &accepted, STRONG, STRONG).await,
        "/w/acme",
    );

    let created = audited(&app, "invitation.create").await;
    assert_eq!(created.len(), 2);
    assert_eq!(
        created[0],
        (
            ADMIN.0.to_string(),
            "invited gone@example.com as member".into()
        )
    );
    let revocations = audited(&app, "invitation.revoke").await;
    assert_eq!(
        revocations,
        [(
            ADMIN.0.to_string(),
            "revoked the invitation of gone@example.com".into()
        )]
    );
    let acceptances = audited(&app, "invitation.accept").await;
    assert_eq!(acceptances.len(), 1);
    assert_eq!(acceptances[0].0, NEWCOMER);
    assert!(
        acceptances[0].1.contains("joined as member"),
        "{:?}",
        acceptances[0]
    );

    let everything: Vec<String> =
        sqlx::query_scalar("SELECT actor || ' ' || action || ' ' || detail FROM audit_events")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    for token in [&revoked, &accepted] {
        assert!(
            everything.iter().all(|e| !e.contains(token.as_str())),
            "a token in the audit log"
        );
    }
}
