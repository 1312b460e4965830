//! A page's server data as it arrives: a loading line while it comes, the error panel if it
//! failed, otherwise what the page makes of it. The one shape of "load, then show or explain".

use leptos::prelude::*;

use crate::components::error_panel::ErrorPanel;
use crate::error::AppError;

/// Shows `children` with the loaded value (`let:name` names it), [`ErrorPanel`] if loading
/// failed, and `loading` until then.
#[component]
pub fn Loaded<T, F, V>(
    data: Resource<Result<T, AppError>>,
    loading: &'static str,
    children: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=move || view! { <p class="loading">{loading}</p> }>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(value) => children(value).into_any(),
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
