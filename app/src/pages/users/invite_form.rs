//! The invite form: an email and a role. Inviting an admin asks for the password again
//! when the sign-in is not recent.

use leptos::prelude::*;

use crate::components::call::{Call, CallForm};
use crate::components::field::{FieldError, FormError};
use crate::components::reauth::ReauthPrompt;

#[component]
pub fn InviteForm(ws: String, call: Call) -> impl IntoView {
    let error = call.error();
    let pending = call.pending();
    view! {
        <CallForm call>
            <input type="hidden" name="ws" value=ws/>
            <div class="field">
                <label for="invite-email">"Email"</label>
                <input id="invite-email" name="email" type="email" required maxlength="254"
                    autocomplete="off" placeholder="ada@example.com" aria-describedby="invite-email-error"/>
                <FieldError error field="email" id="invite-email-error"/>
            </div>
            <div class="field">
                <label for="invite-role">"Role"</label>
                <select id="invite-role" name="role" aria-describedby="invite-role-error">
                    <option value="member" selected=true>"Member"</option>
                    <option value="admin">"Admin"</option>
                </select>
                <FieldError error field="role" id="invite-role-error"/>
            </div>
            <FormError error fields=&["email", "role"]/>
            <button type="submit" class="btn btn-primary" disabled=move || pending.get()>
                "Invite"
            </button>
        </CallForm>
        <ReauthPrompt call/>
    }
}
