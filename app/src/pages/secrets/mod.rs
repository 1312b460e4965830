//! The Secrets tab. Every page asks a server function that checks admin + feature flag;
//! these components only show the answer.

pub mod audit;
pub mod detail;
pub mod detail_forms;
pub mod import;
pub mod list;
pub mod matrix;
pub mod new;
pub mod overview;
pub mod rotation;
pub mod trash;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The secret name of the current URL (`/w/{ws}/secret/{name}`).
pub fn use_secret_name() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("name").unwrap_or_default())
}

/// Bumps `counter` whenever an action's latest result is a success, so that data resources
/// refetch after a change but a failed submit does not reset the form.
pub fn refresh_on_success<T, S>(value: S, counter: RwSignal<u32>)
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, crate::error::AppError>>> + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            counter.update(|n| *n += 1);
        }
    });
}
