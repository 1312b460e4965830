//! `/metrics`: runtime reads by outcome, throttles, refused sign-ins, request latency, the
//! audit writer and the pool, in the OpenMetrics text format, without a secret's name, a
//! workspace or a token in it; and on a listener of its own when configured.

use reqwest::header::CONTENT_TYPE;
use reqwest::{Client, StatusCode};

use app::domain::limits::Rate;

use crate::helpers::{expect_status, spawn_app_with, TestApp, ADMIN};
use crate::instance::{url_after, Instance};
use crate::runtime::{grant, issue_token};

async fn metrics(app: &TestApp) -> String {
    let res = Client::new().get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("application/openmetrics-text"));
    res.text().await.unwrap()
}

/// The value of the sample line that starts with `series` (name and labels).
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no {series} in\n{text}"))
        .parse()
        .unwrap()
}

#[tokio::test]
async fn runtime_reads_sign_ins_and_latency_are_counted_without_names() {
    // Six runtime calls per token, then one per hour: the seventh is throttled.
    let app = spawn_app_with(|c| {
        c.runtime.runtime_rate = Rate::per_hour(1);
        c.runtime.runtime_burst = 6;
    })
    .await;
    let admin = app.signed_in(ADMIN).await;
    for (name, value) in [
        ("stripe_api_key", "sk_live_metric_value"),
        ("hidden_one", "x"),
    ] {
        expect_status(
            app.create_secret(&admin, "acme", name, value, &[]).await,
            StatusCode::OK,
        )
        .await;
    }
    grant(&app, &admin, "acme", "stripe_api_key", &["billing-worker"]).await;
    let token = issue_token(&app, &admin, "acme", "billing-worker").await;

    let client = Client::new();
    let native = |name: &str| client.get(app.url(&format!("/v1/secrets/{name}")));
    let expected = [
        ("stripe_api_key", StatusCode::OK),
        ("stripe_api_key", StatusCode::OK),
        ("hidden_one", StatusCode::FORBIDDEN),
        ("no_such_secret", StatusCode::NOT_FOUND),
    ];
    for (name, status) in expected {
        let res = native(name).bearer_auth(&token).send().await.unwrap();
        assert_eq!(res.status(), status, "{name}");
    }
    let res = client
        .get(app.url("/v1/secret/data/stripe_api_key"))
        .header("X-Vault-Token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = native("stripe_api_key")
        .bearer_auth("sv_not_a_real_token")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // The token's sixth call is its last before the refill; the seventh is throttled.
    let res = native("stripe_api_key")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = native("stripe_api_key")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    // A wrong password.
    let res = app
        .call(
            &app.client(),
            "auth/login",
            &[("email", ADMIN.0), ("password", "not-the-password")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    let text = metrics(&app).await;
    let reads = |api: &str, outcome: &str| {
        sample(
            &text,
            &format!("vault_runtime_reads_total{{api=\"{api}\",outcome=\"{outcome}\"}}"),
        )
    };
    assert_eq!(reads("native", "ok"), 3.0);
    assert_eq!(reads("native", "missing_access"), 1.0);
    assert_eq!(reads("native", "secret_not_found"), 1.0);
    assert_eq!(reads("native", "unknown_token"), 1.0);
    assert_eq!(reads("native", "throttled"), 1.0);
    assert_eq!(reads("vault", "ok"), 1.0);
    assert_eq!(
        sample(
            &text,
            "vault_sign_in_refusals_total{reason=\"credentials\"}"
        ),
        1.0
    );
    assert!(
        sample(
            &text,
            "vault_http_request_duration_seconds_count{route=\"runtime\",status=\"2xx\"}"
        ) >= 4.0
    );
    assert!(
        sample(
            &text,
            "vault_http_request_duration_seconds_count{route=\"server_fn\",status=\"2xx\"}"
        ) >= 3.0
    );
    assert!(sample(&text, "vault_audit_commit_duration_seconds_count") >= 1.0);
    assert_eq!(sample(&text, "vault_audit_queue_depth"), 0.0);
    assert!(sample(&text, "vault_db_pool_connections_idle") >= 0.0);
    assert!(sample(&text, "vault_db_pool_connections_in_use") >= 0.0);
    assert!(text.contains("vault_build_info{version=\""), "{text}");
    for private in [
        "stripe_api_key",
        "hidden_one",
        "sk_live",
        "acme",
        "billing-worker",
        token.as_str(),
        ADMIN.0,
    ] {
        assert!(!text.contains(private), "{private} in\n{text}");
    }
}

#[tokio::test]
async fn metrics_can_leave_the_public_address_and_logs_can_be_json() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("vault.db").display()
    );
    let key = dir.path().join("test.key");
    app::domain::keys::master_key::MasterKey::read_or_create_file(&key).unwrap();
    let server = Instance::start_with(
        &url,
        dir.path(),
        &key,
        &[
            ("VAULT_METRICS_BIND", "127.0.0.1:0"),
            ("VAULT_LOG_FORMAT", "json"),
        ],
    );
    // Every line the server logged is one JSON object with a level and a message.
    for line in &server.startup_log {
        let entry: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(entry["level"].is_string(), "{line}");
        assert!(entry["fields"]["message"].is_string(), "{line}");
    }
    let metrics = server
        .startup_log
        .iter()
        .find_map(|line| url_after(line, "metrics served at "))
        .expect("the metrics address is logged");
    let client = Client::new();
    let public = client.get(server.url("/metrics")).send().await.unwrap();
    assert_eq!(public.status(), StatusCode::NOT_FOUND);
    let res = client
        .get(format!("{metrics}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.unwrap();
    assert!(text.contains("vault_build_info"), "{text}");
    // The metrics listener serves nothing else.
    let res = client
        .get(format!("{metrics}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
