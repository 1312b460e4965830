//! The password prompt of dangerous actions. When a call answers `ReauthRequired`, the
//! prompt appears next to it; once the password is confirmed the call is sent again with
//! the same arguments, so the person does not have to start over.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::account::Reauthenticate;
use crate::components::call::{after_success, Call, CallForm};
use crate::components::field::{FieldError, FormError, PasswordField};
use crate::components::url::urlencode;
use crate::error::AppError;

/// The re-authentication page, which offers the providers of linked identities too, coming
/// back to this page afterwards (the action is then sent again by hand).
fn to_reauth_page(ev: leptos::ev::MouseEvent) {
    ev.prevent_default();
    let location = window().location();
    let here = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    let _ = location.set_href(&format!("/reauth?next={}", urlencode(&here)));
}

/// Shown while `call` has answered `ReauthRequired`: asks for the password, then sends
/// `call` again.
#[component]
pub fn ReauthPrompt(call: Call) -> impl IntoView {
    let reauth = Call::new(Reauthenticate::PATH);
    let reauth_error = reauth.error();
    after_success(reauth, move || call.retry());
    let error = call.error();
    let needed = move || matches!(error.get(), Some(AppError::ReauthRequired));
    view! {
        <Show when=needed>
            <div class="card reauth" role="dialog" aria-labelledby="reauth-title">
                <p id="reauth-title"><strong>"Confirm your password"</strong></p>
                <p class="hint">"This action is sensitive and your sign-in is not recent."</p>
                <CallForm call=reauth>
                    <PasswordField id="reauth-password" name="password" label="Password"
                        autocomplete="current-password" error=reauth_error autofocus=true/>
                    <div class="field">
                        <label for="reauth-code">"Authentication code (if you use an authenticator app)"</label>
                        <input id="reauth-code" name="code" type="text" inputmode="numeric"
                            autocomplete="one-time-code" aria-describedby="reauth-code-error"/>
                        <FieldError error=reauth_error field="code" id="reauth-code-error"/>
                    </div>
                    <FormError error=reauth_error fields=&["password", "code"]/>
                    <button type="submit" class="btn btn-primary">"Confirm and continue"</button>
                </CallForm>
                <p class="hint">
                    <a href="/reauth" on:click=to_reauth_page>"Confirm with a passkey or single sign-on instead"</a>
                </p>
            </div>
        </Show>
    }
}
