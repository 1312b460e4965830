//! Single sign-on over plain HTTP, since the browser leaves the site and comes back:
//! - `GET /auth/oidc/{id}/start?purpose=&next=`: a flow bound to this browser by a cookie of
//!   its own, then off to the provider (`start`);
//! - `GET /auth/oidc/{id}/callback`: the provider's answer, checked and kept for the same
//!   browser (`callback`);
//! - `GET /auth/oidc/complete`: back on our own site, where the `SameSite=Strict` session
//!   cookie is sent again, the answer signs in, links or re-authenticates (`complete`).
//!
//! A refusal never creates a session: the browser lands on a page with `?sso=<code>`, and the
//! page has the words (`app::model::sso::sso_message`).

mod callback;
mod complete;
mod flow_cookie;
mod landing;
mod start;

use axum::routing::get;
use axum::{Extension, Router};

use app::state::AppState;

pub use flow_cookie::FlowCookie;

/// The routes; they need the session layer, so the router adds them to the dashboard.
pub fn routes(cookie: FlowCookie) -> Router<AppState> {
    Router::new()
        .route("/auth/oidc/{id}/start", get(start::start))
        .route("/auth/oidc/{id}/callback", get(callback::callback))
        .route("/auth/oidc/complete", get(complete::complete))
        .layer(Extension(cookie))
}
