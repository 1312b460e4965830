//! The runtime API that agents call: `GET /v1/secrets/{name}`, `GET /v1/secrets`.
//! Bearer token auth; the agent's workspace comes from its token, never from the request.
//! Every read and every refusal of a known token is audited; values never reach a log.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use secrecy::ExposeSecret;
use serde_json::{json, Map, Value};
use tower_http::limit::RequestBodyLimitLayer;

use app::domain::admin::tokens::{self, AgentIdentity};
use app::domain::audit::writer::event;
use app::domain::runtime::read::{self as runtime, ReadError};
use app::domain::secrets::value::{self, SecretValue};
use app::state::AppState;

use crate::rate_limit::Wait;
use crate::runtime_throttle::{self, RuntimeThrottle, UnknownToken};

/// Agents send no bodies today; anything bigger than this is refused with 413 before a handler.
const MAX_BODY_BYTES: usize = 16 * 1024;

/// The runtime API's errors, each with a documented code.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("missing, malformed, unknown or revoked agent token")]
    Unauthorized,
    /// The same answer as `Unauthorized`; the throttle charges it to the client address.
    #[error("missing, malformed, unknown or revoked agent token")]
    UnknownToken,
    #[error("not a secret name: use 1 to 64 lowercase letters, digits and underscores, starting with a letter")]
    InvalidName,
    #[error("too many requests; retry after {} seconds", .0.seconds())]
    RateLimited(Wait),
    #[error("the secrets vault feature is not enabled for this workspace")]
    FeatureDisabled,
    #[error("this agent has no access to this secret")]
    MissingAccess,
    #[error("no secret with this name")]
    NotFound,
    #[error("the audit log is unavailable; the read was not answered")]
    AuditUnavailable,
    #[error("internal error")]
    Internal,
}

impl ApiError {
    fn code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::Unauthorized | ApiError::UnknownToken => {
                (StatusCode::UNAUTHORIZED, "unauthorized")
            }
            ApiError::InvalidName => (StatusCode::BAD_REQUEST, "invalid_name"),
            ApiError::RateLimited(_) => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            ApiError::FeatureDisabled => (StatusCode::FORBIDDEN, "feature_disabled"),
            ApiError::MissingAccess => (StatusCode::FORBIDDEN, "missing_access"),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "secret_not_found"),
            ApiError::AuditUnavailable => (StatusCode::SERVICE_UNAVAILABLE, "audit_unavailable"),
            ApiError::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.code();
        let unknown_token = matches!(self, ApiError::UnknownToken);
        let mut res = (
            status,
            Json(json!({ "error": code, "message": self.to_string() })),
        )
            .into_response();
        if status == StatusCode::UNAUTHORIZED {
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if unknown_token {
            res.extensions_mut().insert(UnknownToken);
        }
        if let ApiError::RateLimited(wait) = self {
            wait.set_retry_after(&mut res);
        }
        res
    }
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "runtime API error");
    ApiError::Internal
}

/// The agent behind the bearer token. A revoked token is refused and audited.
async fn agent(
    state: &AppState,
    headers: &HeaderMap,
    asked: &str,
) -> Result<AgentIdentity, ApiError> {
    let token = bearer(headers)?;
    let Some(agent) = tokens::authenticate(&state.pool, token)
        .await
        .map_err(internal)?
    else {
        tracing::info!("runtime request with an unknown agent token");
        return Err(ApiError::UnknownToken);
    };
    if agent.revoked {
        return Err(refuse(state, &agent, asked, ReadError::TokenRevoked).await);
    }
    Ok(agent)
}

async fn refuse(state: &AppState, agent: &AgentIdentity, asked: &str, err: ReadError) -> ApiError {
    let (outcome, api) = match err {
        ReadError::TokenRevoked => ("token_revoked", ApiError::Unauthorized),
        ReadError::FeatureDisabled => ("feature_disabled", ApiError::FeatureDisabled),
        ReadError::NotFound => ("secret_not_found", ApiError::NotFound),
        ReadError::MissingAccess => ("missing_access", ApiError::MissingAccess),
        ReadError::Domain(e) => return internal(e),
    };
    match state
        .audit
        .record(event(agent.reader(), asked, outcome))
        .await
    {
        Ok(()) => api,
        Err(_) => ApiError::AuditUnavailable,
    }
}

fn to_json(value: &SecretValue) -> Value {
    match value {
        SecretValue::Single(v) => Value::String(v.expose_secret().to_string()),
        SecretValue::Pairs(pairs) => Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.expose_secret().to_string())))
                .collect::<Map<_, _>>(),
        ),
    }
}

/// The name rule of the dashboard, checked before any query: a name that breaks it names no
/// secret, and it must not reach the database or the audit log.
fn check_name(name: &str) -> Result<(), ApiError> {
    match value::check_name(name) {
        Ok(clean) if clean == name => Ok(()),
        _ => Err(ApiError::InvalidName),
    }
}

/// The bearer token of a request, if it has one (well-formed or not).
pub(crate) fn bearer(headers: &HeaderMap) -> Result<&str, ApiError> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or(ApiError::Unauthorized)
}

async fn read_secret(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    check_name(&name)?;
    let token = bearer(&headers)?;
    let found =
        runtime::read_with_token(&state.pool, &state.keyring, &state.data_keys, token, &name)
            .await
            .map_err(internal)?;
    let Some((agent, outcome)) = found else {
        tracing::info!("runtime request with an unknown agent token");
        return Err(ApiError::UnknownToken);
    };
    match outcome {
        Ok((version, value)) => {
            // Answered only once its audit event is committed.
            state
                .audit
                .record(event(agent.reader(), &name, "ok"))
                .await
                .map_err(|_| ApiError::AuditUnavailable)?;
            Ok(Json(
                json!({ "name": name, "version": version, "value": to_json(&value) }),
            ))
        }
        Err(e) => Err(refuse(&state, &agent, &name, e).await),
    }
}

async fn list_secrets(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let agent = agent(&state, &headers, "*").await?;
    match runtime::readable_names(&state.pool, &agent).await {
        Ok(names) => Ok(Json(json!({ "secrets": names }))),
        Err(e) => Err(refuse(&state, &agent, "*", e).await),
    }
}

async fn openapi() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("openapi.json"),
    )
}

/// Every `/v1` route, behind the throttle and a small body limit.
pub fn routes(throttle: RuntimeThrottle) -> Router<AppState> {
    Router::new()
        .route("/v1/secrets", get(list_secrets))
        .route("/v1/secrets/{name}", get(read_secret))
        .route("/v1/openapi.json", get(openapi))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            throttle,
            runtime_throttle::throttle,
        ))
}
