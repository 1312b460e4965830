use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::agents::{
    agent_tokens, AgentTokens, IssueToken, RevokeToken, RotateToken, SetTokenDefault,
};
use crate::components::activity_chart::ActivityChart;
use crate::components::call::{refetched, Call, CallForm};
use crate::components::field::FormError;
use crate::components::loaded::Loaded;
use crate::components::params::use_workspace_slug;
use crate::components::reauth::ReauthPrompt;
use crate::components::table::{Columns, ScrollTable};
use crate::components::url::urlencode;
use crate::model::{
    AgentTokensPage, IssuedTokenView, TokenView, ROTATION_OVERLAPS, TOKEN_LIFETIMES,
};
use crate::pages::agent_reads::AgentReads;
use crate::time_fmt::format_utc;

/// `/w/{ws}/agents/{agent}`: what an agent can read, and its runtime tokens (admins).
#[component]
pub fn AgentPage() -> impl IntoView {
    let ws = use_workspace_slug();
    let params = use_params_map();
    let agent = params.read_untracked().get("agent").unwrap_or_default();
    let title = format!("{agent} · Agents · Secrets Vault");
    let name = agent.clone();
    let page = Resource::new(
        move || (ws.get(), name.clone()),
        |(ws, agent)| agent_tokens(ws, agent),
    );
    view! {
        <Title text=title/>
        <section class="page">
            <header class="page-head">
                <p class="crumbs"><a href=move || format!("/w/{}/agents", ws.get())>"Agents"</a> " / " {agent.clone()}</p>
                <h1 class="mono">{agent}</h1>
                <p class="lede">"Runtime tokens let this agent's functions read the secrets granted to it. Issue a new token before revoking an old one to rotate without downtime."</p>
            </header>
            <Loaded data=page loading="Loading tokens…" let:page>
                <ActivityChart days=page.activity.clone() id="agent-activity"
                    title=format!("Runtime reads by {}", page.agent)/>
                <AgentReads ws=ws.get_untracked() agent=page.agent.clone() reads=page.reads.clone()/>
                <AgentBody ws=ws.get_untracked() page/>
            </Loaded>
        </section>
    }
}

/// The forms and the tables. The page does not reload after a change, so that a new token,
/// shown once, stays on screen: the tables are fetched again.
#[island]
fn AgentBody(ws: String, page: AgentTokensPage) -> impl IntoView {
    let agent = page.agent.clone();
    let issue = Call::new(IssueToken::PATH);
    let revoke = Call::new(RevokeToken::PATH);
    let rotate = Call::new(RotateToken::PATH);
    let set_default = Call::new(SetTokenDefault::PATH);
    let current = refetched(
        AgentTokens::PATH,
        format!("ws={}&agent={}", urlencode(&ws), urlencode(&agent)),
        page,
        &[issue, revoke, rotate, set_default],
    );
    let form_ws = ws.clone();
    // The newest of an issue or a rotation, shown once.
    let issued = move || {
        let fresh = issue.output::<IssuedTokenView>();
        let rotated = rotate.output::<IssuedTokenView>();
        match (fresh, rotated) {
            (Some(a), Some(b)) => Some(if a.view.id > b.view.id { a } else { b }),
            (a, b) => a.or(b),
        }
    };
    view! {
        <div class="card form-card">
            <CallForm call=issue>
                <input type="hidden" name="ws" value=form_ws/>
                <input type="hidden" name="agent" value=agent/>
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
            </CallForm>
            <FormError error=issue.error() fields=&[]/>
            <ReauthPrompt call=issue/>
            <FormError error=rotate.error() fields=&[]/>
            <ReauthPrompt call=rotate/>
            {move || issued().map(|t| view! {
                <div class="token-once" role="status">
                    <p><strong>"Copy this token now: it is not shown again."</strong></p>
                    <label for="new-token" class="sr-only">"New token"</label>
                    <input id="new-token" readonly class="mono" value=t.token.clone() data-testid="new-token"/>
                </div>
            })}
        </div>
        <FormError error=revoke.error() fields=&[]/>
        {move || {
            let p = current();
            if p.tokens.is_empty() {
                return view! { <p class="empty">"No tokens yet."</p> }.into_any();
            }
            view! {
                <TokenTable tokens=p.tokens ws=ws.clone() agent=p.agent revoke rotate/>
                <div class="grid-2">
                    <DefaultLifetime ws=ws.clone() current=p.default_lifetime action=set_default/>
                </div>
            }
            .into_any()
        }}
    }
}

#[component]
fn TokenTable(
    tokens: Vec<TokenView>,
    ws: String,
    agent: String,
    revoke: Call,
    rotate: Call,
) -> impl IntoView {
    view! {
        <ScrollTable label="Tokens">
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
                                            <CallForm call=rotate>
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
                                            </CallForm>
                                        </details>
                                    })}
                                    {live.then(|| view! {
                                        <CallForm call=revoke>
                                            <input type="hidden" name="ws" value=ws/>
                                            <input type="hidden" name="agent" value=agent/>
                                            <input type="hidden" name="token_id" value=t.id.to_string()/>
                                            <button type="submit" class="btn btn-small btn-danger-outline">"Revoke"</button>
                                        </CallForm>
                                    })}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </ScrollTable>
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
fn DefaultLifetime(ws: String, current: Option<i64>, action: Call) -> impl IntoView {
    let current = current.map_or("never".to_string(), |d| d.to_string());
    view! {
        <section class="card" aria-labelledby="default-lifetime-title">
            <h2 id="default-lifetime-title">"New tokens in this workspace"</h2>
            <CallForm call=action>
                <input type="hidden" name="ws" value=ws/>
                <div class="field">
                    <label for="default-lifetime">"Default lifetime"</label>
                    <select id="default-lifetime" name="lifetime">
                        {TOKEN_LIFETIMES.into_iter().map(|(value, label)| view! {
                            <option value=value selected=value == current>{label}</option>
                        }).collect_view()}
                    </select>
                </div>
                <FormError error=action.error() fields=&[]/>
                <button type="submit" class="btn">"Save default"</button>
            </CallForm>
        </section>
    }
}
