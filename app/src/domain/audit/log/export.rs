//! Exporting the audit trail: the events that matched when the export began, read a batch at
//! a time, and the export itself audited.

use super::filter::Where;
use super::row::{Row, VIEW_COLUMNS};
use super::NEWEST_FIRST;
use crate::domain::db::Pool;
use crate::domain::identity::access::SecretsAdmin;
use crate::domain::DomainError;
use crate::model::{AuditEventView, AuditFilter};

pub const MAX_EXPORT: i64 = 100_000;

/// Events an export reads per query: its memory stays this size however long it is.
pub const EXPORT_BATCH: i64 = 1_000;

/// An export under way: the matching events that existed when it began, newest first (at
/// most [`MAX_EXPORT`]), read a batch at a time by position in the log's order, so that
/// neither the server nor the database holds the whole export at once.
pub struct Export {
    filter: Where,
    /// The newest event when the export began: later ones are not part of it.
    snapshot: i64,
    /// The next batch holds events older than this (time, id); none before the first batch.
    before: Option<(i64, i64)>,
    /// Events still to read.
    left: i64,
}

/// Begins an export; the export itself is audited (`audit.export`, with how many events
/// leave the vault and in which format).
pub async fn export(
    pool: &Pool,
    who: &SecretsAdmin,
    f: &AuditFilter,
    format: &str,
) -> Result<Export, DomainError> {
    let ws = who.workspace().id;
    let (newest,): (Option<i64>,) = sqlx::query_as("SELECT MAX(id) FROM audit_events")
        .fetch_one(pool)
        .await?;
    let snapshot = newest.unwrap_or(0);
    let w = Where::of(ws, f)?;
    let n = w.next();
    let sql = format!(
        "SELECT COUNT(*) FROM (SELECT 1 FROM audit_events WHERE {} AND id <= ${n} LIMIT ${}) capped",
        w.sql,
        n + 1
    );
    let (total,): (i64,) = w
        .bind(&sql)
        .bind(snapshot)
        .bind(MAX_EXPORT)
        .fetch_one(pool)
        .await?;
    let actor = crate::domain::identity::access::actor_label(who.admin().actor());
    let detail = format!("{total} event(s) as {format}");
    let mut conn = pool.acquire().await?;
    crate::domain::audit::events::record(&mut conn, ws, &actor, "audit.export", None, &detail)
        .await?;
    Ok(Export {
        filter: w,
        snapshot,
        before: None,
        left: total,
    })
}

impl Export {
    /// The next events, newest first; empty once the export is complete.
    pub async fn next_batch(&mut self, pool: &Pool) -> Result<Vec<AuditEventView>, DomainError> {
        if self.left <= 0 {
            return Ok(Vec::new());
        }
        let w = &self.filter;
        let n = w.next();
        let (place, limit) = match self.before {
            Some(_) => (super::cursor::beyond("<", n + 1), n + 3),
            None => (String::new(), n + 1),
        };
        let sql = format!(
            "SELECT {VIEW_COLUMNS} FROM audit_events WHERE {} AND id <= ${n}{place} \
             ORDER BY {NEWEST_FIRST} LIMIT ${limit}",
            w.sql
        );
        let mut query = w.bind(&sql).bind(self.snapshot);
        if let Some((at, id)) = self.before {
            query = query.bind(at).bind(id);
        }
        let rows: Vec<Row> = query
            .bind(self.left.min(EXPORT_BATCH))
            .fetch_all(pool)
            .await?;
        match rows.last() {
            Some(last) => {
                self.before = Some((last.created_at, last.id));
                self.left -= rows.len() as i64;
            }
            None => self.left = 0,
        }
        Ok(rows.into_iter().map(AuditEventView::from).collect())
    }
}
