//! Reads and denials per day, the last 30 days, for the workspace, a secret and an agent: the
//! audit log's counts by UTC day (collapsed refusals counted as many as they were), closed
//! days kept once counted.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;

const DAY: i64 = 86_400;

/// `n` audit rows of `action` by billing-worker on `stripe_key`, at `at`, each standing for
/// `repeat` refusals.
async fn events(app: &TestApp, action: &str, at: i64, n: i64, repeat: i64) {
    for _ in 0..n {
        sqlx::query(
            "INSERT INTO audit_events (workspace_id, actor, action, secret_name, detail, agent_name, \
             outcome, repeat_count, created_at, updated_at) \
             SELECT id, 'agent billing-worker', $1, 'stripe_key', '', 'billing-worker', 'ok', $2, $3, $3 \
             FROM workspaces WHERE slug = 'acme'",
        )
        .bind(action)
        .bind(repeat)
        .bind(at)
        .execute(&app.pool)
        .await
        .unwrap();
    }
}

fn counts(activity: &Value) -> Vec<(i64, i64)> {
    activity
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["reads"].as_i64().unwrap(), d["denials"].as_i64().unwrap()))
        .collect()
}

#[tokio::test]
async fn reads_and_denials_are_counted_per_day_for_the_workspace_a_secret_and_an_agent() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    expect_status(
        app.create_secret(&admin, "acme", "stripe_key", "v", &[])
            .await,
        StatusCode::OK,
    )
    .await;
    let now = app::domain::now();
    let today = now / DAY * DAY;
    events(&app, "secret.read", today - 2 * DAY + 60, 3, 1).await;
    events(&app, "secret.read", today - DAY + 60, 1, 1).await;
    events(&app, "secret.read_denied", today - DAY + 120, 1, 4).await;
    events(&app, "secret.read_expired", today + 1, 1, 1).await;
    events(&app, "secret.read", today + 2, 1, 1).await;
    // Outside the 30 days.
    events(&app, "secret.read", today - 31 * DAY, 5, 1).await;

    let overview: Value = app
        .call_json(&admin, "secrets/overview", &[("ws", "acme")])
        .await;
    let expected_tail = [(3, 0), (1, 4), (2, 0)];
    let days = counts(&overview["activity"]);
    assert_eq!(days.len(), 30);
    assert_eq!(&days[27..], &expected_tail, "oldest first, today last");
    assert!(days[..27].iter().all(|d| *d == (0, 0)));
    assert_eq!(overview["activity"][29]["day"], today);

    let detail = app
        .secrets_tab(&admin, "acme")
        .detail("stripe_key")
        .await
        .json()
        .await;
    assert_eq!(&counts(&detail["activity"])[27..], &expected_tail);
    let page: Value = app
        .call_json(
            &admin,
            "agents/tokens",
            &[("ws", "acme"), ("agent", "billing-worker")],
        )
        .await;
    assert_eq!(&counts(&page["activity"])[27..], &expected_tail);
    let other: Value = app
        .call_json(
            &admin,
            "agents/tokens",
            &[("ws", "acme"), ("agent", "support-bot")],
        )
        .await;
    assert!(counts(&other["activity"]).iter().all(|d| *d == (0, 0)));

    // Closed days are kept, once: today never is.
    let kept: Vec<i64> =
        sqlx::query_scalar("SELECT day FROM audit_daily WHERE scope = 'workspace' ORDER BY day")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert!(kept.len() >= 28, "{}", kept.len());
    assert!(!kept.contains(&today));
    expect_status(
        app.call(&admin, "secrets/overview", &[("ws", "acme")])
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(app.count("audit_daily").await as usize >= kept.len());

    // The page draws it, with the numbers as a table.
    let html = expect_status(app.page(&admin, "/w/acme").await, StatusCode::OK).await;
    assert!(
        html.contains("<svg viewBox"),
        "the chart is drawn on the server"
    );
    assert!(html.contains("6 read(s) and 4 denial(s) in the last 30 days"));
}
