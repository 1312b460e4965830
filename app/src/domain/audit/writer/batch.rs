//! One batch of the audit writer, written in one transaction in this process's turn to write:
//! granted reads as multi-row INSERTs, refusals collapsed into the open windows, and the
//! usage ("last used", "last read") that is due.

use std::collections::HashMap;

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{AnyConnection, Row};
use tokio::sync::oneshot;

use crate::domain::audit::read_event::ReadEvent;
use crate::domain::audit::usage::{self, Due, Usage};
use crate::domain::db::{self, begin_write_on, write_turn, Backend, BatchedInsert, Db, Pool};

/// Rows per multi-row INSERT statement.
const ROWS_PER_INSERT: usize = 64;

/// An event handed to the writer, and who waits to hear whether it was stored.
pub(super) struct Pending {
    pub(super) event: ReadEvent,
    pub(super) stored: oneshot::Sender<bool>,
}

/// The open collapsing windows: (token, outcome) -> (row id, window start, count).
pub(super) struct Collapse {
    pub(super) window: i64,
    pub(super) open: HashMap<(i64, &'static str), (i64, i64, i64)>,
}

impl Collapse {
    pub(super) fn forget_closed(&mut self, at: i64) {
        let window = self.window;
        self.open.retain(|_, (_, start, _)| at - *start < window);
    }
}

pub(super) type Opened = (Vec<((i64, &'static str), (i64, i64, i64))>, Due);

/// Writes one batch in one transaction, in this process's turn to write (a bulk import's
/// chunks cannot overtake a waiting batch: see [`crate::domain::db::sqlite::write_turn`]).
/// Returns the collapsing windows it opened or extended, to be remembered only once the
/// transaction has committed.
pub(super) async fn write(
    conn: &mut AnyConnection,
    pool: &Pool,
    batch: &[Pending],
    collapse: &Collapse,
    usage: &Usage,
) -> Result<Opened, sqlx::Error> {
    let backend = db::backend(pool);
    let _turn = write_turn(pool).await?;
    let (reads, refusals): (Vec<&ReadEvent>, Vec<&ReadEvent>) = batch
        .iter()
        .map(|p| &p.event)
        .partition(|e| e.outcome == "ok");
    let due = usage.due(batch.iter().map(|p| &p.event));
    if refusals.is_empty() && due.is_empty() && reads.len() <= ROWS_PER_INSERT {
        // The common batch, granted reads only: one statement is its own transaction,
        // committed when it returns, with no BEGIN and COMMIT round trips around it.
        bind_rows(INSERT.text(backend, reads.len(), false), &reads)
            .execute(&mut *conn)
            .await?;
        return Ok((Vec::new(), due));
    }
    let mut tx = begin_write_on(conn, backend).await?;
    for chunk in reads.chunks(ROWS_PER_INSERT) {
        bind_rows(INSERT.text(backend, chunk.len(), false), chunk)
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
            None => (insert_one(&mut tx, backend, e).await?, e.at, 1),
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

/// The multi-row INSERTs of 1 to [`ROWS_PER_INSERT`] events, in each backend's placeholder
/// style.
static INSERT: BatchedInsert<ROWS_PER_INSERT> =
    BatchedInsert::new("audit_events", COLUMNS, COLUMN_COUNT);

/// The batch INSERT statement with the events' columns bound, in the order of
/// [`INSERT`]'s placeholders.
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
    backend: Backend,
    e: &ReadEvent,
) -> Result<i64, sqlx::Error> {
    bind_rows(INSERT.text(backend, 1, true), &[e])
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
    use crate::domain::audit::writer::batch::{COLUMNS, COLUMN_COUNT};

    #[test]
    fn the_column_list_names_every_bound_column() {
        assert_eq!(
            COLUMNS.split(", ").count(),
            COLUMN_COUNT,
            "the column list and the placeholders disagree"
        );
    }
}
