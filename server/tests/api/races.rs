//! Nothing races: rights are re-checked inside the write transaction, and purge and restore
//! are safe against each other and across server instances.

use reqwest::StatusCode;

use app::domain::identity::access::SecretsAdmin;
use app::domain::secrets::{store, trash};
use app::domain::{demo, identity::users, DomainError};
use app::model::Role;

use crate::helpers::{demo_admin_gate, expect_status, single_value, spawn_app, TestApp, ADMIN};

async fn gate(app: &TestApp) -> SecretsAdmin {
    demo_admin_gate(&app.pool, "acme").await
}

/// A write with rights that may have gone stale: returns its error.
async fn late_create(app: &TestApp, stale: &SecretsAdmin) -> DomainError {
    store::create(
        &app.pool,
        &app.keyring,
        stale,
        "late_write",
        "",
        &single_value("race-value"),
        &[],
    )
    .await
    .unwrap_err()
}

#[tokio::test]
async fn an_admin_demoted_after_the_check_cannot_complete_a_write() {
    let app = spawn_app().await;
    let stale = gate(&app).await;
    // The demotion commits between the rights check and the write.
    sqlx::query(
        "UPDATE memberships SET role = 'member' WHERE user_id = (SELECT id FROM users WHERE email = $1)",
    )
    .bind(ADMIN.0)
    .execute(&app.pool)
    .await
    .unwrap();
    let err = late_create(&app, &stale).await;
    assert!(matches!(err, DomainError::Forbidden), "{err:?}");
    let issued =
        app::domain::admin::tokens::issue(&app.pool, stale.admin(), "billing-worker", Some(90))
            .await;
    assert!(matches!(issued, Err(DomainError::Forbidden)));
    let member = users::find_by_email(&app.pool, demo::MEMBER.email)
        .await
        .unwrap()
        .unwrap();
    let promoted =
        app::domain::admin::memberships::set_role(&app.pool, stale.admin(), member.id, Role::Admin)
            .await;
    assert!(
        matches!(promoted, Err(DomainError::Forbidden)),
        "{promoted:?}"
    );
    assert_eq!(app.count("secrets").await, 0, "nothing was written");
    assert_eq!(app.count("agent_tokens").await, 0, "no token was issued");
}

#[tokio::test]
async fn a_write_just_after_the_flag_is_switched_off_is_refused() {
    let app = spawn_app().await;
    let stale = gate(&app).await;
    crate::helpers::switch_flag(&app.pool, "acme", false).await;
    let err = late_create(&app, &stale).await;
    assert!(matches!(err, DomainError::FeatureDisabled), "{err:?}");
    assert_eq!(app.count("secrets").await, 0);
}

/// A trashed secret whose 30 days are over.
async fn expired_in_trash(app: &TestApp, name: &str) {
    let admin = app.signed_in(ADMIN).await;
    expect_status(
        app.create_secret(&admin, "acme", name, "v", &[]).await,
        StatusCode::OK,
    )
    .await;
    expect_status(
        app.call(&admin, "secrets/delete", &[("ws", "acme"), ("name", name)])
            .await,
        StatusCode::OK,
    )
    .await;
    sqlx::query("UPDATE secrets SET deleted_at = deleted_at - 31 * 86400 WHERE name = $1")
        .bind(name)
        .execute(&app.pool)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_secret_restored_while_the_purge_runs_is_not_purged() {
    let app = spawn_app().await;
    expired_in_trash(&app, "saved_in_time").await;
    // The purge lists its candidates; then an admin restores the secret.
    let candidates = trash::expired(&app.pool).await.unwrap();
    assert_eq!(candidates.len(), 1);
    trash::restore(&app.pool, &gate(&app).await, "saved_in_time")
        .await
        .unwrap();
    let purged = trash::purge_expired_one(&app.pool, &candidates[0])
        .await
        .unwrap();
    assert!(!purged, "a restored secret must not be purged");
    let live: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM secrets WHERE name = 'saved_in_time' AND deleted_at IS NULL",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(live, 1);
    let purges: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE action = 'secret.purge'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(purges, 0, "no purge event for a purge that did not happen");
}

#[tokio::test]
async fn two_instances_purging_the_same_secret_write_one_purge_event() {
    let app = spawn_app().await;
    expired_in_trash(&app, "purged_once").await;
    // Both instances list the same candidate before either deletes it.
    let on_a = trash::expired(&app.pool).await.unwrap();
    let on_b = trash::expired(&app.pool).await.unwrap();
    let a = trash::purge_expired_one(&app.pool, &on_a[0]).await.unwrap();
    let b = trash::purge_expired_one(&app.pool, &on_b[0]).await.unwrap();
    assert!(a ^ b, "exactly one instance purges (a={a}, b={b})");
    let purges: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE action = 'secret.purge'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(purges, 1);
    // A restore after the purge finds nothing: not found, not a resurrection.
    let err = trash::restore(&app.pool, &gate(&app).await, "purged_once")
        .await
        .unwrap_err();
    assert!(matches!(err, DomainError::NotFound(_)), "{err:?}");
}
