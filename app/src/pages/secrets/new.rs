use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use crate::api::secrets::edit::CreateSecret;
use crate::api::secrets::read::grantable_agents;
use crate::components::call::{Call, CallForm};
use crate::components::error_panel::ErrorPanel;
use crate::components::field::{FieldError, FormError};
use crate::components::params::use_workspace_slug;
use crate::components::value_fields::{AgentPicker, ValueFields};
use crate::model::secrets::AgentAccess;

/// `/w/{ws}/secrets/new`: the Add secret form.
#[component]
pub fn NewSecretPage() -> impl IntoView {
    let ws = use_workspace_slug();
    let agents = Resource::new(move || ws.get(), grantable_agents);
    view! {
        <Title text="Add secret · Secrets Vault"/>
        <section class="page narrow-page">
            <header class="page-head">
                <p class="crumbs"><a href=move || format!("/w/{}/secrets", ws.get())>"Secrets"</a> " / Add"</p>
                <h1>"Add secret"</h1>
            </header>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let agents = match agents.await {
                        Ok(agents) => agents,
                        Err(e) => return view! { <ErrorPanel error=e/> }.into_any(),
                    };
                    let access: Vec<AgentAccess> = agents
                        .into_iter()
                        .map(|a| AgentAccess {
                            id: a.id,
                            name: a.name,
                            granted: false,
                            last_read_at: None,
                            unused: false,
                        })
                        .collect();
                    view! { <NewSecretForm ws=ws.get_untracked() agents=access/> }.into_any()
                })}
            </Suspense>
        </section>
    }
}

/// The form itself: on success the server sends the browser to the new secret's page.
#[island]
fn NewSecretForm(ws: String, agents: Vec<AgentAccess>) -> impl IntoView {
    let create = Call::new(CreateSecret::PATH);
    let error = create.error();
    let pending = create.pending();
    view! {
                        <div class="card">
                            <CallForm call=create>
                                <input type="hidden" name="ws" value=ws/>
                                <div class="field">
                                    <label for="secret-name">"Name"</label>
                                    <input id="secret-name" name="name" required maxlength="64" autocomplete="off"
                                        spellcheck="false" class="mono" placeholder="stripe_api_key"
                                        aria-describedby="secret-name-help"/>
                                    <p class="help" id="secret-name-help">
                                        "Lowercase letters, digits and underscores, starting with a letter. Fixed after creation."
                                    </p>
                                    <FieldError error field="name" id="name-error"/>
                                </div>
                                <div class="field">
                                    <label for="secret-description">"Description " <span class="optional">"(optional)"</span></label>
                                    <textarea id="secret-description" name="description" rows="2" maxlength="1000"></textarea>
                                    <FieldError error field="description" id="description-error"/>
                                </div>
                                <ValueFields error prefix="new" legend="Value"/>
                                <AgentPicker agents legend="Agents that can read it"/>
                                <FieldError error field="agents" id="agents-error"/>
                                <FormError error fields=&["name", "description", "kind", "value", "pairs", "agents"]/>
                                <button type="submit" class="btn btn-primary" disabled=move || pending.get()>
                                    {move || if pending.get() { "Saving…" } else { "Create secret" }}
                                </button>
                            </CallForm>
                        </div>
    }
}
