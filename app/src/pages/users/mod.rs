//! `/w/{ws}/users`: the workspace's members, and for admins the invitations
//! (`invitations`: the invite form, the link just made, the pending list).

mod factor_reset;
mod invitations;
mod invite_form;
mod pending;
mod second_factor_rule;

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use crate::api::members::{list_members, EndMemberSessions, RemoveMember, SetMemberRole};
use crate::components::call::{Call, CallForm};
use crate::components::error_panel::ErrorPanel;
use crate::components::field::FormError;
use crate::components::flash::{reload_on_success, FlashNote};
use crate::components::params::use_workspace_slug;
use crate::components::reauth::ReauthPrompt;
use crate::components::table::ScrollTable;
use crate::model::{MemberView, Role};
use crate::time_fmt::format_utc;

/// `/w/{ws}/users`: members and their roles; admins can change a role, end a member's
/// sessions, remove a member and invite people.
#[component]
pub fn UsersPage() -> impl IntoView {
    let ws = use_workspace_slug();
    let members = Resource::new(move || ws.get(), list_members);
    view! {
        <Title text="Users · Secrets Vault"/>
        <section class="page">
            <header class="page-head">
                <h1>"Users"</h1>
                <p class="lede">"People who can sign in to this workspace. Admins manage agents and secrets."</p>
            </header>
            <FlashNote id="members".to_string()/>
            <Suspense fallback=|| view! { <p class="loading">"Loading members…"</p> }>
                {move || Suspend::new(async move {
                    match members.await {
                        Ok(page) => {
                            let ws = ws.get_untracked();
                            let rows_ws = ws.clone();
                            view! {
                                <ScrollTable label="Members">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Name"</th>
                                            <th scope="col">"Email"</th>
                                            <th scope="col">"Role"</th>
                                            {page.can_manage.then(|| view! { <th scope="col">"Second factor"</th> })}
                                            <th scope="col">"Joined"</th>
                                            {page.can_manage.then(|| view! { <th scope="col">"Actions"</th> })}
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {page
                                            .members
                                            .into_iter()
                                            .map(|m| {
                                                let me = m.user_id == page.my_user_id;
                                                view! { <MemberRow member=m ws=rows_ws.clone() can_manage=page.can_manage me/> }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </ScrollTable>
                                {page.can_manage.then(|| view! { <second_factor_rule::RuleForm ws=ws.clone() on=page.second_factor_rule/> })}
                                {page.can_manage.then(|| view! { <invitations::Invitations ws=ws.clone()/> })}
                            }
                                .into_any()
                        }
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn MemberRow(member: MemberView, ws: String, can_manage: bool, me: bool) -> impl IntoView {
    let (ws_manage, id, email) = (ws.clone(), member.user_id, member.email.clone());
    let resettable = can_manage && member.second_factor && !me;
    let (ws_reset, email_reset) = (ws.clone(), member.email.clone());
    let manage_cell = can_manage.then(move || {
        view! {
            <td>
                <MemberActions ws=ws_manage user_id=id email/>
                {resettable.then(|| view! { <factor_reset::ResetFactor ws=ws_reset user_id=id email=email_reset/> })}
            </td>
        }
    });
    // Who lacks a second factor is for admins to see, not for a phisher among the members.
    let factor = if member.second_factor { "On" } else { "Off" };
    let role_cell = if can_manage {
        view! { <RoleForm ws user_id=member.user_id email=member.email.clone() admin=member.role == Role::Admin/> }
        .into_any()
    } else {
        view! { <span class="role-tag">{member.role.label()}</span> }.into_any()
    };
    let row_email = member.email.clone();
    view! {
        <tr data-email=row_email>
            <td>{member.name}</td>
            <td>{member.email}</td>
            <td>{role_cell}</td>
            {can_manage.then(|| view! { <td data-second-factor=factor>{factor}</td> })}
            <td>{format_utc(member.joined_at)}</td>
            {manage_cell}
        </tr>
    }
}

/// Changes a member's role, after a fresh password if the sign-in is not recent.
#[island]
fn RoleForm(ws: String, user_id: i64, email: String, admin: bool) -> impl IntoView {
    let action = Call::new(SetMemberRole::PATH);
    let changed = email.clone();
    reload_on_success(action, "members", move |()| {
        format!("Role of {changed} saved.")
    });
    let select_id = format!("role-{user_id}");
    let label = format!("Role of {email}");
    view! {
        <CallForm call=action>
            <div class="inline-form">
                <input type="hidden" name="ws" value=ws/>
                <input type="hidden" name="user_id" value=user_id.to_string()/>
                <label class="sr-only" for=select_id.clone()>{label}</label>
                <select id=select_id name="role">
                    <option value="admin" selected=admin>"Admin"</option>
                    <option value="member" selected=!admin>"Member"</option>
                </select>
                <button type="submit" class="btn btn-small">"Save"</button>
            </div>
        </CallForm>
        <FormError error=action.error() fields=&[]/>
        <ReauthPrompt call=action/>
    }
}

/// End a member's sessions, or remove them from the workspace.
#[island]
fn MemberActions(ws: String, user_id: i64, email: String) -> impl IntoView {
    let end_sessions = Call::new(EndMemberSessions::PATH);
    let remove = Call::new(RemoveMember::PATH);
    let removed = email.clone();
    reload_on_success(remove, "members", move |()| {
        format!("{removed} was removed from the workspace.")
    });
    let ended = move || end_sessions.succeeded();
    let (end_label, remove_label) = (
        format!("End sessions of {email}"),
        format!("Remove {email} from the workspace"),
    );
    let (ws_end, id_end, id) = (ws.clone(), user_id.to_string(), user_id.to_string());
    view! {
        <div class="row-actions">
            <CallForm call=end_sessions>
                <input type="hidden" name="ws" value=ws_end/>
                <input type="hidden" name="user_id" value=id_end/>
                <button type="submit" class="btn btn-small" aria-label=end_label>"End sessions"</button>
            </CallForm>
            <CallForm call=remove>
                <input type="hidden" name="ws" value=ws/>
                <input type="hidden" name="user_id" value=id/>
                <button type="submit" class="btn btn-small btn-danger" aria-label=remove_label>"Remove"</button>
            </CallForm>
        </div>
        <Show when=ended>
            <p class="success" role="status">"Their sessions have ended: they must sign in again."</p>
        </Show>
        <FormError error=end_sessions.error() fields=&[]/>
        <FormError error=remove.error() fields=&[]/>
    }
}
