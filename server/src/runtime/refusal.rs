//! What both runtime APIs share: finding the agent behind a token, the audited read itself,
//! and refusals, which are audited for known tokens (they are part of the trail) before each
//! API words them in its own protocol.

use app::domain::admin::token_identity::{self as tokens, AgentIdentity};
use app::domain::audit::read_event::{event, Via};
use app::domain::runtime::read::{self as runtime, Read, ReadError};
use app::state::AppState;

use super::credentials::Credential;
use super::refused::{self, internal, Refused};

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
    credential: &Credential,
    asked: &str,
    via: Via,
) -> Result<AgentIdentity, Refused> {
    let token = credential.token().ok_or(Refused::NoToken)?;
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

/// A runtime read of `name` (its current version, or `version`) by the request's token, for
/// both APIs: one query, then the read's audit event, committed before the value is answered.
/// A refusal of a known token is audited too. Counted in the metrics by outcome.
pub async fn read(
    state: &AppState,
    credential: &Credential,
    name: &str,
    version: Option<i64>,
    via: Via,
) -> Result<Read, Refused> {
    let result: Result<Read, Refused> = async {
        let token = credential.token().ok_or(Refused::NoToken)?;
        let context = runtime::ReadContext {
            pool: &state.pool,
            keyring: &state.keyring,
            data_keys: &state.data_keys,
            reads: &state.reads,
        };
        let found = runtime::read_with_token(&context, token, name, version)
            .await
            .map_err(internal)?;
        let Some((agent, outcome)) = found else {
            tracing::info!("runtime request with an unknown agent token");
            return Err(Refused::UnknownToken);
        };
        let read = match outcome {
            Ok(read) => read,
            Err(e) => return Err(refuse(state, &agent, name, version, e, via).await),
        };
        let audited = event(agent.reader(), name, "ok")
            .of_secret(read.secret_id)
            .version(Some(read.version))
            .expired(read.expired_at.is_some())
            .via(via);
        state
            .audit
            .record(audited)
            .await
            .map_err(|_| Refused::AuditUnavailable)?;
        Ok(read)
    }
    .await;
    let outcome = result.as_ref().err().map_or("ok", |r| r.label());
    state.metrics.runtime_read(refused::api_label(via), outcome);
    result
}
