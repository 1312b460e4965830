//! Passkeys on the Account page: the list (name, added, last used), removing one, and adding
//! one under a name the person chooses (the passkey script drives the browser's
//! authenticator; see `components::passkey`).

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::passkeys::{BeginRegistration, FinishRegistration, RemovePasskey};
use crate::components::call::{Call, CallForm};
use crate::components::field::FormError;
use crate::components::flash::reload_on_success;
use crate::components::passkey::{Ceremony, PasskeyForm};
use crate::components::reauth::ReauthPrompt;
use crate::components::table::ScrollTable;
use crate::model::second_factor::PasskeyView;
use crate::time_fmt::format_utc;

#[component]
pub fn PasskeysSection(keys: Vec<PasskeyView>) -> impl IntoView {
    let list = if keys.is_empty() {
        view! { <p class="hint" id="no-passkeys">"No passkeys yet."</p> }.into_any()
    } else {
        let rows = keys
            .into_iter()
            .map(|key| {
                let used = key
                    .last_used_at
                    .map(format_utc)
                    .unwrap_or_else(|| "Never".to_string());
                let (row, shown) = (key.name.clone(), key.name.clone());
                view! {
                    <tr data-passkey-name=row>
                        <td>{shown}</td>
                        <td>{format_utc(key.added_at)}</td>
                        <td>{used}</td>
                        <td><RemoveButton id=key.id name=key.name/></td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <ScrollTable label="Passkeys">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Added"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </ScrollTable>
        }
        .into_any()
    };
    view! {
        <section class="passkeys" aria-labelledby="passkeys-title">
            <h3 id="passkeys-title">"Passkeys"</h3>
            <p class="hint">"Sign in with your device's fingerprint, face or PIN instead of a password, or use a passkey as the second step after it."</p>
            {list}
            <PasskeyForm ceremony=Ceremony::Create begin=BeginRegistration::PATH
                finish=FinishRegistration::PATH label="Add a passkey" class="btn">
                <div class="field">
                    <label for="passkey-name">"Passkey name"</label>
                    <input id="passkey-name" name="name" type="text" required maxlength="60"
                        placeholder="Work laptop" autocomplete="off"/>
                </div>
            </PasskeyForm>
        </section>
    }
}

#[island]
fn RemoveButton(id: i64, name: String) -> impl IntoView {
    let remove = Call::new(RemovePasskey::PATH);
    let removed = name.clone();
    reload_on_success(remove, "account", move |()| {
        format!("The passkey {removed} was removed.")
    });
    let label = format!("Remove the passkey {name}");
    view! {
        <CallForm call=remove>
            <input type="hidden" name="id" value=id.to_string()/>
            <button type="submit" class="btn btn-small btn-danger" aria-label=label>"Remove"</button>
        </CallForm>
        <FormError error=remove.error() fields=&[]/>
        <ReauthPrompt call=remove/>
    }
}
