//! SIGTERM stops a server without losing an answer: it closes its listener, finishes the
//! reads in flight, commits the audit queue, says "shutdown complete" and exits 0. Every
//! read it answered is in the audit log; a read sent afterwards finds no server at all,
//! never an error answer.

use std::time::Duration;

use reqwest::Client;

use crate::durable_audit::{every_answer_audited, prepared, unthrottled, Readers};
use crate::helpers::PgDatabase;

#[tokio::test]
async fn a_server_stopped_with_sigterm_under_load_audits_every_answered_read_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let pg = PgDatabase::create().await;
    let (url, token) = prepared(dir.path(), &pg).await;
    let mut server = unthrottled(&url, dir.path());
    let read_url = server.url("/v1/secrets/kill_test");
    let readers = Readers::start(&read_url, &token);
    readers.until_answered(300).await;
    server.terminate();
    let answered = readers.finish("during shutdown").await;
    let status = server
        .wait_exit(Duration::from_secs(60))
        .expect("the server exits within a minute of SIGTERM");
    assert!(status.success(), "exit status {status:?}");
    let log = server.log();
    assert!(
        log.iter().any(|l| l.contains("shutdown complete")),
        "no \"shutdown complete\" in the log: {log:#?}"
    );

    let late = Client::new()
        .get(&read_url)
        .bearer_auth(&token)
        .send()
        .await;
    assert!(
        late.is_err(),
        "a read after shutdown must find no server, got {:?}",
        late.map(|r| r.status())
    );

    // Before anything else opens the database again.
    if pg.is_none() {
        // The pool was closed and the write-ahead log folded into the database file: the
        // log is gone or empty, so the database file alone holds every commit.
        let left = std::fs::metadata(dir.path().join("vault.db-wal")).map_or(0, |m| m.len());
        assert_eq!(
            left, 0,
            "a cleanly stopped server leaves nothing in a write-ahead log: {log:#?}"
        );
    }

    every_answer_audited(&url, answered).await;
}

#[tokio::test]
async fn once_the_audit_queue_is_finished_a_read_is_refused_rather_than_answered_unaudited() {
    let app = crate::helpers::spawn_app().await;
    let (sink, event) = app.audit_sink_and_refusal("queued_before_close").await;
    sink.record(event.clone()).await.expect("stored while open");
    sink.finish(Duration::from_secs(30))
        .await
        .expect("the writer exits once its queue is committed");
    assert!(
        sink.record(event).await.is_err(),
        "after the close an event cannot be stored, so its read is not answered"
    );
    let rows = app
        .count("audit_events WHERE secret_name = 'queued_before_close'")
        .await;
    assert_eq!(rows, 1);
}
