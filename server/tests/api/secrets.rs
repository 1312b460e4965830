//! The Secrets tab's server functions, as an admin uses them.

use reqwest::StatusCode;
use secrecy::ExposeSecret;

use app::domain::secrets::sealing;
use app::domain::secrets::value::SecretValue;

use crate::helpers::{current_value, expect_status, spawn_app, TestApp, ADMIN};

async fn current_single(app: &TestApp, name: &str) -> (i64, String) {
    let ws = app.workspace_id("acme").await;
    let (version, value) = current_value(&app.pool, &app.keyring, ws, name)
        .await
        .unwrap();
    match value {
        SecretValue::Single(v) => (version, v.expose_secret().to_string()),
        other => panic!("expected a single value, got {other:?}"),
    }
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap()
}

#[tokio::test]
async fn a_created_secret_is_stored_encrypted_and_listed_without_its_value() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let tab = app.secrets_tab(&admin, "acme");
    tab.create("stripe_api_key", "sk_live_abc123")
        .await
        .ok()
        .await;
    let pairs = [("client_id", "cid-777"), ("client_secret", "cs-888")];
    tab.create_pairs("oauth_client", &pairs).await.ok().await;

    let sealed: Vec<Vec<u8>> = sqlx::query_scalar("SELECT sealed FROM secret_versions")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(sealed.len(), 2);
    for blob in &sealed {
        let text = String::from_utf8_lossy(blob);
        assert!(
            !text.contains("sk_live_abc123") && !text.contains("cs-888"),
            "plaintext at rest"
        );
    }
    assert_eq!(
        current_single(&app, "stripe_api_key").await,
        (1, "sk_live_abc123".to_string())
    );

    let list = tab.list(&[]).await.json().await;
    assert_eq!(list["total"], 2);
    assert_eq!(list["items"][0]["name"], "oauth_client");
    assert_eq!(list["items"][0]["kind"], "pairs");
    assert_eq!(
        list["items"][0]["key_names"],
        serde_json::json!(["client_id", "client_secret"])
    );
    assert_eq!(list["items"][1]["updated_by"], ADMIN.0);
}

#[tokio::test]
async fn no_page_or_response_ever_contains_a_stored_value() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let tab = app.secrets_tab(&admin, "acme");
    let values = [
        "sk_live_SENTINEL_1",
        "SENTINEL_pair_value_2",
        "SENTINEL_rotated_3",
    ];
    tab.create("single_one", values[0]).await.ok().await;
    tab.create_pairs("pair_one", &[("user", values[1])])
        .await
        .ok()
        .await;
    tab.replace("single_one", 1, values[2]).await.ok().await;

    let mut seen = Vec::new();
    for path in [
        "/w/acme/secrets",
        "/w/acme/secret/single_one",
        "/w/acme/secret/pair_one",
        "/w/acme/secrets/trash",
    ] {
        seen.push(expect_status(app.page(&admin, path).await, StatusCode::OK).await);
    }
    seen.push(tab.list(&[]).await.ok().await);
    let searched = tab.list(&[("q", "sentinel")]).await.ok().await;
    seen.push(searched.clone());
    seen.push(tab.detail("single_one").await.ok().await);
    seen.push(tab.detail("pair_one").await.ok().await);
    seen.push(tab.trash().await.ok().await);
    let audit: Vec<String> = sqlx::query_scalar(
        "SELECT actor || action || COALESCE(secret_name, '') || detail FROM audit_events",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    seen.extend(audit);
    for text in &seen {
        for v in values {
            assert!(!text.contains(v), "a stored value leaked: {v}");
        }
    }
    // Searching for a value finds nothing: values are not searchable.
    assert_eq!(json(&searched)["total"], 0);
}

#[tokio::test]
async fn replacing_and_rolling_back_make_new_versions_and_stale_edits_conflict() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let tab = app.secrets_tab(&admin, "acme");
    tab.create("db_password", "first").await.ok().await;

    assert_eq!(
        tab.replace("db_password", 1, "second").await.ok().await,
        "2"
    );
    let stale = tab
        .replace("db_password", 1, "lost")
        .await
        .refused(StatusCode::CONFLICT)
        .await;
    assert!(stale.contains("changed since you opened it"), "{stale}");
    assert_eq!(
        current_single(&app, "db_password").await,
        (2, "second".to_string())
    );

    assert_eq!(tab.roll_back("db_password", 1, 2).await.ok().await, "3");
    assert_eq!(
        current_single(&app, "db_password").await,
        (3, "first".to_string())
    );

    let detail = tab.detail("db_password").await.json().await;
    let versions: Vec<i64> = detail["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [3, 2, 1]);
    assert_eq!(detail["versions"][0]["note"], "rolled back to version 1");
    // The old versions stay decryptable.
    let ws = app.workspace_id("acme").await;
    let old = sealing::version_value(&app.pool, &app.keyring, ws, "db_password", 2)
        .await
        .unwrap();
    assert!(matches!(old, SecretValue::Single(v) if v.expose_secret() == "second"));
}

#[tokio::test]
async fn bad_input_names_each_field_and_saves_nothing() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let tab = app.secrets_tab(&admin, "acme");
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let body = tab
        .create("Bad Name", "")
        .await
        .refused(unprocessable)
        .await;
    assert!(
        body.contains("\"name\"") && body.contains("\"value\""),
        "{body}"
    );
    let body = tab
        .create_pairs("dup_keys", &[("k", "1"), ("k", "2")])
        .await
        .refused(unprocessable)
        .await;
    assert!(body.contains("appears twice"), "{body}");
    let body = tab
        .create_described("ok_name", &"x".repeat(1001), "v")
        .await
        .refused(unprocessable)
        .await;
    assert!(body.contains("description"), "{body}");
    let too_big = "x".repeat(64 * 1024 + 1);
    tab.create("too_big", &too_big)
        .await
        .refused(unprocessable)
        .await;
    assert_eq!(app.count("secrets").await, 0);
    assert_eq!(app.count("secret_versions").await, 0);

    tab.create("taken", "v").await.ok().await;
    let body = tab
        .create("taken", "v2")
        .await
        .refused(StatusCode::CONFLICT)
        .await;
    assert!(body.contains("already exists"), "{body}");
    assert_eq!(app.count("secrets").await, 1);
    assert_eq!(app.count("secret_versions").await, 1);
}

#[tokio::test]
async fn search_covers_names_descriptions_and_key_names_and_pages_hold_25() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let tab = app.secrets_tab(&admin, "acme");
    for i in 0..30 {
        tab.create(&format!("key_{i:02}"), "v").await.ok().await;
    }
    tab.create_pairs("warehouse", &[("snowflake_user", "u")])
        .await
        .ok()
        .await;

    let first = tab.list(&[]).await.json().await;
    assert_eq!(first["total"], 31);
    assert_eq!(first["items"].as_array().unwrap().len(), 25);
    let second = tab.list(&[("page", "1")]).await.json().await;
    assert_eq!(second["items"].as_array().unwrap().len(), 6);
    assert_eq!(second["items"][5]["name"], "warehouse");
    let by_key = tab.list(&[("q", "SNOWFLAKE")]).await.json().await;
    assert_eq!(by_key["total"], 1);
    let by_description = tab.list(&[("q", "key_07 for tests")]).await.json().await;
    assert_eq!(by_description["total"], 1);
    let wildcard = tab.list(&[("q", "%")]).await.json().await;
    assert_eq!(wildcard["total"], 0, "LIKE wildcards are escaped");
}

#[tokio::test]
async fn deleted_secrets_go_to_the_trash_keep_their_name_and_can_be_restored_or_purged() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let tab = app.secrets_tab(&admin, "acme");
    tab.create("old_token", "v").await.ok().await;

    tab.delete("old_token").await.ok().await;
    assert_eq!(tab.list(&[]).await.json().await["total"], 0);
    tab.detail("old_token")
        .await
        .refused(StatusCode::NOT_FOUND)
        .await;
    let trash = tab.trash().await.json().await;
    assert_eq!(trash[0]["name"], "old_token");
    assert_eq!(
        trash[0]["purge_at"].as_i64().unwrap() - trash[0]["deleted_at"].as_i64().unwrap(),
        30 * 24 * 3600
    );
    // A trashed secret keeps its name.
    tab.create("old_token", "v")
        .await
        .refused(StatusCode::CONFLICT)
        .await;

    tab.restore("old_token").await.ok().await;
    tab.detail("old_token").await.ok().await;
    // Only a trashed secret can be purged.
    tab.purge("old_token")
        .await
        .refused(StatusCode::NOT_FOUND)
        .await;

    tab.delete("old_token").await.ok().await;
    tab.purge("old_token").await.ok().await;
    assert_eq!(app.count("secrets").await, 0);
    assert_eq!(app.count("secret_versions").await, 0);
    tab.create("old_token", "new").await.ok().await;

    // (The demo data's own setup events, by the operator, come first and are left out.)
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_events WHERE action LIKE 'secret.%' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "secret.create",
            "secret.delete",
            "secret.restore",
            "secret.delete",
            "secret.purge",
            "secret.create"
        ]
    );
}

#[tokio::test]
async fn access_is_granted_per_secret_and_only_to_agents_of_the_workspace() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let tab = app.secrets_tab(&admin, "acme");
    let billing = app.agent_id("acme", "billing-worker").await.to_string();
    let support = app.agent_id("acme", "support-bot").await.to_string();
    let foreign = app.agent_id("globex", "etl-runner").await.to_string();
    // Check boxes post sparse indices: agents[0] and agents[2] with agents[1] unchecked.
    let res = admin
        .post(app.url("/api/secrets/create"))
        .form(&[
            ("ws", "acme"),
            ("name", "shared"),
            ("kind", "single"),
            ("value", "v"),
            ("agents[0]", &billing),
            ("agents[2]", &support),
        ])
        .send()
        .await
        .unwrap();
    expect_status(res, StatusCode::OK).await;
    let detail = tab.detail("shared").await.json().await;
    let granted: Vec<&str> = detail["agents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["granted"] == true)
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(granted, ["billing-worker", "support-bot"]);

    // An agent of another workspace cannot be granted: nothing changes.
    let body = tab
        .set_access("shared", &[&foreign])
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY)
        .await;
    assert!(body.contains("agents"), "{body}");
    assert_eq!(app.count("secret_grants").await, 2);

    let changed = tab.set_access("shared", &[&support]).await.json().await;
    assert_eq!(changed, serde_json::json!([[], ["billing-worker"]]));
    assert_eq!(app.count("secret_grants").await, 1);
}
