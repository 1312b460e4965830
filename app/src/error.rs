//! The error every server function returns: safe to show, typed so that pages can react
//! (sign-in redirect, "not enabled" page, field errors).

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum AppError {
    #[error("Please sign in.")]
    NotSignedIn,
    #[error("Email or password is incorrect.")]
    InvalidCredentials,
    /// A dangerous action and the last password check is too old: ask for it again.
    #[error("Please confirm your password to continue.")]
    ReauthRequired,
    #[error("You do not have access to this page. Ask a workspace admin if you need it.")]
    Forbidden,
    #[error("Secrets Vault is not enabled for this workspace; ask your operator.")]
    FeatureDisabled,
    /// The workspace's rule "Admins must use a second factor" and the caller has none: 403,
    /// and pages send the browser to set one up.
    #[error("This workspace requires admins to use a second factor. Set one up on your Account page to continue.")]
    SecondFactorRequired,
    #[error("Not found.")]
    NotFound,
    #[error("{message}")]
    Validation { field: String, message: String },
    #[error("{message}")]
    Conflict { field: String, message: String },
    /// Several fields are wrong at once: each message belongs next to its field.
    #[error("Please correct the highlighted fields.")]
    Invalid(Vec<(String, String)>),
    /// The request itself is malformed (a missing or unreadable argument): 400.
    #[error("Bad request: {0}")]
    BadRequest(String),
    /// Too many attempts (sign-in throttling): the message says how long to wait.
    #[error("{0}")]
    Throttled(String),
    /// The request is larger than the server takes: 413.
    #[error("This is too large to send: a value is at most 64 KiB, an import at most 200 KiB.")]
    TooLarge,
    /// The server cannot do this now (its disk is full, it is restarting): 503. The message
    /// says what is wrong and that nothing was changed.
    #[error("{0}")]
    Unavailable(String),
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    #[error("Could not reach the server: {0}")]
    Transport(String),
}

impl AppError {
    /// The HTTP status the server answers with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotSignedIn | AppError::InvalidCredentials | AppError::ReauthRequired => 401,
            AppError::Forbidden | AppError::FeatureDisabled | AppError::SecondFactorRequired => 403,
            AppError::NotFound => 404,
            AppError::Conflict { .. } => 409,
            AppError::Validation { .. } | AppError::Invalid(_) => 422,
            AppError::BadRequest(_) => 400,
            AppError::Throttled(_) => 429,
            AppError::TooLarge => 413,
            AppError::Unavailable(_) => 503,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }

    /// The message for a form field, if this error belongs to one.
    pub fn field_message(&self, name: &str) -> Option<String> {
        match self {
            AppError::Validation { field, message } | AppError::Conflict { field, message }
                if field == name =>
            {
                Some(message.clone())
            }
            AppError::Invalid(errors) => errors
                .iter()
                .find(|(f, _)| f == name)
                .map(|(_, m)| m.clone()),
            _ => None,
        }
    }
}

impl AppError {
    /// A failed reply that did not carry our error type (a proxy's page, a body limit), in
    /// words for the form: what went wrong, not "could not reach the server".
    pub fn from_status(status: u16) -> Self {
        match status {
            400 => AppError::BadRequest("the server could not read this request".into()),
            401 => AppError::NotSignedIn,
            403 => AppError::Forbidden,
            404 => AppError::NotFound,
            413 => AppError::TooLarge,
            429 => AppError::Throttled("Too many requests. Please wait a moment and try again.".into()),
            502..=504 => AppError::Unavailable(
                "The server is unavailable right now. Nothing was changed; please try again shortly."
                    .into(),
            ),
            _ => AppError::Internal,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// Arguments the server cannot read are the caller's mistake: 400 with what was wrong,
    /// not 500. Everything else is a transport failure.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(detail) | ServerFnErrorErr::MissingArg(detail) => {
                bad_request(detail)
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}

/// On the server, also sets the reply's status: the server function never ran, so
/// `ctx::respond` could not.
fn bad_request(detail: String) -> AppError {
    let err = AppError::BadRequest(format!("the arguments could not be read ({detail})"));
    #[cfg(feature = "ssr")]
    crate::api::status::set_error_status(http::StatusCode::BAD_REQUEST);
    err
}

/// What a change refused for lack of disk space says.
pub const DISK_FULL: &str =
    "The vault's disk is full, so nothing can be saved right now. Nothing was changed; try again once an operator has freed space.";

#[cfg(feature = "ssr")]
impl From<crate::domain::DomainError> for AppError {
    fn from(err: crate::domain::DomainError) -> Self {
        use crate::domain::DomainError as D;
        match err {
            D::Validation { field, message } => AppError::Validation {
                field: field.to_string(),
                message,
            },
            D::Conflict { field, message } => AppError::Conflict {
                field: field.to_string(),
                message,
            },
            D::Invalid(errors) => AppError::Invalid(
                errors
                    .into_iter()
                    .map(|(f, m)| (f.to_string(), m))
                    .collect(),
            ),
            D::NotFound(_) => AppError::NotFound,
            D::NotSignedIn => AppError::NotSignedIn,
            D::InvalidCredentials => AppError::InvalidCredentials,
            D::Forbidden => AppError::Forbidden,
            D::FeatureDisabled => AppError::FeatureDisabled,
            D::SecondFactorRequired => AppError::SecondFactorRequired,
            // Logged once per episode by the server's `DiskWatch` (see `api::ctx::respond`).
            D::Database(e) if crate::domain::db::is_disk_full(&e) => {
                AppError::Unavailable(DISK_FULL.into())
            }
            D::Database(e) => {
                tracing::error!(error = %e, "database error");
                AppError::Internal
            }
            D::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                AppError::Internal
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_without_our_error_type_is_worded_by_its_status() {
        for status in [400, 401, 403, 404, 413, 429, 500, 502, 503, 504] {
            let message = AppError::from_status(status).to_string();
            assert!(!message.contains("Could not reach"), "{status}: {message}");
        }
        assert_eq!(AppError::from_status(413), AppError::TooLarge);
        assert_eq!(AppError::from_status(413).status(), 413);
        assert_eq!(AppError::from_status(503).status(), 503);
    }
}
