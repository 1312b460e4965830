use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use crate::api::secrets::read::list_trash;
use crate::api::secrets::trash::{PurgeSecret, RestoreSecret};
use crate::components::call::{Call, CallForm};
use crate::components::error_panel::ErrorPanel;
use crate::components::field::FormError;
use crate::components::flash::{reload_on_success, FlashNote};
use crate::components::params::use_workspace_slug;
use crate::components::reauth::ReauthPrompt;
use crate::components::table::{Columns, ScrollTable};
use crate::model::secrets::TrashItem;
use crate::time_fmt::format_utc;

/// `/w/{ws}/secrets/trash`: deleted secrets, restorable for 30 days.
#[component]
pub fn TrashPage() -> impl IntoView {
    let ws = use_workspace_slug();
    let items = Resource::new(move || ws.get(), list_trash);
    view! {
        <Title text="Trash · Secrets Vault"/>
        <section class="page">
            <header class="page-head">
                <p class="crumbs"><a href=move || format!("/w/{}/secrets", ws.get())>"Secrets"</a> " / Trash"</p>
                <h1>"Trash"</h1>
                <p class="lede">"Deleted secrets can be restored for 30 days. Agents cannot read them meanwhile."</p>
            </header>
            <FlashNote id="trash".to_string()/>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match items.await {
                        Ok(items) if items.is_empty() => view! { <p class="empty">"The trash is empty."</p> }.into_any(),
                        Ok(items) => view! { <TrashTable items ws=ws.get_untracked()/> }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn TrashTable(items: Vec<TrashItem>, ws: String) -> impl IntoView {
    view! {
        <ScrollTable label="Deleted secrets">
            <Columns names=&["Name", "Deleted", "Purged on"] actions=true/>
            <tbody>
                {items
                    .into_iter()
                    .map(|t| {
                        let (ws_restore, ws_purge) = (ws.clone(), ws.clone());
                        let name = t.name;
                        let (n_row, n_cell, n_restore, n_purge, n_label) =
                            (name.clone(), name.clone(), name.clone(), name.clone(), name);
                        view! {
                            <tr data-secret=n_row>
                                <td class="mono">{n_cell}</td>
                                <td>{format_utc(t.deleted_at)}</td>
                                <td>{format_utc(t.purge_at)}</td>
                                <td class="row-actions">
                                    <RestoreButton ws=ws_restore name=n_restore/>
                                    <PurgeForm ws=ws_purge name=n_purge label=n_label/>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </ScrollTable>
    }
}

/// Restores a secret and reloads the trash.
#[island]
fn RestoreButton(ws: String, name: String) -> impl IntoView {
    let restore = Call::new(RestoreSecret::PATH);
    let restored = name.clone();
    reload_on_success(restore, "trash", move |()| format!("Restored {restored}."));
    view! {
        <CallForm call=restore>
            <input type="hidden" name="ws" value=ws/>
            <input type="hidden" name="name" value=name/>
            <button type="submit" class="btn btn-small">"Restore"</button>
        </CallForm>
        <FormError error=restore.error() fields=&[]/>
    }
}

/// Destroys a secret for good, after a fresh password if the sign-in is not recent.
#[island]
fn PurgeForm(ws: String, name: String, label: String) -> impl IntoView {
    let purge = Call::new(PurgeSecret::PATH);
    let purged = name.clone();
    reload_on_success(purge, "trash", move |()| {
        format!("Deleted {purged} forever.")
    });
    view! {
        <details>
            <summary class="btn btn-small btn-danger-outline">"Delete forever…"</summary>
            <CallForm call=purge>
                <input type="hidden" name="ws" value=ws/>
                <input type="hidden" name="name" value=name/>
                <p class="help">"This destroys every version. It cannot be undone."</p>
                <button type="submit" class="btn btn-small btn-danger">"Delete " {label} " forever"</button>
            </CallForm>
        </details>
        <FormError error=purge.error() fields=&[]/>
        <ReauthPrompt call=purge/>
    }
}
