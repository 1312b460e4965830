use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

use crate::api::secrets::read::list_secrets;
use crate::components::error_panel::ErrorPanel;
use crate::components::pager::{PageSpan, PagedTable};
use crate::components::params::{use_page_number, use_workspace_slug};
use crate::components::url::urlencode;
use crate::model::lifecycle::SecretFilter;
use crate::model::secrets::{SecretList, SecretSummary};
use crate::pages::secrets::rotation::RotationBadge;
use crate::time_fmt::format_utc;

/// `/w/{ws}/secrets`: the list, with server-side search and pages.
#[component]
pub fn SecretsListPage() -> impl IntoView {
    let ws = use_workspace_slug();
    let query = use_query_map();
    let q = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let status = Memo::new(move |_| query.read().get("status").unwrap_or_default());
    let page = use_page_number();
    let list = Resource::new(
        move || (ws.get(), q.get(), status.get(), page.get()),
        |(ws, q, status, page)| list_secrets(ws, Some(q), Some(status), Some(page)),
    );
    view! {
        <Title text="Secrets · Secrets Vault"/>
        <section class="page">
            <header class="page-head page-head-row">
                <div>
                    <h1>"Secrets"</h1>
                    <p class="lede">"API keys, tokens and credentials, encrypted at rest and read by agents at runtime."</p>
                </div>
                // Only where the vault is on: with the flag off the page shows the message alone.
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        list.await.ok().map(|_| view! {
                        <div class="actions">
                            <A href=move || format!("/w/{}/secrets/access", ws.get()) attr:class="btn">"Grant matrix"</A>
                            <A href=move || format!("/w/{}/secrets/audit", ws.get()) attr:class="btn">"Audit log"</A>
                            <A href=move || format!("/w/{}/secrets/trash", ws.get()) attr:class="btn">"Trash"</A>
                            <A href=move || format!("/w/{}/secrets/import", ws.get()) attr:class="btn">"Import"</A>
                            <A href=move || format!("/w/{}/secrets/new", ws.get()) attr:class="btn btn-primary">"Add secret"</A>
                        </div>
                        })
                    })}
                </Transition>
            </header>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    list.await.ok().map(|_| view! {
                    <Form method="GET" action="">
                        <div class="search">
                            <label for="secret-search" class="sr-only">"Search secrets"</label>
                            <input id="secret-search" type="search" name="q" value=move || q.get()
                                placeholder="Search by name, description or key name"/>
                            <label for="secret-status" class="sr-only">"Rotation status or use"</label>
                            <select id="secret-status" name="status">
                                <option value="" selected=move || status.get().is_empty()>"Any status"</option>
                                {SecretFilter::ALL.into_iter().map(|f| view! {
                                    <option value=f.as_str() selected=move || status.get() == f.as_str()>{f.label()}</option>
                                }).collect_view()}
                            </select>
                            <button type="submit" class="btn">"Search"</button>
                        </div>
                    </Form>
                    })
                })}
            </Transition>
            <Transition fallback=|| view! { <p class="loading">"Loading secrets…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(list) => view! { <SecretTable list ws=ws.get_untracked() q=q.get_untracked() status=status.get_untracked()/> }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn SecretTable(list: SecretList, ws: String, q: String, status: String) -> impl IntoView {
    if list.workspace_total == 0 {
        return view! {
            <div class="card empty-state">
                <h2>"No secrets yet"</h2>
                <p>
                    "A secret is a named value, such as " <code>"stripe_api_key"</code>
                    ", that your agents fetch when they run, so that nothing secret sits in code, logs or version history. "
                    "Values are encrypted, write-only, and readable only by the agents you grant."
                </p>
                <a class="btn btn-primary" href=format!("/w/{ws}/secrets/new")>"Add secret"</a>
            </div>
        }
        .into_any();
    }
    if list.items.is_empty() {
        return view! { <p class="empty" role="status">"No secrets match this search."</p> }
            .into_any();
    }
    let page_link = {
        let ws = ws.clone();
        let q = q.clone();
        move |page: i64| {
            let mut url = format!("/w/{ws}/secrets?page={page}");
            if !q.is_empty() {
                url.push_str("&q=");
                url.push_str(&urlencode(&q));
            }
            if !status.is_empty() {
                url.push_str("&status=");
                url.push_str(&urlencode(&status));
            }
            url
        }
    };
    let span = PageSpan::of(&list, page_link, ("Previous", "Next"));
    view! {
        <PagedTable span label="Secrets" columns=&["Name", "Description", "Type", "Agents", "Rotation", "Last read", "Last changed"]>
                {list.items.into_iter().map(|s| view! { <SecretRow s ws=ws.clone()/> }).collect_view()}
        </PagedTable>
    }
    .into_any()
}

#[component]
fn SecretRow(s: SecretSummary, ws: String) -> impl IntoView {
    let SecretSummary {
        meta,
        agent_count,
        last_read_at,
        unused,
    } = s;
    let kind = if meta.key_names.is_empty() {
        meta.kind.label().to_string()
    } else {
        format!("{}: {}", meta.kind.label(), meta.key_names.join(", "))
    };
    view! {
        <tr>
            <td><a class="mono" href=format!("/w/{ws}/secret/{}", meta.name)>{meta.name.clone()}</a></td>
            <td class="desc">{meta.description}</td>
            <td>{kind}</td>
            <td>{agent_count}</td>
            <td><RotationBadge rotation=meta.rotation/></td>
            <td>
                {last_read_at.map(format_utc).unwrap_or_else(|| "never".into())}
                {unused.then(|| view! { " " <span class="badge badge-due">"unused"</span> })}
            </td>
            <td>{format_utc(meta.updated_at)} <span class="by">" by " {meta.updated_by}</span></td>
        </tr>
    }
}
