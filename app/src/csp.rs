//! Content Security Policy for server-rendered pages: scripts only from this origin or with
//! this response's nonce (Leptos puts it on its hydration and resource scripts), WebAssembly
//! allowed, nothing framed, forms post only here.

use leptos::nonce::{provide_nonce, use_nonce};
use leptos::prelude::*;

/// Generates this response's nonce and sets the matching header.
pub fn provide() {
    provide_nonce();
    let (Some(nonce), Some(options)) = (use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; \
         form-action 'self'; object-src 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        options.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}
