//! Audit log exports (CSV, JSON): plain axum handlers behind the same checks as the
//! Secrets server functions (signed in, admin, flag on).

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tower_sessions::Session;

use app::domain::audit;
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
    let events = match result {
        Ok(events) => events,
        Err(AppError::ReauthRequired) if wants_page(&headers) => return reauth_first(&uri),
        Err(e) => return refuse(e),
    };
    let name = format!("{ws}-audit");
    if export_format(&q.format) == "json" {
        let body = serde_json::to_string_pretty(&events).unwrap_or_else(|_| "[]".into());
        (
            [
                (header::CONTENT_TYPE, "application/json".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}.json\""),
                ),
            ],
            body,
        )
            .into_response()
    } else {
        (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}.csv\""),
                ),
            ],
            audit::log::to_csv(&events),
        )
            .into_response()
    }
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
