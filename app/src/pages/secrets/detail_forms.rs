use leptos::prelude::*;

use crate::api::secrets::edit::{ReplaceValue, RollBack, SetSecretAccess, UpdateDescription};
use crate::api::secrets::trash::DeleteSecret;
use crate::components::field::{last_error, FieldError, FormError};
use crate::components::value_fields::{AgentPicker, ValueFields};
use crate::model::secrets::AgentAccess;

#[component]
pub fn DescriptionForm(
    ws: String,
    name: String,
    description: String,
    action: ServerAction<UpdateDescription>,
) -> impl IntoView {
    let error = last_error(action.value());
    let saved = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <section class="card" aria-labelledby="description-title">
            <h2 id="description-title">"Description"</h2>
            <ActionForm action>
                <SecretTarget ws name/>
                <div class="field">
                    <label for="edit-description" class="sr-only">"Description"</label>
                    <textarea id="edit-description" name="description" rows="3" maxlength="1000">{description}</textarea>
                    <FieldError error field="description" id="edit-description-error"/>
                </div>
                <FormError error fields=&["description"]/>
                <button type="submit" class="btn">"Save description"</button>
                <Show when=saved><span class="success-inline" role="status">"Saved."</span></Show>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn ReplaceValueForm(
    ws: String,
    name: String,
    version: i64,
    action: ServerAction<ReplaceValue>,
) -> impl IntoView {
    let error = last_error(action.value());
    let pending = action.pending();
    let saved = move || action.value().get().and_then(|r| r.ok());
    view! {
        <section class="card" aria-labelledby="replace-title">
            <h2 id="replace-title">"Replace value"</h2>
            <p class="help">"Rotation: the new value becomes the next version. Earlier versions stay available for roll-back."</p>
            <ActionForm action>
                <SecretTarget ws name/>
                <input type="hidden" name="base_version" value=version.to_string()/>
                <ValueFields error prefix="replace" legend="New value"/>
                <FormError error fields=&["kind", "value", "pairs"]/>
                <button type="submit" class="btn btn-primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Saving…" } else { "Save new version" }}
                </button>
                {move || saved().map(|v| view! { <p class="success" role="status">"Saved as version " {v} "."</p> })}
            </ActionForm>
        </section>
    }
}

#[component]
pub fn AccessForm(
    ws: String,
    name: String,
    agents: Vec<AgentAccess>,
    action: ServerAction<SetSecretAccess>,
) -> impl IntoView {
    let error = last_error(action.value());
    let result = move || {
        action
            .value()
            .get()
            .and_then(|r| r.ok())
            .map(|(granted, revoked)| {
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
            })
    };
    view! {
        <section class="card" aria-labelledby="access-title">
            <h2 id="access-title">"Agent access"</h2>
            <ActionForm action>
                <SecretTarget ws name/>
                <AgentPicker agents legend="Agents that can read this secret"/>
                <FormError error fields=&[]/>
                <button type="submit" class="btn">"Save access"</button>
                {move || result().map(|text| view! { <p class="success" role="status">{text}</p> })}
            </ActionForm>
        </section>
    }
}

#[component]
pub fn RollbackButton(
    ws: String,
    name: String,
    target: i64,
    current: i64,
    action: ServerAction<RollBack>,
) -> impl IntoView {
    view! {
        <ActionForm action>
            <SecretTarget ws name/>
            <input type="hidden" name="version" value=target.to_string()/>
            <input type="hidden" name="base_version" value=current.to_string()/>
            <button type="submit" class="btn btn-small">"Roll back to version " {target}</button>
        </ActionForm>
    }
}

/// Delete with a confirmation that names the agents that will lose access.
#[component]
pub fn DeleteForm(ws: String, name: String, granted: Vec<String>) -> impl IntoView {
    let delete = ServerAction::<DeleteSecret>::new();
    let error = last_error(delete.value());
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
                    <ActionForm action=delete>
                        <SecretTarget ws name/>
                        <FormError error fields=&[]/>
                        <button type="submit" class="btn btn-danger">"Move to trash"</button>
                    </ActionForm>
                </div>
            </details>
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
