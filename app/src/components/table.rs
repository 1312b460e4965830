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

/// A table in a box of its own that scrolls sideways on a narrow screen (a focusable region
/// named like the table), its first column kept in view; `children` are its header and body.
#[component]
pub fn ScrollTable(
    label: &'static str,
    #[prop(optional)] testid: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="table-scroll" role="region" aria-label=label tabindex="0">
            <table class="table" aria-label=label data-testid=testid>
                {children()}
            </table>
        </div>
    }
}
