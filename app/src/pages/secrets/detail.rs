use leptos::prelude::*;
use leptos_meta::Title;

use super::detail_forms::{
    AccessForm, DeleteForm, DescriptionForm, ReplaceValueForm, RollbackButton,
};
use super::rotation::{Readers, RotationForm};
use super::use_secret_name;
use crate::api::secrets::read::load_secret;
use crate::components::activity_chart::ActivityChart;
use crate::components::flash::FlashNote;
use crate::components::loaded::Loaded;
use crate::components::params::use_workspace_slug;
use crate::components::table::{Columns, ScrollTable};
use crate::model::secrets::{read_snippet, vault_snippet, SecretDetail};
use crate::time_fmt::format_utc;

/// `/w/{ws}/secret/{name}`: one secret: description, value (write-only), access, history.
/// Rendered on the server; its forms are islands that reload it after a change.
#[component]
pub fn SecretDetailPage() -> impl IntoView {
    let ws = use_workspace_slug();
    let name = use_secret_name();
    let detail = Resource::new(
        move || (ws.get(), name.get()),
        |(ws, name)| load_secret(ws, name),
    );
    view! {
        <Title text=move || format!("{} · Secrets Vault", name.get())/>
        <Loaded data=detail loading="Loading…" let:d>
            <Detail d ws=ws.get_untracked()/>
        </Loaded>
    }
}

#[component]
fn Detail(d: SecretDetail, ws: String) -> impl IntoView {
    let SecretDetail {
        meta,
        agents,
        versions,
        activity,
        ..
    } = d;
    let keys = if meta.key_names.is_empty() {
        String::new()
    } else {
        format!(" — keys: {}", meta.key_names.join(", "))
    };
    let granted: Vec<String> = agents
        .iter()
        .filter(|a| a.granted)
        .map(|a| a.name.clone())
        .collect();
    let snippet = read_snippet(&meta.name);
    let vault = vault_snippet(&meta.name, &meta.key_names);
    let current = meta.version;
    let (rows_ws, rows_name) = (ws.clone(), meta.name.clone());
    view! {
        <section class="page">
            <header class="page-head">
                <p class="crumbs"><a href=format!("/w/{ws}/secrets")>"Secrets"</a> " / " {meta.name.clone()}</p>
                <h1 class="mono">{meta.name.clone()}</h1>
                <p class="lede">
                    {meta.kind.label()} {keys} " · version " <span data-testid="current-version">{meta.version}</span>
                    " · changed " {format_utc(meta.updated_at)} " by " {meta.updated_by.clone()}
                </p>
            </header>
            <ActivityChart days=activity id="secret-activity"
                title=format!("Runtime reads of {}", meta.name)/>
            <div class="grid-2">
                <DescriptionForm ws=ws.clone() name=meta.name.clone() description=meta.description.clone()/>
                <ReplaceValueForm ws=ws.clone() name=meta.name.clone() version=meta.version/>
                <AccessForm ws=ws.clone() name=meta.name.clone() agents=agents.clone()/>
                <RotationForm ws=ws.clone() name=meta.name.clone() rotation=meta.rotation.clone()/>
                <Readers agents=agents.clone()/>
                <SnippetCard
                    id="snippet"
                    title="Read it from a function"
                    help="With the agent's token in VAULT_AGENT_TOKEN and the vault's address in VAULT_URL:"
                    label="Code snippet"
                    text=snippet
                />
                <SnippetCard
                    id="vault-snippet"
                    title="Read it with a Vault client"
                    help="Any HashiCorp Vault client works, with VAULT_ADDR set to the vault's address and VAULT_TOKEN to the agent's token:"
                    label="Vault client snippet"
                    text=vault
                />
            </div>
            <section class="card" aria-labelledby="history-title">
                <h2 id="history-title">"Version history"</h2>
                <FlashNote id="rollback".to_string()/>
                <ScrollTable label="Versions">
                    <Columns names=&["Version", "Type", "Created", "By", "Note"] actions=true/>
                    <tbody>
                        {versions
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
                                            <RollbackButton ws=rows_ws.clone() name=rows_name.clone() target=v.version current/>
                                        })}
                                    </td>
                                </tr>
                            })
                            .collect_view()}
                    </tbody>
                </ScrollTable>
            </section>
            <DeleteForm ws=ws.clone() name=meta.name.clone() granted/>
        </section>
    }
}

/// A card with a snippet that reads the secret (its `<code>` has the id `id`), and a button
/// that copies it.
#[component]
pub(crate) fn SnippetCard(
    id: &'static str,
    title: &'static str,
    help: &'static str,
    label: &'static str,
    text: String,
) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby=format!("{id}-title")>
            <h2 id=format!("{id}-title")>{title}</h2>
            <p class="help">{help}</p>
            <pre class="snippet" tabindex="0" aria-label=label><code id=id>{text.clone()}</code></pre>
            <CopyButton text/>
        </section>
    }
}

/// Copies `text` to the clipboard (progressive enhancement: the snippet stays selectable).
#[island]
fn CopyButton(text: String) -> impl IntoView {
    view! { <crate::components::copy::CopyButton text label="Copy snippet"/> }
}
