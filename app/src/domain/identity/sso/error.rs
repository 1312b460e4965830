//! Why a single sign-on did not sign anybody in. Each reason has a short code: the callback
//! sends the browser to a page with `?sso=<code>`, and the page chooses its own words for it,
//! so nothing the provider or the request said is ever echoed.

use crate::domain::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum SsoError {
    #[error("no such provider")]
    UnknownProvider,
    #[error("the provider cannot be reached: {0}")]
    Unavailable(String),
    /// Unknown, replayed or expired `state`, or a flow another browser started.
    #[error("the sign-in state is unknown, used or expired")]
    State,
    #[error("the provider refused: {0}")]
    Refused(String),
    /// The code could not be exchanged (reused, expired, or for another client).
    #[error("the authorization code was refused: {0}")]
    Code(String),
    /// The ID token failed a check: which one.
    #[error("the ID token was rejected: {0}")]
    Token(&'static str),
    #[error("the provider gave no email")]
    EmailMissing,
    #[error("the provider has not verified the email")]
    EmailUnverified,
    #[error("no workspace accepts this email's domain")]
    NoWorkspace,
    /// An account has this email, and this provider is not authoritative for its domain.
    #[error("an account with this email exists; link the provider from the Account page")]
    AccountExists,
    #[error("this identity is linked to another account")]
    LinkedElsewhere,
    /// Re-authentication came back with an identity that is not the signed-in account's.
    #[error("the provider signed in someone else")]
    WrongAccount,
    /// The provider did not sign the person in again just now (re-authentication).
    #[error("the provider did not ask for the password again")]
    NotRecent,
    /// The members of a workspace of this account must use single sign-on (password refused).
    #[error(transparent)]
    Domain(#[from] DomainError),
}

impl SsoError {
    /// The code a page turns into words (see `model::sso::sso_message`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownProvider => "unknown_provider",
            Self::Unavailable(_) => "unavailable",
            Self::State => "state",
            Self::Refused(_) => "refused",
            Self::Code(_) => "code",
            Self::Token(_) => "token",
            Self::EmailMissing => "email_missing",
            Self::EmailUnverified => "email_unverified",
            Self::NoWorkspace => "no_workspace",
            Self::AccountExists => "account_exists",
            Self::LinkedElsewhere => "linked_elsewhere",
            Self::WrongAccount => "wrong_account",
            Self::NotRecent => "not_recent",
            Self::Domain(_) => "internal",
        }
    }
}

impl From<sqlx::Error> for SsoError {
    fn from(e: sqlx::Error) -> Self {
        Self::Domain(e.into())
    }
}
