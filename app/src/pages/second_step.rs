//! `/login/code?next=/path`: the second step of a sign-in, after the password: a code from
//! the authenticator app, one of the recovery codes, or a passkey. Five minutes after the password the
//! half-finished sign-in is gone and the person starts again.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::auth::SecondFactor;
use crate::api::passkey_sign_in::{BeginSecondStepPasskey, FinishSecondStepPasskey};
use crate::components::call::{Call, CallForm};
use crate::components::field::{FieldError, FormError};
use crate::components::passkey::{Ceremony, PasskeyForm};
use crate::components::url::is_same_site_path;

#[component]
pub fn SecondStepPage() -> impl IntoView {
    let next = use_query_map()
        .read_untracked()
        .get("next")
        .filter(|path| is_same_site_path(path));
    view! {
        <Title text="Authentication code · Secrets Vault"/>
        <main class="auth">
            <div class="card auth-card">
                <p class="brand brand-large">"Secrets Vault"</p>
                <h1>"Two-factor authentication"</h1>
                <CodeForm next=next.clone()/>
                <p class="or">"or, if you added a passkey"</p>
                <PasskeyForm ceremony=Ceremony::Get begin=BeginSecondStepPasskey::PATH
                    finish=FinishSecondStepPasskey::PATH label="Use a passkey">
                    {next.map(|next| view! { <input type="hidden" name="next" value=next/> })}
                </PasskeyForm>
                <p class="hint"><a href="/login">"Start again"</a></p>
            </div>
        </main>
    }
}

#[island]
fn CodeForm(next: Option<String>) -> impl IntoView {
    let step = Call::new(SecondFactor::PATH);
    let error = step.error();
    let pending = step.pending();
    view! {
        <CallForm call=step>
            {next.map(|next| view! { <input type="hidden" name="next" value=next/> })}
            <div class="field">
                <label for="code">"Authentication code"</label>
                <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                    required autofocus aria-describedby="code-hint code-error"/>
                <p class="hint" id="code-hint">"The 6 digits your authenticator app shows, or one of your recovery codes."</p>
                <FieldError error field="code" id="code-error"/>
            </div>
            <FormError error fields=&["code"]/>
            <button type="submit" class="btn btn-primary btn-block" disabled=move || pending.get()>"Verify"</button>
        </CallForm>
    }
}
