use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::auth::Login;
use crate::components::call::{Call, CallForm};
use crate::components::field::FormError;
use crate::components::url::is_same_site_path;

/// `/login?next=/path`: after signing in the browser goes on to `next`, a path on this site
/// (the server checks it again).
#[component]
pub fn LoginPage() -> impl IntoView {
    let next = use_query_map()
        .read_untracked()
        .get("next")
        .filter(|path| is_same_site_path(path));
    view! {
        <Title text="Sign in · Secrets Vault"/>
        <LoginCard next/>
    }
}

#[island]
fn LoginCard(next: Option<String>) -> impl IntoView {
    let login = Call::new(Login::PATH);
    let error = login.error();
    let pending = login.pending();
    view! {
        <main class="auth">
            <div class="card auth-card">
                <p class="brand brand-large">"Secrets Vault"</p>
                <h1 id="login-title">"Sign in"</h1>
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
            </div>
        </main>
    }
}
