use leptos::prelude::*;

use crate::components::error_panel::ErrorPanel;
use crate::error::AppError;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="content narrow">
            <ErrorPanel error=AppError::NotFound/>
        </main>
    }
}
