//! Secrets Vault: the Leptos application (pages, server functions) and, behind the `ssr`
//! feature, the server-only domain (store, access checks, passwords, sessions).
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod components;
pub mod error;
pub mod model;
pub mod pages;
pub mod time_fmt;

#[cfg(feature = "ssr")]
pub mod csp;
#[cfg(feature = "ssr")]
pub mod domain;
#[cfg(feature = "ssr")]
pub mod metrics;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod state;

/// The WebAssembly entry point. Pages are rendered on the server; only their islands
/// (`#[island]` components: forms, the grant matrix, copy buttons) run in the browser, and
/// the island script hydrates each of them right after this returns.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // Runs after the islands of this page are hydrated (same task, earlier microtasks):
    // marks the page as interactive for tests.
    leptos::prelude::set_timeout(
        || {
            if let Some(body) = leptos::prelude::document().body() {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}
