use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::secrets::audit::audit_log;
use crate::components::error_panel::ErrorPanel;
use crate::components::params::use_workspace_slug;
use crate::components::table::{Columns, ScrollTable};
use crate::components::url::urlencode;
use crate::model::audit_actions::filter_actions;
use crate::model::{AuditFilter, AuditPage};
use crate::time_fmt::format_utc;

/// `/w/{ws}/secrets/audit`: dashboard changes and runtime reads, newest first by time.
/// "Older" and "Newer" move by position in that order (`before=` / `after=` an event); the
/// "To" date jumps to a day.
#[component]
pub fn AuditPageView() -> impl IntoView {
    let ws = use_workspace_slug();
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        AuditFilter {
            secret: get("secret"),
            agent: get("agent"),
            actor: get("actor"),
            action: get("action"),
            from: get("from"),
            to: get("to"),
        }
    });
    let place = Memo::new(move |_| {
        let q = query.read();
        (q.get("before"), q.get("after"))
    });
    let events = Resource::new(
        move || (ws.get(), filter.get(), place.get()),
        |(ws, f, (before, after))| audit_log(ws, f, before, after),
    );
    let qs = move || {
        let f = filter.get();
        [
            ("secret", f.secret),
            ("agent", f.agent),
            ("actor", f.actor),
            ("action", f.action),
            ("from", f.from),
            ("to", f.to),
        ]
        .into_iter()
        .map(|(k, v)| format!("{k}={}", urlencode(&v)))
        .collect::<Vec<_>>()
        .join("&")
    };
    let field = move |id: &'static str,
                      label: &'static str,
                      get: fn(&AuditFilter) -> String,
                      kind: &'static str| {
        view! {
            <div class="filter">
                <label for=id>{label}</label>
                <input id=id name=id type=kind value=move || get(&filter.get())/>
            </div>
        }
    };
    view! {
        <Title text="Audit log · Secrets Vault"/>
        <section class="page">
            <header class="page-head page-head-row">
                <div>
                    <p class="crumbs"><a href=move || format!("/w/{}/secrets", ws.get())>"Secrets"</a> " / Audit log"</p>
                    <h1>"Audit log"</h1>
                    <p class="lede">"Every change in the dashboard and every runtime read or denial. Values are never recorded."</p>
                </div>
                <div class="actions">
                    <a class="btn" href=move || format!("/export/{}/audit?format=csv&{}", ws.get(), qs())>"Export CSV"</a>
                    <a class="btn" href=move || format!("/export/{}/audit?format=json&{}", ws.get(), qs())>"Export JSON"</a>
                </div>
            </header>
            <Form method="GET" action="">
                <div class="filters">
                    {field("secret", "Secret", |f| f.secret.clone(), "text")}
                    {field("agent", "Agent", |f| f.agent.clone(), "text")}
                    {field("actor", "Actor", |f| f.actor.clone(), "text")}
                    <div class="filter">
                        <label for="action">"Action"</label>
                        <select id="action" name="action">
                            <option value="">"Any"</option>
                            {filter_actions().map(|a| view! { <option value=a selected=move || filter.get().action == a>{a}</option> }).collect_view()}
                        </select>
                    </div>
                    {field("from", "From", |f| f.from.clone(), "date")}
                    {field("to", "To", |f| f.to.clone(), "date")}
                    <button type="submit" class="btn">"Filter"</button>
                </div>
            </Form>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match events.await {
                        Ok(p) => view! { <AuditTable p ws=ws.get_untracked() qs=qs()/> }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn AuditTable(p: AuditPage, ws: String, qs: String) -> impl IntoView {
    if p.events.is_empty() {
        return view! { <p class="empty">"No events match."</p> }.into_any();
    }
    let link = |key: &str, cursor: String| {
        format!("/w/{ws}/secrets/audit?{qs}&{key}={}", urlencode(&cursor))
    };
    let newer = p.newer.map(|c| link("after", c));
    let older = p.older.map(|c| link("before", c));
    let count = format!(
        "{}{} events match, newest first",
        p.total,
        if p.capped { "+" } else { "" }
    );
    view! {
        <p class="count" role="status">{count}</p>
        <ScrollTable label="Audit events">
            <Columns names=&["Time", "Actor", "Action", "Secret", "Detail"]/>
            <tbody>
                {p.events.into_iter().map(|e| { let row_action = e.action.clone(); view! {
                    <tr data-action=row_action>
                        <td>{format_utc(e.at)}</td>
                        <td>{e.actor}</td>
                        <td class="mono">{e.action}</td>
                        <td class="mono">{e.secret.unwrap_or_default()}</td>
                        <td>{e.detail}</td>
                    </tr>
                }}).collect_view()}
            </tbody>
        </ScrollTable>
        <nav class="pager" aria-label="Pages">
            {newer.map(|href| view! { <a class="btn" href=href rel="prev">"Newer"</a> })}
            {older.map(|href| view! { <a class="btn" href=href rel="next">"Older"</a> })}
        </nav>
    }
    .into_any()
}
