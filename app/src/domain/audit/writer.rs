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

use sqlx::any::AnyArguments;
use sqlx::pool::PoolConnection;
use sqlx::query::Query;
use sqlx::{AnyConnection, Row};
use tokio::sync::{mpsc, oneshot, watch, Notify};

use super::read_event::ReadEvent;
use super::usage::{self, Due, Usage};
use crate::domain::db::{begin_write_on, is_sqlite, write_turn, Db, DiskWatch, Pool};

const QUEUE: usize = 16_384;
/// Events committed together at most; a batch is whatever arrived meanwhile, up to this.
const MAX_BATCH: usize = 256;
/// Rows per multi-row INSERT statement.
const ROWS_PER_INSERT: usize = 64;
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

struct Pending {
    event: ReadEvent,
    stored: oneshot::Sender<bool>,
}

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

/// The open collapsing windows: (token, outcome) -> (row id, window start, count).
struct Collapse {
    window: i64,
    open: HashMap<(i64, &'static str), (i64, i64, i64)>,
}

impl Collapse {
    fn forget_closed(&mut self, at: i64) {
        let window = self.window;
        self.open.retain(|_, (_, start, _)| at - *start < window);
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

type Opened = (Vec<((i64, &'static str), (i64, i64, i64))>, Due);

/// Writes one batch in one transaction, in this process's turn to write (a bulk import's
/// chunks cannot overtake a waiting batch: see [`crate::domain::write_turn`]). Returns the
/// collapsing windows it opened or extended, to be remembered only once the transaction has
/// committed.
async fn write(
    conn: &mut AnyConnection,
    pool: &Pool,
    batch: &[Pending],
    collapse: &Collapse,
    usage: &Usage,
) -> Result<Opened, sqlx::Error> {
    let sqlite = is_sqlite(pool);
    let _turn = write_turn(pool).await?;
    let (reads, refusals): (Vec<&ReadEvent>, Vec<&ReadEvent>) = batch
        .iter()
        .map(|p| &p.event)
        .partition(|e| e.outcome == "ok");
    let due = usage.due(batch.iter().map(|p| &p.event));
    if refusals.is_empty() && due.is_empty() && reads.len() <= ROWS_PER_INSERT {
        // The common batch, granted reads only: one statement is its own transaction,
        // committed when it returns, with no BEGIN and COMMIT round trips around it.
        bind_rows(insert_sql(reads.len(), false, sqlite), &reads)
            .execute(&mut *conn)
            .await?;
        return Ok((Vec::new(), due));
    }
    let mut tx = begin_write_on(conn, sqlite).await?;
    for chunk in reads.chunks(ROWS_PER_INSERT) {
        bind_rows(insert_sql(chunk.len(), false, sqlite), chunk)
            .execute(&mut *tx)
            .await?;
    }
    let mut opened: HashMap<(i64, &'static str), (i64, i64, i64)> = HashMap::new();
    for e in refusals {
        let key = (e.token_id, e.outcome);
        let window = opened
            .get(&key)
            .or_else(|| collapse.open.get(&key))
            .copied()
            .filter(|(_, start, _)| e.at - start < collapse.window);
        let entry = match window {
            Some((id, start, count)) => {
                repeat(&mut tx, id, count + 1, e).await?;
                (id, start, count + 1)
            }
            None => (insert_one(&mut tx, sqlite, e).await?, e.at, 1),
        };
        opened.insert(key, entry);
    }
    usage::write(&mut tx, &due).await?;
    tx.commit().await?;
    Ok((opened.into_iter().collect(), due))
}

const COLUMNS: &str = "workspace_id, actor, action, secret_name, detail, agent_id, agent_name, token_prefix, outcome, created_at, updated_at";
/// The columns [`bind_rows`] binds per event.
const COLUMN_COUNT: usize = 11;

/// The text of a multi-row INSERT of `rows` events (1 to [`ROWS_PER_INSERT`]), with or without
/// `RETURNING id`. Built once per shape and kept: a batch's statement is then looked up, not
/// formatted, and its prepared form is found in the connection's statement cache.
///
/// Placeholders are `?` on SQLite and `$N` on PostgreSQL: sqlx asks SQLite for every
/// parameter's name, and SQLite finds a `$N` name by walking its list of names, which made
/// binding a 64-row batch (704 parameters) quadratic.
fn insert_sql(rows: usize, returning: bool, sqlite: bool) -> &'static str {
    use std::sync::OnceLock;
    static TEXTS: [[[OnceLock<String>; ROWS_PER_INSERT]; 2]; 2] =
        [const { [const { [const { OnceLock::new() }; ROWS_PER_INSERT] }; 2] }; 2];
    let rows = rows.clamp(1, ROWS_PER_INSERT);
    TEXTS[usize::from(sqlite)][usize::from(returning)][rows - 1].get_or_init(|| {
        let values: Vec<String> = (0..rows)
            .map(|i| {
                let p: Vec<String> = (1..=COLUMN_COUNT)
                    .map(|k| {
                        if sqlite {
                            "?".to_string()
                        } else {
                            format!("${}", i * COLUMN_COUNT + k)
                        }
                    })
                    .collect();
                format!("({})", p.join(", "))
            })
            .collect();
        let returning = if returning { " RETURNING id" } else { "" };
        format!(
            "INSERT INTO audit_events ({COLUMNS}) VALUES {}{returning}",
            values.join(", ")
        )
    })
}

/// The batch INSERT statement with the events' columns bound, in the order of
/// [`insert_sql`]'s placeholders.
fn bind_rows<'q>(sql: &'q str, events: &[&'q ReadEvent]) -> Query<'q, Db, AnyArguments<'q>> {
    let mut query = sqlx::query(sql);
    for e in events {
        // created_at and updated_at are both the event's time.
        query = query
            .bind(e.workspace_id)
            .bind(format!("agent {}", e.agent_name))
            .bind(e.action())
            .bind(e.secret_name.as_str())
            .bind(e.detail())
            .bind(e.agent_id)
            .bind(e.agent_name.as_str())
            .bind(e.token_prefix.as_str())
            .bind(e.outcome)
            .bind(e.at)
            .bind(e.at);
    }
    query
}

/// Inserts one event; returns its row id.
async fn insert_one(
    tx: &mut AnyConnection,
    sqlite: bool,
    e: &ReadEvent,
) -> Result<i64, sqlx::Error> {
    bind_rows(insert_sql(1, true, sqlite), &[e])
        .fetch_one(tx)
        .await?
        .try_get(0)
}

async fn repeat(
    tx: &mut AnyConnection,
    id: i64,
    count: i64,
    e: &ReadEvent,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE audit_events SET repeat_count = $1, detail = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(count)
    .bind(format!(
        "{}; refused {count} times within a minute (last asked: {})",
        e.detail(),
        e.secret_name
    ))
    .bind(e.at)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(sql: &str) -> (usize, usize) {
        (sql.matches('?').count(), sql.matches('$').count())
    }

    #[test]
    fn each_backend_gets_one_placeholder_per_bound_column_in_its_own_style() {
        for rows in [1, 2, ROWS_PER_INSERT] {
            let sqlite = insert_sql(rows, false, true);
            assert_eq!(placeholders(sqlite), (rows * COLUMN_COUNT, 0), "{sqlite}");
            let postgres = insert_sql(rows, false, false);
            assert_eq!(placeholders(postgres), (0, rows * COLUMN_COUNT));
            assert!(
                postgres.ends_with(&format!("${})", rows * COLUMN_COUNT)),
                "{postgres}"
            );
            assert!(!sqlite.contains("RETURNING"));
        }
        assert!(insert_sql(1, true, true).ends_with(" RETURNING id"));
        assert_eq!(
            COLUMNS.split(", ").count(),
            COLUMN_COUNT,
            "the column list and the placeholders disagree"
        );
    }
}
