//! Reading the audit trail: the latest events, filtered pages, exports (`export`, with its
//! `csv` form). A filter becomes SQL in `filter`; an event row becomes a view in `row`.
//!
//! Everywhere newest first by time, then by id for events of the same second (`NEWEST_FIRST`),
//! which every index a filter uses ends in. Pages follow each other by position in that order
//! ("older than this event", `cursor`), so a deep page costs what the first one does.

mod csv;
mod cursor;
mod export;
mod filter;
mod row;

pub use csv::{csv_rows, CSV_HEADER};
pub use export::{export, Export, EXPORT_BATCH, MAX_EXPORT};

use filter::Where;
use row::{Row, VIEW_COLUMNS};

use crate::domain::db::Pool;
use crate::domain::identity::access::SecretsAdmin;
use crate::domain::DomainError;
use crate::model::{AuditEventView, AuditFilter, AuditPage};

pub const PAGE_SIZE: i64 = 50;

/// Counts of the audit page stop this far past the first page: counting ten million events
/// would scan them all.
pub const COUNT_AHEAD: i64 = 10_000;

/// The log's order.
pub(super) const NEWEST_FIRST: &str = "created_at DESC, id DESC";

/// The latest `limit` events of one kind, newest first: refused runtime reads (`denials`), or
/// changes by people and the operator.
pub async fn latest(
    pool: &Pool,
    who: &SecretsAdmin,
    denials: bool,
    limit: i64,
) -> Result<Vec<AuditEventView>, DomainError> {
    let kind = if denials {
        "action = 'secret.read_denied'"
    } else {
        "outcome IS NULL"
    };
    let sql = format!(
        "SELECT {VIEW_COLUMNS} FROM audit_events \
         WHERE workspace_id = $1 AND {kind} ORDER BY {NEWEST_FIRST} LIMIT $2"
    );
    let rows: Vec<Row> = sqlx::query_as(&sql)
        .bind(who.workspace().id)
        .bind(limit)
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(AuditEventView::from).collect())
}

/// Where a page stands: the newest events, or those just older or newer than an event's
/// (time, id).
#[derive(Clone, Copy)]
enum Place {
    Newest,
    Older((i64, i64)),
    Newer((i64, i64)),
}

/// A page of the events matching `f`: the newest, or those just older than the event of
/// cursor `before`, or just newer than the event of cursor `after`.
pub async fn page(
    pool: &Pool,
    who: &SecretsAdmin,
    f: &AuditFilter,
    before: Option<&str>,
    after: Option<&str>,
) -> Result<AuditPage, DomainError> {
    let w = Where::of(who.workspace().id, f)?;
    let place = match (
        cursor::parse("before", before)?,
        cursor::parse("after", after)?,
    ) {
        (Some(at), _) => Place::Older(at),
        (None, Some(at)) => Place::Newer(at),
        (None, None) => Place::Newest,
    };
    let n = w.next();
    let (condition, order, limit, at) = match place {
        Place::Newest => (String::new(), NEWEST_FIRST, n, None),
        Place::Older(at) => (cursor::beyond("<", n), NEWEST_FIRST, n + 2, Some(at)),
        Place::Newer(at) => (
            cursor::beyond(">", n),
            "created_at ASC, id ASC",
            n + 2,
            Some(at),
        ),
    };
    let sql = format!(
        "SELECT {VIEW_COLUMNS} FROM audit_events WHERE {}{condition} ORDER BY {order} LIMIT ${limit}",
        w.sql
    );
    let mut query = w.bind(&sql);
    if let Some((at, id)) = at {
        query = query.bind(at).bind(id);
    }
    let mut rows: Vec<Row> = query.bind(PAGE_SIZE + 1).fetch_all(pool).await?;
    let more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    if let Place::Newer(_) = place {
        rows.reverse();
    }
    let events: Vec<AuditEventView> = rows.into_iter().map(AuditEventView::from).collect();
    let first = events.first().map(AuditEventView::cursor);
    let last = events.last().map(AuditEventView::cursor);
    let (newer, older) = match place {
        Place::Newest => (None, last.filter(|_| more)),
        Place::Older(_) => (first, last.filter(|_| more)),
        Place::Newer(_) => (first.filter(|_| more), last),
    };
    let bound = PAGE_SIZE + COUNT_AHEAD;
    let sql = format!(
        "SELECT COUNT(*) FROM (SELECT 1 FROM audit_events WHERE {} LIMIT ${}) counted",
        w.sql,
        w.next()
    );
    let (counted,): (i64,) = w.bind(&sql).bind(bound + 1).fetch_one(pool).await?;
    Ok(AuditPage {
        events,
        total: counted.min(bound),
        capped: counted > bound,
        newer,
        older,
    })
}
