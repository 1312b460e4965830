//! Our own runtime API: `GET /v1/secrets/{name}`, `GET /v1/secrets`. Errors are
//! `{"error": code, "message": ...}` with documented codes.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use app::domain::audit::read_event::Via;
use app::domain::runtime::read::{self as runtime};
use app::state::AppState;

use app::domain::limits::Wait;

use super::credentials::Credential;
use super::names::{check_name, expired_warning, warning_header};
use super::refusal::{self, authenticate, refuse};
use super::refused::{Refused, UnknownToken};
use super::throttle::{self, RuntimeThrottle, Words};
use super::wire::{ErrorBody, SecretNameParam, SecretNames, SecretRead};

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
        let body = ErrorBody {
            error: code.to_string(),
            message: self.to_string(),
        };
        let mut res = (status, Json(body)).into_response();
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

impl Words for ApiError {
    fn rate_limited(wait: Wait) -> Response {
        ApiError::RateLimited(wait).into_response()
    }
}

impl From<Refused> for ApiError {
    fn from(refused: Refused) -> Self {
        match refused {
            Refused::NoToken | Refused::TokenRevoked | Refused::TokenExpired => {
                ApiError::Unauthorized
            }
            Refused::UnknownToken => ApiError::UnknownToken,
            Refused::FeatureDisabled => ApiError::FeatureDisabled,
            Refused::MissingAccess => ApiError::MissingAccess,
            Refused::NotFound | Refused::VersionNotFound => ApiError::NotFound,
            Refused::AuditUnavailable => ApiError::AuditUnavailable,
            Refused::Internal => ApiError::Internal,
        }
    }
}

/// Reads a secret's current value.
#[utoipa::path(
    get,
    path = "/v1/secrets/{name}",
    tag = "runtime",
    params(SecretNameParam),
    security(("agent_token" = [])),
    responses(
        (status = 200, description = "The value: a string for a single value, an object for key/value pairs. A secret past its expiry date is still answered, with a `Warning` header.", body = SecretRead),
        (status = 400, description = "`invalid_name`: the name breaks the name rule; nothing is looked up or audited.", body = ErrorBody),
        (status = 401, description = "`unauthorized`: missing, malformed, unknown or revoked token.", body = ErrorBody),
        (status = 403, description = "`missing_access`: no grant; `feature_disabled`: the workspace's secrets vault is off.", body = ErrorBody),
        (status = 404, description = "`secret_not_found`: no live secret with this name in the agent's workspace.", body = ErrorBody),
        (status = 429, description = "`rate_limited`: over the token's limit; `Retry-After` says when to retry.", body = ErrorBody),
        (status = 503, description = "`audit_unavailable`: the read could not be audited, so it was not answered.", body = ErrorBody),
    )
)]
pub(crate) async fn read_secret(
    State(state): State<AppState>,
    Path(name): Path<String>,
    credential: Credential,
) -> Result<Response, ApiError> {
    check_name(&name).map_err(|_| ApiError::InvalidName)?;
    let read = refusal::read(&state, &credential, &name, None, Via::RuntimeApi).await?;
    let warning = read
        .expired_at
        .and_then(|at| warning_header(&expired_warning(&name, at)));
    let mut res = Json(SecretRead {
        version: read.version,
        value: (&read.value).into(),
        name,
    })
    .into_response();
    if let Some(warning) = warning {
        res.headers_mut().insert(header::WARNING, warning);
    }
    Ok(res)
}

/// Lists the names of the live secrets this agent may read.
#[utoipa::path(
    get,
    path = "/v1/secrets",
    tag = "runtime",
    security(("agent_token" = [])),
    responses(
        (status = 200, description = "The names, in order.", body = SecretNames),
        (status = 401, description = "`unauthorized`: missing, malformed, unknown or revoked token.", body = ErrorBody),
        (status = 403, description = "`feature_disabled`: the workspace's secrets vault is off.", body = ErrorBody),
        (status = 429, description = "`rate_limited`.", body = ErrorBody),
    )
)]
pub(crate) async fn list_secrets(
    State(state): State<AppState>,
    credential: Credential,
) -> Result<Json<SecretNames>, ApiError> {
    let agent = authenticate(&state, &credential, "*", Via::RuntimeApi).await?;
    match runtime::readable_names(&state.pool, &agent).await {
        Ok(names) => Ok(Json(SecretNames { secrets: names })),
        Err(e) => Err(refuse(&state, &agent, "*", None, e, Via::RuntimeApi)
            .await
            .into()),
    }
}

/// Our own API's endpoints, each registered with its document, behind the throttle.
pub fn routes(throttle: RuntimeThrottle) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_secrets))
        .routes(routes!(read_secret))
        .layer(axum::middleware::from_fn_with_state(
            throttle,
            throttle::throttle::<ApiError>,
        ))
}
