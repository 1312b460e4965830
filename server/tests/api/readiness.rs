//! `/healthz` says the process answers; `/readyz` says it should get traffic: only while
//! its database answers with every migration this binary knows applied, and not once
//! shutdown has begun. Not ready is 503 with a short reason and nothing more.

use reqwest::StatusCode;

use crate::helpers::{expect_status, spawn_app, spawn_app_with, TestApp};

async fn probe(app: &TestApp, path: &str, status: StatusCode) -> String {
    expect_status(
        app.client().get(app.url(path)).send().await.unwrap(),
        status,
    )
    .await
}

#[tokio::test]
async fn a_fresh_server_is_ready_even_when_probed_by_address() {
    let app = spawn_app().await;
    assert_eq!(probe(&app, "/readyz", StatusCode::OK).await, "ready");
    assert_eq!(probe(&app, "/healthz", StatusCode::OK).await, "ok");
    // A load balancer probes by address, whatever public_url says.
    let res = app.get_as_host("/readyz", "10.1.2.3").await;
    assert_eq!(expect_status(res, StatusCode::OK).await, "ready");
}

#[tokio::test]
async fn a_failed_or_missing_migration_makes_the_server_not_ready() {
    let app = spawn_app().await;
    let last: i64 = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(&app.pool)
        .await
        .unwrap();

    // As sqlx leaves it when the migration's statements fail half-way.
    sqlx::query("UPDATE _sqlx_migrations SET success = FALSE WHERE version = $1")
        .bind(last)
        .execute(&app.pool)
        .await
        .unwrap();
    let body = probe(&app, "/readyz", StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(body, "migration failed");

    // As a database restored from before that migration, served by this binary.
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = $1")
        .bind(last)
        .execute(&app.pool)
        .await
        .unwrap();
    let body = probe(&app, "/readyz", StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(body, "migrations pending");
    // Alive all the while: restarting it would not help.
    assert_eq!(probe(&app, "/healthz", StatusCode::OK).await, "ok");
}

#[tokio::test]
async fn a_server_without_its_database_is_alive_but_not_ready() {
    let app = spawn_app().await;
    app.server_pool.close().await;
    let body = probe(&app, "/readyz", StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(body, "database unavailable");
    assert_eq!(probe(&app, "/healthz", StatusCode::OK).await, "ok");
}

#[tokio::test]
async fn a_draining_server_is_not_ready_but_still_answers_during_drain_seconds() {
    // A drain of an hour: the whole test runs inside it, however slow the machine.
    let app = spawn_app_with(|c| c.http.drain_seconds = 3600).await;
    assert_eq!(probe(&app, "/readyz", StatusCode::OK).await, "ready");
    app.shutdown.begin();
    let body = probe(&app, "/readyz", StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(body, "draining");
    // Requests still reaching it are served as usual until the listener closes.
    app.signed_in(crate::helpers::ADMIN).await;
    assert_eq!(probe(&app, "/healthz", StatusCode::OK).await, "ok");
}
