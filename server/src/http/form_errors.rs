//! A plain form post that fails comes back to its page with the error in the URL (`__path`,
//! `__err`: Leptos's form redirect, see `app::components::url_error`), and the page shows it as
//! that form's error. Such a URL could also be crafted and sent as a link, to put words of
//! someone else's choosing into our page. Only a page load the browser marks same-origin (the
//! redirect after our own form) keeps them; any other is sent to the same URL without them,
//! so that neither the server nor the page's islands show them.

use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use app::components::url::same_site_path;

const ERROR_PARAMS: [&str; 2] = ["__path", "__err"];

pub async fn drop_foreign_form_errors(req: Request, next: Next) -> Response {
    if req.method() == Method::GET && carries_form_error(req.uri()) && !same_origin(&req) {
        if let Ok(location) = HeaderValue::from_str(&without_form_error(req.uri())) {
            return (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response();
        }
    }
    next.run(req).await
}

fn same_origin(req: &Request) -> bool {
    req.headers()
        .get("sec-fetch-site")
        .is_some_and(|site| site == "same-origin")
}

fn pairs(uri: &Uri) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
}

fn carries_form_error(uri: &Uri) -> bool {
    pairs(uri).any(|(key, _)| ERROR_PARAMS.contains(&key.as_ref()))
}

/// The path and query of `uri` without the error parameters, as a path of this site: a
/// request for `//evil.example/x` is not sent to another host.
fn without_form_error(uri: &Uri) -> String {
    let path = same_site_path(uri.path());
    let kept: Vec<_> = pairs(uri)
        .filter(|(key, _)| !ERROR_PARAMS.contains(&key.as_ref()))
        .collect();
    if kept.is_empty() {
        return path;
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .finish();
    format!("{path}?{query}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_error_parameters_are_dropped() {
        let uri: Uri = "/w/acme/secrets?q=stripe&__path=%2Fapi%2Fx&__err=eyJ9&page=2"
            .parse()
            .unwrap();
        assert!(carries_form_error(&uri));
        assert_eq!(without_form_error(&uri), "/w/acme/secrets?q=stripe&page=2");
        let bare: Uri = "/w/acme/agents?__path=%2Fapi%2Fx&__err=eyJ9"
            .parse()
            .unwrap();
        assert_eq!(without_form_error(&bare), "/w/acme/agents");
        let away: Uri = "//evil.example/x?__err=boom".parse().unwrap();
        assert_eq!(without_form_error(&away), "/evil.example/x");
        let clean: Uri = "/w/acme/agents?q=__err".parse().unwrap();
        assert!(
            !carries_form_error(&clean),
            "a value is not a parameter name"
        );
    }
}
