//! Why a runtime request was refused, before either API words it in its own protocol, and
//! the mark a response carries when its token matched no token at all.

use app::domain::audit::read_event::Via;

/// Why a runtime request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    NoToken,
    UnknownToken,
    TokenRevoked,
    TokenExpired,
    FeatureDisabled,
    NotFound,
    VersionNotFound,
    MissingAccess,
    AuditUnavailable,
    Internal,
}

pub fn internal(e: impl std::fmt::Display) -> Refused {
    tracing::error!(error = %e, "runtime API error");
    Refused::Internal
}

impl Refused {
    /// The outcome label of the runtime read metric.
    pub fn label(self) -> &'static str {
        match self {
            Refused::NoToken => "no_token",
            Refused::UnknownToken => "unknown_token",
            Refused::TokenRevoked => "token_revoked",
            Refused::TokenExpired => "token_expired",
            Refused::FeatureDisabled => "feature_disabled",
            Refused::NotFound => "secret_not_found",
            Refused::VersionNotFound => "version_not_found",
            Refused::MissingAccess => "missing_access",
            Refused::AuditUnavailable => "audit_unavailable",
            Refused::Internal => "error",
        }
    }
}

/// The API label of the runtime read metric.
pub fn api_label(via: Via) -> &'static str {
    match via {
        Via::RuntimeApi => "native",
        Via::VaultApi => "vault",
    }
}

/// Set on a response by the runtime handlers when the bearer token matched no token at all:
/// the throttle then charges the request to the client's network.
#[derive(Debug, Clone, Copy)]
pub struct UnknownToken;
