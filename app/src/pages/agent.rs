use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::agents::{agent_tokens, IssueToken, RevokeToken, RotateToken, SetTokenDefault};
use crate::components::error_panel::ErrorPanel;
use crate::components::field::{last_error, FormError};
use crate::components::params::use_workspace_slug;
use crate::components::reauth::{retry_last, ReauthPrompt};
use crate::components::table::Columns;
use crate::model::{AgentRead, TokenView, ROTATION_OVERLAPS, TOKEN_LIFETIMES};
use crate::pages::secrets::refresh_on_success;
use crate::time_fmt::format_utc;

/// `/w/{ws}/agents/{agent}`: an agent's runtime tokens (admins).
#[component]
pub fn AgentPage() -> impl IntoView {
    let ws = use_workspace_slug().get_untracked();
    let params = use_params_map();
    let agent = params.read_untracked().get("agent").unwrap_or_default();
    let title = format!("{agent} · Agents · Secrets Vault");
    view! {
        <Title text=title/>
        <AgentBody ws agent/>
    }
}

#[island]
fn AgentBody(ws: String, agent: String) -> impl IntoView {
    let ws = Signal::stored(ws);
    let agent = Signal::stored(agent);
    let issue = ServerAction::<IssueToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let rotate = ServerAction::<RotateToken>::new();
    let set_default = ServerAction::<SetTokenDefault>::new();
    let refresh = RwSignal::new(0u32);
    refresh_on_success(set_default.value(), refresh);
    refresh_on_success(issue.value(), refresh);
    refresh_on_success(revoke.value(), refresh);
    refresh_on_success(rotate.value(), refresh);
    let page = Resource::new(
        move || (ws.get(), agent.get(), refresh.get()),
        |(ws, agent, _)| agent_tokens(ws, agent),
    );
    // The newest of an issue or a rotation, shown once.
    let issued = move || {
        let rotated = rotate.value().get().and_then(|r| r.ok());
        let fresh = issue.value().get().and_then(|r| r.ok());
        match (fresh, rotated) {
            (Some(a), Some(b)) => Some(if a.view.id > b.view.id { a } else { b }),
            (a, b) => a.or(b),
        }
    };
    view! {
        <section class="page">
            <header class="page-head">
                <p class="crumbs"><a href=move || format!("/w/{}/agents", ws.get())>"Agents"</a> " / " {agent}</p>
                <h1 class="mono">{agent}</h1>
                <p class="lede">"Runtime tokens let this agent's functions read the secrets granted to it. Issue a new token before revoking an old one to rotate without downtime."</p>
            </header>
            <div class="card form-card">
                <ActionForm action=issue>
                    <input type="hidden" name="ws" value=move || ws.get()/>
                    <input type="hidden" name="agent" value=move || agent.get()/>
                    <div class="field">
                        <label for="token-lifetime">"Lifetime"</label>
                        <select id="token-lifetime" name="lifetime">
                            <option value="" selected=true>"Workspace default"</option>
                            {TOKEN_LIFETIMES.into_iter().map(|(value, label)| view! {
                                <option value=value>{label}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <button type="submit" class="btn btn-primary">"Issue a new token"</button>
                </ActionForm>
                <FormError error=last_error(issue.value()) fields=&[]/>
                <ReauthPrompt error=last_error(issue.value()) retry=retry_last(issue)/>
                <FormError error=last_error(rotate.value()) fields=&[]/>
                <ReauthPrompt error=last_error(rotate.value()) retry=retry_last(rotate)/>
                {move || issued().map(|t| view! {
                    <div class="token-once" role="status">
                        <p><strong>"Copy this token now: it is not shown again."</strong></p>
                        <label for="new-token" class="sr-only">"New token"</label>
                        <input id="new-token" readonly class="mono" value=t.token.clone() data-testid="new-token"/>
                    </div>
                })}
            </div>
            <FormError error=last_error(revoke.value()) fields=&[]/>
            <Transition fallback=|| view! { <p class="loading">"Loading tokens…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(p) if p.tokens.is_empty() => view! { <p class="empty">"No tokens yet."</p> }.into_any(),
                        Ok(p) => view! {
                            <TokenTable tokens=p.tokens ws=ws.get_untracked() agent=p.agent revoke rotate/>
                            <div class="grid-2">
                                <DefaultLifetime ws=ws.get_untracked() current=p.default_lifetime action=set_default/>
                                <Reads reads=p.reads/>
                            </div>
                        }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn TokenTable(
    tokens: Vec<TokenView>,
    ws: String,
    agent: String,
    revoke: ServerAction<RevokeToken>,
    rotate: ServerAction<RotateToken>,
) -> impl IntoView {
    view! {
        <table class="table" aria-label="Tokens">
            <Columns names=&["Token", "Created", "Last used", "Expires", "Status"] actions=true/>
            <tbody>
                {tokens
                    .into_iter()
                    .map(|t| {
                        let (ws, agent) = (ws.clone(), agent.clone());
                        let prefix = format!("{}…", t.prefix);
                        let live = t.revoked_at.is_none() && !t.expired;
                        let (rotate_ws, rotate_agent) = (ws.clone(), agent.clone());
                        let overlap_id = format!("overlap-{}", t.id);
                        view! {
                            <tr data-token=t.prefix.clone()>
                                <td class="mono">{prefix}</td>
                                <td>{format_utc(t.created_at)}</td>
                                <td>
                                    {t.last_used_at.map(format_utc).unwrap_or_else(|| "never".into())}
                                    {t.unused.then(|| view! { " " <span class="badge badge-due">"unused for 30 days"</span> })}
                                </td>
                                <td data-testid="token-expires">{t.expires_at.map(format_utc).unwrap_or_else(|| "never".into())}</td>
                                <td>{status(&t)}</td>
                                <td>
                                    {live.then(|| view! {
                                        <details class="rotate">
                                            <summary class="btn btn-small">"Rotate…"</summary>
                                            <ActionForm action=rotate>
                                                <input type="hidden" name="ws" value=rotate_ws/>
                                                <input type="hidden" name="agent" value=rotate_agent/>
                                                <input type="hidden" name="token_id" value=t.id.to_string()/>
                                                <label for=overlap_id.clone()>"Keep the old token valid for"</label>
                                                <select id=overlap_id name="overlap_hours">
                                                    {ROTATION_OVERLAPS.into_iter().map(|(value, label)| view! {
                                                        <option value=value selected=value == "24">{label}</option>
                                                    }).collect_view()}
                                                </select>
                                                <button type="submit" class="btn btn-small btn-primary">"Rotate"</button>
                                            </ActionForm>
                                        </details>
                                    })}
                                    {live.then(|| view! {
                                        <ActionForm action=revoke>
                                            <input type="hidden" name="ws" value=ws/>
                                            <input type="hidden" name="agent" value=agent/>
                                            <input type="hidden" name="token_id" value=t.id.to_string()/>
                                            <button type="submit" class="btn btn-small btn-danger-outline">"Revoke"</button>
                                        </ActionForm>
                                    })}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

fn status(t: &TokenView) -> &'static str {
    if t.revoked_at.is_some() {
        "revoked"
    } else if t.expired {
        "expired"
    } else {
        "active"
    }
}

/// The workspace's default lifetime for new tokens.
#[component]
fn DefaultLifetime(
    ws: String,
    current: Option<i64>,
    action: ServerAction<SetTokenDefault>,
) -> impl IntoView {
    let current = current.map_or("never".to_string(), |d| d.to_string());
    view! {
        <section class="card" aria-labelledby="default-lifetime-title">
            <h2 id="default-lifetime-title">"New tokens in this workspace"</h2>
            <ActionForm action>
                <input type="hidden" name="ws" value=ws/>
                <div class="field">
                    <label for="default-lifetime">"Default lifetime"</label>
                    <select id="default-lifetime" name="lifetime">
                        {TOKEN_LIFETIMES.into_iter().map(|(value, label)| view! {
                            <option value=value selected=value == current>{label}</option>
                        }).collect_view()}
                    </select>
                </div>
                <FormError error=last_error(action.value()) fields=&[]/>
                <button type="submit" class="btn">"Save default"</button>
            </ActionForm>
        </section>
    }
}

/// The secrets this agent may read and its last read of each.
#[component]
fn Reads(reads: Vec<AgentRead>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="reads-title">
            <h2 id="reads-title">"Secrets it reads"</h2>
            {if reads.is_empty() {
                view! { <p class="help">"No secret is granted to this agent."</p> }.into_any()
            } else {
                view! {
                    <ul class="readers" data-testid="agent-reads">
                        {reads.into_iter().map(|r| view! {
                            <li>
                                <span class="mono">{r.secret}</span> ": "
                                {r.last_read_at.map(|at| format!("last read {}", format_utc(at))).unwrap_or_else(|| "never read".into())}
                                {r.unused.then(|| view! { " " <span class="badge badge-due">"unused for 30 days"</span> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
