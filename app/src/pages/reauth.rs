//! `/reauth?next=/path`: the password prompt for dangerous actions reached by a plain link
//! (the audit export). On success the browser goes on to `next`, a path on this site.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::account::Reauthenticate;
use crate::components::call::{Call, CallForm};
use crate::components::field::{FormError, PasswordField};
use crate::components::url::is_same_site_path;

/// Only a path on this site (see [`is_same_site_path`]), else the home page.
fn local_path(next: Option<String>) -> String {
    next.filter(|path| is_same_site_path(path))
        .unwrap_or_else(|| "/".to_string())
}

#[component]
pub fn ReauthPage() -> impl IntoView {
    let query = use_query_map();
    let next = local_path(query.read_untracked().get("next"));
    view! {
        <Title text="Confirm your password · Secrets Vault"/>
        <ReauthCard next/>
    }
}

#[island]
fn ReauthCard(next: String) -> impl IntoView {
    let next = Signal::stored(next);
    let reauth = Call::new(Reauthenticate::PATH);
    let error = reauth.error();
    let done = move || reauth.succeeded();
    view! {
        <main class="auth">
            <div class="card auth-card">
                <p class="brand brand-large">"Secrets Vault"</p>
                <h1>"Confirm your password"</h1>
                <p class="hint">"This action is sensitive and your sign-in is not recent."</p>
                <Show
                    when=done
                    fallback=move || view! {
                        <CallForm call=reauth>
                            <PasswordField id="reauth-password" name="password" label="Password"
                                autocomplete="current-password" error autofocus=true/>
                            <FormError error fields=&["password"]/>
                            <button type="submit" class="btn btn-primary btn-block">"Confirm"</button>
                        </CallForm>
                    }
                >
                    <p class="success" role="status">"Password confirmed."</p>
                    <a class="btn btn-primary btn-block" href=move || next.get() rel="external">"Continue"</a>
                </Show>
            </div>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_paths_on_this_site_are_followed() {
        assert_eq!(
            local_path(Some("/export/acme/audit?format=csv".into())),
            "/export/acme/audit?format=csv"
        );
        for bad in ["//evil.test/x", "/\\evil.test", "https://evil.test", ""] {
            assert_eq!(local_path(Some(bad.into())), "/", "{bad}");
        }
        assert_eq!(local_path(None), "/");
    }
}
