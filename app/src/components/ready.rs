//! `body[data-hydrated="true"]`: set once every island of the page has hydrated, so that tests
//! and benchmarks know when the page reacts to clicks. Islands are loaded lazily, each from
//! its own WebAssembly chunk, so this cannot be known when the main module starts.

/// Counts one island as hydrated; call it once in every island's body.
pub fn island_ready() {
    #[cfg(feature = "hydrate")]
    leptos::prelude::Effect::new(|_| {
        let done = HYDRATED.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        mark_if_all(done);
    });
}

/// For the main module's start: a page without islands is interactive at once.
pub fn page_ready() {
    #[cfg(feature = "hydrate")]
    mark_if_all(HYDRATED.load(std::sync::atomic::Ordering::Relaxed));
}

#[cfg(feature = "hydrate")]
static HYDRATED: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

#[cfg(feature = "hydrate")]
fn mark_if_all(done: u32) {
    let document = leptos::prelude::document();
    let total = document
        .query_selector_all("leptos-island")
        .map(|islands| islands.length())
        .unwrap_or(0);
    if done >= total {
        if let Some(body) = document.body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    }
}
