use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The workspace slug of the current URL (`/w/{ws}/...`).
pub fn use_workspace_slug() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("ws").unwrap_or_default())
}
