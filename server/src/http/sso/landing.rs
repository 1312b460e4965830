//! Where a flow's browser goes next. From the callback (a cross-site navigation, so the
//! `SameSite=Strict` session cookie is not sent, and a redirect would still count as
//! cross-site) it is a small page that moves on by itself: a navigation started by our own
//! page is same-site, so the session cookie travels again. Elsewhere a plain redirect.

use axum::http::header::{CACHE_CONTROL, LOCATION};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use app::domain::identity::sso::flows::Purpose;
use app::domain::identity::sso::SsoError;

/// A path on this site, else the home page (the password sign-in's own rule).
pub fn local(next: Option<&str>) -> String {
    app::api::redirects::local_next(next, "/")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn with_cookie(mut response: Response, cookie: Option<(HeaderName, HeaderValue)>) -> Response {
    if let Some((name, value)) = cookie {
        response.headers_mut().append(name, value);
    }
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A `303 See Other` to `path` (a path on this site, built by us).
pub fn redirect(path: &str, cookie: Option<(HeaderName, HeaderValue)>) -> Response {
    let response = match HeaderValue::from_str(path) {
        Ok(location) => (StatusCode::SEE_OTHER, [(LOCATION, location)]).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    with_cookie(response, cookie)
}

/// The page that moves on to `path` by itself (see the module's header).
pub fn onwards(path: &str, cookie: Option<(HeaderName, HeaderValue)>) -> Response {
    let target = escape(path);
    let page = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"refresh\" content=\"0;url={target}\">\
         <meta name=\"referrer\" content=\"no-referrer\">\
         <title>Signing in · Secrets Vault</title></head>\
         <body><p>Continuing to Secrets Vault… <a id=\"continue\" href=\"{target}\">Continue</a></p></body></html>"
    );
    with_cookie(Html(page).into_response(), cookie)
}

/// Where a refusal is explained: the sign-in page, or for a signed-in person the page they
/// came from (Account for a link, the re-authentication page otherwise).
pub fn refusal_path(purpose: Purpose, return_to: &str, error: &SsoError) -> String {
    let code = error.code();
    match purpose {
        Purpose::SignIn => format!("/login?sso={code}"),
        Purpose::Link => format!("/account?sso={code}"),
        Purpose::Reauth => {
            let next: String = form_urlencoded::byte_serialize(return_to.as_bytes()).collect();
            format!("/reauth?sso={code}&next={next}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_on_this_site_are_followed() {
        assert_eq!(local(Some("/w/acme")), "/w/acme");
        assert_eq!(local(Some("//evil.example")), "/");
        assert_eq!(local(Some("https://evil.example")), "/");
        assert_eq!(local(None), "/");
    }

    #[test]
    fn the_onward_page_escapes_its_target() {
        let response = onwards("/reauth?next=\"><script>", None);
        assert_eq!(response.status(), StatusCode::OK);
    }
}
