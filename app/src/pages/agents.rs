use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use crate::api::agents::{list_agents, CreateAgent};
use crate::components::call::{Call, CallForm};
use crate::components::field::{FieldError, FormError};
use crate::components::flash::reload_and_flash;
use crate::components::loaded::Loaded;
use crate::components::params::use_workspace_slug;
use crate::components::table::{Columns, ScrollTable};
use crate::model::{AgentUsage, AgentView};
use crate::time_fmt::format_utc;

/// `/w/{ws}/agents`: the workspace's agents; admins can add one.
#[component]
pub fn AgentsPage() -> impl IntoView {
    let ws = use_workspace_slug();
    let agents = Resource::new(move || ws.get(), list_agents);
    view! {
        <Title text="Agents · Secrets Vault"/>
        <section class="page">
            <header class="page-head">
                <h1>"Agents"</h1>
                <p class="lede">
                    "Agents are the workloads (functions, jobs, bots) that read secrets at runtime with their own credential."
                </p>
            </header>
            <Loaded data=agents loading="Loading agents…" let:page>
                {page.can_manage.then(|| view! { <CreateAgentForm ws=ws.get_untracked()/> })}
                <AgentTable agents=page.agents usage=page.usage ws=ws.get_untracked() links=page.can_manage/>
            </Loaded>
        </section>
    }
}

#[island]
fn CreateAgentForm(ws: String) -> impl IntoView {
    let action = Call::new(CreateAgent::PATH);
    let error = action.error();
    let pending = action.pending();
    let created = reload_and_flash(action, "agents", |agent: AgentView| agent.name);
    view! {
        <div class="card form-card">
            <h2>"Add an agent"</h2>
            <CallForm call=action>
                <input type="hidden" name="ws" value=ws/>
                <div class="field">
                    <label for="agent-name">"Name"</label>
                    <input id="agent-name" name="name" required maxlength="64" placeholder="billing-worker"
                        aria-describedby="agent-name-help agent-name-error"/>
                    <p class="help" id="agent-name-help">"Lowercase letters, digits, hyphens and underscores."</p>
                    <FieldError error field="name" id="agent-name-error"/>
                </div>
                <FormError error fields=&["name"]/>
                <button type="submit" class="btn btn-primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Adding…" } else { "Add agent" }}
                </button>
                {move || created.get().map(|name| view! { <p class="success" role="status">"Agent " <strong>{name}</strong> " added."</p> })}
            </CallForm>
        </div>
    }
}

#[component]
fn AgentTable(
    agents: Vec<AgentView>,
    usage: Vec<AgentUsage>,
    ws: String,
    links: bool,
) -> impl IntoView {
    if agents.is_empty() {
        return view! { <p class="empty">"No agents yet."</p> }.into_any();
    }
    let secrets_shown = usage.iter().any(|u| u.secrets.is_some());
    let columns: &'static [&'static str] = match (usage.is_empty(), secrets_shown) {
        (true, _) => &["Name", "Created"],
        (false, true) => &[
            "Name",
            "Secrets it can read",
            "Active tokens",
            "Last read",
            "Created",
        ],
        (false, false) => &["Name", "Active tokens", "Last read", "Created"],
    };
    view! {
        <ScrollTable label="Agents">
            <Columns names=columns/>
            <tbody>
                {agents
                    .into_iter()
                    .map(|a| {
                        let ws = ws.clone();
                        let used = usage.iter().find(|u| u.agent_id == a.id).cloned();
                        view! {
                        <tr data-agent=a.name.clone()>
                            <td class="mono">
                                {if links {
                                    view! { <a href=format!("/w/{ws}/agents/{}", a.name)>{a.name.clone()}</a> }.into_any()
                                } else {
                                    view! { <span>{a.name.clone()}</span> }.into_any()
                                }}
                            </td>
                            {used.map(|u| view! {
                                {u.secrets.map(|n| view! { <td data-testid="agent-secrets">{n}</td> })}
                                <td data-testid="agent-tokens">{u.active_tokens}</td>
                                <td>{u.last_read_at.map(format_utc).unwrap_or_else(|| "never".into())}</td>
                            })}
                            <td>{format_utc(a.created_at)}</td>
                        </tr>
                    }})
                    .collect_view()}
            </tbody>
        </ScrollTable>
    }
    .into_any()
}
