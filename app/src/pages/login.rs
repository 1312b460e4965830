use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use crate::api::auth::Login;
use crate::components::call::{Call, CallForm};
use crate::components::field::FormError;

#[component]
pub fn LoginPage() -> impl IntoView {
    view! {
        <Title text="Sign in · Secrets Vault"/>
        <LoginCard/>
    }
}

#[island]
fn LoginCard() -> impl IntoView {
    let login = Call::new(Login::PATH);
    let error = login.error();
    let pending = login.pending();
    view! {
        <main class="auth">
            <div class="card auth-card">
                <p class="brand brand-large">"Secrets Vault"</p>
                <h1 id="login-title">"Sign in"</h1>
                <CallForm call=login>
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
            </div>
        </main>
    }
}
