//! A real Vault client reads our secrets unchanged: hvac, the Python library, run against the
//! server by `tests/vault_clients/hvac_check.py`, which asserts what the client gets back.
//! `scripts/setup` installs hvac into `tools/venv`.

use std::path::PathBuf;
use std::process::Command;

use serde_json::json;

use crate::helpers::ADMIN;
use crate::runtime::{issue_token, revoke_newest_token};
use crate::vault::vault_with_secrets;

fn python_with_hvac() -> PathBuf {
    if let Ok(python) = std::env::var("VAULT_TEST_PYTHON") {
        return python.into();
    }
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tools/venv/bin/python");
    assert!(
        venv.exists(),
        "{} is missing: run scripts/setup to install the hvac client",
        venv.display()
    );
    venv
}

#[tokio::test]
async fn hvac_reads_granted_secrets_and_versions_and_meets_vaults_refusals() {
    let (app, token) = vault_with_secrets().await;
    let admin = app.signed_in(ADMIN).await;
    let revoked = issue_token(&app, &admin, "acme", "billing-worker").await;
    revoke_newest_token(&app, &admin, "acme", "billing-worker").await;
    let expect = json!({
        "mount": "secret",
        "path": "stripe_api_key",
        "current_version": 2,
        "data": { "value": "sk_live_v2" },
        "v1_data": { "value": "sk_live_v1" },
        "custom_metadata": { "description": "Stripe live key" },
        "list_path": "",
        "list_keys": ["oauth_client", "stripe_api_key"],
        "missing_path": "no_such_secret",
        "forbidden_path": "payroll_db",
        "pairs_path": "oauth_client",
        "pairs_data": { "client_id": "cid-1", "client_secret": "cs-2" },
        "token": { "display_name": "billing-worker", "type": "service", "renewable": false },
        "health": { "initialized": true, "sealed": false, "standby": false },
        "revoked_token": revoked,
    });
    run_hvac(&app.url(""), &token, &expect).await;

    // The operator switches the workspace's vault off: the same client is refused everywhere.
    crate::helpers::switch_flag(&app.pool, "acme", false).await;
    app.see_changes().await;
    let flag_off = json!({ "mode": "flag_off", "path": "stripe_api_key" });
    run_hvac(&app.url(""), &token, &flag_off).await;
}

/// Runs the hvac script against `addr` and fails with its output unless every check passed.
async fn run_hvac(addr: &str, token: &str, expect: &serde_json::Value) {
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vault_clients/hvac_check.py");
    let mut command = Command::new(python_with_hvac());
    command
        .arg("-W")
        .arg("error::DeprecationWarning")
        .arg(script)
        .env("VAULT_ADDR", addr)
        .env("VAULT_TOKEN", token)
        .env("VAULT_EXPECT", expect.to_string());
    // The server runs on this test's runtime: wait for the client on another thread.
    let out = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .expect("run python");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(
        out.status.success(),
        "hvac check failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("OK: all checks passed"), "{stdout}");
}
