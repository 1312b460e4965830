//! `/login?next=/path`: single sign-on buttons for the configured providers (a provider that
//! cannot be reached says so, and password sign-in still works), then the password form.
//! After signing in the browser goes on to `next`, a path on this site (the server checks it
//! again). A refused single sign-on comes back here as `?sso=<code>`, shown in our own words.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::auth::Login;
use crate::api::passkey_sign_in::{BeginPasskeySignIn, FinishPasskeySignIn};
use crate::api::sso::sso_providers;
use crate::components::call::{Call, CallForm};
use crate::components::field::FormError;
use crate::components::passkey::{Ceremony, PasskeyForm};
use crate::components::url::{is_same_site_path, urlencode};
use crate::model::sso::{sso_message, SsoProvider};

#[component]
pub fn LoginPage() -> impl IntoView {
    let (next, refused) = {
        let query = use_query_map();
        let query = query.read_untracked();
        (
            query.get("next").filter(|path| is_same_site_path(path)),
            query.get("sso").and_then(|code| sso_message(&code)),
        )
    };
    let providers = Resource::new(|| (), |_| sso_providers());
    let sso_next = next.clone();
    let passkey_next = next.clone();
    view! {
        <Title text="Sign in · Secrets Vault"/>
        <main class="auth">
            <div class="card auth-card">
                <p class="brand brand-large">"Secrets Vault"</p>
                <h1 id="login-title">"Sign in"</h1>
                {refused.map(|m| view! { <p class="form-error" role="alert" id="sso-error">{m}</p> })}
                <Suspense fallback=|| ()>
                    {move || {
                        let next = sso_next.clone();
                        Suspend::new(async move {
                            providers.await.ok().map(|list| view! { <SsoButtons providers=list next/> })
                        })
                    }}
                </Suspense>
                <PasswordSignIn next/>
                <p class="or">"or"</p>
                <PasskeyForm ceremony=Ceremony::Get begin=BeginPasskeySignIn::PATH
                    finish=FinishPasskeySignIn::PATH label="Sign in with a passkey">
                    {passkey_next.map(|next| view! { <input type="hidden" name="next" value=next/> })}
                </PasskeyForm>
            </div>
        </main>
    }
}

/// One link per provider: the flow starts on our server, which sends the browser on.
#[component]
fn SsoButtons(providers: Vec<SsoProvider>, next: Option<String>) -> impl IntoView {
    let any = !providers.is_empty();
    let query = next
        .map(|next| format!("?next={}", urlencode(&next)))
        .unwrap_or_default();
    let buttons = providers
        .into_iter()
        .map(|p| {
            let href = format!("/auth/oidc/{}/start{query}", p.id);
            let down = (!p.available).then(|| {
                view! {
                    <p class="hint sso-down">
                        {p.name.clone()} " could not be reached just now. You can try again, or sign in with your password."
                    </p>
                }
            });
            view! {
                <a class="btn btn-block btn-sso" href=href data-provider=p.id.clone()>
                    "Sign in with " {p.name.clone()}
                </a>
                {down}
            }
        })
        .collect_view();
    view! {
        <div class="sso-buttons">{buttons}</div>
        {any.then(|| view! { <p class="divider"><span>"or with your password"</span></p> })}
    }
}

#[island]
fn PasswordSignIn(next: Option<String>) -> impl IntoView {
    let login = Call::new(Login::PATH);
    let error = login.error();
    let pending = login.pending();
    view! {
        <CallForm call=login>
            {next.map(|next| view! { <input type="hidden" name="next" value=next/> })}
            <div class="field">
                <label for="email">"Email"</label>
                <input id="email" name="email" type="email" autocomplete="username" required autofocus/>
            </div>
            <div class="field">
                <label for="password">"Password"</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required/>
            </div>
            <FormError error fields=&[]/>
            <button type="submit" class="btn btn-primary btn-block" disabled=move || pending.get()>
                {move || if pending.get() { "Signing in…" } else { "Sign in" }}
            </button>
        </CallForm>
    }
}
