//! Audit logs too long to handle at once: exports are streamed a batch at a time, whole and
//! in order; the audit page counts only so far past the page it shows.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;

/// Writes `n` runtime reads of `billing-worker` into acme's audit log, one second apart.
async fn seed_reads(app: &TestApp, n: i64) {
    sqlx::query(
        "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $1) \
         INSERT INTO audit_events (workspace_id, actor, action, secret_name, detail, agent_name, outcome, created_at, updated_at) \
         SELECT w.id, 'agent billing-worker', 'secret.read', 'stripe_key', 'version 1', 'billing-worker', 'ok', 1700000000 + i, 1700000000 + i \
         FROM seq, workspaces w WHERE w.slug = 'acme'",
    )
    .bind(n)
    .execute(&app.pool)
    .await
    .unwrap();
}

/// Acme's JSON export of one agent's events, parsed.
async fn export_json(app: &TestApp, admin: &reqwest::Client, agent: &str) -> Value {
    admin
        .get(app.url(&format!("/export/acme/audit?format=json&agent={agent}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_export_of_several_batches_holds_every_event_once_newest_first() {
    let app = spawn_app().await;
    // More than two batches of 1,000, and not a multiple of one.
    seed_reads(&app, 2_345).await;
    let admin = app.signed_in(ADMIN).await;

    let csv = admin
        .get(app.url("/export/acme/audit?format=csv&agent=billing-worker"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    let csv = csv.text().await.unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("id,time_utc,actor,action,secret,agent,outcome,detail")
    );
    let ids: Vec<i64> = lines
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(ids.len(), 2_345);
    assert!(
        ids.windows(2).all(|w| w[0] > w[1]),
        "newest first, no repeats"
    );

    let json = export_json(&app, &admin, "billing-worker").await;
    let events = json.as_array().unwrap();
    assert_eq!(events.len(), 2_345);
    assert_eq!(events[0]["id"], ids[0]);
    assert_eq!(events[2_344]["id"], ids[2_344]);
    assert!(events.iter().all(|e| e["agent"] == "billing-worker"));

    // Each export is audited with how many events left the vault.
    let details: Vec<String> = sqlx::query_scalar(
        "SELECT detail FROM audit_events WHERE action = 'audit.export' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        details,
        ["2345 event(s) as csv", "2345 event(s) as json"],
        "{details:?}"
    );

    // An empty export is still a valid document.
    let empty = export_json(&app, &admin, "nobody").await;
    assert_eq!(empty, serde_json::json!([]));
}

#[tokio::test]
async fn a_long_log_is_counted_only_so_far_and_still_pages_on() {
    let app = spawn_app().await;
    seed_reads(&app, 10_100).await;
    let admin = app.signed_in(ADMIN).await;
    let page = |n: &'static str, agent: &'static str| {
        let (app, admin) = (&app, &admin);
        async move {
            let body = expect_status(
                app.call(
                    admin,
                    "secrets/audit",
                    &[("ws", "acme"), ("page", n), ("filter[agent]", agent)],
                )
                .await,
                StatusCode::OK,
            )
            .await;
            serde_json::from_str::<Value>(&body).unwrap()
        }
    };

    // Page 1 counts up to 50 + 10,000 events; more match, so the total is a lower bound.
    let first = page("0", "billing-worker").await;
    assert_eq!(first["total"], 10_050);
    assert_eq!(first["capped"], true);
    assert_eq!(first["events"].as_array().unwrap().len(), 50);

    // Further on, the bound moves with the page, until the count is exact.
    let all: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE agent_name = 'billing-worker'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!((10_100..15_050).contains(&all), "{all}");
    let later = page("100", "billing-worker").await;
    assert_eq!(later["total"], all);
    assert_eq!(later["capped"], false);
    assert_eq!(
        later["events"][0]["id"],
        first["events"][0]["id"].as_i64().unwrap() - 5_000
    );

    // A filter matching few events is counted exactly.
    let none = page("0", "nobody").await;
    assert_eq!(
        (none["total"].as_i64(), none["capped"].as_bool()),
        (Some(0), Some(false))
    );

    // The page says so: "of 10050+".
    let html = expect_status(
        app.page(&admin, "/w/acme/secrets/audit?agent=billing-worker")
            .await,
        StatusCode::OK,
    )
    .await;
    // (Hydration markers `<!>` separate the text's parts.)
    assert!(
        html.contains("of <!>10050+<!>"),
        "the count says it is a lower bound"
    );
}
