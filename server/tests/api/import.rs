//! Bulk import: a preview that writes nothing, an import that is one transaction (or nothing),
//! suggested names only when accepted, and the same from the CLI.

use std::process::{Command, Output};

use reqwest::{Client, StatusCode};
use serde_json::Value;

use app::domain::secrets::import;
use app::model::import::ImportOptions;

use crate::helpers::{demo_admin_gate, expect_status, spawn_app, spawn_app_with, TestApp, ADMIN};

/// `secrets/import` as the page posts it: a preview, or the import with the flag `confirm`.
async fn call(app: &TestApp, admin: &Client, text: &str, flags: &[&str]) -> reqwest::Response {
    let mut form = vec![("ws", "acme"), ("text", text)];
    for flag in flags {
        form.push((flag, "true"));
    }
    app.call(admin, "secrets/import", &form).await
}

async fn preview(app: &TestApp, admin: &Client, text: &str, flags: &[&str]) -> Value {
    let res = call(app, admin, text, flags).await;
    serde_json::from_str(&expect_status(res, StatusCode::OK).await).unwrap()
}

fn statuses(plan: &Value) -> Vec<(String, String)> {
    plan["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["name"].as_str().unwrap().into(), r["status"].to_string()))
        .collect()
}

#[tokio::test]
async fn a_preview_names_each_entry_writes_nothing_and_an_invalid_import_writes_nothing() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    app.secrets_tab(&admin, "acme")
        .create("api_key", "v1")
        .await
        .ok()
        .await;
    let big = "x".repeat(70 * 1024);
    let text = format!("# a comment\nSTRIPE-KEY=sk_live_1\napi_key=v2\nbig={big}\nbroken line\n");

    let plan = preview(&app, &admin, &text, &[]).await;
    assert_eq!(
        (&plan["new"], &plan["skipped"], &plan["invalid"]),
        (&Value::from(0), &Value::from(1), &Value::from(3))
    );
    let rows = plan["rows"].as_array().unwrap();
    assert_eq!(rows[0]["source"], "line 2");
    assert_eq!(rows[0]["suggestion"], "stripe_key");
    assert!(
        rows[2]["reason"].as_str().unwrap().contains("64 KiB"),
        "{}",
        rows[2]
    );
    assert!(
        !plan.to_string().contains("sk_live_1"),
        "a preview never shows a value"
    );

    let res = call(&app, &admin, &text, &["confirm"]).await;
    let body = expect_status(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body.contains("nothing was imported"), "{body}");
    assert_eq!(app.count("secrets").await, 1);
    assert_eq!(app.count("secret_versions").await, 1);

    // Suggestions only when accepted; replacing only when chosen.
    let text = "STRIPE-KEY=sk_live_1\napi_key=v2\ndb_url=postgres://x\n";
    let plan = preview(&app, &admin, text, &["accept", "replace"]).await;
    assert_eq!(
        statuses(&plan),
        [
            ("stripe_key".into(), "\"New\"".into()),
            ("api_key".into(), "{\"Exists\":{\"replace\":true}}".into()),
            ("db_url".into(), "\"New\"".into()),
        ]
    );
    let res = call(&app, &admin, text, &["accept", "replace", "confirm"]).await;
    let done: Value = serde_json::from_str(&expect_status(res, StatusCode::OK).await).unwrap();
    assert_eq!(
        (&done["new"], &done["replaced"]),
        (&Value::from(2), &Value::from(1))
    );
    assert_eq!(app.count("secrets").await, 3);
    let detail = app
        .secrets_tab(&admin, "acme")
        .detail("api_key")
        .await
        .json()
        .await;
    assert_eq!(detail["version"], 2);
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_events WHERE action IN ('secret.create', 'secret.replace') ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "secret.create",
            "secret.create",
            "secret.replace",
            "secret.create"
        ]
    );

    // A JSON object: strings are single values, objects of strings key/value pairs.
    let json = r#"{"oauth_app": {"client_id": "c", "client_secret": "s"}, "webhook_token": "t"}"#;
    let res = call(&app, &admin, json, &["confirm"]).await;
    expect_status(res, StatusCode::OK).await;
    let detail = app
        .secrets_tab(&admin, "acme")
        .detail("oauth_app")
        .await
        .json()
        .await;
    assert_eq!(
        detail["key_names"],
        serde_json::json!(["client_id", "client_secret"])
    );
}

#[tokio::test]
async fn a_failing_entry_rolls_back_the_whole_import() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    app.secrets_tab(&admin, "acme")
        .create("api_key", "v1")
        .await
        .ok()
        .await;
    let gate = demo_admin_gate(&app.pool, "acme").await;
    // The first entry replaces a value, the second fails (a grant to another workspace's agent).
    let foreign = app.agent_id("globex", "etl-runner").await;
    let options = ImportOptions {
        replace: true,
        accept_suggestions: false,
        agents: vec![foreign],
    };
    let result = import::import(
        &app.pool,
        &app.keyring,
        &gate,
        "api_key=v2\nnew_key=n\n",
        &options,
        import::DEFAULT_MAX_ENTRIES,
    )
    .await;
    assert!(result.is_err());
    assert_eq!(app.count("secrets").await, 1);
    assert_eq!(
        app.count("secret_versions").await,
        1,
        "the replaced value was rolled back"
    );
}

#[tokio::test]
async fn an_import_above_the_entry_limit_is_refused_with_the_limit_and_writes_nothing() {
    let app = spawn_app_with(|c| c.import_max_entries = 3).await;
    let admin = app.signed_in(ADMIN).await;
    let before = app.count("secrets").await;
    let text = "a_1=x\na_2=x\na_3=x\na_4=x\n";
    for flags in [&[][..], &["confirm"][..]] {
        let body = expect_status(
            call(&app, &admin, text, flags).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(
            body.contains("4 entries") && body.contains("at most 3"),
            "{body}"
        );
    }
    assert_eq!(app.count("secrets").await, before);
    // At the limit it goes through.
    preview(&app, &admin, "a_1=x\na_2=x\na_3=x\n", &[]).await;
}

#[tokio::test]
async fn a_large_import_is_written_in_short_transactions_and_arrives_whole() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let before = app.count("secrets").await;
    let n = import::CHUNK * 2 + 7;
    let text: String = (0..n).map(|i| format!("bulk_{i}=value-{i}\n")).collect();
    let plan = preview(&app, &admin, &text, &["confirm"]).await;
    assert_eq!(plan["new"], n);
    assert_eq!(app.count("secrets").await, before + n as i64);
    let created: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'secret.create' AND secret_name LIKE 'bulk_%'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(created, n as i64, "one audit event per secret");
}

#[tokio::test]
async fn the_preview_says_what_will_be_stored_and_never_the_value() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let text = "plain_one=abc # a comment\nquoted_one=\"abc\" # c\nescaped_one=a\\nb\n";
    let plan = preview(&app, &admin, text, &[]).await;
    let stored: Vec<&str> = plan["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["stored"].as_str().unwrap())
        .collect();
    assert_eq!(stored, ["3 characters", "3 characters", "4 characters"]);
    let body = plan.to_string();
    assert!(!body.contains("abc"), "{body}");
}

fn vault(dir: &tempfile::TempDir, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vault"))
        .args(args)
        .env("VAULT_DATA_DIR", dir.path())
        .env_remove("VAULT_DATABASE_URL")
        .env_remove("VAULT_MODE")
        .output()
        .expect("vault binary")
}

#[test]
fn the_cli_prints_the_table_refuses_invalid_files_and_imports_with_grants() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["workspace", "create", "hooli"],
        vec![
            "workspace",
            "flag",
            "hooli",
            "secrets",
            "on",
            "--reason",
            "pilot",
        ],
        vec!["agent", "create", "hooli", "worker"],
    ] {
        let out = vault(&dir, &args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let good = dir.path().join("good.env");
    std::fs::write(&good, "API_TOKEN=t\ndb_url=postgres://x\n").unwrap();
    let bad = dir.path().join("bad.env");
    std::fs::write(&bad, "db_url=postgres://x\nnot a line\n").unwrap();
    let file = |p: &std::path::Path| p.to_str().unwrap().to_string();

    let out = vault(&dir, &["import", "hooli", &file(&bad)]);
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("line 2") && stdout.contains("invalid"),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing was imported"));

    let out = vault(
        &dir,
        &[
            "import",
            "hooli",
            &file(&good),
            "--accept-suggestions",
            "--dry-run",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("api_token") && stdout.contains("2 new"),
        "{stdout}"
    );
    assert!(stdout.contains("dry run: nothing was written"));
    assert!(
        !stdout.contains("postgres://x"),
        "the table never shows a value"
    );

    let args = [
        "import",
        "hooli",
        &file(&good),
        "--accept-suggestions",
        "--grant",
        "worker",
    ];
    let out = vault(&dir, &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("imported: 2 new"));
    // Imported once: a second run finds both and skips them.
    let out = vault(
        &dir,
        &[
            "import",
            "hooli",
            &file(&good),
            "--accept-suggestions",
            "--dry-run",
        ],
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 new, 0 replaced, 2 skipped"));
}
