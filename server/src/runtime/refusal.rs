//! What both runtime APIs do before they answer "no": a known token's refusal is audited
//! (it is part of the trail), then each API words the refusal in its own protocol.

use axum::http::HeaderMap;

use app::domain::admin::token_identity::{self as tokens, AgentIdentity};
use app::domain::audit::read_event::{event, Via};
use app::domain::runtime::read::ReadError;
use app::state::AppState;

use super::credentials::agent_token;

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

/// Audits a refusal of `agent` asking for `asked` (a secret name, or `*`), at `version` when
/// one was asked for.
pub async fn refuse(
    state: &AppState,
    agent: &AgentIdentity,
    asked: &str,
    version: Option<i64>,
    err: ReadError,
    via: Via,
) -> Refused {
    let (outcome, refused) = match err {
        ReadError::TokenRevoked => ("token_revoked", Refused::TokenRevoked),
        ReadError::TokenExpired => ("token_expired", Refused::TokenExpired),
        ReadError::FeatureDisabled => ("feature_disabled", Refused::FeatureDisabled),
        ReadError::NotFound => ("secret_not_found", Refused::NotFound),
        ReadError::VersionNotFound => ("version_not_found", Refused::VersionNotFound),
        ReadError::MissingAccess => ("missing_access", Refused::MissingAccess),
        ReadError::Domain(e) => return internal(e),
    };
    match state
        .audit
        .record(
            event(agent.reader(), asked, outcome)
                .version(version)
                .via(via),
        )
        .await
    {
        Ok(()) => refused,
        Err(_) => Refused::AuditUnavailable,
    }
}

/// The agent behind the request's token. A revoked or expired token is refused and audited;
/// an unknown one is refused without a trail (it names no workspace).
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    asked: &str,
    via: Via,
) -> Result<AgentIdentity, Refused> {
    let token = agent_token(headers).ok_or(Refused::NoToken)?;
    let Some(agent) = tokens::authenticate(&state.pool, token)
        .await
        .map_err(internal)?
    else {
        tracing::info!("runtime request with an unknown agent token");
        return Err(Refused::UnknownToken);
    };
    if agent.revoked {
        return Err(refuse(state, &agent, asked, None, ReadError::TokenRevoked, via).await);
    }
    if agent.expired {
        return Err(refuse(state, &agent, asked, None, ReadError::TokenExpired, via).await);
    }
    Ok(agent)
}
