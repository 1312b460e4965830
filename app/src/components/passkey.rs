//! A passkey form: a button (and any fields given as children) that the passkey script
//! (`passkey.js`, inlined with the page's nonce) turns into a WebAuthn ceremony: `begin`
//! gives the options, the browser's authenticator answers, `finish` checks the answer and
//! says where to go. Its messages appear in the form's status line.

use leptos::prelude::*;

const SCRIPT: &str = include_str!("passkey.js");

/// Whether the ceremony makes a new credential or uses one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ceremony {
    Create,
    Get,
}

#[component]
pub fn PasskeyForm(
    ceremony: Ceremony,
    begin: &'static str,
    finish: &'static str,
    label: &'static str,
    #[prop(default = "btn btn-block")] class: &'static str,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let mode = match ceremony {
        Ceremony::Create => "create",
        Ceremony::Get => "get",
    };
    let nonce = leptos::nonce::use_nonce();
    view! {
        <form class="passkey-form" method="post" data-passkey=mode data-begin=begin data-finish=finish>
            {children.map(|c| c())}
            <button type="submit" class=class>{label}</button>
            <p class="form-error" role="alert" data-passkey-status="" hidden=true></p>
        </form>
        <script nonce=nonce>{SCRIPT}</script>
    }
}
