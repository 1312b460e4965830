//! SIGTERM stops a server without losing an answer: it closes its listener, finishes the
//! reads in flight, commits the audit queue, says "shutdown complete" and exits 0. Every
//! read it answered is in the audit log; a read sent afterwards finds no server at all,
//! never an error answer.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::{Client, StatusCode};

use crate::durable_audit::{every_answer_audited, prepared};
use crate::helpers::PgDatabase;
use crate::instance::Instance;

#[tokio::test]
async fn a_server_stopped_with_sigterm_under_load_audits_every_answered_read_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let pg = PgDatabase::create().await;
    let (url, token) = prepared(dir.path(), &pg).await;
    let key = dir.path().join("shared.key");
    let mut server = Instance::start_with(
        &url,
        dir.path(),
        &key,
        &[
            ("VAULT_RUNTIME_RATE", "10000000/second"),
            ("VAULT_RUNTIME_BURST", "100000"),
        ],
    );
    let read_url = server.url("/v1/secrets/kill_test");

    // Eight agents read until the server is gone; each returns the first answer that was
    // neither 200 nor a connection error, if any.
    let answered = Arc::new(AtomicU64::new(0));
    let mut readers = Vec::new();
    for _ in 0..8 {
        let (url, token, answered) = (read_url.clone(), token.clone(), answered.clone());
        readers.push(tokio::spawn(async move {
            let client = Client::new();
            loop {
                match client.get(&url).bearer_auth(&token).send().await {
                    Ok(res) if res.status() == StatusCode::OK => {
                        answered.fetch_add(1, Ordering::SeqCst);
                    }
                    Ok(res) => return Some(res.status()),
                    Err(_) => return None, // the server has closed its doors
                }
            }
        }));
    }
    while answered.load(Ordering::SeqCst) < 300 {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    server.terminate();
    let ended = tokio::time::timeout(Duration::from_secs(120), futures::future::join_all(readers))
        .await
        .expect("the readers see the server go within two minutes");
    for reader in ended {
        assert_eq!(
            reader.unwrap(),
            None,
            "a read during shutdown got an error answer"
        );
    }
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
        // The pool was closed: SQLite folded its write-ahead log into the database.
        assert!(
            !dir.path().join("vault.db-wal").exists(),
            "a cleanly stopped server leaves no write-ahead log behind"
        );
    }

    every_answer_audited(&url, answered.load(Ordering::SeqCst)).await;
}

#[tokio::test]
async fn once_the_audit_queue_is_finished_a_read_is_refused_rather_than_answered_unaudited() {
    use app::domain::audit::read_event::{ReadEvent, Via};
    use app::domain::audit::writer::AuditSink;

    let app = crate::helpers::spawn_app().await;
    let timing = app::metrics::Metrics::default().audit_commit();
    let sink = AuditSink::spawn(app.pool.clone(), 60, 60, timing);
    let event = ReadEvent {
        workspace_id: app.workspace_id("acme").await,
        agent_id: app.agent_id("acme", "billing-worker").await,
        agent_name: "billing-worker".into(),
        token_id: -1,
        token_prefix: "svt_test".into(),
        secret_name: "queued_before_close".into(),
        secret_id: None,
        outcome: "missing_access",
        version: None,
        via: Via::RuntimeApi,
        expired: false,
        at: app::domain::now(),
    };
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
