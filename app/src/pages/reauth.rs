//! `/reauth?next=/path`: the check before dangerous actions reached by a plain link (the
//! audit export, linking an identity, a prompt of an account without a password): a passkey,
//! the password (with the authenticator code when there is one), or the provider of a linked
//! identity asking again. On success the browser goes
//! on to `next`, a path on this site.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::account::{ReauthCode, Reauthenticate};
use crate::api::passkeys::{BeginReauth, FinishReauth};
use crate::api::sso::sign_in_ways;
use crate::components::call::{Call, CallForm};
use crate::components::field::{FieldError, FormError, PasswordField};
use crate::components::passkey::{Ceremony, PasskeyForm};
use crate::components::url::{is_same_site_path, urlencode};
use crate::model::sso::{sso_message, SignInMethods};

/// Only a path on this site (see [`is_same_site_path`]), else the home page.
fn local_path(next: Option<String>) -> String {
    next.filter(|path| is_same_site_path(path))
        .unwrap_or_else(|| "/".to_string())
}

#[component]
pub fn ReauthPage() -> impl IntoView {
    let (next, refused, second) = {
        let query = use_query_map();
        let query = query.read_untracked();
        (
            local_path(query.get("next")),
            query.get("sso").and_then(|code| sso_message(&code)),
            query.get("step").as_deref() == Some("second"),
        )
    };
    let methods = Resource::new(|| (), |_| sign_in_ways());
    view! {
        <Title text="Confirm it is you · Secrets Vault"/>
        <main class="auth">
            <div class="card auth-card">
                <p class="brand brand-large">"Secrets Vault"</p>
                <h1>"Confirm it is you"</h1>
                <p class="hint">"This action is sensitive and your sign-in is not recent."</p>
                {refused.map(|m| view! { <p class="form-error" role="alert" id="sso-error">{m}</p> })}
                <Suspense fallback=|| ()>
                    {move || {
                        let next = next.clone();
                        Suspend::new(async move {
                            let methods = methods.await.ok();
                            if second {
                                view! { <SecondStep methods next/> }.into_any()
                            } else {
                                view! { <Ways methods next/> }.into_any()
                            }
                        })
                    }}
                </Suspense>
            </div>
        </main>
    }
}

/// The provider of each linked identity, then the password (when the account has one, or
/// when the methods could not be read: the password call then says what is wrong).
#[component]
fn Ways(methods: Option<SignInMethods>, next: String) -> impl IntoView {
    let has_password = methods.as_ref().is_none_or(|m| m.has_password);
    let has_passkey = methods.as_ref().is_some_and(|m| m.has_passkey);
    let passkey_next = next.clone();
    let mut providers: Vec<(String, String)> = methods
        .map(|m| {
            m.identities
                .into_iter()
                .filter(|i| m.providers.iter().any(|p| p.id == i.provider_id))
                .map(|i| (i.provider_id, i.provider_name))
                .collect()
        })
        .unwrap_or_default();
    providers.dedup();
    let buttons = providers
        .into_iter()
        .map(|(id, name)| {
            let href = format!(
                "/auth/oidc/{id}/start?purpose=reauth&next={}",
                urlencode(&next)
            );
            view! { <a class="btn btn-block btn-sso" href=href>"Confirm with " {name}</a> }
        })
        .collect_view();
    view! {
        <PasskeyConfirm shown=has_passkey next=passkey_next/>
        <div class="sso-buttons">{buttons}</div>
        {has_password.then(|| view! { <ReauthCard next/> })}
    }
}

/// After the provider confirmed it is you: the account's own second factor, which the
/// provider did not vouch for.
#[component]
fn SecondStep(methods: Option<SignInMethods>, next: String) -> impl IntoView {
    let has_passkey = methods.as_ref().is_some_and(|m| m.has_passkey);
    let passkey_next = next.clone();
    view! {
        <p class="hint">"Your provider confirmed it is you. Your account also has a second factor:"</p>
        <PasskeyConfirm shown=has_passkey next=passkey_next/>
        <CodeCard next/>
    }
}

/// "Confirm with a passkey", for an account that has one, going on to `next`.
#[component]
fn PasskeyConfirm(shown: bool, next: String) -> impl IntoView {
    shown.then(|| {
        view! {
            <PasskeyForm ceremony=Ceremony::Get begin=BeginReauth::PATH finish=FinishReauth::PATH
                label="Confirm with a passkey" class="btn btn-primary btn-block">
                <input type="hidden" name="next" value=next/>
            </PasskeyForm>
        }
    })
}

#[island]
fn CodeCard(next: String) -> impl IntoView {
    let next = Signal::stored(next);
    let step = Call::new(ReauthCode::PATH);
    let error = step.error();
    view! {
        <Show
            when=move || step.succeeded()
            fallback=move || view! {
                <CallForm call=step>
                    <div class="field">
                        <label for="reauth-second-code">"Authentication code"</label>
                        <input id="reauth-second-code" name="code" type="text" inputmode="numeric"
                            autocomplete="one-time-code" required aria-describedby="reauth-second-code-error"/>
                        <FieldError error field="code" id="reauth-second-code-error"/>
                    </div>
                    <FormError error fields=&["code"]/>
                    <button type="submit" class="btn btn-primary btn-block">"Confirm"</button>
                </CallForm>
            }
        >
            <p class="success" role="status">"Confirmed."</p>
            <a class="btn btn-primary btn-block" href=move || next.get() rel="external">"Continue"</a>
        </Show>
    }
}

#[island]
fn ReauthCard(next: String) -> impl IntoView {
    let next = Signal::stored(next);
    let reauth = Call::new(Reauthenticate::PATH);
    let error = reauth.error();
    let done = move || reauth.succeeded();
    view! {
                <Show
                    when=done
                    fallback=move || view! {
                        <CallForm call=reauth>
                            <PasswordField id="reauth-password" name="password" label="Password"
                                autocomplete="current-password" error autofocus=true/>
                            <div class="field">
                                <label for="reauth-code">"Authentication code (if you use an authenticator app)"</label>
                                <input id="reauth-code" name="code" type="text" inputmode="numeric"
                                    autocomplete="one-time-code" aria-describedby="reauth-code-error"/>
                                <FieldError error field="code" id="reauth-code-error"/>
                            </div>
                            <FormError error fields=&["password", "code"]/>
                            <button type="submit" class="btn btn-primary btn-block">"Confirm"</button>
                        </CallForm>
                    }
                >
                    <p class="success" role="status">"Password confirmed."</p>
                    <a class="btn btn-primary btn-block" href=move || next.get() rel="external">"Continue"</a>
                </Show>
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
