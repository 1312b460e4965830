//! `GET /auth/oidc/{id}/start?purpose=sign_in|link|reauth&next=/path`: creates the flow and
//! sends the browser to the provider. Linking needs a recent password (or provider) check,
//! as any new way into an account should; re-authentication asks the provider to prompt
//! again.

use axum::extract::{Path, Query, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde::Deserialize;
use tower_sessions::Session;

use app::domain::identity::sso::flows::{self, NewFlow, Purpose};
use app::domain::identity::sso::{protocol, SsoError};
use app::domain::now;
use app::state::AppState;

use super::flow_cookie::FlowCookie;
use super::landing;

#[derive(Debug, Deserialize)]
pub struct StartQuery {
    purpose: Option<String>,
    next: Option<String>,
}

pub async fn start(
    State(state): State<AppState>,
    Extension(cookie): Extension<FlowCookie>,
    Path(id): Path<String>,
    Query(query): Query<StartQuery>,
    headers: HeaderMap,
    session: Session,
) -> Response {
    let purpose = query
        .purpose
        .as_deref()
        .and_then(Purpose::parse)
        .unwrap_or(Purpose::SignIn);
    let next = landing::local(query.next.as_deref());
    match begin(&state, &cookie, &id, purpose, &next, &headers, &session).await {
        Ok(Step::Provider { url, browser }) => {
            let mut response = match HeaderValue::from_str(&url) {
                Ok(location) => (StatusCode::SEE_OTHER, [(LOCATION, location)]).into_response(),
                Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            };
            if let Some((name, value)) = cookie.set(&browser, state.sso.timing().flow_seconds) {
                response.headers_mut().append(name, value);
            }
            response
        }
        Ok(Step::Local(path)) => landing::redirect(&path, None),
        Err(e) => {
            tracing::info!(provider = %id, reason = e.code(), error = %e, "single sign-on not started");
            landing::redirect(&landing::refusal_path(purpose, &next, &e), None)
        }
    }
}

enum Step {
    /// Off to the provider, with the flow cookie's value.
    Provider { url: String, browser: String },
    /// Somewhere on this site first (sign in, confirm the password).
    Local(String),
}

async fn begin(
    state: &AppState,
    cookie: &FlowCookie,
    id: &str,
    purpose: Purpose,
    next: &str,
    headers: &HeaderMap,
    session: &Session,
) -> Result<Step, SsoError> {
    let provider = state.sso.find(id)?;
    let user_id = match purpose {
        Purpose::SignIn => None,
        Purpose::Link | Purpose::Reauth => match app::session::signed_in(state, session).await {
            Ok(who) => Some(who.user().id),
            Err(_) => return Ok(Step::Local("/login".into())),
        },
    };
    if purpose == Purpose::Link
        && app::session::recently_verified(state, session)
            .await
            .is_err()
    {
        let again: String = form_urlencoded::byte_serialize(
            format!("/auth/oidc/{id}/start?purpose=link").as_bytes(),
        )
        .collect();
        return Ok(Step::Local(format!("/reauth?next={again}")));
    }
    let meta = state.sso.metadata(provider).await?;
    let redirect_uri = cookie
        .redirect_uri(headers, id)
        .ok_or_else(|| SsoError::Unavailable("no Host header".into()))?;
    let auth = protocol::authorize(
        &meta,
        provider.settings(),
        &redirect_uri,
        purpose == Purpose::Reauth,
    )?;
    let browser = FlowCookie::fresh();
    let flow = NewFlow {
        provider_id: id,
        purpose,
        user_id,
        redirect_uri: &redirect_uri,
        return_to: next,
        state: &auth.state,
        nonce: &auth.nonce,
        pkce_verifier: &auth.pkce_verifier,
    };
    flows::create(
        &state.pool,
        &flow,
        &browser,
        now() + state.sso.timing().flow_seconds,
    )
    .await?;
    Ok(Step::Provider {
        url: auth.url,
        browser,
    })
}
