use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::members::{list_members, EndMemberSessions, RemoveMember, SetMemberRole};
use crate::components::error_panel::ErrorPanel;
use crate::components::field::{last_error, FormError};
use crate::components::params::use_workspace_slug;
use crate::components::reauth::{retry_last, ReauthPrompt};
use crate::model::{MemberView, Role};
use crate::time_fmt::format_utc;

/// The member actions of an admin, one per row.
#[derive(Clone, Copy)]
struct Actions {
    set_role: ServerAction<SetMemberRole>,
    end_sessions: ServerAction<EndMemberSessions>,
    remove: ServerAction<RemoveMember>,
}

/// `/w/{ws}/users`: members and their roles; admins can change a role, end a member's
/// sessions and remove a member.
#[component]
pub fn UsersPage() -> impl IntoView {
    let ws = use_workspace_slug();
    let set_role = ServerAction::<SetMemberRole>::new();
    let end_sessions = ServerAction::<EndMemberSessions>::new();
    let remove = ServerAction::<RemoveMember>::new();
    let actions = Actions {
        set_role,
        end_sessions,
        remove,
    };
    let members = Resource::new(
        move || (ws.get(), set_role.version().get(), remove.version().get()),
        |(ws, _, _)| list_members(ws),
    );
    let ended = move || matches!(end_sessions.value().get(), Some(Ok(())));
    view! {
        <Title text="Users · Secrets Vault"/>
        <section class="page">
            <header class="page-head">
                <h1>"Users"</h1>
                <p class="lede">"People who can sign in to this workspace. Admins manage agents and secrets."</p>
            </header>
            <FormError error=last_error(set_role.value()) fields=&[]/>
            <ReauthPrompt error=last_error(set_role.value()) retry=retry_last(set_role)/>
            <FormError error=last_error(end_sessions.value()) fields=&[]/>
            <FormError error=last_error(remove.value()) fields=&[]/>
            <Show when=ended>
                <p class="success" role="status">"Their sessions have ended: they must sign in again."</p>
            </Show>
            <Suspense fallback=|| view! { <p class="loading">"Loading members…"</p> }>
                {move || Suspend::new(async move {
                    match members.await {
                        Ok(page) => {
                            let ws = ws.get_untracked();
                            view! {
                                <table class="table" aria-label="Members">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Name"</th>
                                            <th scope="col">"Email"</th>
                                            <th scope="col">"Role"</th>
                                            <th scope="col">"Joined"</th>
                                            {page.can_manage.then(|| view! { <th scope="col">"Actions"</th> })}
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {page
                                            .members
                                            .into_iter()
                                            .map(|m| view! { <MemberRow member=m ws=ws.clone() can_manage=page.can_manage actions/> })
                                            .collect_view()}
                                    </tbody>
                                </table>
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
fn MemberRow(member: MemberView, ws: String, can_manage: bool, actions: Actions) -> impl IntoView {
    let action = actions.set_role;
    let (ws_end, ws_remove) = (ws.clone(), ws.clone());
    let (id_end, id_remove) = (member.user_id.to_string(), member.user_id.to_string());
    let (end_label, remove_label) = (
        format!("End sessions of {}", member.email),
        format!("Remove {} from the workspace", member.email),
    );
    let manage_cell = can_manage.then(move || {
        view! {
            <td><div class="row-actions">
                <ActionForm action=actions.end_sessions>
                    <input type="hidden" name="ws" value=ws_end/>
                    <input type="hidden" name="user_id" value=id_end/>
                    <button type="submit" class="btn btn-small" aria-label=end_label>"End sessions"</button>
                </ActionForm>
                <ActionForm action=actions.remove>
                    <input type="hidden" name="ws" value=ws_remove/>
                    <input type="hidden" name="user_id" value=id_remove/>
                    <button type="submit" class="btn btn-small btn-danger" aria-label=remove_label>"Remove"</button>
                </ActionForm>
            </div></td>
        }
    });
    let role_cell = if can_manage {
        let select_id = format!("role-{}", member.user_id);
        let label = format!("Role of {}", member.email);
        view! {
            <ActionForm action>
                <div class="inline-form">
                    <input type="hidden" name="ws" value=ws/>
                    <input type="hidden" name="user_id" value=member.user_id.to_string()/>
                    <label class="sr-only" for=select_id.clone()>{label}</label>
                    <select id=select_id name="role">
                        <option value="admin" selected=member.role == Role::Admin>"Admin"</option>
                        <option value="member" selected=member.role == Role::Member>"Member"</option>
                    </select>
                    <button type="submit" class="btn btn-small">"Save"</button>
                </div>
            </ActionForm>
        }
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
            <td>{format_utc(member.joined_at)}</td>
            {manage_cell}
        </tr>
    }
}
