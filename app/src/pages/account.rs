//! `/account`: the signed-in user's own account: change the password, sign out everywhere.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use crate::api::account::{ChangePassword, LogoutEverywhere};
use crate::api::auth::current_user;
use crate::components::call::{Call, CallForm};
use crate::components::error_panel::ErrorPanel;
use crate::components::field::{FormError, PasswordField};

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

#[island]
fn ChangePasswordForm() -> impl IntoView {
    let change = Call::new(ChangePassword::PATH);
    let error = change.error();
    let pending = change.pending();
    let done = move || change.succeeded();
    view! {
        <div class="card form-card">
            <h2>"Change your password"</h2>
            <CallForm call=change>
                <PasswordField id="current" name="current" label="Current password"
                    autocomplete="current-password" error/>
                <PasswordField id="new-password" name="password" label="New password"
                    autocomplete="new-password" error hint="At least 12 characters."/>
                <PasswordField id="confirm" name="confirm" label="Repeat the new password"
                    autocomplete="new-password" error/>
                <FormError error fields=&["current", "password", "confirm"]/>
                <button type="submit" class="btn btn-primary" disabled=move || pending.get()>
                    "Change password"
                </button>
            </CallForm>
            <Show when=done>
                <p class="success" role="status">
                    "Your password has been changed. Your other sessions have ended."
                </p>
            </Show>
        </div>
    }
}

#[island]
fn SignOutEverywhere() -> impl IntoView {
    let everywhere = Call::new(LogoutEverywhere::PATH);
    view! {
        <div class="card form-card">
            <h2>"Sessions"</h2>
            <p>"Signed in on another computer, or lost a device? End every session of your account, this one included."</p>
            <CallForm call=everywhere>
                <button type="submit" class="btn btn-danger-outline">"Sign out everywhere"</button>
            </CallForm>
            <FormError error=everywhere.error() fields=&[]/>
        </div>
    }
}
