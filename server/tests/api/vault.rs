//! Vault clients read granted secrets through the KV v2-compatible API, with an agent token
//! as their Vault token; every answer and refusal is in Vault's shape.

use reqwest::header::{CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{json, Value};

use app::domain::limits::Rate;

use crate::helpers::{spawn_app, spawn_app_with, TestApp, ADMIN};
use crate::runtime::{grant, issue_token, revoke_newest_token};

const INVALID_TOKEN: &str = "2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n";
const PERMISSION_DENIED: &str = "1 error occurred:\n\t* permission denied\n\n";

/// acme with `stripe_api_key` (described, two versions) and `oauth_client` (pairs, no
/// description) granted to billing-worker, `payroll_db` granted to nobody; billing-worker's
/// token.
pub(crate) async fn vault_with_secrets() -> (TestApp, String) {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let tab = app.secrets_tab(&admin, "acme");
    tab.create_described("stripe_api_key", "Stripe live key", "sk_live_v1")
        .await
        .ok()
        .await;
    tab.replace("stripe_api_key", 1, "sk_live_v2")
        .await
        .ok()
        .await;
    let pairs = [("client_id", "cid-1"), ("client_secret", "cs-2")];
    tab.create_pairs("oauth_client", &pairs).await.ok().await;
    tab.create("payroll_db", "pg://payroll").await.ok().await;
    for name in ["stripe_api_key", "oauth_client"] {
        grant(&app, &admin, "acme", name, &["billing-worker"]).await;
    }
    // create_pairs describes the secret for tests; this one has no description.
    tab.describe("oauth_client", "").await.ok().await;
    let token = issue_token(&app, &admin, "acme", "billing-worker").await;
    (app, token)
}

async fn vault(app: &TestApp, method: &str, path: &str, token: Option<&str>) -> Response {
    let method = Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = Client::new().request(method, app.url(path));
    if let Some(token) = token {
        req = req.header("X-Vault-Token", token);
    }
    req.send().await.unwrap()
}

/// The status and JSON body, after checking the exact Content-Type Vault clients require.
async fn answer(res: Response) -> (StatusCode, Value) {
    let status = res.status();
    let content_type = res.headers().get(CONTENT_TYPE).cloned();
    let body = res.text().await.unwrap();
    assert_eq!(
        content_type.as_ref().and_then(|v| v.to_str().ok()),
        Some("application/json"),
        "{status}: {body}"
    );
    (status, serde_json::from_str(&body).unwrap())
}

fn assert_envelope(body: &Value, mount_type: &str) {
    assert_eq!(
        body["request_id"].as_str().map(str::len),
        Some(36),
        "{body}"
    );
    assert_eq!(body["lease_id"], "");
    assert_eq!(body["renewable"], false);
    assert_eq!(body["lease_duration"], 0);
    assert_eq!(body["wrap_info"], Value::Null);
    assert_eq!(body["warnings"], Value::Null);
    assert_eq!(body["auth"], Value::Null);
    assert_eq!(body["mount_type"], mount_type);
}

fn is_rfc3339_utc(t: &Value) -> bool {
    let t = t.as_str().unwrap_or_default();
    t.len() == 20 && t.ends_with('Z') && t.as_bytes()[10] == b'T'
}

#[tokio::test]
async fn a_vault_client_reads_current_and_earlier_versions_and_each_read_is_audited() {
    let (app, token) = vault_with_secrets().await;
    let res = vault(&app, "GET", "/v1/secret/data/stripe_api_key", Some(&token)).await;
    let (status, body) = answer(res).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_envelope(&body, "kv");
    assert_eq!(body["data"]["data"], json!({ "value": "sk_live_v2" }));
    let meta = &body["data"]["metadata"];
    assert_eq!(meta["version"], 2);
    assert_eq!(
        meta["custom_metadata"],
        json!({ "description": "Stripe live key" })
    );
    assert_eq!(meta["deletion_time"], "");
    assert_eq!(meta["destroyed"], false);
    assert!(is_rfc3339_utc(&meta["created_time"]), "{meta}");

    // An earlier version (rotation overlap), with the token as a bearer token this time.
    let res = Client::new()
        .get(app.url("/v1/secret/data/stripe_api_key?version=1"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let (status, body) = answer(res).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["data"], json!({ "value": "sk_live_v1" }));
    assert_eq!(body["data"]["metadata"]["version"], 1);

    let res = vault(&app, "GET", "/v1/secret/data/oauth_client", Some(&token)).await;
    let (_, body) = answer(res).await;
    assert_eq!(
        body["data"]["data"],
        json!({ "client_id": "cid-1", "client_secret": "cs-2" })
    );
    assert_eq!(body["data"]["metadata"]["custom_metadata"], Value::Null);

    let details: Vec<(String, String)> = sqlx::query_as(
        "SELECT secret_name, detail FROM audit_events WHERE action = 'secret.read' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let expected = [
        ("stripe_api_key", "version 2"),
        ("stripe_api_key", "version 1"),
        ("oauth_client", "version 1"),
    ];
    assert_eq!(details.len(), expected.len(), "{details:?}");
    for ((name, detail), (want_name, want_version)) in details.iter().zip(expected) {
        assert_eq!(name, want_name);
        assert!(detail.contains(want_version), "{detail}");
        assert!(detail.contains("Vault API"), "{detail}");
    }
}

#[tokio::test]
async fn metadata_and_lists_show_only_what_the_agent_may_read() {
    let (app, token) = vault_with_secrets().await;
    let res = vault(
        &app,
        "GET",
        "/v1/secret/metadata/stripe_api_key",
        Some(&token),
    )
    .await;
    let (status, body) = answer(res).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_envelope(&body, "kv");
    let m = &body["data"];
    assert_eq!(m["current_version"], 2);
    assert_eq!(m["oldest_version"], 1);
    assert_eq!(m["max_versions"], 0);
    assert_eq!(m["cas_required"], false);
    assert_eq!(m["delete_version_after"], "0s");
    assert_eq!(m["custom_metadata"]["description"], "Stripe live key");
    assert!(is_rfc3339_utc(&m["created_time"]) && is_rfc3339_utc(&m["updated_time"]));
    let versions: Vec<&String> = m["versions"].as_object().unwrap().keys().collect();
    assert_eq!(versions, ["1", "2"]);
    assert_eq!(m["versions"]["2"]["destroyed"], false);
    assert!(
        !body.to_string().contains("sk_live"),
        "metadata holds no value"
    );

    let keys = json!(["oauth_client", "stripe_api_key"]);
    for (method, path) in [
        ("LIST", "/v1/secret/metadata/"),
        ("LIST", "/v1/secret/metadata"),
        ("GET", "/v1/secret/metadata?list=true"),
        ("GET", "/v1/secret/metadata/?list=true"),
    ] {
        let (status, body) = answer(vault(&app, method, path, Some(&token)).await).await;
        assert_eq!(status, StatusCode::OK, "{method} {path}: {body}");
        assert_eq!(body["data"]["keys"], keys, "{method} {path}");
    }
    // No folders, and an agent without grants lists nothing: Vault's 404 with no errors.
    let (status, body) =
        answer(vault(&app, "LIST", "/v1/secret/metadata/billing/", Some(&token)).await).await;
    assert_eq!(
        (status, body),
        (StatusCode::NOT_FOUND, json!({ "errors": [] }))
    );
    let admin = app.signed_in(ADMIN).await;
    let support = issue_token(&app, &admin, "acme", "support-bot").await;
    let (status, body) =
        answer(vault(&app, "LIST", "/v1/secret/metadata/", Some(&support)).await).await;
    assert_eq!(
        (status, body),
        (StatusCode::NOT_FOUND, json!({ "errors": [] }))
    );
    // Metadata needs the same grant as the value.
    let res = vault(&app, "GET", "/v1/secret/metadata/payroll_db", Some(&token)).await;
    let (status, body) = answer(res).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["errors"], json!([PERMISSION_DENIED]));
}

#[tokio::test]
async fn refusals_are_in_vaults_shape_and_tell_a_missing_grant_from_a_missing_secret() {
    let (app, token) = vault_with_secrets().await;
    let stripe = "/v1/secret/data/stripe_api_key";
    for bad in [None, Some("svt_not_a_real_token_0000000000000000000000")] {
        let (status, body) = answer(vault(&app, "GET", stripe, bad).await).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(body, json!({ "errors": [INVALID_TOKEN] }));
    }
    let payroll = "/v1/secret/data/payroll_db";
    let (status, body) = answer(vault(&app, "GET", payroll, Some(&token)).await).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::FORBIDDEN,
            json!({ "errors": [PERMISSION_DENIED] })
        )
    );
    for missing in [
        "/v1/secret/data/no_such_secret",
        "/v1/secret/data/stripe_api_key?version=99",
    ] {
        let (status, body) = answer(vault(&app, "GET", missing, Some(&token)).await).await;
        assert_eq!(
            (status, body),
            (StatusCode::NOT_FOUND, json!({ "errors": [] })),
            "{missing}"
        );
    }
    for invalid in [
        "/v1/secret/data/Stripe-Key",
        "/v1/secret/data/team/stripe",
        "/v1/secret/data/stripe_api_key?version=two",
    ] {
        let (status, body) = answer(vault(&app, "GET", invalid, Some(&token)).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{invalid}: {body}");
        assert_eq!(body["errors"].as_array().map(Vec::len), Some(1));
    }
    // Agents only read: every write is refused and changes nothing.
    for method in ["PUT", "POST", "PATCH", "DELETE"] {
        for path in [stripe, "/v1/secret/metadata/stripe_api_key"] {
            let res = vault(&app, method, path, Some(&token)).await;
            // The server reads no body it refuses, so it closes the connection, and says so:
            // a client must not send its next request on it (hvac did, and lost the race).
            assert_eq!(
                res.headers().get("connection").map(|v| v.to_str().unwrap()),
                Some("close"),
                "{method} {path}"
            );
            let (status, body) = answer(res).await;
            assert_eq!(
                status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}: {body}"
            );
        }
    }
    let (_, body) = answer(vault(&app, "GET", stripe, Some(&token)).await).await;
    assert_eq!(body["data"]["metadata"]["version"], 2);

    // A trashed secret is not found; a revoked token and a switched-off flag are refused.
    let admin = app.signed_in(ADMIN).await;
    app.secrets_tab(&admin, "acme")
        .delete("oauth_client")
        .await
        .ok()
        .await;
    let (status, _) =
        answer(vault(&app, "GET", "/v1/secret/data/oauth_client", Some(&token)).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    crate::helpers::switch_flag(&app.pool, "acme", false).await;
    app.see_changes().await;
    for path in [stripe, "/v1/auth/token/lookup-self"] {
        let (status, body) = answer(vault(&app, "GET", path, Some(&token)).await).await;
        assert_eq!(
            (status, body),
            (
                StatusCode::FORBIDDEN,
                json!({ "errors": [PERMISSION_DENIED] })
            ),
            "{path}"
        );
    }
    crate::helpers::switch_flag(&app.pool, "acme", true).await;
    app.see_changes().await;
    revoke_newest_token(&app, &admin, "acme", "billing-worker").await;
    let (status, body) = answer(vault(&app, "GET", stripe, Some(&token)).await).await;
    assert_eq!(
        (status, body),
        (StatusCode::FORBIDDEN, json!({ "errors": [INVALID_TOKEN] }))
    );

    let outcomes: Vec<String> = sqlx::query_scalar(
        "SELECT outcome FROM audit_events WHERE action = 'secret.read_denied' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    for outcome in [
        "missing_access",
        "secret_not_found",
        "version_not_found",
        "feature_disabled",
        "token_revoked",
    ] {
        assert!(
            outcomes.iter().any(|o| o == outcome),
            "{outcome} not audited: {outcomes:?}"
        );
    }
}

#[tokio::test]
async fn vault_clients_find_health_their_token_and_a_kv_version_2_mount() {
    let (app, token) = vault_with_secrets().await;
    let (status, health) = answer(vault(&app, "GET", "/v1/sys/health", None).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (
            &health["initialized"],
            &health["sealed"],
            &health["standby"]
        ),
        (&json!(true), &json!(false), &json!(false))
    );
    assert!(health["server_time_utc"].is_i64() && health["version"].is_string());

    let path = "/v1/sys/internal/ui/mounts/secret/stripe_api_key";
    let (status, body) = answer(vault(&app, "GET", path, Some(&token)).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["path"], "secret/");
    assert_eq!(body["data"]["type"], "kv");
    assert_eq!(body["data"]["options"]["version"], "2");
    let other = "/v1/sys/internal/ui/mounts/kv/stripe_api_key";
    let (status, body) = answer(vault(&app, "GET", other, Some(&token)).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body["errors"][0]
        .as_str()
        .unwrap()
        .contains("preflight capability check returned 403"));
    let (_, mounts) = answer(vault(&app, "GET", "/v1/sys/mounts", Some(&token)).await).await;
    assert_eq!(mounts["data"].as_object().unwrap().len(), 1);
    assert_eq!(mounts["data"]["secret/"]["type"], "kv");
    assert_eq!(mounts["secret/"]["options"]["version"], "2");

    let before = time::OffsetDateTime::now_utc().unix_timestamp();
    let (status, body) =
        answer(vault(&app, "GET", "/v1/auth/token/lookup-self", Some(&token)).await).await;
    let after = time::OffsetDateTime::now_utc().unix_timestamp();
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_envelope(&body, "token");
    let d = &body["data"];
    assert!(token.starts_with(d["accessor"].as_str().unwrap()));
    assert_eq!(d["display_name"], "billing-worker");
    assert_eq!(
        d["meta"],
        json!({ "workspace": "acme", "agent": "billing-worker" })
    );
    // The token lives 90 days (the default): Vault's ttl and expire_time say so.
    let ttl = d["ttl"].as_i64().unwrap();
    // The seconds left until the token's expiry (90 days after its issue) at the lookup.
    let expires: i64 = sqlx::query_scalar("SELECT expires_at FROM agent_tokens")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!((expires - after..=expires - before).contains(&ttl), "{ttl}");
    assert!(expires - before > 89 * 86_400);
    assert!(is_rfc3339_utc(&d["expire_time"]), "{d}");
    assert_eq!(
        (&d["renewable"], &d["type"]),
        (&json!(false), &json!("service"))
    );
    assert!(d["policies"].is_array() && d["creation_time"].is_i64());
    // As Vault answers (and Vault Agent's token_file auto-auth needs): `id` is the token the
    // caller sent, and it is nowhere else in the answer.
    assert_eq!(d["id"], json!(token));
    assert_eq!(body.to_string().matches(&token).count(), 1, "{body}");
}

#[tokio::test]
async fn the_runtime_throttle_answers_vault_clients_in_vaults_shape() {
    let app = spawn_app_with(|c| {
        c.runtime.runtime_rate = Rate::per_hour(1);
        c.runtime.runtime_burst = 1;
    })
    .await;
    let admin = app.signed_in(ADMIN).await;
    let token = issue_token(&app, &admin, "acme", "billing-worker").await;
    let path = "/v1/secret/data/stripe_api_key";
    let (status, _) = answer(vault(&app, "GET", path, Some(&token)).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let res = vault(&app, "GET", path, Some(&token)).await;
    assert!(res.headers().contains_key(RETRY_AFTER));
    let (status, body) = answer(res).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body, json!({ "errors": ["rate limit quota exceeded"] }));
}
