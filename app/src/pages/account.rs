//! `/account`: the signed-in user's own account: change the password, sign out everywhere.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use crate::api::account::{ChangePassword, LogoutEverywhere};
use crate::api::auth::current_user;
use crate::components::error_panel::ErrorPanel;
use crate::components::field::{last_error, FieldError, FormError};

#[component]
pub fn AccountPage() -> impl IntoView {
    let me = Resource::new(|| (), |_| current_user());
    view! {
        <Title text="Your account · Secrets Vault"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) => view! {
                        <main class="content narrow">
                            <section class="page">
                                <header class="page-head">
                                    <p class="crumbs"><a href="/">"Secrets Vault"</a> " / Account"</p>
                                    <h1>"Your account"</h1>
                                    <p class="lede">"Signed in as " {me.name} " (" {me.email} ")."</p>
                                </header>
                                <ChangePasswordForm/>
                                <SignOutEverywhere/>
                            </section>
                        </main>
                    }
                        .into_any(),
                    Ok(None) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ChangePasswordForm() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let error = last_error(change.value());
    let pending = change.pending();
    let done = move || matches!(change.value().get(), Some(Ok(())));
    view! {
        <div class="card form-card">
            <h2>"Change your password"</h2>
            <ActionForm action=change>
                <div class="field">
                    <label for="current">"Current password"</label>
                    <input id="current" name="current" type="password" autocomplete="current-password"
                        required aria-describedby="current-error"/>
                    <FieldError error field="current" id="current-error"/>
                </div>
                <div class="field">
                    <label for="new-password">"New password"</label>
                    <input id="new-password" name="password" type="password" autocomplete="new-password"
                        required aria-describedby="new-password-hint new-password-error"/>
                    <p class="hint" id="new-password-hint">"At least 12 characters."</p>
                    <FieldError error field="password" id="new-password-error"/>
                </div>
                <div class="field">
                    <label for="confirm">"Repeat the new password"</label>
                    <input id="confirm" name="confirm" type="password" autocomplete="new-password"
                        required aria-describedby="confirm-error"/>
                    <FieldError error field="confirm" id="confirm-error"/>
                </div>
                <FormError error fields=&["current", "password", "confirm"]/>
                <button type="submit" class="btn btn-primary" disabled=move || pending.get()>
                    "Change password"
                </button>
            </ActionForm>
            <Show when=done>
                <p class="success" role="status">
                    "Your password has been changed. Your other sessions have ended."
                </p>
            </Show>
        </div>
    }
}

#[component]
fn SignOutEverywhere() -> impl IntoView {
    let everywhere = ServerAction::<LogoutEverywhere>::new();
    view! {
        <div class="card form-card">
            <h2>"Sessions"</h2>
            <p>"Signed in on another computer, or lost a device? End every session of your account, this one included."</p>
            <ActionForm action=everywhere>
                <button type="submit" class="btn btn-danger-outline">"Sign out everywhere"</button>
            </ActionForm>
            <FormError error=last_error(everywhere.value()) fields=&[]/>
        </div>
    }
}
