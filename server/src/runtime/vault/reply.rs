//! Vault's wire format: the response envelope, `{"errors": [...]}` bodies, RFC 3339 times.
//!
//! Every body is sent with `Content-Type: application/json` exactly: hvac parses an error's
//! body only on that exact string, and Vault sends no charset.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rand::RngCore;
use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::wire::{Envelope, VaultErrors};
use crate::runtime::refused::{Refused, UnknownToken};
use crate::runtime::throttle::Words;
use app::domain::limits::Wait;

/// Vault's answer to a bad token: a missing, unknown, malformed or revoked one.
const INVALID_TOKEN: &str = "2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n";
/// Vault's answer to a valid token without the right to this path.
const PERMISSION_DENIED: &str = "1 error occurred:\n\t* permission denied\n\n";

/// A body as Vault sends it.
pub fn json_body(status: StatusCode, body: &impl Serialize) -> Response {
    let text = serde_json::to_string(body).unwrap_or_else(|e| {
        tracing::error!(error = %e, "Vault API body did not serialise");
        r#"{"errors":["internal error"]}"#.to_string()
    });
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        text,
    )
        .into_response()
}

/// A 200 answer.
pub fn ok(body: &impl Serialize) -> Response {
    json_body(StatusCode::OK, body)
}

/// Vault's response envelope around `data`.
pub fn envelope<T>(data: T, mount_type: &str) -> Envelope<T> {
    Envelope {
        request_id: request_id(),
        lease_id: String::new(),
        renewable: false,
        lease_duration: 0,
        data,
        wrap_info: None,
        warnings: None,
        auth: None,
        mount_type: mount_type.to_string(),
    }
}

/// A random id in UUID form, as Vault gives every response.
fn request_id() -> String {
    let mut b = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut b);
    let hex = app::domain::keys::digest::hex(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Unix seconds as Vault writes times: RFC 3339 in UTC with a `Z` (`2026-11-25T09:30:00Z`).
pub fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// The Vault-compatible API's errors, in Vault's words and status codes.
#[derive(Debug)]
pub enum VaultError {
    /// Missing, unknown or revoked token: 403 (Vault never answers 401). `unknown` marks a
    /// token that matched nothing, so the throttle charges it to the client address.
    InvalidToken {
        unknown: bool,
    },
    /// No grant, or the workspace's secrets vault is switched off: 403.
    PermissionDenied,
    /// A preflight for a path outside our one mount: 403 with Vault's message.
    NoMount(String),
    /// No such secret, version or folder: 404 with an empty error list.
    NotFound,
    /// A malformed name or parameter: 400.
    InvalidRequest(String),
    /// Agents only read: 405 for every write, with the methods the path allows.
    ReadOnly(&'static str),
    RateLimited(Wait),
    /// The read could not be audited, so it is not answered.
    AuditUnavailable,
    Internal,
}

impl VaultError {
    fn parts(&self) -> (StatusCode, Vec<String>) {
        match self {
            VaultError::InvalidToken { .. } => (StatusCode::FORBIDDEN, vec![INVALID_TOKEN.into()]),
            VaultError::PermissionDenied => {
                (StatusCode::FORBIDDEN, vec![PERMISSION_DENIED.into()])
            }
            VaultError::NoMount(path) => (
                StatusCode::FORBIDDEN,
                vec![format!(
                    "preflight capability check returned 403, please ensure client's policies grant access to path \"{path}\""
                )],
            ),
            VaultError::NotFound => (StatusCode::NOT_FOUND, Vec::new()),
            VaultError::InvalidRequest(message) => (StatusCode::BAD_REQUEST, vec![message.clone()]),
            VaultError::ReadOnly(_) => (
                StatusCode::METHOD_NOT_ALLOWED,
                vec!["agents have read-only access: secrets are changed in the Secrets Vault dashboard".into()],
            ),
            VaultError::RateLimited(_) => (
                StatusCode::TOO_MANY_REQUESTS,
                vec!["rate limit quota exceeded".into()],
            ),
            VaultError::AuditUnavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                vec!["the audit log is unavailable; the read was not answered".into()],
            ),
            VaultError::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                vec!["internal error".into()],
            ),
        }
    }
}

impl IntoResponse for VaultError {
    fn into_response(self) -> Response {
        let (status, errors) = self.parts();
        let mut res = json_body(status, &VaultErrors { errors });
        match self {
            VaultError::InvalidToken { unknown: true } => {
                res.extensions_mut().insert(UnknownToken);
            }
            VaultError::RateLimited(wait) => wait.set_retry_after(&mut res),
            VaultError::ReadOnly(allow) => {
                res.headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static(allow));
            }
            _ => {}
        }
        res
    }
}

impl Words for VaultError {
    fn rate_limited(wait: Wait) -> Response {
        VaultError::RateLimited(wait).into_response()
    }
}

impl From<Refused> for VaultError {
    fn from(refused: Refused) -> Self {
        match refused {
            Refused::NoToken | Refused::TokenRevoked | Refused::TokenExpired => {
                VaultError::InvalidToken { unknown: false }
            }
            Refused::UnknownToken => VaultError::InvalidToken { unknown: true },
            Refused::FeatureDisabled | Refused::MissingAccess => VaultError::PermissionDenied,
            Refused::NotFound | Refused::VersionNotFound => VaultError::NotFound,
            Refused::AuditUnavailable => VaultError::AuditUnavailable,
            Refused::Internal => VaultError::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_in_utc_with_a_z() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_000_000), "2026-11-18T11:06:40Z");
    }

    #[test]
    fn request_ids_look_like_uuids_and_differ() {
        let (a, b) = (request_id(), request_id());
        assert_ne!(a, b);
        let lengths: Vec<usize> = a.split('-').map(str::len).collect();
        assert_eq!(lengths, [8, 4, 4, 4, 12]);
    }

    #[test]
    fn errors_carry_vaults_words_and_exactly_application_json() {
        let res = VaultError::InvalidToken { unknown: true }.into_response();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert_eq!(res.headers()[header::CONTENT_TYPE], "application/json");
        assert!(res.extensions().get::<UnknownToken>().is_some());
        let (status, errors) = VaultError::NotFound.parts();
        assert_eq!((status, errors.len()), (StatusCode::NOT_FOUND, 0));
    }
}
