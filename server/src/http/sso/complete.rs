//! `GET /auth/oidc/complete`: the browser is back on our own site with its session cookie.
//! Takes the answered flow bound to this browser (once) and does what it was for: sign in
//! (a fresh session id: no fixation; from an invitation's page, joining through it), link
//! the identity, or mark the session re-verified.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Extension;
use tower_sessions::Session;

use app::domain::admin::{invitations, sso_accounts};
use app::domain::identity::factors;
use app::domain::identity::sso::flows::{self, Answered, Purpose};
use app::domain::identity::sso::SsoError;
use app::state::AppState;

use super::flow_cookie::FlowCookie;
use super::landing;

pub async fn complete(
    State(state): State<AppState>,
    Extension(cookie): Extension<FlowCookie>,
    headers: HeaderMap,
    session: Session,
) -> Response {
    let browser = cookie.read(&headers).unwrap_or_default();
    let answered = match flows::complete(&state.pool, &browser).await {
        Ok(answered) => answered,
        Err(e) => {
            let path = landing::refusal_path(Purpose::SignIn, "/", &e);
            return landing::redirect(&path, cookie.clear());
        }
    };
    let path = match finish(&state, &session, &answered).await {
        Ok(path) => path,
        Err(e) => {
            tracing::info!(provider = %answered.provider_id, reason = e.code(), error = %e,
                "single sign-on refused");
            landing::refusal_path(answered.purpose, &answered.return_to, &e)
        }
    };
    landing::redirect(&path, cookie.clear())
}

async fn finish(
    state: &AppState,
    session: &Session,
    answered: &Answered,
) -> Result<String, SsoError> {
    let provider = state.sso.find(&answered.provider_id)?;
    if answered.purpose == Purpose::SignIn {
        let user =
            sso_accounts::sign_in(&state.pool, provider.settings(), &answered.identity).await?;
        if factors::enrolled(&state.pool, user.id).await? {
            // The provider vouched for the person; their own second factor is still asked.
            app::session::begin_second_step(session, user.id, state.clock.now())
                .await
                .map_err(|_| SsoError::Unavailable("session store".into()))?;
            let next = landing::local(Some(&answered.return_to));
            return Ok(app::api::auth::second_step_path(&next));
        }
        app::session::begin(session, user.id)
            .await
            .map_err(|_| SsoError::Unavailable("session store".into()))?;
        if answered.identity.second_factor {
            app::session::mark_provider_second_factor(session)
                .await
                .map_err(|_| SsoError::Unavailable("session store".into()))?;
        }
        tracing::info!(
            user_id = user.id,
            provider = provider.id(),
            "signed in by single sign-on"
        );
        return Ok(joined_by_invitation(state, session, &answered.return_to).await);
    }
    // Link and re-authentication: the same account must still be signed in here.
    let who = app::session::signed_in(state, session)
        .await
        .map_err(|_| SsoError::State)?;
    if answered.user_id != Some(who.user().id) {
        return Err(SsoError::State);
    }
    if answered.purpose == Purpose::Link {
        sso_accounts::link(&state.pool, &who, provider.settings(), &answered.identity).await?;
        return Ok("/account?linked=1".into());
    }
    if !sso_accounts::is_linked_to(&state.pool, &who, &answered.identity).await? {
        return Err(SsoError::WrongAccount);
    }
    if !answered.identity.second_factor && factors::enrolled(&state.pool, who.user().id).await? {
        // The provider did not vouch for a second factor: the account's own is still asked.
        app::session::begin_reauth_second_step(session, state.clock.now())
            .await
            .map_err(|_| SsoError::Unavailable("session store".into()))?;
        let next = landing::local(Some(&answered.return_to));
        return Ok(format!(
            "/reauth?step=second&next={}",
            app::components::url::urlencode(&next)
        ));
    }
    app::session::mark_verified(session)
        .await
        .map_err(|_| SsoError::Unavailable("session store".into()))?;
    Ok(landing::local(Some(&answered.return_to)))
}

/// A sign-in started from an invitation's page (`next=/invite/{token}`) joins through it and
/// lands in the workspace; if it cannot (another email, used meanwhile), the invitation's page
/// says why.
async fn joined_by_invitation(state: &AppState, session: &Session, return_to: &str) -> String {
    let back = landing::local(Some(return_to));
    let Some(token) = back.strip_prefix("/invite/") else {
        return back;
    };
    let Ok(who) = app::session::signed_in(state, session).await else {
        return back;
    };
    match invitations::accept(&state.pool, token, &who).await {
        Ok(slug) => format!("/w/{slug}"),
        Err(e) => {
            tracing::info!(error = %e, "invitation not accepted after single sign-on");
            back
        }
    }
}
