//! A form sent before its island was hydrated (or without WebAssembly at all) is a plain
//! HTML form post: the server answers with a redirect back to the page, carrying a failed
//! action's error in the URL (`__path`, `__err`). The server renders that error into the
//! page; this gives the islands in the browser the same error, so that they hydrate to
//! what the server rendered.

/// Provides the URL's action error, if any, to every island of the page.
#[cfg(feature = "hydrate")]
pub fn provide_from_location() {
    use leptos::prelude::{provide_context, window};
    let Ok(search) = window().location().search() else {
        return;
    };
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return;
    };
    if let (Some(path), Some(err)) = (params.get("__path"), params.get("__err")) {
        provide_context(leptos::server::ServerActionError::new(&path, &err));
    }
}
