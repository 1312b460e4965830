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
pub mod island_scripts;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod metrics;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod state;

/// The WebAssembly entry point. Pages are rendered on the server; only their islands
/// (`#[island]` components: forms, the grant matrix, copy buttons) run in the browser.
/// `island_scripts` calls this, then hydrates each island of the page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    components::url_error::provide_from_location();
}
