//! "Two-factor authentication" on the Account page: set up an authenticator app (a QR code
//! drawn on the server and the same secret as a setup key, then a code to confirm), see the
//! recovery codes once, make a new set, or remove the app.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::second_factor::{
    two_factor_status, BeginTotp, ConfirmTotp, NewRecoveryCodes, RemoveTotp,
};
use crate::components::call::{Call, CallForm};
use crate::components::error_panel::ErrorPanel;
use crate::components::field::{FieldError, FormError};
use crate::components::flash::reload_on_success;
use crate::components::reauth::ReauthPrompt;
use crate::model::second_factor::TotpSetup;

use super::passkeys::PasskeysSection;

#[component]
pub fn TwoFactorCard() -> impl IntoView {
    let status = Resource::new(|| (), |_| two_factor_status());
    view! {
        <div class="card form-card" id="two-factor">
            <h2>"Two-factor authentication"</h2>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(s) if s.totp => view! {
                            <TotpOn left=s.recovery_codes_left/>
                            <PasskeysSection keys=s.passkeys/>
                        }
                            .into_any(),
                        Ok(s) => {
                            let required = if s.passkeys.is_empty() { s.required_by } else { Vec::new() };
                            view! {
                                {required_notice(required)}
                                <TotpSetupFlow/>
                                <PasskeysSection keys=s.passkeys/>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

/// Why the person was sent here: workspaces they administer require a second factor.
fn required_notice(workspaces: Vec<String>) -> impl IntoView {
    (!workspaces.is_empty()).then(|| {
        view! {
            <p class="panel notice" role="alert" data-second-factor-required="">
                {workspaces.join(", ")}
                " requires admins to use a second factor. Set one up to continue to the workspace."
            </p>
        }
    })
}

/// The codes shown once, in a list the person can copy or print.
fn recovery_list(codes: Vec<String>) -> impl IntoView {
    view! {
        <p class="note" role="status">
            "Save these recovery codes somewhere safe. Each works once, if you lose your app; they are not shown again."
        </p>
        <ul class="recovery-codes" id="recovery-codes">
            {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
        </ul>
    }
}

#[island]
fn TotpSetupFlow() -> impl IntoView {
    let begin = Call::new(BeginTotp::PATH);
    let confirm = Call::new(ConfirmTotp::PATH);
    let confirm_error = confirm.error();
    let setup = move || begin.output::<TotpSetup>();
    let codes = move || confirm.output::<Vec<String>>();
    view! {
        <Show when=move || setup().is_none()>
            <p>"Sign-ins and sensitive actions will also ask for a code from an app on your phone."</p>
            <CallForm call=begin>
                <button type="submit" class="btn btn-primary">"Set up an authenticator app"</button>
            </CallForm>
            <FormError error=begin.error() fields=&[]/>
            <ReauthPrompt call=begin/>
        </Show>
        {move || setup().map(|s| match codes() {
            Some(codes) => view! {
                <p class="success" role="status">"Your authenticator app is set up."</p>
                {recovery_list(codes)}
                <a class="btn" href="/account">"Done"</a>
            }.into_any(),
            None => view! {
                <p>"Scan this QR code with your authenticator app, or type the setup key into it."</p>
                <div class="qr" inner_html=s.qr_svg></div>
                <p><strong>"Setup key"</strong> " " <code id="setup-key">{s.setup_key}</code></p>
                <CallForm call=confirm>
                    <div class="field">
                        <label for="totp-code">"Code from the app"</label>
                        <input id="totp-code" name="code" type="text" inputmode="numeric"
                            autocomplete="one-time-code" required aria-describedby="totp-code-error"/>
                        <FieldError error=confirm_error field="code" id="totp-code-error"/>
                    </div>
                    <FormError error=confirm_error fields=&["code"]/>
                    <button type="submit" class="btn btn-primary">"Confirm"</button>
                </CallForm>
            }.into_any(),
        })}
    }
}

#[island]
fn TotpOn(left: i64) -> impl IntoView {
    let renew = Call::new(NewRecoveryCodes::PATH);
    let remove = Call::new(RemoveTotp::PATH);
    reload_on_success(remove, "account", |()| {
        "The authenticator app is removed.".to_string()
    });
    let codes = move || renew.output::<Vec<String>>();
    view! {
        <p>"Authenticator app: " <strong>"on"</strong> ". Recovery codes left: " {left} "."</p>
        {move || codes().map(recovery_list)}
        <div class="row-actions">
            <CallForm call=renew>
                <button type="submit" class="btn btn-small">"New recovery codes"</button>
            </CallForm>
            <CallForm call=remove>
                <button type="submit" class="btn btn-small btn-danger-outline">"Remove the authenticator app"</button>
            </CallForm>
        </div>
        <FormError error=renew.error() fields=&[]/>
        <FormError error=remove.error() fields=&[]/>
        <ReauthPrompt call=renew/>
        <ReauthPrompt call=remove/>
    }
}
