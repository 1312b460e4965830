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

const WHERE: &str = "workspace_id = $1 AND ($2 = '' OR secret_name = $2) AND ($3 = '' OR agent_name = $3) \
     AND ($4 = '' OR LOWER(actor) LIKE $5 ESCAPE '\\') AND ($6 = '' OR action = $6) AND created_at >= $7 AND created_at < $8";

fn bounds(filter: &AuditFilter) -> Result<(i64, i64), DomainError> {
    let from = validate::date("from", &filter.from)?.unwrap_or(i64::MIN);
    let to = validate::date("from", &filter.to)?
        .map(|t| t + 86_400)
        .unwrap_or(i64::MAX);
    Ok((from, to))
}

/// `sql` (which uses [`WHERE`]) with the filter's parameters bound.
fn filtered<'q, O>(
    sql: &'q str,
    ws: i64,
    f: &'q AuditFilter,
) -> Result<QueryAs<'q, Any, O, AnyArguments<'q>>, DomainError>
where
    O: for<'r> sqlx::FromRow<'r, AnyRow>,
{
    let (from, to) = bounds(f)?;
    Ok(sqlx::query_as(sql)
        .bind(ws)
        .bind(f.secret.trim())
        .bind(f.agent.trim())
        .bind(f.actor.trim())
        .bind(like_contains(&f.actor))
        .bind(f.action.trim())
        .bind(from)
        .bind(to))
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
    ws: i64,
    f: &AuditFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditEventView>, DomainError> {
    let sql = format!(
        "SELECT {VIEW_COLUMNS} FROM audit_events \
         WHERE {WHERE} ORDER BY id DESC LIMIT $9 OFFSET $10"
    );
    let rows: Vec<Row> = filtered(&sql, ws, f)?
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
    let events = rows(pool, ws, f, PAGE_SIZE, page * PAGE_SIZE).await?;
    let sql = format!("SELECT COUNT(*) FROM audit_events WHERE {WHERE}");
    let (total,): (i64,) = filtered(&sql, ws, f)?.fetch_one(pool).await?;
    Ok(AuditPage {
        events,
        total,
        page,
        page_size: PAGE_SIZE,
    })
}

/// Every matching event (newest first, at most 100,000) for CSV or JSON export.
/// The events an export holds; the export itself is audited (`audit.export`, with how
/// many events left the vault).
pub async fn export(
    pool: &Pool,
    who: &SecretsAdmin,
    f: &AuditFilter,
    format: &str,
) -> Result<Vec<AuditEventView>, DomainError> {
    let ws = who.workspace().id;
    let events = rows(pool, ws, f, MAX_EXPORT, 0).await?;
    let actor = crate::domain::identity::access::actor_label(who.admin().actor());
    let detail = format!("{} event(s) as {format}", events.len());
    let mut conn = pool.acquire().await?;
    super::events::record(&mut conn, ws, &actor, "audit.export", None, &detail).await?;
    Ok(events)
}

/// RFC 4180 CSV; cells that a spreadsheet would run as a formula are prefixed with `'`.
pub fn to_csv(events: &[AuditEventView]) -> String {
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
    let mut out = String::from("id,time_utc,actor,action,secret,agent,outcome,detail\n");
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
        let csv = to_csv(&[e]);
        assert!(csv.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{csv}");
        assert!(csv.contains("\"a,b\""));
    }

    #[test]
    fn dates_are_whole_utc_days() {
        let f = AuditFilter {
            from: "2026-11-24".into(),
            to: "2026-11-24".into(),
            ..Default::default()
        };
        let (from, to) = bounds(&f).unwrap();
        assert_eq!(to - from, 86_400);
        assert!(bounds(&AuditFilter {
            from: "24/11/2026".into(),
            ..Default::default()
        })
        .is_err());
    }
}
