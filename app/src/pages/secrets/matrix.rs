use std::collections::{HashMap, HashSet};

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::secrets::matrix::{load_grant_matrix, ApplyGrants};
use crate::components::call::Call;
use crate::components::field::FormError;
use crate::components::flash::reload_and_flash;
use crate::components::loaded::Loaded;
use crate::components::params::use_workspace_slug;
use crate::components::url::urlencode;
use crate::model::secrets::GrantMatrix;

type Cell = (String, i64);

/// `/w/{ws}/secrets/access`: secrets x agents. Rendered on the server; the table itself is an
/// island where changes stay pending (with a count and a summary) until Save applies them in
/// one transaction, or Discard drops them. Save reloads the page.
#[component]
pub fn GrantMatrixPage() -> impl IntoView {
    let ws = use_workspace_slug();
    let query = use_query_map();
    let param = move |k: &'static str| Memo::new(move |_| query.read().get(k).unwrap_or_default());
    let (sq, aq, page, apage) = (param("sq"), param("aq"), param("page"), param("apage"));
    let matrix = Resource::new(
        move || (ws.get(), sq.get(), aq.get(), page.get(), apage.get()),
        |(ws, sq, aq, page, apage)| {
            load_grant_matrix(
                ws,
                Some(sq),
                Some(aq),
                page.parse().ok(),
                apage.parse().ok(),
            )
        },
    );
    view! {
        <Title text="Grant matrix · Secrets Vault"/>
        <section class="page">
            <header class="page-head">
                <p class="crumbs"><a href=move || format!("/w/{}/secrets", ws.get())>"Secrets"</a> " / Grant matrix"</p>
                <h1>"Grant matrix"</h1>
                <p class="lede">"Which agent may read which secret. Changes stay pending until you save them, all at once."</p>
            </header>
            <form method="get" action="">
                <div class="search matrix-filters">
                    <label for="sq">"Secrets"</label>
                    <input id="sq" type="search" name="sq" value=move || sq.get() placeholder="Filter secrets"/>
                    <label for="aq">"Agents"</label>
                    <input id="aq" type="search" name="aq" value=move || aq.get() placeholder="Filter agents"/>
                    <button type="submit" class="btn">"Filter"</button>
                </div>
            </form>
            <Loaded data=matrix loading="Loading…" let:m>
                <MatrixEditor m=m.clone() ws=ws.get_untracked()/>
                <MatrixPager m ws=ws.get_untracked() sq=sq.get_untracked() aq=aq.get_untracked()/>
            </Loaded>
        </section>
    }
}

/// The pending changes and the table of check boxes.
#[island]
fn MatrixEditor(m: GrantMatrix, ws: String) -> impl IntoView {
    let apply = Call::new(ApplyGrants::PATH);
    let saved = reload_and_flash(apply, "matrix", |(granted, revoked): (usize, usize)| {
        format!("Saved: {granted} granted, {revoked} revoked.")
    });
    // Pending changes: cell -> wanted state.
    let pending = RwSignal::new(HashMap::<Cell, bool>::new());
    let agent_names: HashMap<i64, String> =
        m.agents.iter().map(|a| (a.id, a.name.clone())).collect();
    let save = move |_| {
        // `changes[i][field]`, as serde_qs reads a list of structs.
        let mut body = format!("ws={}", urlencode(&ws));
        for (i, ((secret, agent_id), grant)) in pending.get_untracked().into_iter().enumerate() {
            body.push_str(&format!(
                "&changes[{i}][secret]={}&changes[{i}][agent_id]={agent_id}&changes[{i}][grant]={grant}",
                urlencode(&secret)
            ));
        }
        apply.dispatch(body);
    };
    let summary = move || {
        let mut lines: Vec<String> = pending
            .get()
            .iter()
            .map(|((s, a), grant)| {
                let agent = agent_names.get(a).cloned().unwrap_or_else(|| a.to_string());
                format!("{} {s} → {agent}", if *grant { "Grant" } else { "Revoke" })
            })
            .collect();
        lines.sort();
        lines
    };
    view! {
        <div class="pending-bar" role="status" aria-live="polite">
            <strong data-testid="pending-count">{move || pending.with(|p| p.len())}</strong>
            " pending change(s)"
            <button type="button" class="btn btn-primary btn-small" on:click=save
                disabled=move || pending.with(|p| p.is_empty()) || apply.pending().get()>"Save"</button>
            <button type="button" class="btn btn-small" on:click=move |_| pending.set(HashMap::new())
                disabled=move || pending.with(|p| p.is_empty())>"Discard"</button>
            {move || saved.get().map(|text| view! { <span class="success-inline">{text}</span> })}
        </div>
        <FormError error=apply.error() fields=&[]/>
        <ul class="pending-summary" aria-label="Pending changes">
            {move || summary().into_iter().take(20).map(|l| view! { <li>{l}</li> }).collect_view()}
        </ul>
        <MatrixTable m pending/>
    }
}

#[component]
fn MatrixTable(m: GrantMatrix, pending: RwSignal<HashMap<Cell, bool>>) -> impl IntoView {
    if m.secrets.is_empty() || m.agents.is_empty() {
        return view! { <p class="empty">"No secrets or no agents match."</p> }.into_any();
    }
    let original: HashSet<Cell> = m.granted.iter().cloned().collect();
    let original = StoredValue::new(original);
    let state = move |cell: &Cell| -> bool {
        pending
            .with(|p| p.get(cell).copied())
            .unwrap_or_else(|| original.with_value(|o| o.contains(cell)))
    };
    let set = move |cell: Cell, wanted: bool| {
        let was = original.with_value(|o| o.contains(&cell));
        pending.update(|p| {
            if wanted == was {
                p.remove(&cell);
            } else {
                p.insert(cell, wanted);
            }
        });
    };
    let agents = m.agents.clone();
    let secrets = m.secrets.clone();
    let toggle_row = {
        let agents = agents.clone();
        move |secret: String| {
            let all = agents.iter().all(|a| state(&(secret.clone(), a.id)));
            for a in &agents {
                set((secret.clone(), a.id), !all);
            }
        }
    };
    let toggle_col = {
        let secrets = secrets.clone();
        move |agent: i64| {
            let all = secrets.iter().all(|s| state(&(s.clone(), agent)));
            for s in &secrets {
                set((s.clone(), agent), !all);
            }
        }
    };
    view! {
        <div class="matrix-wrap" tabindex="0" role="region" aria-label="Grant matrix">
            <table class="table matrix">
                <thead>
                    <tr>
                        <th scope="col">"Secret"</th>
                        {agents.iter().map(|a| {
                            let (id, name) = (a.id, a.name.clone());
                            let toggle_col = toggle_col.clone();
                            view! {
                                <th scope="col">
                                    <span class="mono">{name.clone()}</span>
                                    <button type="button" class="btn btn-small btn-quiet" on:click=move |_| toggle_col(id)>
                                        "all" <span class="sr-only">" rows for " {name}</span>
                                    </button>
                                </th>
                            }
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {secrets.iter().map(|s| {
                        let secret = s.clone();
                        let toggle_row = toggle_row.clone();
                        let row_secret = secret.clone();
                        view! {
                            <tr>
                                <th scope="row">
                                    <span class="mono">{secret.clone()}</span>
                                    <button type="button" class="btn btn-small btn-quiet" on:click=move |_| toggle_row(row_secret.clone())>
                                        "all" <span class="sr-only">" agents for " {secret.clone()}</span>
                                    </button>
                                </th>
                                {agents.iter().map(|a| {
                                    let cell: Cell = (secret.clone(), a.id);
                                    let (c1, c2, c3) = (cell.clone(), cell.clone(), cell);
                                    let label = format!("{secret} → {}", a.name);
                                    view! {
                                        <td class:changed=move || pending.with(|p| p.contains_key(&c3))>
                                            <input type="checkbox" aria-label=label
                                                prop:checked=move || state(&c1)
                                                on:change=move |ev| set(c2.clone(), event_target_checked(&ev))/>
                                        </td>
                                    }
                                }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Links to the neighbouring pages of secrets and of agents.
#[component]
fn MatrixPager(m: GrantMatrix, ws: String, sq: String, aq: String) -> impl IntoView {
    let link = move |page: i64, apage: i64| {
        format!(
            "/w/{ws}/secrets/access?sq={}&aq={}&page={page}&apage={apage}",
            urlencode(&sq),
            urlencode(&aq)
        )
    };
    let last_page = (m.secret_total - 1).max(0) / m.page_size;
    let last_apage = (m.agent_total - 1).max(0) / m.agent_page_size;
    view! {
        <nav class="pager" aria-label="Matrix pages">
            <span class="count">
                "Secrets " {m.page * m.page_size + 1} "–" {m.page * m.page_size + m.secrets.len() as i64} " of " {m.secret_total}
                " · agents " {m.agent_page * m.agent_page_size + 1} "–" {m.agent_page * m.agent_page_size + m.agents.len() as i64} " of " {m.agent_total}
            </span>
            {(m.page > 0).then(|| view! { <a class="btn" href=link(m.page - 1, m.agent_page)>"Previous secrets"</a> })}
            {(m.page < last_page).then(|| view! { <a class="btn" href=link(m.page + 1, m.agent_page)>"Next secrets"</a> })}
            {(m.agent_page > 0).then(|| view! { <a class="btn" href=link(m.page, m.agent_page - 1)>"Previous agents"</a> })}
            {(m.agent_page < last_apage).then(|| view! { <a class="btn" href=link(m.page, m.agent_page + 1)>"Next agents"</a> })}
        </nav>
    }
}
