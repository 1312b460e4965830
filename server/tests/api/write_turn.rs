//! On SQLite, this process's writers take turns in the order they asked: a runtime read whose
//! audit event waits behind one write transaction (a bulk import's chunk, say) is committed
//! before the next transaction that asked after it, so an import's chunks cannot overtake it
//! and hold the read for the whole import. (SQLite's own busy handler sleeps and retries, and
//! whoever retries first after a commit wins.)

use std::time::Duration;

use app::domain::db;
use app::domain::db::sqlite::write_turn;

use crate::helpers::spawn_app;

/// Waits until `n` writers wait for their turn (state, not time: the bound only stops a hang).
async fn until_waiting(pool: &db::Pool, n: usize) {
    tokio::time::timeout(Duration::from_secs(60), async {
        let url = pool.connect_options().database_url.to_string();
        while write_turn::waiting(&url) < n {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{n} writers never waited for their turn"));
}

#[tokio::test]
async fn a_read_waiting_for_its_audit_commit_goes_before_a_writer_that_asked_later() {
    if std::env::var("VAULT_TEST_POSTGRES").is_ok() {
        return; // PostgreSQL writers lock rows, not the database: no turns to take.
    }
    let app = spawn_app().await;
    let (sink, event) = app.audit_sink_and_refusal("read_during_import").await;

    // One chunk is being written.
    let chunk = db::begin_write(&app.pool).await.unwrap();
    // A read's audit event arrives and waits for the turn.
    let read = tokio::spawn({
        let sink = sink.clone();
        async move { sink.record(event).await }
    });
    until_waiting(&app.pool, 1).await;
    // The import's next chunk asks after it, and looks for the read's event once it is in.
    let next_chunk = tokio::spawn({
        let pool = app.pool.clone();
        async move {
            let mut tx = db::begin_write(&pool).await.unwrap();
            let seen: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM audit_events WHERE secret_name = 'read_during_import'",
            )
            .fetch_one(&mut *tx)
            .await
            .unwrap();
            tx.commit().await.unwrap();
            seen
        }
    });
    until_waiting(&app.pool, 2).await;
    chunk.commit().await.unwrap();

    read.await.unwrap().expect("the read is audited");
    assert_eq!(
        next_chunk.await.unwrap(),
        1,
        "the read's audit event was committed before the chunk that asked after it"
    );
}
