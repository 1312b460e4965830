//! Reading the audit trail: filters, pages, exports.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::QueryAs;
use sqlx::Any;

use crate::domain::db::{like_contains, Pool};
use crate::domain::identity::access::SecretsAdmin;
use crate::domain::{validate, DomainError};
use crate::model::{AuditEventView, AuditFilter, AuditPage};

pub const PAGE_SIZE: i64 = 50;
pub const MAX_EXPORT: i64 = 100_000;

/// Counts of the audit page stop this far past the page shown: counting ten million events
/// would scan them all.
pub const COUNT_AHEAD: i64 = 10_000;

/// A filter as SQL: the conditions of the filters given (only those, so that the database
/// can use the index that matches them) and their values.
struct Where {
    sql: String,
    ws: i64,
    texts: Vec<String>,
    times: Vec<i64>,
}

impl Where {
    fn of(ws: i64, f: &AuditFilter) -> Result<Self, DomainError> {
        let from = validate::date("from", &f.from)?;
        let to = validate::date("to", &f.to)?.map(|t| t + 86_400);
        let mut w = Where {
            sql: "workspace_id = $1".to_string(),
            ws,
            texts: Vec::new(),
            times: Vec::new(),
        };
        for (column, value) in [
            ("secret_name = ", f.secret.trim()),
            ("agent_name = ", f.agent.trim()),
            ("action = ", f.action.trim()),
        ] {
            if !value.is_empty() {
                w.texts.push(value.to_string());
                w.sql += &format!(" AND {column}${}", 1 + w.texts.len());
            }
        }
        if !f.actor.trim().is_empty() {
            w.texts.push(like_contains(&f.actor));
            w.sql += &format!(" AND LOWER(actor) LIKE ${} ESCAPE '\\'", 1 + w.texts.len());
        }
        for (condition, at) in [("created_at >= ", from), ("created_at < ", to)] {
            if let Some(at) = at {
                w.times.push(at);
                w.sql += &format!(" AND {condition}${}", w.next() - 1);
            }
        }
        Ok(w)
    }

    /// The number of the next parameter after the filter's own.
    fn next(&self) -> usize {
        2 + self.texts.len() + self.times.len()
    }

    /// `sql` (which holds this filter's conditions) with the filter's values bound.
    fn bind<'q, O>(&'q self, sql: &'q str) -> QueryAs<'q, Any, O, AnyArguments<'q>>
    where
        O: for<'r> sqlx::FromRow<'r, AnyRow>,
    {
        let mut query = sqlx::query_as(sql).bind(self.ws);
        for text in &self.texts {
            query = query.bind(text.as_str());
        }
        for at in &self.times {
            query = query.bind(*at);
        }
        query
    }
}

/// The columns of a [`Row`].
const VIEW_COLUMNS: &str =
    "id, created_at, actor, action, secret_name, agent_name, outcome, detail";

type Row = (
    i64,
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
);

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
    Ok(rows.into_iter().map(view).collect())
}

fn view((id, at, actor, action, secret, agent, outcome, detail): Row) -> AuditEventView {
    AuditEventView {
        id,
        at,
        actor,
        action,
        secret,
        agent,
        outcome,
        detail,
    }
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
    Ok(rows.into_iter().map(view).collect())
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

/// Events an export reads per query: its memory stays this size however long it is.
pub const EXPORT_BATCH: i64 = 1_000;

/// An export under way: the matching events that existed when it began, newest first (at
/// most [`MAX_EXPORT`]), read a batch at a time by id, so that neither the server nor the
/// database holds the whole export at once.
pub struct Export {
    filter: Where,
    /// The next batch holds events with ids below this.
    before: i64,
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
    let (newest,): (Option<i64>,) =
        sqlx::query_as("SELECT MAX(id) FROM audit_events WHERE workspace_id = $1")
            .bind(ws)
            .fetch_one(pool)
            .await?;
    let before = newest.map_or(0, |id| id + 1);
    let w = Where::of(ws, f)?;
    let n = w.next();
    let sql = format!(
        "SELECT COUNT(*) FROM (SELECT 1 FROM audit_events WHERE {} AND id < ${n} LIMIT ${}) capped",
        w.sql,
        n + 1
    );
    let (total,): (i64,) = w
        .bind(&sql)
        .bind(before)
        .bind(MAX_EXPORT)
        .fetch_one(pool)
        .await?;
    let actor = crate::domain::identity::access::actor_label(who.admin().actor());
    let detail = format!("{total} event(s) as {format}");
    let mut conn = pool.acquire().await?;
    super::events::record(&mut conn, ws, &actor, "audit.export", None, &detail).await?;
    Ok(Export {
        filter: w,
        before,
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
        let sql = format!(
            "SELECT {VIEW_COLUMNS} FROM audit_events WHERE {} AND id < ${n} \
             ORDER BY id DESC LIMIT ${}",
            w.sql,
            n + 1
        );
        let rows: Vec<Row> = w
            .bind(&sql)
            .bind(self.before)
            .bind(self.left.min(EXPORT_BATCH))
            .fetch_all(pool)
            .await?;
        match rows.last() {
            Some(last) => {
                self.before = last.0;
                self.left -= rows.len() as i64;
            }
            None => self.left = 0,
        }
        Ok(rows.into_iter().map(view).collect())
    }
}

/// The first line of a CSV export.
pub const CSV_HEADER: &str = "id,time_utc,actor,action,secret,agent,outcome,detail\n";

/// Events as RFC 4180 CSV lines (after [`CSV_HEADER`]); cells that a spreadsheet would run
/// as a formula are prefixed with `'`.
pub fn csv_rows(events: &[AuditEventView]) -> String {
    fn cell(raw: &str) -> String {
        let safe = if raw.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{raw}")
        } else {
            raw.to_string()
        };
        if safe.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", safe.replace('"', "\"\""))
        } else {
            safe
        }
    }
    let mut out = String::new();
    for e in events {
        let fields = [
            e.id.to_string(),
            crate::time_fmt::format_utc(e.at),
            e.actor.clone(),
            e.action.clone(),
            e.secret.clone().unwrap_or_default(),
            e.agent.clone().unwrap_or_default(),
            e.outcome.clone().unwrap_or_default(),
            e.detail.clone(),
        ];
        out.push_str(&fields.iter().map(|f| cell(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let e = AuditEventView {
            id: 1,
            at: 0,
            actor: "=HYPERLINK(\"x\")".into(),
            action: "secret.create".into(),
            secret: Some("a,b".into()),
            agent: None,
            outcome: None,
            detail: "line".into(),
        };
        let csv = csv_rows(&[e]);
        assert!(csv.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{csv}");
        assert!(csv.contains("\"a,b\""));
    }

    #[test]
    fn only_the_filters_given_become_conditions_with_numbered_values() {
        let f = AuditFilter {
            agent: " billing-worker ".into(),
            actor: "Ann".into(),
            from: "2026-11-24".into(),
            to: "2026-11-24".into(),
            ..Default::default()
        };
        let w = Where::of(7, &f).unwrap();
        assert_eq!(
            w.sql,
            "workspace_id = $1 AND agent_name = $2 AND LOWER(actor) LIKE $3 ESCAPE '\\' \
             AND created_at >= $4 AND created_at < $5"
        );
        assert_eq!(w.texts, ["billing-worker", "%ann%"]);
        assert_eq!(w.times[1] - w.times[0], 86_400, "whole UTC days");
        assert_eq!(w.next(), 6);
        assert_eq!(
            Where::of(7, &AuditFilter::default()).unwrap().sql,
            "workspace_id = $1"
        );
        assert!(Where::of(
            7,
            &AuditFilter {
                from: "24/11/2026".into(),
                ..Default::default()
            }
        )
        .is_err());
    }
}
