//! Opening an invitation's link and joining through it, once.

use reqwest::StatusCode;

use super::{
    audited, invitation_page, invite, lands_in, lone_account, register, role_in_acme, who,
    NEWCOMER, STRONG,
};
use crate::helpers::{expect_status, spawn_app, ADMIN, MEMBER};

#[tokio::test]
async fn an_admin_invites_and_the_link_works_once() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let (_, token) = invite(&app, &admin, NEWCOMER, "member").await;

    let visitor = app.client();
    let page = invitation_page(&app, &visitor, &token).await;
    assert!(
        page.contains("Join Acme Inc") && page.contains(NEWCOMER),
        "{page}"
    );
    assert!(page.contains("Create account and join"), "{page}");

    let joined = register(&app, &visitor, &token, STRONG, STRONG).await;
    lands_in(&joined, "/w/acme");
    assert_eq!(who(&app, &visitor).await.as_deref(), Some(NEWCOMER));
    assert_eq!(
        role_in_acme(&app, NEWCOMER).await.as_deref(),
        Some("member")
    );

    // The second use is refused and changes nothing.
    let users = app.count("users").await;
    let again = register(&app, &app.client(), &token, STRONG, STRONG).await;
    let body = expect_status(again, StatusCode::CONFLICT).await;
    assert!(body.contains("not valid"), "{body}");
    assert_eq!(app.count("users").await, users);
    let page = invitation_page(&app, &app.client(), &token).await;
    assert!(
        page.contains("not valid") && !page.contains("Acme"),
        "{page}"
    );
}

#[tokio::test]
async fn a_revoked_expired_or_used_link_is_refused_and_creates_nothing() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let (revoked_id, revoked) = invite(&app, &admin, "revoked@example.com", "member").await;
    let (_, expired) = invite(&app, &admin, "expired@example.com", "member").await;
    let (_, used) = invite(&app, &admin, "used@example.com", "admin").await;
    let res = app
        .call(
            &admin,
            "invitations/revoke",
            &[("ws", "acme"), ("id", &revoked_id.to_string())],
        )
        .await;
    expect_status(res, StatusCode::OK).await;
    sqlx::query("UPDATE invitations SET expires_at = $1 WHERE email = 'expired@example.com'")
        .bind(app::domain::now() - 1)
        .execute(&app.pool)
        .await
        .unwrap();
    lands_in(
        &register(&app, &app.client(), &used, STRONG, STRONG).await,
        "/w/acme",
    );
    let unknown = "A".repeat(43);

    let (users, members) = (app.count("users").await, app.count("memberships").await);
    for (token, says) in [
        (revoked.as_str(), "withdrawn"),
        (expired.as_str(), "expired"),
        (used.as_str(), "not valid"),
        (unknown.as_str(), "not valid"),
        ("not-a-token", "not valid"),
    ] {
        let page = invitation_page(&app, &app.client(), token).await;
        assert!(page.contains(says), "{token}: {page}");
        assert!(
            !page.contains("Acme") && !page.contains("@example.com"),
            "{token}: {page}"
        );
        let res = register(&app, &app.client(), token, STRONG, STRONG).await;
        let body = expect_status(res, StatusCode::CONFLICT).await;
        assert!(body.contains(says), "{token}: {body}");
    }
    assert_eq!(app.count("users").await, users);
    assert_eq!(app.count("memberships").await, members);
    // The list shows none of them.
    let list = app
        .call(&admin, "invitations/list", &[("ws", "acme")])
        .await;
    assert_eq!(expect_status(list, StatusCode::OK).await, "[]");
}

#[tokio::test]
async fn a_new_account_through_the_link_gets_the_role_and_lands_in_the_workspace() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let (_, token) = invite(&app, &admin, NEWCOMER, "admin").await;
    let visitor = app.client();
    lands_in(
        &register(&app, &visitor, &token, STRONG, STRONG).await,
        "/w/acme",
    );
    assert_eq!(role_in_acme(&app, NEWCOMER).await.as_deref(), Some("admin"));
    let page = expect_status(app.page(&visitor, "/w/acme/users").await, StatusCode::OK).await;
    assert!(page.contains("Invite a teammate"), "an admin's Users page");
    // The new account signs in with its password like any other.
    app.signed_in((NEWCOMER, STRONG)).await;
}

#[tokio::test]
async fn a_weak_password_is_a_field_error_and_creates_nothing() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let (_, token) = invite(&app, &admin, NEWCOMER, "member").await;
    let users = app.count("users").await;
    let visitor = app.client();
    let weak = expect_status(
        register(&app, &visitor, &token, "short", "short").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(
        weak.contains("password") && weak.contains("too weak"),
        "{weak}"
    );
    let mismatch = expect_status(
        register(&app, &visitor, &token, STRONG, "something-else-1").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(mismatch.contains("confirm"), "{mismatch}");
    assert_eq!(app.count("users").await, users);
    assert_eq!(who(&app, &visitor).await, None);
    // The link still works.
    lands_in(
        &register(&app, &visitor, &token, STRONG, STRONG).await,
        "/w/acme",
    );
}

#[tokio::test]
async fn an_existing_account_must_sign_in_with_that_email_to_accept() {
    let app = spawn_app().await;
    lone_account(&app, "zoe@example.com", "zoe-password-123").await;
    let admin = app.signed_in(ADMIN).await;
    let (_, token) = invite(&app, &admin, "zoe@example.com", "member").await;
    let here = format!("/invite/{token}");

    // Signed out: sign in first; no second account with that email.
    let page = invitation_page(&app, &app.client(), &token).await;
    assert!(page.contains("Sign in to accept"), "{page}");
    assert!(
        page.contains(&format!("/login?next=%2Finvite%2F{token}")),
        "{page}"
    );
    let users = app.count("users").await;
    let res = register(&app, &app.client(), &token, STRONG, STRONG).await;
    let body = expect_status(res, StatusCode::CONFLICT).await;
    assert!(body.contains("sign in"), "{body}");
    assert_eq!(app.count("users").await, users);

    // Signed in as someone else: told so, and refused.
    let member = app.signed_in(MEMBER).await;
    let page = invitation_page(&app, &member, &token).await;
    assert!(
        page.contains("You are signed in as") && page.contains(MEMBER.0),
        "{page}"
    );
    let refused = app
        .call(&member, "invitations/accept", &[("token", &token)])
        .await;
    expect_status(refused, StatusCode::FORBIDDEN).await;
    assert_eq!(role_in_acme(&app, "zoe@example.com").await, None);

    // Signing in with `next` comes back to the link; then Join.
    let zoe = app.client();
    let signed_in = app
        .call(
            &zoe,
            "auth/login",
            &[
                ("email", "zoe@example.com"),
                ("password", "zoe-password-123"),
                ("next", &here),
            ],
        )
        .await;
    lands_in(&signed_in, &here);
    let page = invitation_page(&app, &zoe, &token).await;
    assert!(page.contains("Join Acme Inc"), "{page}");
    let joined = app
        .call(&zoe, "invitations/accept", &[("token", &token)])
        .await;
    lands_in(&joined, "/w/acme");
    assert_eq!(
        role_in_acme(&app, "zoe@example.com").await.as_deref(),
        Some("member")
    );
}

#[tokio::test]
async fn sign_in_follows_only_a_next_path_of_this_site() {
    let app = spawn_app().await;
    for (next, lands) in [
        ("/w/acme/users", "/w/acme/users"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example", "/"),
        ("", "/"),
    ] {
        let res = app
            .call(
                &app.client(),
                "auth/login",
                &[("email", ADMIN.0), ("password", ADMIN.1), ("next", next)],
            )
            .await;
        lands_in(&res, lands);
    }
}

#[tokio::test]
async fn two_acceptances_at_once_make_one_membership() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    // Two browsers creating the account at once.
    let (_, token) = invite(&app, &admin, NEWCOMER, "member").await;
    let (a, b) = (app.client(), app.client());
    let (ra, rb) = tokio::join!(
        register(&app, &a, &token, STRONG, STRONG),
        register(&app, &b, &token, STRONG, STRONG)
    );
    let mut statuses = [ra.status(), rb.status()];
    statuses.sort();
    assert!(
        statuses[0].is_success() || statuses[0].is_redirection(),
        "{statuses:?}"
    );
    assert_eq!(statuses[1], StatusCode::CONFLICT, "{statuses:?}");
    assert_eq!(
        role_in_acme(&app, NEWCOMER).await.as_deref(),
        Some("member")
    );
    // Two sessions of one account joining at once.
    lone_account(&app, "zoe@example.com", "zoe-password-123").await;
    let (_, token) = invite(&app, &admin, "zoe@example.com", "member").await;
    let zoe = ("zoe@example.com", "zoe-password-123");
    let (a, b) = (app.signed_in(zoe).await, app.signed_in(zoe).await);
    let form = [("token", token.as_str())];
    let (ra, rb) = tokio::join!(
        app.call(&a, "invitations/accept", &form),
        app.call(&b, "invitations/accept", &form)
    );
    let mut statuses = [ra.status(), rb.status()];
    statuses.sort();
    assert!(
        statuses[0].is_success() || statuses[0].is_redirection(),
        "{statuses:?}"
    );
    assert_eq!(statuses[1], StatusCode::CONFLICT, "{statuses:?}");
    assert_eq!(audited(&app, "invitation.accept").await.len(), 2);
}
