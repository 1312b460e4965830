//! A table's header row: the column names, and an unlabelled actions column for screen
//! readers where rows carry buttons.

use leptos::prelude::*;

#[component]
pub fn Columns(
    names: &'static [&'static str],
    /// Adds a last column, named "Actions" for screen readers only.
    #[prop(optional)]
    actions: bool,
) -> impl IntoView {
    view! {
        <thead>
            <tr>
                {names.iter().map(|name| view! { <th scope="col">{*name}</th> }).collect_view()}
                {actions.then(|| view! { <th scope="col"><span class="sr-only">"Actions"</span></th> })}
            </tr>
        </thead>
    }
}
