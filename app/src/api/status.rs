//! The HTTP status of a failed server function's reply. A leaf: it knows the request and the
//! reply options, not the error type, so that both `ctx::respond` (after the function ran)
//! and `AppError`'s conversion of unreadable arguments (before it could) can set it.

use leptos::prelude::*;

/// Sets a failed server function's reply status, unless the request is a plain form post
/// (see [`plain_form_post`]): that one must stay the redirect back to its page.
pub fn set_error_status(status: http::StatusCode) {
    if plain_form_post() {
        return;
    }
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(status);
    }
}

/// A form the browser sent by itself, before the page's island was hydrated: a POST that
/// accepts HTML (a page being rendered is a GET). Leptos answers it with a redirect back to
/// the page (the error in the URL), which an error status would turn into a bare error body.
fn plain_form_post() -> bool {
    use_context::<http::request::Parts>().is_some_and(|parts| {
        parts.method == http::Method::POST
            && parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|accept| accept.to_str().ok())
                .is_some_and(|accept| accept.contains("text/html"))
    })
}
