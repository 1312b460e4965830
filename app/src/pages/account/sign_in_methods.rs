//! "Ways to sign in" on the Account page: the password (changed here) or its absence, the
//! single sign-on identities linked to the account (unlinked while another way remains), and
//! a link per configured provider. A link or a refusal comes back as `?linked=1` or
//! `?sso=<code>`.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

use super::password::ChangePasswordForm;
use crate::api::sso::{sign_in_ways, UnlinkIdentity};
use crate::components::call::{Call, CallForm};
use crate::components::error_panel::ErrorPanel;
use crate::components::field::FormError;
use crate::components::flash::reload_on_success;
use crate::components::reauth::ReauthPrompt;
use crate::model::sso::{sso_message, SignInMethods};
use crate::time_fmt::format_utc;

#[component]
pub fn SignInMethodsCard() -> impl IntoView {
    let (refused, linked) = {
        let query = use_query_map();
        let query = query.read_untracked();
        (
            query.get("sso").and_then(|code| sso_message(&code)),
            query.get("linked").is_some(),
        )
    };
    let methods = Resource::new(|| (), |_| sign_in_ways());
    view! {
        {refused.map(|m| view! { <p class="form-error" role="alert" id="sso-error">{m}</p> })}
        {linked.then(|| view! {
            <p class="success" role="status">"The identity is linked: you can sign in with it now."</p>
        })}
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match methods.await {
                    Ok(methods) => view! { <Methods methods/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Methods(methods: SignInMethods) -> impl IntoView {
    let can_unlink = methods.can_unlink();
    let password = if methods.has_password {
        view! { <ChangePasswordForm/> }.into_any()
    } else {
        view! {
            <div class="card form-card">
                <h2>"Password"</h2>
                <p>"Your account has no password: you sign in with single sign-on."</p>
            </div>
        }
        .into_any()
    };
    let none = methods.identities.is_empty();
    let identities = methods
        .identities
        .into_iter()
        .map(|i| {
            let label = format!("Unlink {} ({})", i.provider_name, i.email);
            view! {
                <li data-provider=i.provider_id.clone()>
                    <span>
                        <strong>{i.provider_name.clone()}</strong> " · " {i.email.clone()}
                        " · last used " {format_utc(i.last_used_at)}
                    </span>
                    {can_unlink.then(|| view! { <UnlinkButton id=i.id label/> })}
                </li>
            }
        })
        .collect_view();
    let links = methods
        .providers
        .into_iter()
        .map(|p| {
            let href = format!("/auth/oidc/{}/start?purpose=link", p.id);
            view! { <a class="btn btn-small" href=href>"Link " {p.name}</a> }
        })
        .collect_view();
    view! {
        {password}
        <div class="card form-card" id="sign-in-methods">
            <h2>"Single sign-on"</h2>
            {none.then(|| view! { <p class="hint">"No identity is linked to your account yet."</p> })}
            <ul class="identity-list">{identities}</ul>
            {(!can_unlink).then(|| view! {
                <p class="hint">"Your only way to sign in cannot be unlinked: link another provider first."</p>
            })}
            <div class="row-actions">{links}</div>
        </div>
    }
}

/// Unlinks one identity, after a fresh sign-in check if the last one is old.
#[island]
fn UnlinkButton(id: i64, label: String) -> impl IntoView {
    let unlink = Call::new(UnlinkIdentity::PATH);
    reload_on_success(unlink, "account", |()| {
        "The identity is unlinked.".to_string()
    });
    view! {
        <CallForm call=unlink>
            <input type="hidden" name="id" value=id.to_string()/>
            <button type="submit" class="btn btn-small btn-danger-outline" aria-label=label>"Unlink"</button>
        </CallForm>
        <FormError error=unlink.error() fields=&[]/>
        <ReauthPrompt call=unlink/>
    }
}
