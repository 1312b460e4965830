//! Runtime reads and refusals are audited durably, with group commit: a handler hands its
//! event to the one writer task and waits until the transaction holding it has committed,
//! so every answered read has its audit row, even if the process is killed a moment later.
//! Events that arrive while a transaction commits form the next batch, so under load many
//! reads share one commit.
//!
//! Repeated refusals of one token for one reason within a minute collapse into one row with
//! a count (`repeat_count`), so that a leaked token hammering the API cannot fill the log.
//! The collapsing window is kept per server process.
//!
//! At shutdown the server closes the queue once every request is answered: the writer
//! commits what is still queued (events of reads whose clients went away before the
//! answer) and exits, and the server waits for that, within a bound.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use prometheus_client::metrics::histogram::Histogram;

use sqlx::pool::PoolConnection;
use tokio::sync::{mpsc, oneshot, watch, Notify};

use super::read_event::ReadEvent;
use super::usage::Usage;
use crate::domain::db::{Db, DiskWatch, Pool};

mod batch;
use self::batch::{write, Collapse, Pending};

const QUEUE: usize = 16_384;
/// Events committed together at most; a batch is whatever arrived meanwhile, up to this.
const MAX_BATCH: usize = 256;
/// By default, refusals of one token for one reason within a minute share one row.
pub const COLLAPSE_SECONDS: i64 = 60;
/// By default, "last used" and "last read" are exact to a minute.
pub const USAGE_SECONDS: i64 = 60;
/// Attempts to commit a batch before its readers are told the audit log is unavailable.
const ATTEMPTS: u32 = 4;

/// The audit log could not store the event: the read must not be answered.
#[derive(Debug, thiserror::Error)]
#[error("the audit log is unavailable")]
pub struct AuditUnavailable;

/// The writer did not finish its queue within the bound given to [`AuditSink::finish`].
#[derive(Debug, thiserror::Error)]
#[error("the audit writer did not finish its queue within {0:?}")]
pub struct NotFinished(Duration);

#[derive(Clone)]
pub struct AuditSink {
    tx: mpsc::Sender<Pending>,
    /// Asks the writer to stop taking events ([`AuditSink::finish`]).
    close: Arc<Notify>,
    /// Its sender lives as long as the writer task: `changed()` fails once the writer exited.
    exited: watch::Receiver<()>,
}

impl AuditSink {
    /// Starts the writer. It stops once every sender is dropped or [`AuditSink::finish`] is
    /// called, after committing every event queued before.
    /// `collapse_seconds`: refusals of one token for one reason within this window share
    /// one row.
    /// `usage_seconds`: a token's last use and an agent's last read of a secret are written
    /// at most this often.
    /// `commit_time` observes how long each batch took to commit; `disk` hears of a full disk.
    pub fn spawn(
        pool: Pool,
        collapse_seconds: i64,
        usage_seconds: i64,
        commit_time: Histogram,
        disk: DiskWatch,
    ) -> Self {
        let (tx, rx) = mpsc::channel(QUEUE);
        let collapse = Collapse {
            window: collapse_seconds.max(0),
            open: HashMap::new(),
        };
        let usage = Usage::new(usage_seconds);
        let close = Arc::new(Notify::new());
        let (alive, exited) = watch::channel(());
        let stop = Stop {
            close: close.clone(),
            _alive: alive,
        };
        tokio::spawn(writer(pool, rx, stop, collapse, usage, commit_time, disk));
        Self { tx, close, exited }
    }

    /// Events handed to the writer and not yet committed, for the metrics.
    pub fn queued(&self) -> usize {
        self.tx.max_capacity() - self.tx.capacity()
    }

    /// Closes the queue (later events are refused as unavailable), lets the writer commit
    /// every event queued before, and returns once it has exited, or after `bound`.
    pub async fn finish(&self, bound: Duration) -> Result<(), NotFinished> {
        self.close.notify_one();
        let mut exited = self.exited.clone();
        tokio::time::timeout(
            bound,
            async move { while exited.changed().await.is_ok() {} },
        )
        .await
        .map_err(|_| NotFinished(bound))
    }

    /// Returns once the event is committed to the database.
    pub async fn record(&self, event: ReadEvent) -> Result<(), AuditUnavailable> {
        let (stored, wait) = oneshot::channel();
        if self.tx.send(Pending { event, stored }).await.is_err() {
            tracing::error!("audit writer has stopped; refusing to answer unaudited");
            return Err(AuditUnavailable);
        }
        match wait.await {
            Ok(true) => Ok(()),
            _ => Err(AuditUnavailable),
        }
    }
}

/// The writer's end of [`AuditSink::finish`]: the request to close, and the sender whose
/// drop at the writer's exit tells the waiting side.
struct Stop {
    close: Arc<Notify>,
    _alive: watch::Sender<()>,
}

async fn writer(
    pool: Pool,
    mut rx: mpsc::Receiver<Pending>,
    stop: Stop,
    mut collapse: Collapse,
    mut usage: Usage,
    commit_time: Histogram,
    disk: DiskWatch,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut closing = false;
    // The writer keeps one connection of its own between batches: no pool checkout (and, on
    // SQLite, no hand-off to the connection's thread to test it) per batch. It is given back
    // after a failed batch, so that the retry starts on a fresh connection.
    let mut conn: Option<PoolConnection<Db>> = None;
    loop {
        tokio::select! {
            // First, so that a queue that never empties cannot starve the request to close.
            biased;
            () = stop.close.notified(), if !closing => {
                // Events already queued are still received; senders are refused from now.
                rx.close();
                closing = true;
                continue;
            }
            received = rx.recv_many(&mut batch, MAX_BATCH) => {
                if received == 0 {
                    break;
                }
            }
        }
        let mut delay = Duration::from_millis(25);
        let mut stored = false;
        for attempt in 1..=ATTEMPTS {
            let started = Instant::now();
            let written = match conn.as_mut() {
                Some(c) => write(c, &pool, &batch, &collapse, &usage).await,
                None => match pool.acquire().await {
                    Ok(c) => write(conn.insert(c), &pool, &batch, &collapse, &usage).await,
                    Err(e) => Err(e),
                },
            };
            match written {
                Ok((opened, due)) => {
                    disk.writes_work();
                    commit_time.observe(started.elapsed().as_secs_f64());
                    collapse.open.extend(opened);
                    usage.remember(due, batch.last().map_or(0, |p| p.event.at));
                    stored = true;
                    break;
                }
                Err(e) => {
                    conn = None;
                    if crate::domain::db::is_disk_full(&e) {
                        // Logged once until space is back, not once per batch.
                        disk.report(&e);
                    } else {
                        tracing::error!(error = %e, events = batch.len(), attempt, "could not write audit events");
                    }
                    if attempt < ATTEMPTS {
                        tokio::time::sleep(delay).await;
                        delay *= 2;
                    }
                }
            }
        }
        if let Some(last) = batch.last() {
            collapse.forget_closed(last.event.at);
        }
        for pending in batch.drain(..) {
            let _ = pending.stored.send(stored);
        }
    }
}
