use thiserror::Error;

/// Errors of the domain layer. Messages of the user-facing variants are safe to show;
/// `Database` and `Internal` carry details that are logged, never shown.
#[derive(Debug, Error)]
pub enum DomainError {
    #[error("{message}")]
    Validation {
        field: &'static str,
        message: String,
    },
    #[error("{message}")]
    Conflict {
        field: &'static str,
        message: String,
    },
    #[error("{}", .0.iter().map(|(f, m)| format!("{f}: {m}")).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<(&'static str, String)>),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("not signed in")]
    NotSignedIn,
    #[error("email or password is incorrect")]
    InvalidCredentials,
    #[error("forbidden")]
    Forbidden,
    #[error("the secrets vault feature is not enabled for this workspace")]
    FeatureDisabled,
    /// The workspace requires its admins to use a second factor and this one has none.
    #[error("this workspace requires admins to use a second factor")]
    SecondFactorRequired,
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

impl DomainError {
    pub fn validation(field: &'static str, message: impl Into<String>) -> Self {
        Self::Validation {
            field,
            message: message.into(),
        }
    }

    /// Turns a unique-constraint violation into a field error; any other database error
    /// stays a database error.
    pub fn on_unique(err: sqlx::Error, field: &'static str, message: &str) -> Self {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => Self::Conflict {
                field,
                message: message.to_string(),
            },
            _ => Self::Database(err),
        }
    }
}
