use leptos::prelude::*;
use leptos_meta::Title;

use super::detail_forms::{
    AccessForm, DeleteForm, DescriptionForm, ReplaceValueForm, RollbackButton,
};
use super::rotation::{Readers, RotationForm};
use super::{refresh_on_success, use_secret_name};
use crate::api::secrets::edit::{ReplaceValue, RollBack, SetSecretAccess, UpdateDescription};
use crate::api::secrets::policy::SetRotationPolicy;
use crate::api::secrets::read::load_secret;
use crate::components::error_panel::ErrorPanel;
use crate::components::params::use_workspace_slug;
use crate::components::table::Columns;
use crate::model::secrets::{read_snippet, vault_snippet, SecretDetail};
use crate::time_fmt::format_utc;

/// The actions of a secret's page, created once so that their messages survive refetches.
#[derive(Clone, Copy)]
pub struct DetailActions {
    pub describe: ServerAction<UpdateDescription>,
    pub replace: ServerAction<ReplaceValue>,
    pub rollback: ServerAction<RollBack>,
    pub access: ServerAction<SetSecretAccess>,
    pub policy: ServerAction<SetRotationPolicy>,
}

/// `/w/{ws}/secret/{name}`: one secret: description, value (write-only), access, history.
#[component]
pub fn SecretDetailPage() -> impl IntoView {
    let ws = use_workspace_slug();
    let name = use_secret_name();
    let actions = DetailActions {
        describe: ServerAction::new(),
        replace: ServerAction::new(),
        rollback: ServerAction::new(),
        access: ServerAction::new(),
        policy: ServerAction::new(),
    };
    let refresh = RwSignal::new(0u32);
    refresh_on_success(actions.describe.value(), refresh);
    refresh_on_success(actions.replace.value(), refresh);
    refresh_on_success(actions.rollback.value(), refresh);
    refresh_on_success(actions.access.value(), refresh);
    refresh_on_success(actions.policy.value(), refresh);
    let detail = Resource::new(
        move || (ws.get(), name.get(), refresh.get()),
        |(ws, name, _)| load_secret(ws, name),
    );
    view! {
        <Title text=move || format!("{} · Secrets Vault", name.get())/>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => view! { <Detail d ws=ws.get_untracked() actions/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Detail(d: SecretDetail, ws: String, actions: DetailActions) -> impl IntoView {
    let keys = if d.key_names.is_empty() {
        String::new()
    } else {
        format!(" — keys: {}", d.key_names.join(", "))
    };
    let granted: Vec<String> = d
        .agents
        .iter()
        .filter(|a| a.granted)
        .map(|a| a.name.clone())
        .collect();
    let snippet = read_snippet(&d.name);
    let vault = vault_snippet(&d.name, &d.key_names);
    let current = d.version;
    view! {
        <section class="page">
            <header class="page-head">
                <p class="crumbs"><a href=format!("/w/{ws}/secrets")>"Secrets"</a> " / " {d.name.clone()}</p>
                <h1 class="mono">{d.name.clone()}</h1>
                <p class="lede">
                    {d.kind.label()} {keys} " · version " <span data-testid="current-version">{d.version}</span>
                    " · changed " {format_utc(d.updated_at)} " by " {d.updated_by.clone()}
                </p>
            </header>
            <div class="grid-2">
                <DescriptionForm ws=ws.clone() name=d.name.clone() description=d.description.clone() action=actions.describe/>
                <ReplaceValueForm ws=ws.clone() name=d.name.clone() version=d.version action=actions.replace/>
                <AccessForm ws=ws.clone() name=d.name.clone() agents=d.agents.clone() action=actions.access/>
                <RotationForm ws=ws.clone() name=d.name.clone() rotation=d.rotation.clone() action=actions.policy/>
                <Readers agents=d.agents.clone()/>
                <section class="card" aria-labelledby="snippet-title">
                    <h2 id="snippet-title">"Read it from a function"</h2>
                    <p class="help">"With the agent's token in VAULT_AGENT_TOKEN and the vault's address in VAULT_URL:"</p>
                    <pre class="snippet" tabindex="0" aria-label="Code snippet"><code id="snippet">{snippet.clone()}</code></pre>
                    <CopyButton text=snippet/>
                </section>
                <section class="card" aria-labelledby="vault-snippet-title">
                    <h2 id="vault-snippet-title">"Read it with a Vault client"</h2>
                    <p class="help">"Any HashiCorp Vault client works, with VAULT_ADDR set to the vault's address and VAULT_TOKEN to the agent's token:"</p>
                    <pre class="snippet" tabindex="0" aria-label="Vault client snippet"><code id="vault-snippet">{vault.clone()}</code></pre>
                    <CopyButton text=vault/>
                </section>
            </div>
            <section class="card" aria-labelledby="history-title">
                <h2 id="history-title">"Version history"</h2>
                <Show when=move || actions.rollback.value().with(|v| matches!(v, Some(Ok(_))))>
                    <p class="success" role="status">
                        "Rolled back: saved as version " {move || actions.rollback.value().get().and_then(|r| r.ok())} "."
                    </p>
                </Show>
                <Show when=move || actions.rollback.value().with(|v| matches!(v, Some(Err(_))))>
                    <p class="form-error" role="alert">
                        {move || actions.rollback.value().get().and_then(|r| r.err()).map(|e| e.to_string())}
                    </p>
                </Show>
                <table class="table" aria-label="Versions">
                    <Columns names=&["Version", "Type", "Created", "By", "Note"] actions=true/>
                    <tbody>
                        {d.versions
                            .into_iter()
                            .map(|v| view! {
                                <tr>
                                    <td>{v.version} {(v.version == current).then_some(" (current)")}</td>
                                    <td>{v.kind.label()}</td>
                                    <td>{format_utc(v.created_at)}</td>
                                    <td>{v.created_by}</td>
                                    <td>{v.note}</td>
                                    <td>
                                        {(v.version != current).then(|| view! {
                                            <RollbackButton ws=ws.clone() name=d.name.clone() target=v.version current action=actions.rollback/>
                                        })}
                                    </td>
                                </tr>
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </section>
            <DeleteForm ws=ws.clone() name=d.name.clone() granted/>
        </section>
    }
}

/// Copies `text` to the clipboard (progressive enhancement: the snippet stays selectable).
#[component]
fn CopyButton(text: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let clipboard = window().navigator().clipboard();
            let _ = clipboard.write_text(&text);
            copied.set(true);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &text;
    };
    view! {
        <button type="button" class="btn btn-small" on:click=copy>
            {move || if copied.get() { "Copied" } else { "Copy snippet" }}
        </button>
    }
}
