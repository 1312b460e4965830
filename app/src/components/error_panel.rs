use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::error::AppError;

/// A whole-page answer to an error: sign-in redirect, "not enabled", "no access", "not found".
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    let (title, class) = match &error {
        AppError::NotSignedIn => return view! { <Redirect path="/login"/> }.into_any(),
        AppError::FeatureDisabled => ("Secrets Vault is not enabled", "panel notice"),
        AppError::Forbidden => ("Access denied", "panel denied"),
        AppError::NotFound => ("Not found", "panel denied"),
        _ => ("Something went wrong", "panel denied"),
    };
    view! {
        <section class=class role="alert" data-error=format!("{error:?}")>
            <h1>{title}</h1>
            <p>{error.to_string()}</p>
            <p><a href="/">"Back to your workspaces"</a></p>
        </section>
    }
    .into_any()
}
