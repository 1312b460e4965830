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
