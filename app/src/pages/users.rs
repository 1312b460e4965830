use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::members::{list_members, SetMemberRole};
use crate::components::error_panel::ErrorPanel;
use crate::components::field::{last_error, FormError};
use crate::components::params::use_workspace_slug;
use crate::model::{MemberView, Role};
use crate::time_fmt::format_utc;

/// `/w/{ws}/users`: members and their roles; admins can change a role.
#[component]
pub fn UsersPage() -> impl IntoView {
    let ws = use_workspace_slug();
    let set_role = ServerAction::<SetMemberRole>::new();
    let members = Resource::new(
        move || (ws.get(), set_role.version().get()),
        |(ws, _)| list_members(ws),
    );
    view! {
        <Title text="Users · Secrets Vault"/>
        <section class="page">
            <header class="page-head">
                <h1>"Users"</h1>
                <p class="lede">"People who can sign in to this workspace. Admins manage agents and secrets."</p>
            </header>
            <FormError error=last_error(set_role.value()) fields=&[]/>
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
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {page
                                            .members
                                            .into_iter()
                                            .map(|m| view! { <MemberRow member=m ws=ws.clone() can_manage=page.can_manage action=set_role/> })
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
fn MemberRow(
    member: MemberView,
    ws: String,
    can_manage: bool,
    action: ServerAction<SetMemberRole>,
) -> impl IntoView {
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
        </tr>
    }
}
