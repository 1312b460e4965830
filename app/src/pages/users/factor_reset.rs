//! An admin takes a lost second factor off a member: their app, recovery codes and passkeys
//! go and their sessions end. Asks for a fresh password when the sign-in is not recent.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::members::ResetMemberFactor;
use crate::components::call::{Call, CallForm};
use crate::components::field::FormError;
use crate::components::flash::reload_on_success;
use crate::components::reauth::ReauthPrompt;

#[island]
pub fn ResetFactor(ws: String, user_id: i64, email: String) -> impl IntoView {
    let reset = Call::new(ResetMemberFactor::PATH);
    let done = email.clone();
    reload_on_success(reset, "members", move |()| {
        format!("The second factor of {done} was reset and their sessions ended: they sign in with their password and can set up a new one.")
    });
    let label = format!("Reset second factor of {email}");
    view! {
        <CallForm call=reset>
            <input type="hidden" name="ws" value=ws/>
            <input type="hidden" name="user_id" value=user_id.to_string()/>
            <button type="submit" class="btn btn-small btn-danger" aria-label=label>"Reset second factor"</button>
        </CallForm>
        <FormError error=reset.error() fields=&[]/>
        <ReauthPrompt call=reset/>
    }
}
