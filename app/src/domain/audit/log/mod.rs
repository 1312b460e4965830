//! Reading the audit trail: the latest events, filtered pages, exports (`export`, with its
//! `csv` form). A filter becomes SQL in `filter`; an event row becomes a view in `row`.

mod csv;
mod export;
mod filter;
mod row;

pub use csv::{csv_rows, CSV_HEADER};
pub use export::{export, Export, EXPORT_BATCH, MAX_EXPORT};

use filter::Where;
use row::{Row, VIEW_COLUMNS};

use crate::domain::db::Pool;
use crate::domain::identity::access::SecretsAdmin;
use crate::domain::{validate, DomainError};
use crate::model::{AuditEventView, AuditFilter, AuditPage};

pub const PAGE_SIZE: i64 = 50;

/// Counts of the audit page stop this far past the page shown: counting ten million events
/// would scan them all.
pub const COUNT_AHEAD: i64 = 10_000;

async fn rows(
    pool: &Pool,
    w: &Where,
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditEventView>, DomainError> {
    let n = w.next();
    // Newest first either way; with a date range, in the order of the (workspace, time)
    // index, which the database then walks instead of sorting the whole range by id.
    let order = if w.times.is_empty() {
        "id DESC"
    } else {
        "created_at DESC, id DESC"
    };
    let sql = format!(
        "SELECT {VIEW_COLUMNS} FROM audit_events WHERE {} ORDER BY {order} LIMIT ${n} OFFSET ${}",
        w.sql,
        n + 1
    );
    let rows: Vec<Row> = w
        .bind(&sql)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(AuditEventView::from).collect())
}

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
         WHERE workspace_id = $1 AND {kind} ORDER BY id DESC LIMIT $2"
    );
    let rows: Vec<Row> = sqlx::query_as(&sql)
        .bind(who.workspace().id)
        .bind(limit)
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(AuditEventView::from).collect())
}

pub async fn page(
    pool: &Pool,
    who: &SecretsAdmin,
    f: &AuditFilter,
    page: i64,
) -> Result<AuditPage, DomainError> {
    let ws = who.workspace().id;
    let page = validate::page_number(page);
    let w = Where::of(ws, f)?;
    let events = rows(pool, &w, PAGE_SIZE, page * PAGE_SIZE).await?;
    let bound = (page + 1) * PAGE_SIZE + COUNT_AHEAD;
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
        page,
        page_size: PAGE_SIZE,
    })
}
