//! A button that copies a text to the clipboard. Progressive enhancement: the text it copies
//! is also on the page, selectable, for browsers without WebAssembly or clipboard access.

use leptos::prelude::*;

/// Copies `text`; says "Copied" once the browser confirms, or asks to copy by hand.
/// A plain component: place it inside an island.
#[component]
pub fn CopyButton(
    #[prop(into)] text: Signal<String>,
    label: &'static str,
    #[prop(optional)] testid: Option<&'static str>,
) -> impl IntoView {
    let state = RwSignal::new(None::<bool>);
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let promise = window()
                .navigator()
                .clipboard()
                .write_text(&text.get_untracked());
            wasm_bindgen_futures::spawn_local(async move {
                let done = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
                state.set(Some(done));
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = text;
    };
    view! {
        <button type="button" class="btn btn-small" on:click=copy data-testid=testid>
            {move || match state.get() {
                Some(true) => "Copied",
                Some(false) => "Copy failed: select the text and copy it",
                None => label,
            }}
        </button>
    }
}
