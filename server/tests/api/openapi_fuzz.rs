//! The OpenAPI document says exactly what the runtime APIs do: schemathesis (PyPI, installed
//! by `scripts/setup`), a property-based fuzzer driven by `/v1/openapi.json`, sends
//! schema-valid and schema-invalid requests to every operation with a real agent token and
//! fails on any difference (a valid request refused, an invalid one accepted, a status,
//! header or body the document does not state, a 405 without `Allow`). Seeded, so that a run
//! is repeatable.

use std::process::Command;

use app::domain::limits::Rate;

use crate::helpers::{installed_tool, spawn_app_with, ADMIN};
use crate::runtime::issue_token;

#[tokio::test]
async fn a_fuzzer_driven_by_the_openapi_document_finds_no_difference() {
    let Some(schemathesis) = installed_tool("VAULT_TEST_SCHEMATHESIS", "schemathesis") else {
        return;
    };
    // The fuzzer's requests must not meet the rate limit, which it cannot predict.
    let app = spawn_app_with(|c| {
        c.runtime.runtime_rate = Rate::per_second(10_000);
        c.runtime.runtime_burst = 1_000_000;
    })
    .await;
    let admin = app.signed_in(ADMIN).await;
    app.secrets_tab(&admin, "acme")
        .create("stripe_api_key", "v1")
        .await
        .ok()
        .await;
    crate::runtime::grant(&app, &admin, "acme", "stripe_api_key", &["billing-worker"]).await;
    let token = issue_token(&app, &admin, "acme", "billing-worker").await;
    let report = tempfile::tempdir().unwrap();
    let mut command = Command::new(schemathesis);
    command
        .arg("run")
        .arg(app.url("/v1/openapi.json"))
        .args(["--checks", "all"])
        .args([
            "--seed",
            "20261204",
            "--max-examples",
            "40",
            "--workers",
            "1",
        ])
        .args(["--request-timeout", "30"])
        .arg("--header")
        .arg(format!("Authorization: Bearer {token}"))
        .arg("--report-dir")
        .arg(report.path())
        .env("SCHEMATHESIS_HOOKS", "")
        .env("NO_COLOR", "1");
    let out = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .expect("run schemathesis");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(
        out.status.success(),
        "schemathesis found differences:\n{stdout}\n{stderr}"
    );
}
