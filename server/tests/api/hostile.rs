//! Hostile networks: DNS rebinding (Host and Origin), and start-up refusals that keep a
//! demo configuration off the network and out of production.

use std::process::{Command, Output, Stdio};

use reqwest::header::{HOST, ORIGIN};
use reqwest::StatusCode;

use crate::helpers::{expect_status, spawn_app, spawn_app_with, PgDatabase, ADMIN};

#[tokio::test]
async fn a_rebinding_page_with_a_foreign_host_gets_421_not_the_sign_in_page() {
    let app = spawn_app().await;
    let port = app.addr.port();
    let evil = format!("evil.example:{port}");
    let page = app.get_as_host("/login", &evil).await;
    let body = expect_status(page, StatusCode::MISDIRECTED_REQUEST).await;
    assert!(!body.contains("password"), "{body}");
    let sign_in = app
        .client()
        .post(app.url("/api/auth/login"))
        .header(HOST, &evil)
        .header(ORIGIN, format!("http://{evil}"))
        .form(&[("email", ADMIN.0), ("password", ADMIN.1)])
        .send()
        .await
        .unwrap();
    assert_eq!(sign_in.status(), StatusCode::MISDIRECTED_REQUEST);
    let runtime = app.get_as_host("/v1/secrets", &evil).await;
    assert_eq!(runtime.status(), StatusCode::MISDIRECTED_REQUEST);
}

#[tokio::test]
async fn loopback_names_on_the_bound_port_are_served_in_development() {
    let app = spawn_app().await;
    let port = app.addr.port();
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
    ] {
        let res = app.get_as_host("/login", &host).await;
        assert_eq!(res.status(), StatusCode::OK, "{host}");
    }
    // Another port on a loopback name is another origin.
    let other_port = format!("localhost:{}", port.wrapping_add(1));
    let other = app.get_as_host("/login", &other_port).await;
    assert_eq!(other.status(), StatusCode::MISDIRECTED_REQUEST);
}

#[tokio::test]
async fn health_checks_answer_whatever_the_host() {
    let app = spawn_app().await;
    let res = app.get_as_host("/healthz", "10.1.2.3").await;
    assert_eq!(expect_status(res, StatusCode::OK).await, "ok");
}

#[tokio::test]
async fn origin_is_compared_with_our_origins_not_with_the_host_header() {
    let app = spawn_app().await;
    let port = app.addr.port();
    let sign_in = |origin: String| {
        app.client()
            .post(app.url("/api/auth/login"))
            .header(ORIGIN, origin)
            .form(&[("email", ADMIN.0), ("password", ADMIN.1)])
            .send()
    };
    // Same host and port, other scheme: another origin.
    let https = sign_in(format!("https://127.0.0.1:{port}")).await.unwrap();
    assert_eq!(https.status(), StatusCode::FORBIDDEN);
    let foreign = sign_in(format!("http://evil.example:{port}"))
        .await
        .unwrap();
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    // Another of our own names is fine, although it differs from the Host header.
    let own = sign_in(format!("http://localhost:{port}")).await.unwrap();
    assert!(own.status().is_success() || own.status().is_redirection());
}

#[tokio::test]
async fn a_public_url_is_the_name_the_server_answers_to() {
    let app =
        spawn_app_with(|c| c.http.public_url = Some("https://vault.example.com".into())).await;
    let page = app.get_as_host("/login", "vault.example.com").await;
    assert_eq!(page.status(), StatusCode::OK);
    let sign_in = app
        .client()
        .post(app.url("/api/auth/login"))
        .header(HOST, "vault.example.com")
        .header(ORIGIN, "https://vault.example.com")
        .form(&[("email", ADMIN.0), ("password", ADMIN.1)])
        .send()
        .await
        .unwrap();
    assert!(sign_in.status().is_success() || sign_in.status().is_redirection());
    let other = app.get_as_host("/login", "vault.example.org").await;
    let body = expect_status(other, StatusCode::MISDIRECTED_REQUEST).await;
    assert!(body.contains("https://vault.example.com"), "{body}");
}

/// 32 bytes in base64, for production-mode starts that must fail before serving.
const TEST_MASTER_KEY: &str = "BwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSY=";

/// Runs the `vault` binary with a fresh data directory and extra environment.
fn vault(dir: &tempfile::TempDir, args: &[&str], env: &[(&str, String)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vault"));
    cmd.args(args)
        .env("VAULT_DATA_DIR", dir.path())
        .env("VAULT_BIND", "127.0.0.1:0")
        .env_remove("VAULT_DATABASE_URL")
        .env_remove("VAULT_MODE")
        .env_remove("VAULT_PUBLIC_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("vault binary")
}

fn refused_with(out: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "expected a refusal: {stderr}");
    assert!(stderr.contains(needle), "expected {needle:?} in: {stderr}");
}

#[test]
fn development_refuses_a_network_bind_without_allow_remote() {
    let dir = tempfile::tempdir().unwrap();
    let out = vault(&dir, &["serve"], &[("VAULT_BIND", "0.0.0.0:0".into())]);
    refused_with(&out, "--allow-remote");
}

#[test]
fn production_refuses_to_start_while_a_demo_password_works() {
    let dir = tempfile::tempdir().unwrap();
    let seeded = vault(&dir, &["demo"], &[]);
    assert!(seeded.status.success(), "{seeded:?}");
    let db = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("vault.db").display()
    );
    let production = [
        ("VAULT_MODE", "production".to_string()),
        ("VAULT_DATABASE_URL", db),
        ("VAULT_MASTER_KEY", TEST_MASTER_KEY.to_string()),
        ("VAULT_PUBLIC_URL", "https://vault.example.com".into()),
    ];
    let out = vault(&dir, &["serve"], &production);
    refused_with(&out, "admin@acme.test");
    refused_with(&out, "member@acme.test");
}

#[test]
fn production_refuses_to_start_without_a_public_url() {
    let dir = tempfile::tempdir().unwrap();
    assert!(vault(&dir, &["migrate"], &[]).status.success());
    let db = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("vault.db").display()
    );
    let production = [
        ("VAULT_MODE", "production".to_string()),
        ("VAULT_DATABASE_URL", db),
        ("VAULT_MASTER_KEY", TEST_MASTER_KEY.to_string()),
    ];
    let out = vault(&dir, &["serve"], &production);
    refused_with(&out, "public_url");
}

#[tokio::test]
async fn demo_data_is_refused_on_a_postgres_database_that_holds_other_data() {
    // Only meaningful on PostgreSQL (SQLite in the data directory is the local default).
    let Some(pg) = PgDatabase::create().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let env = [("VAULT_DATABASE_URL", pg.url())];
    let fresh = vault(&dir, &["demo"], &env);
    assert!(fresh.status.success(), "{fresh:?}");
    let again = vault(&dir, &["demo"], &env);
    assert!(again.status.success(), "demo data alone is fine: {again:?}");
    let created = vault(&dir, &["workspace", "create", "hooli"], &env);
    assert!(created.status.success(), "{created:?}");
    let out = vault(&dir, &["serve", "--demo"], &env);
    refused_with(&out, "besides the demo ones");
}
