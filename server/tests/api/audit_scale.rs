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

/// Acme's audit page for `agent`, at `place` (`before` / `after` an event's cursor).
async fn audit_page(
    app: &TestApp,
    admin: &reqwest::Client,
    agent: &str,
    place: &[(&str, &str)],
) -> Value {
    let mut form = vec![("ws", "acme"), ("filter[agent]", agent)];
    form.extend_from_slice(place);
    app.call_json(admin, "secrets/audit", &form).await
}

/// (time, id) of each event of a page, in the page's order.
fn places(page: &Value) -> Vec<(i64, i64)> {
    page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["at"].as_i64().unwrap(), e["id"].as_i64().unwrap()))
        .collect()
}

#[tokio::test]
async fn a_long_log_pages_by_position_newest_first_by_time_and_is_counted_only_so_far() {
    let app = spawn_app().await;
    seed_reads(&app, 10_100).await;
    // Written last, dated early (a server whose batch arrived late, an import): they belong
    // deep in the log, not on its first page.
    sqlx::query(
        "INSERT INTO audit_events (workspace_id, actor, action, secret_name, detail, agent_name, outcome, created_at, updated_at) \
         SELECT w.id, 'agent billing-worker', 'secret.read', 'stripe_key', 'late', 'billing-worker', 'ok', 1700000005, 1700000005 \
         FROM workspaces w WHERE w.slug = 'acme'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let admin = app.signed_in(ADMIN).await;

    // The first page counts up to 50 + 10,000 events; more match, so the total is a bound.
    let first = audit_page(&app, &admin, "billing-worker", &[]).await;
    assert_eq!(first["total"], 10_050);
    assert_eq!(first["capped"], true);
    assert_eq!(first["newer"], Value::Null);
    let shown = places(&first);
    assert_eq!(shown.len(), 50);
    assert_eq!(shown[0].0, 1_700_000_000 + 10_100, "the newest by time");
    assert!(
        shown.windows(2).all(|w| w[0] > w[1]),
        "newest first by time"
    );

    // Older, page after page: each strictly older than the one before, none repeated.
    let mut page = first.clone();
    let mut last = *shown.last().unwrap();
    for _ in 0..3 {
        let cursor = page["older"].as_str().unwrap().to_string();
        page = audit_page(&app, &admin, "billing-worker", &[("before", &cursor)]).await;
        let here = places(&page);
        assert_eq!(here.len(), 50);
        assert!(here[0] < last && here.windows(2).all(|w| w[0] > w[1]));
        last = *here.last().unwrap();
    }
    // Newer from the second page is the first page again.
    let second_cursor = first["older"].as_str().unwrap().to_string();
    let second = audit_page(
        &app,
        &admin,
        "billing-worker",
        &[("before", &second_cursor)],
    )
    .await;
    let back = second["newer"].as_str().unwrap().to_string();
    let again = audit_page(&app, &admin, "billing-worker", &[("after", &back)]).await;
    assert_eq!(places(&again), shown);
    assert_eq!(again["newer"], Value::Null);

    // The deepest page: the late events sit among their time, the oldest last.
    let (at, id): (i64, i64) = sqlx::query_as(
        "SELECT created_at, id FROM audit_events WHERE agent_name = 'billing-worker' \
         ORDER BY created_at, id LIMIT 1 OFFSET 30",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let deep = audit_page(
        &app,
        &admin,
        "billing-worker",
        &[("before", &format!("{at}.{id}"))],
    )
    .await;
    let deep_places = places(&deep);
    assert_eq!(deep_places.len(), 30);
    assert_eq!(deep["older"], Value::Null, "nothing older");
    assert!(deep_places.windows(2).all(|w| w[0] > w[1]));
    assert!(deep["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["detail"] == "late"));

    // A link that is not one is refused, and a filter matching nothing is counted exactly.
    let res = app
        .call(
            &admin,
            "secrets/audit",
            &[
                ("ws", "acme"),
                ("filter[agent]", "billing-worker"),
                ("before", "page-2"),
            ],
        )
        .await;
    expect_status(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let none = audit_page(&app, &admin, "nobody", &[]).await;
    assert_eq!(
        (none["total"].as_i64(), none["capped"].as_bool()),
        (Some(0), Some(false))
    );

    // The page says the count is a lower bound.
    let html = expect_status(
        app.page(&admin, "/w/acme/secrets/audit?agent=billing-worker")
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        html.contains("10050+ events match"),
        "the count says it is a bound"
    );
}
