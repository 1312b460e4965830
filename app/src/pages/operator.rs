//! `/operator`: the platform operator's page. Every workspace with its secrets vault flag,
//! member and secret counts (never a secret's name or value), a switch per workspace that
//! asks for a reason, and the platform audit log.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use crate::api::operator::{operator_console, SwitchFlag};
use crate::components::call::{Call, CallForm};
use crate::components::field::{FieldError, FormError};
use crate::components::flash::{reload_on_success, FlashNote};
use crate::components::loaded::Loaded;
use crate::components::reauth::ReauthPrompt;
use crate::components::table::{Columns, ScrollTable};
use crate::model::operator::{FlagSwitched, OperatorWorkspace, PlatformEvent};
use crate::pages::workspace::SignOutButton;
use crate::time_fmt::format_utc;

#[component]
pub fn OperatorPage() -> impl IntoView {
    let console = Resource::new(|| (), |_| operator_console());
    view! {
        <Title text="Operator · Secrets Vault"/>
        <header class="topbar">
            <div class="topbar-inner">
                <a class="brand" href="/">"Secrets Vault"</a>
                <span class="workspace-name">"Operator"</span>
                <div class="account">
                    <a class="who" href="/account">"Your account"</a>
                    <SignOutButton/>
                </div>
            </div>
        </header>
        <main class="content">
            <section class="page">
                <header class="page-head">
                    <h1>"Workspaces"</h1>
                    <p class="lede">
                        "Switch the secrets vault feature per workspace. Each switch asks for a reason, which the workspace's admins see and the platform audit log keeps."
                    </p>
                </header>
                <FlashNote id="operator".to_string()/>
                <Loaded data=console loading="Loading…" let:c>
                    <WorkspaceTable workspaces=c.workspaces/>
                    <h2>"Platform audit log"</h2>
                    <PlatformLog log=c.log/>
                </Loaded>
            </section>
        </main>
    }
}

#[component]
fn WorkspaceTable(workspaces: Vec<OperatorWorkspace>) -> impl IntoView {
    if workspaces.is_empty() {
        return view! { <p class="empty">"No workspaces yet. Create one with " <code>"vault workspace create"</code> "."</p> }.into_any();
    }
    view! {
        <ScrollTable label="Workspaces">
            <Columns names=&["Workspace", "Secrets vault", "Members", "Secrets", "Switch"]/>
            <tbody>
                {workspaces
                    .into_iter()
                    .map(|w| view! { <WorkspaceRow w/> })
                    .collect_view()}
            </tbody>
        </ScrollTable>
    }
    .into_any()
}

#[component]
fn WorkspaceRow(w: OperatorWorkspace) -> impl IntoView {
    view! {
        <tr>
            <td>
                <strong>{w.name.clone()}</strong>
                " "
                <span class="mono muted">{w.slug.clone()}</span>
            </td>
            <td>
                {if w.secrets_enabled {
                    view! { <span class="badge badge-ok">"On"</span> }.into_any()
                } else {
                    view! { <span class="badge badge-off">"Off"</span> }.into_any()
                }}
            </td>
            <td>{w.members}</td>
            <td>{w.secrets}</td>
            <td><SwitchForm slug=w.slug.clone() name=w.name.clone() on=w.secrets_enabled/></td>
        </tr>
    }
}

#[component]
fn PlatformLog(log: Vec<PlatformEvent>) -> impl IntoView {
    if log.is_empty() {
        return view! { <p class="empty">"Nothing yet."</p> }.into_any();
    }
    view! {
        <ScrollTable label="Platform audit log">
            <Columns names=&["When", "Who", "What", "Workspace", "Reason"]/>
            <tbody>
                {log
                    .into_iter()
                    .map(|e| view! {
                        <tr>
                            <td>{format_utc(e.at)}</td>
                            <td>{e.actor}</td>
                            <td><span class="mono">{e.action}</span> " " {e.detail}</td>
                            <td class="mono">{e.workspace.unwrap_or_default()}</td>
                            <td>{e.reason}</td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </ScrollTable>
    }
    .into_any()
}

/// Switches one workspace's secrets vault flag, with a reason, after a fresh password if the
/// sign-in is not recent; then reloads the page with the result.
#[island]
fn SwitchForm(slug: String, name: String, on: bool) -> impl IntoView {
    let action = Call::new(SwitchFlag::PATH);
    let error = action.error();
    let pending = action.pending();
    reload_on_success(action, "operator", switched_message);
    let reason_id = format!("reason-{slug}");
    let error_id = format!("reason-{slug}-error");
    let (label, to) = if on {
        ("Switch off", "off")
    } else {
        ("Switch on", "on")
    };
    let w = (slug, name);
    view! {
                <CallForm call=action class="inline-form">
                    <input type="hidden" name="ws" value=w.0.clone()/>
                    <input type="hidden" name="state" value=to/>
                    <label class="sr-only" for=reason_id.clone()>{format!("Reason to switch {} {to}", w.1)}</label>
                    <input id=reason_id name="reason" required maxlength="500" placeholder="Reason"
                        aria-describedby=error_id.clone()/>
                    <button type="submit" class="btn" disabled=move || pending.get()>{label}</button>
                    <FieldError error field="reason" id=error_id/>
                    <FormError error fields=&["reason"]/>
                </CallForm>
                <ReauthPrompt call=action/>
    }
}

/// "Secrets vault is now on for Globex Corp."
fn switched_message(s: FlagSwitched) -> String {
    format!(
        "Secrets vault is now {} for {}.",
        if s.on { "on" } else { "off" },
        s.workspace
    )
}
