//! Audit retention: events past the retention period leave the database in batches,
//! archived to gzip JSON lines first unless the policy says delete.

use std::io::BufRead;

use app::domain::audit::retention::{self, Pass, Policy};

use crate::helpers::*;

const DAY: i64 = 86_400;

/// `n` runtime reads in acme's log, one second apart from `start`.
async fn seed(app: &TestApp, n: i64, start: i64) {
    sqlx::query(
        "WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < $1) \
         INSERT INTO audit_events (workspace_id, actor, action, secret_name, detail, agent_name, outcome, created_at, updated_at) \
         SELECT w.id, 'agent billing-worker', 'secret.read', 'stripe_key', 'version 1', 'billing-worker', 'ok', $2 + i, $2 + i \
         FROM seq, workspaces w WHERE w.slug = 'acme'",
    )
    .bind(n)
    .bind(start)
    .execute(&app.pool)
    .await
    .unwrap();
}

/// How many events were written before `at` (`before`), or at or after it.
async fn count(app: &TestApp, at: i64, before: bool) -> i64 {
    let op = if before { "<" } else { ">=" };
    sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM audit_events WHERE created_at {op} $1"
    ))
    .bind(at)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

async fn older_than(app: &TestApp, at: i64) -> i64 {
    count(app, at, true).await
}

#[tokio::test]
async fn old_events_are_archived_in_batches_and_recent_ones_stay() {
    let app = spawn_app().await;
    let now = 1_700_000_000; // before the demo data, which stays
    let cutoff = now - 90 * DAY;
    // Two and a half batches past the cutoff, a few events just inside it.
    seed(&app, 25_000, cutoff - 30 * DAY).await;
    seed(&app, 7, cutoff).await;
    let recent_before = count(&app, cutoff, false).await;
    let archive = tempfile::tempdir().unwrap();
    let policy = Policy::Archive {
        days: 90,
        dir: archive.path().to_path_buf(),
    };

    let pass = retention::run(&app.pool, &policy, now).await.unwrap();
    assert_eq!(
        (pass.archived, pass.deleted, pass.files.len()),
        (25_000, 25_000, 3)
    );
    assert_eq!(older_than(&app, cutoff).await, 0);
    let recent_after = count(&app, cutoff, false).await;
    assert_eq!(
        recent_after, recent_before,
        "events inside the retention stay"
    );

    // Every archived event once, in order, with its columns.
    let mut ids = Vec::new();
    for file in &pass.files {
        let lines = std::io::BufReader::new(flate2::read::GzDecoder::new(
            std::fs::File::open(file).unwrap(),
        ));
        for line in lines.lines() {
            let event: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
            assert_eq!(event["action"], "secret.read");
            assert_eq!(event["agent_name"], "billing-worker");
            assert!(event["created_at"].as_i64().unwrap() < cutoff);
            ids.push(event["id"].as_i64().unwrap());
        }
    }
    assert_eq!(ids.len(), 25_000);
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
    let names: Vec<String> = std::fs::read_dir(archive.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 3, "no partial files left: {names:?}");
    assert!(names
        .iter()
        .all(|n| n.starts_with("audit-") && n.ends_with(".jsonl.gz")));
    #[cfg(unix)]
    for file in &pass.files {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{} is readable by others", file.display());
    }

    // A second pass finds nothing to do.
    assert_eq!(
        retention::run(&app.pool, &policy, now).await.unwrap(),
        Pass::default()
    );
}

#[tokio::test]
async fn the_delete_policy_writes_no_archive_and_zero_days_keeps_everything() {
    let app = spawn_app().await;
    let now = 1_700_000_000; // before the demo data, which stays
    seed(&app, 1_500, now - 40 * DAY).await;

    let kept = retention::run(&app.pool, &Policy::KeepForever, now)
        .await
        .unwrap();
    assert_eq!(kept, Pass::default());
    assert_eq!(older_than(&app, now - 30 * DAY).await, 1_500);

    let pass = retention::run(&app.pool, &Policy::Delete { days: 30 }, now)
        .await
        .unwrap();
    assert_eq!((pass.archived, pass.deleted), (0, 1_500));
    assert!(pass.files.is_empty());
    assert_eq!(older_than(&app, now - 30 * DAY).await, 0);
}
