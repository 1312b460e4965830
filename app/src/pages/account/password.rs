//! Changing the password on the Account page (accounts that have one).

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::account::ChangePassword;
use crate::components::call::{Call, CallForm};
use crate::components::field::{FormError, PasswordField};

#[island]
pub fn ChangePasswordForm() -> impl IntoView {
    let change = Call::new(ChangePassword::PATH);
    let error = change.error();
    let pending = change.pending();
    let done = move || change.succeeded();
    view! {
        <div class="card form-card">
            <h2>"Change your password"</h2>
            <CallForm call=change>
                <PasswordField id="current" name="current" label="Current password"
                    autocomplete="current-password" error/>
                <PasswordField id="new-password" name="password" label="New password"
                    autocomplete="new-password" error hint="At least 12 characters."/>
                <PasswordField id="confirm" name="confirm" label="Repeat the new password"
                    autocomplete="new-password" error/>
                <FormError error fields=&["current", "password", "confirm"]/>
                <button type="submit" class="btn btn-primary" disabled=move || pending.get()>
                    "Change password"
                </button>
            </CallForm>
            <Show when=done>
                <p class="success" role="status">
                    "Your password has been changed. Your other sessions have ended."
                </p>
            </Show>
        </div>
    }
}
