//! `/account`: the signed-in user's own account: ways to sign in (the password, linked
//! single sign-on identities), sign out everywhere.

mod passkeys;
mod password;
mod sign_in_methods;
mod two_factor;

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use crate::api::account::LogoutEverywhere;
use crate::api::auth::current_user;
use crate::components::call::{Call, CallForm};
use crate::components::error_panel::ErrorPanel;
use crate::components::field::FormError;
use crate::components::flash::FlashNote;

use sign_in_methods::SignInMethodsCard;
use two_factor::TwoFactorCard;

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
                                <FlashNote id="account".to_string()/>
                                <SignInMethodsCard/>
                                <TwoFactorCard/>
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
