//! The forms of a secret's page. Each is an island: the page around them is rendered on the
//! server, and a successful change reloads it (see [`reload_on_success`]).

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::secrets::edit::{ReplaceValue, RollBack, SetSecretAccess, UpdateDescription};
use crate::api::secrets::trash::DeleteSecret;
use crate::components::call::{Call, CallForm};
use crate::components::field::{FieldError, FormError};
use crate::components::flash::{reload_and_flash, reload_on_success};
use crate::components::text_area::StoredTextArea;
use crate::components::value_fields::{AgentPicker, ValueFields};
use crate::model::secrets::AgentAccess;

#[island]
pub fn DescriptionForm(ws: String, name: String, description: String) -> impl IntoView {
    let call = Call::new(UpdateDescription::PATH);
    let saved = reload_and_flash(call, "description", |()| "Saved.".into());
    let error = call.error();
    view! {
        <SecretCard id="description" title="Description" call ws name>
            <div class="field">
                <label for="edit-description" class="sr-only">"Description"</label>
                <StoredTextArea id="edit-description" name="description" rows=3 maxlength=1000 text=description/>
                <FieldError error field="description" id="edit-description-error"/>
            </div>
            <FormError error fields=&["description"]/>
            <button type="submit" class="btn">"Save description"</button>
            {move || saved.get().map(|text| view! { <span class="success-inline" role="status">{text}</span> })}
        </SecretCard>
    }
}

#[island]
pub fn ReplaceValueForm(ws: String, name: String, version: i64) -> impl IntoView {
    let call = Call::new(ReplaceValue::PATH);
    let saved = reload_and_flash(call, "replace", |v: i64| format!("Saved as version {v}."));
    let error = call.error();
    let pending = call.pending();
    view! {
        <section class="card" aria-labelledby="replace-title">
            <h2 id="replace-title">"Replace value"</h2>
            <p class="help">"Rotation: the new value becomes the next version. Earlier versions stay available for roll-back."</p>
            <CallForm call>
                <SecretTarget ws name/>
                <input type="hidden" name="base_version" value=version.to_string()/>
                <ValueFields error prefix="replace" legend="New value"/>
                <FormError error fields=&["kind", "value", "pairs"]/>
                <button type="submit" class="btn btn-primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Saving…" } else { "Save new version" }}
                </button>
                {move || saved.get().map(|text| view! { <p class="success" role="status">{text}</p> })}
            </CallForm>
        </section>
    }
}

/// "Access granted to a; revoked from b."
fn access_message((granted, revoked): (Vec<String>, Vec<String>)) -> String {
    let mut parts = Vec::new();
    if !granted.is_empty() {
        parts.push(format!("granted to {}", granted.join(", ")));
    }
    if !revoked.is_empty() {
        parts.push(format!("revoked from {}", revoked.join(", ")));
    }
    if parts.is_empty() {
        "No change.".to_string()
    } else {
        format!("Access {}.", parts.join("; "))
    }
}

#[island]
pub fn AccessForm(ws: String, name: String, agents: Vec<AgentAccess>) -> impl IntoView {
    let call = Call::new(SetSecretAccess::PATH);
    let result = reload_and_flash(call, "access", access_message);
    let error = call.error();
    view! {
        <SecretCard id="access" title="Agent access" call ws name>
            <AgentPicker agents legend="Agents that can read this secret"/>
            <FormError error fields=&[]/>
            <button type="submit" class="btn">"Save access"</button>
            {move || result.get().map(|text| view! { <p class="success" role="status">{text}</p> })}
        </SecretCard>
    }
}

/// Rolls back to `target`; the result shows in the history's `FlashNote` "rollback".
#[island]
pub fn RollbackButton(ws: String, name: String, target: i64, current: i64) -> impl IntoView {
    let call = Call::new(RollBack::PATH);
    reload_on_success(call, "rollback", |v: i64| {
        format!("Rolled back: saved as version {v}.")
    });
    let error = call.error();
    view! {
        <FormError error fields=&[]/>
        <CallForm call>
            <SecretTarget ws name/>
            <input type="hidden" name="version" value=target.to_string()/>
            <input type="hidden" name="base_version" value=current.to_string()/>
            <button type="submit" class="btn btn-small">"Roll back to version " {target}</button>
        </CallForm>
    }
}

/// Delete with a confirmation that names the agents that will lose access.
#[island]
pub fn DeleteForm(ws: String, name: String, granted: Vec<String>) -> impl IntoView {
    let call = Call::new(DeleteSecret::PATH);
    let error = call.error();
    let consequence = if granted.is_empty() {
        "No agent can read it now.".to_string()
    } else {
        format!(
            "These agents will lose access at once: {}.",
            granted.join(", ")
        )
    };
    view! {
        <section class="card danger-zone" aria-labelledby="delete-title">
            <h2 id="delete-title">"Delete"</h2>
            <details>
                <summary class="btn btn-danger-outline">"Delete this secret…"</summary>
                <div class="confirm">
                    <p><strong>"Move " <span class="mono">{name.clone()}</span> " to the trash?"</strong></p>
                    <p data-testid="delete-consequence">{consequence}</p>
                    <p class="help">"You can restore it from the trash for 30 days; its name stays reserved until then."</p>
                    <CallForm call>
                        <SecretTarget ws name/>
                        <FormError error fields=&[]/>
                        <button type="submit" class="btn btn-danger">"Move to trash"</button>
                    </CallForm>
                </div>
            </details>
        </section>
    }
}

/// A card of the secret's page that is one form changing this secret: its title (`id`-title),
/// then the form with `children` as its fields.
#[component]
fn SecretCard(
    id: &'static str,
    title: &'static str,
    call: Call,
    ws: String,
    name: String,
    children: Children,
) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby=format!("{id}-title")>
            <h2 id=format!("{id}-title")>{title}</h2>
            <CallForm call>
                <SecretTarget ws name/>
                {children()}
            </CallForm>
        </section>
    }
}

/// Which secret of which workspace a form changes.
#[component]
pub(super) fn SecretTarget(ws: String, name: String) -> impl IntoView {
    view! {
        <input type="hidden" name="ws" value=ws/>
        <input type="hidden" name="name" value=name/>
    }
}
