use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The workspace slug of the current URL (`/w/{ws}/...`).
pub fn use_workspace_slug() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("ws").unwrap_or_default())
}

/// The `page` query parameter of the current URL: 0 when absent or not a number.
pub fn use_page_number() -> Memo<i64> {
    let query = use_query_map();
    Memo::new(move |_| {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(0)
    })
}
