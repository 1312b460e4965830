use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::{Outlet, A};

use crate::api::auth::Logout;
use crate::api::secrets::read::load_overview;
use crate::api::workspace::workspace_context;
use crate::components::error_panel::ErrorPanel;
use crate::components::params::use_workspace_slug;
use crate::model::{WorkspaceSummary, WorkspaceView};
use crate::pages::secrets::overview::Dashboard;

/// `/w/{ws}/...`: the top bar with tabs around the page.
#[component]
pub fn WorkspaceLayout() -> impl IntoView {
    let ws = use_workspace_slug();
    let frame = Resource::new(move || ws.get(), workspace_context);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match frame.await {
                    Ok(frame) => {
                        view! {
                            <TopBar frame/>
                            <main class="content">
                                <Outlet/>
                            </main>
                        }
                            .into_any()
                    }
                    Err(e) => {
                        view! {
                            <main class="content narrow">
                                <ErrorPanel error=e/>
                            </main>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn TopBar(frame: WorkspaceView) -> impl IntoView {
    let base = format!("/w/{}", frame.slug);
    view! {
        <header class="topbar">
            <div class="topbar-inner">
                <a class="brand" href="/">"Secrets Vault"</a>
                <WorkspaceSwitcher current=frame.slug.clone() name=frame.name.clone() workspaces=frame.me.workspaces.clone()/>
                <nav class="tabs" aria-label="Workspace sections">
                    <A href=format!("{base}/agents")>"Agents"</A>
                    <A href=format!("{base}/users")>"Users"</A>
                    {frame.secrets_tab.then(|| view! { <A href=format!("{base}/secrets")>"Secrets"</A> })}
                    {(frame.role == crate::model::Role::Admin).then(|| view! { <A href=format!("{base}/webhooks")>"Webhooks"</A> })}
                </nav>
                <div class="account">
                    {frame.me.operator.then(|| view! { <a class="btn btn-quiet" href="/operator">"Operator"</a> })}
                    <a class="who" href="/account" title=format!("Your account ({})", frame.me.email)>{frame.me.name.clone()}</a>
                    <SignOutButton/>
                </div>
            </div>
        </header>
    }
}

#[component]
fn WorkspaceSwitcher(
    current: String,
    name: String,
    workspaces: Vec<WorkspaceSummary>,
) -> impl IntoView {
    let others: Vec<_> = workspaces
        .into_iter()
        .filter(|w| w.slug != current)
        .collect();
    if others.is_empty() {
        return view! { <span class="workspace-name">{name}</span> }.into_any();
    }
    view! {
        <details class="switcher">
            <summary>{name} <span class="sr-only">"(switch workspace)"</span></summary>
            <ul class="menu">
                {others
                    .into_iter()
                    .map(|w| {
                        view! {
                            <li>
                                <a href=format!("/w/{}", w.slug)>
                                    {w.name} <span class="role-tag">{w.role.label()}</span>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </details>
    }
    .into_any()
}

/// A plain form: the browser posts it, the server ends the session and sends it to sign-in.
#[component]
pub fn SignOutButton() -> impl IntoView {
    view! {
        <form method="post" action=Logout::PATH>
            <button type="submit" class="btn btn-quiet">"Sign out"</button>
        </form>
    }
}

/// `/w/{ws}`: the workspace home page.
#[component]
pub fn WorkspaceHome() -> impl IntoView {
    let ws = use_workspace_slug();
    let frame = Resource::new(move || ws.get(), workspace_context);
    // Refused (and not shown) unless the caller is an admin of a flagged workspace.
    let overview = Resource::new(move || ws.get(), load_overview);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let f = match frame.await {
                    Ok(f) => f,
                    Err(e) => return view! { <ErrorPanel error=e/> }.into_any(),
                };
                let dashboard = overview.await.ok().filter(|_| f.secrets_tab);
                {
                    let base = format!("/w/{}", f.slug);
                    view! {
                        <Title text=format!("{} · Secrets Vault", f.name)/>
                        <section class="page">
                            <header class="page-head">
                                <h1>{f.name.clone()}</h1>
                                <p class="lede">"You are " {if f.role == crate::model::Role::Admin { "an admin" } else { "a member" }} " of this workspace."</p>
                            </header>
                            <div class="cards">
                                <a class="card stat" href=format!("{base}/agents")>
                                    <span class="stat-number">{f.agent_count}</span>
                                    <span class="stat-label">"Agents"</span>
                                </a>
                                <a class="card stat" href=format!("{base}/users")>
                                    <span class="stat-number">{f.member_count}</span>
                                    <span class="stat-label">"Members"</span>
                                </a>
                                {f.secrets_tab.then(|| view! {
                                    <a class="card stat" href=format!("{base}/secrets")>
                                        <span class="stat-number">"Open"</span>
                                        <span class="stat-label">"Secrets"</span>
                                    </a>
                                })}
                            </div>
                            {f.flag_change.clone().map(|c| view! { <FlagChangeNote c/> })}
                            {dashboard.map(|o| view! { <Dashboard o ws=f.slug.clone()/> })}
                        </section>
                    }
                    .into_any()
                }
            })}
        </Suspense>
    }
}

/// For admins: when and why an operator last switched the secrets vault flag.
#[component]
fn FlagChangeNote(c: crate::model::operator::FlagChange) -> impl IntoView {
    view! {
        <p class="note">
            "Secrets vault was switched " <strong>{if c.on { "on" } else { "off" }}</strong>
            " by an operator on " {crate::time_fmt::format_utc(c.at)} ": “" {c.reason} "”"
        </p>
    }
}
