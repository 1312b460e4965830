//! The Users page's invitations, for admins: the invite form, the link of the invitation
//! just made (shown once, with a Copy button) and the pending invitations. The page does not
//! reload after a change, so that the link stays on screen: the list is fetched again.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::invite_form::InviteForm;
use super::pending::PendingTable;
use crate::api::invitations::{
    list_invitations, CreateInvitation, ListInvitations, RevokeInvitation,
};
use crate::components::call::{refetched, Call};
use crate::components::copy::CopyButton;
use crate::components::loaded::Loaded;
use crate::components::url::urlencode;
use crate::model::invitations::{CreatedInvitation, InvitationView};
use crate::time_fmt::format_utc;

#[component]
pub fn Invitations(ws: String) -> impl IntoView {
    let source = ws.clone();
    let pending = Resource::new(move || source.clone(), list_invitations);
    view! {
        <Loaded data=pending loading="Loading invitations…" let:pending>
            <InvitationsBody ws=ws.clone() pending/>
        </Loaded>
    }
}

#[island]
fn InvitationsBody(ws: String, pending: Vec<InvitationView>) -> impl IntoView {
    let create = Call::new(CreateInvitation::PATH);
    let revoke = Call::new(RevokeInvitation::PATH);
    let current = refetched(
        ListInvitations::PATH,
        format!("ws={}", urlencode(&ws)),
        pending,
        &[create, revoke],
    );
    let form_ws = ws.clone();
    view! {
        <section class="card form-card" aria-labelledby="invite-title">
            <h2 id="invite-title">"Invite a teammate"</h2>
            <p class="help">
                "They get a link that works once and expires. Send it to them yourself: nothing is mailed unless your operator configured mail."
            </p>
            <InviteForm ws=form_ws call=create/>
            {move || create.output::<CreatedInvitation>().map(|created| view! { <NewLink created/> })}
        </section>
        <section aria-labelledby="pending-title">
            <h2 id="pending-title">"Pending invitations"</h2>
            {move || view! { <PendingTable ws=ws.clone() invitations=current() revoke/> }}
        </section>
    }
}

/// The link of the invitation just made: the only time it is shown.
#[component]
fn NewLink(created: CreatedInvitation) -> impl IntoView {
    let CreatedInvitation { link, view, mailed } = created;
    let text = Signal::stored(link.clone());
    view! {
        <div class="token-once" role="status">
            <p>
                <strong>"Copy this link now: it is not shown again."</strong>
                " It lets " {view.email.clone()} " join as " {view.role.label().to_lowercase()}
                " until " {format_utc(view.expires_at)} "."
                {mailed.then_some(" It is also being mailed to them.")}
            </p>
            <label for="invite-link" class="sr-only">"Invitation link"</label>
            <input id="invite-link" readonly class="mono" value=link data-testid="invite-link"/>
            <CopyButton text label="Copy link" testid="copy-invite-link"/>
        </div>
    }
}
