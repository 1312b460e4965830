//! The workspace rule "Admins must use a second factor", for admins: while it is on, an admin
//! without one is sent to set one up before any page of the workspace answers.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::workspace::SetSecondFactorRule;
use crate::components::call::{Call, CallForm};
use crate::components::field::{FieldError, FormError};
use crate::components::flash::reload_on_success;
use crate::components::reauth::ReauthPrompt;

#[island]
pub fn RuleForm(ws: String, on: bool) -> impl IntoView {
    let save = Call::new(SetSecondFactorRule::PATH);
    let error = save.error();
    reload_on_success(save, "members", move |()| {
        if on {
            "Admins may now sign in without a second factor.".to_string()
        } else {
            "Admins must now use a second factor.".to_string()
        }
    });
    let (state, button) = if on {
        (
            "On: every admin of this workspace uses a second factor.",
            "Turn off",
        )
    } else {
        (
            "Off: admins may sign in with a password alone.",
            "Require a second factor",
        )
    };
    view! {
        <section class="card" aria-labelledby="rule-title">
            <h2 id="rule-title">"Admins must use a second factor"</h2>
            <p data-rule=if on { "on" } else { "off" }>{state}</p>
            <p class="hint">"While it is on, an admin without an authenticator app, a passkey or a provider that enforces one is taken to set one up before anything else. Members are not affected."</p>
            <CallForm call=save>
                <input type="hidden" name="ws" value=ws/>
                <input type="hidden" name="on" value=(!on).to_string()/>
                <button type="submit" class="btn btn-small">{button}</button>
            </CallForm>
            <FieldError error field="second_factor_rule" id="rule-error"/>
            <FormError error fields=&["second_factor_rule"]/>
            <ReauthPrompt call=save/>
        </section>
    }
}
