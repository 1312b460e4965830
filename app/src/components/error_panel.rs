use leptos::prelude::*;

use crate::error::AppError;

/// A whole-page answer to an error: sign-in redirect, "not enabled", "no access", "not found".
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    let (title, class) = match &error {
        AppError::NotSignedIn => return to_sign_in().into_any(),
        AppError::SecondFactorRequired => return to_second_factor_setup().into_any(),
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

/// Sends the browser to sign-in: a redirect answer while the server renders the page, a
/// new location when an island's refetch finds the session gone.
#[cfg(feature = "ssr")]
fn to_sign_in() -> impl IntoView {
    view! { <leptos_router::components::Redirect path="/login"/> }
}

/// The workspace requires its admins to use a second factor: to the Account page to set one up.
#[cfg(feature = "ssr")]
fn to_second_factor_setup() -> impl IntoView {
    view! { <leptos_router::components::Redirect path=SECOND_FACTOR_SETUP/> }
}

#[cfg(not(feature = "ssr"))]
fn to_second_factor_setup() -> impl IntoView {
    let _ = window().location().set_href(SECOND_FACTOR_SETUP);
}

const SECOND_FACTOR_SETUP: &str = "/account#two-factor";

#[cfg(not(feature = "ssr"))]
fn to_sign_in() -> impl IntoView {
    let _ = window().location().set_href("/login");
}
