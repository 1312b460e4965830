//! Audit log exports (CSV, JSON): plain axum handlers behind the same checks as the
//! Secrets server functions (signed in, admin, flag on).

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tower_sessions::Session;

use app::domain::audit;
use app::domain::db::Pool;
use app::domain::identity::access;
use app::error::AppError;
use app::model::AuditFilter;
use app::session;
use app::state::AppState;

#[derive(Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    format: String,
    #[serde(flatten)]
    filter: AuditFilter,
}

/// `json`, or `csv` for anything else.
fn export_format(asked: &str) -> &'static str {
    if asked == "json" {
        "json"
    } else {
        "csv"
    }
}

fn refuse(e: AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, e.to_string()).into_response()
}

pub async fn audit(
    State(state): State<AppState>,
    session: Session,
    uri: Uri,
    headers: HeaderMap,
    Path(ws): Path<String>,
    Query(q): Query<ExportQuery>,
) -> Response {
    let result = async {
        let who = session::signed_in(&state, &session).await?;
        let gate = access::require_secrets_admin(&state.pool, &who, &ws).await?;
        session::recently_verified(&state, &session).await?;
        Ok::<_, AppError>(
            audit::log::export(&state.pool, &gate, &q.filter, export_format(&q.format)).await?,
        )
    }
    .await;
    let export = match result {
        Ok(export) => export,
        Err(AppError::ReauthRequired) if wants_page(&headers) => return reauth_first(&uri),
        Err(e) => return refuse(e),
    };
    let json = export_format(&q.format) == "json";
    let (content_type, extension) = if json {
        ("application/json", "json")
    } else {
        ("text/csv; charset=utf-8", "csv")
    };
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ws}-audit.{extension}\""),
            ),
        ],
        Body::from_stream(stream(export, state.pool.clone(), json)),
    )
        .into_response()
}

/// Where a streamed export is.
enum Part {
    Head,
    Events { first: bool },
    Done,
}

/// The export's body, a batch of events at a time: a JSON array with one event per line, or
/// CSV with its header. A database error ends the body early, so the download fails
/// instead of looking complete.
fn stream(
    export: audit::log::Export,
    pool: Pool,
    json: bool,
) -> impl futures::Stream<Item = Result<String, AppError>> {
    futures::stream::unfold(
        (export, pool, Part::Head),
        move |(mut export, pool, part)| async move {
            match part {
                Part::Head => {
                    let head = if json {
                        "[".to_string()
                    } else {
                        audit::log::CSV_HEADER.to_string()
                    };
                    Some((Ok(head), (export, pool, Part::Events { first: true })))
                }
                Part::Events { first } => match export.next_batch(&pool).await {
                    Ok(events) if events.is_empty() => {
                        let tail = if json { "\n]\n" } else { "" };
                        Some((Ok(tail.to_string()), (export, pool, Part::Done)))
                    }
                    Ok(events) => {
                        let chunk = if json {
                            json_lines(&events, first)
                        } else {
                            audit::log::csv_rows(&events)
                        };
                        Some((Ok(chunk), (export, pool, Part::Events { first: false })))
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "audit export stopped");
                        Some((Err(AppError::from(e)), (export, pool, Part::Done)))
                    }
                },
                Part::Done => None,
            }
        },
    )
}

/// Events as elements of a JSON array, one per line; `first` when nothing precedes them.
fn json_lines(events: &[app::model::AuditEventView], first: bool) -> String {
    let mut out = String::new();
    for (i, e) in events.iter().enumerate() {
        out.push_str(if first && i == 0 { "\n" } else { ",\n" });
        out.push_str(&serde_json::to_string(e).unwrap_or_else(|_| "null".into()));
    }
    out
}

/// A browser following the export link (not a script) is sent to the password prompt,
/// which comes back here once the password is confirmed.
fn wants_page(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

fn reauth_first(uri: &Uri) -> Response {
    let next = uri.path_and_query().map_or("/", |pq| pq.as_str());
    let location = format!("/reauth?next={}", app::components::url::urlencode(next));
    axum::response::Redirect::to(&location).into_response()
}
