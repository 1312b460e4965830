//! `GET /auth/oidc/{id}/callback?code=&state=` (or `?error=`): takes the flow this browser
//! started (once), redeems the code and checks the ID token, then keeps the verified identity
//! for the same browser to complete on our own site. Nothing here signs anybody in.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Extension;
use serde::Deserialize;

use app::domain::identity::sso::flows::{self, Pending, Purpose};
use app::domain::identity::sso::protocol::{self, Redemption, VerifiedIdentity};
use app::domain::identity::sso::SsoError;
use app::state::AppState;

use super::flow_cookie::FlowCookie;
use super::landing;

/// A provider's clock may run this far ahead of ours (re-authentication's `auth_time`).
const CLOCK_SKEW_SECONDS: i64 = 60;

#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

pub async fn callback(
    State(state): State<AppState>,
    Extension(cookie): Extension<FlowCookie>,
    Path(id): Path<String>,
    Query(query): Query<CallbackQuery>,
    headers: HeaderMap,
) -> Response {
    let browser = cookie.read(&headers).unwrap_or_default();
    let flow_state = query.state.clone().unwrap_or_default();
    let pending = match flows::take(&state.pool, &flow_state, &browser).await {
        Ok(pending) if pending.provider_id == id => pending,
        Ok(_) | Err(_) => {
            tracing::info!(provider = %id, "single sign-on callback with an unknown, used or expired state");
            // The cookie stays: it may belong to a flow of this browser still under way (a
            // forged callback must not be able to cancel it).
            let path = landing::refusal_path(Purpose::SignIn, "/", &SsoError::State);
            return landing::onwards(&path, None);
        }
    };
    match redeem(&state, &id, &query, &pending).await {
        Ok(identity) => {
            if let Err(e) =
                flows::answer(&state.pool, &flow_state, &browser, &pending, &identity).await
            {
                return refuse(&cookie, &id, &pending, e);
            }
            landing::onwards("/auth/oidc/complete", None)
        }
        Err(e) => refuse(&cookie, &id, &pending, e),
    }
}

fn refuse(cookie: &FlowCookie, id: &str, pending: &Pending, e: SsoError) -> Response {
    tracing::info!(provider = %id, reason = e.code(), error = %e, "single sign-on refused");
    let path = landing::refusal_path(pending.purpose, &pending.return_to, &e);
    landing::onwards(&path, cookie.clear())
}

async fn redeem(
    state: &AppState,
    id: &str,
    query: &CallbackQuery,
    pending: &Pending,
) -> Result<VerifiedIdentity, SsoError> {
    if let Some(error) = &query.error {
        // The provider's own code (access_denied, login_required, ...), kept short for the log.
        return Err(SsoError::Refused(error.chars().take(64).collect()));
    }
    let code = query
        .code
        .clone()
        .ok_or_else(|| SsoError::Code("no code".into()))?;
    let provider = state.sso.find(id)?;
    let identity = protocol::redeem(
        &state.sso,
        provider,
        Redemption {
            code,
            pkce_verifier: pending.pkce_verifier.clone(),
            nonce: pending.nonce.clone(),
            redirect_uri: &pending.redirect_uri,
        },
    )
    .await?;
    if pending.purpose == Purpose::Reauth {
        let fresh = identity
            .auth_time
            .is_some_and(|t| t >= pending.started_at - CLOCK_SKEW_SECONDS);
        if !fresh {
            return Err(SsoError::NotRecent);
        }
    }
    Ok(identity)
}
