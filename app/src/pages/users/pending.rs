//! The pending invitations (not used, not revoked, not expired), each with Revoke.

use leptos::prelude::*;

use crate::components::call::{Call, CallForm};
use crate::components::field::FormError;
use crate::components::table::{Columns, ScrollTable};
use crate::model::invitations::InvitationView;
use crate::time_fmt::format_utc;

#[component]
pub fn PendingTable(ws: String, invitations: Vec<InvitationView>, revoke: Call) -> impl IntoView {
    if invitations.is_empty() {
        return view! {
            <p class="empty">"No pending invitations."</p>
            <FormError error=revoke.error() fields=&[]/>
        }
        .into_any();
    }
    view! {
        <ScrollTable label="Pending invitations">
            <Columns names=&["Email", "Role", "Invited by", "Expires"] actions=true/>
            <tbody>
                {invitations
                    .into_iter()
                    .map(|i| {
                        let label = format!("Revoke the invitation of {}", i.email);
                        let (ws, row) = (ws.clone(), i.email.clone());
                        view! {
                            <tr data-invitation=row>
                                <td>{i.email}</td>
                                <td><span class="role-tag">{i.role.label()}</span></td>
                                <td>{i.invited_by.unwrap_or_else(|| "a removed account".into())}</td>
                                <td>{format_utc(i.expires_at)}</td>
                                <td>
                                    <CallForm call=revoke>
                                        <input type="hidden" name="ws" value=ws/>
                                        <input type="hidden" name="id" value=i.id.to_string()/>
                                        <button type="submit" class="btn btn-small btn-danger-outline" aria-label=label>
                                            "Revoke"
                                        </button>
                                    </CallForm>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </ScrollTable>
        <FormError error=revoke.error() fields=&[]/>
    }
    .into_any()
}
