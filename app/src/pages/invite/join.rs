//! The invitation page's forms: "Join" for the signed-in invitee, and the new account form
//! (name, password, confirmation) for an email without an account. Both land in the
//! workspace: the server answers with a redirect there.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::auth::CurrentUser;
use crate::api::invitations::{AcceptInvitation, JoinWithNewAccount};
use crate::components::call::{after_success, Call, CallForm};
use crate::components::field::{FieldError, FormError, PasswordField};
use crate::model::Me;

#[island]
pub fn JoinButton(token: String, workspace: String) -> impl IntoView {
    let accept = Call::new(AcceptInvitation::PATH);
    let pending = accept.pending();
    view! {
        <CallForm call=accept>
            <input type="hidden" name="token" value=token/>
            <button type="submit" class="btn btn-primary btn-block" disabled=move || pending.get()>
                {format!("Join {workspace}")}
            </button>
        </CallForm>
        <FormError error=accept.error() fields=&[]/>
    }
}

#[island]
pub fn NewAccountForm(token: String, email: String) -> impl IntoView {
    let join = Call::new(JoinWithNewAccount::PATH);
    let error = join.error();
    let pending = join.pending();
    view! {
        <h2>"Create your account"</h2>
        <CallForm call=join>
            <input type="hidden" name="token" value=token/>
            <div class="field">
                <label for="invite-account-email">"Email"</label>
                <input id="invite-account-email" type="email" value=email readonly autocomplete="username"/>
            </div>
            <div class="field">
                <label for="invite-name">"Your name"</label>
                <input id="invite-name" name="name" type="text" required maxlength="100"
                    autocomplete="name" aria-describedby="invite-name-error"/>
                <FieldError error field="name" id="invite-name-error"/>
            </div>
            <PasswordField id="invite-password" name="password" label="Password"
                autocomplete="new-password" error hint="At least 12 characters."/>
            <PasswordField id="invite-confirm" name="confirm" label="Repeat the password"
                autocomplete="new-password" error/>
            <FormError error fields=&["name", "password", "confirm"]/>
            <button type="submit" class="btn btn-primary btn-block" disabled=move || pending.get()>
                "Create account and join"
            </button>
        </CallForm>
    }
}

/// Shown with the signed-out ways in. A link followed from another site (a mail client) is
/// loaded without the `SameSite=Strict` session cookie, so the page was rendered as if signed
/// out; asked by the page itself, the server sees the cookie. If someone is signed in, the
/// page loads again from here, as a same-site navigation that carries it.
#[island]
pub fn SignedInElsewhere() -> impl IntoView {
    let me = Call::new(CurrentUser::PATH);
    after_success(me, move || {
        if me.output::<Option<Me>>().flatten().is_some() {
            #[cfg(feature = "hydrate")]
            {
                let location = window().location();
                if let Ok(href) = location.href() {
                    let _ = location.replace(&href);
                }
            }
        }
    });
    Effect::new(move |_| me.dispatch(String::new()));
}
