//! Invitations: admins invite, list and revoke them on the Users page; whoever holds a link
//! sees what it offers and joins through it (`/invite/{token}`).

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::invitations::{CreatedInvitation, InvitationPage, InvitationView};

/// An admin invites `email` as `role`; inviting an admin asks for the password again when
/// it was last entered too long ago. The answer carries the link, once.
#[server(endpoint = "invitations/create")]
pub async fn create_invitation(
    ws: String,
    email: String,
    role: String,
) -> Result<CreatedInvitation, AppError> {
    use super::ctx;
    use crate::domain::{admin::invitations, identity::access};
    use crate::mail::InvitationMail;
    use crate::model::Role;
    use crate::time_fmt::format_utc;
    use secrecy::ExposeSecret;
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let admin = access::require_admin(&state.pool, &who, &ws).await?;
        if Role::parse(&role) == Some(Role::Admin) {
            ctx::recently_verified(&state).await?;
        }
        let origin = ctx::site_origin(&state).await?;
        let days = state.invitation_days;
        let issued = invitations::create(&state.pool, &admin, &email, &role, days).await?;
        let link = format!("{origin}/invite/{}", issued.token.expose_secret());
        let mailed = state.mail.as_ref().is_some_and(|mailer| {
            mailer.invitation(InvitationMail {
                to: issued.view.email.clone(),
                workspace: admin.workspace().name.clone(),
                inviter: who.user().email.clone(),
                role: issued.view.role,
                link: link.clone().into(),
                expires: format_utc(issued.view.expires_at),
            })
        });
        Ok(CreatedInvitation {
            link,
            view: issued.view,
            mailed,
        })
    })
    .await
}

#[server(endpoint = "invitations/list")]
pub async fn list_invitations(ws: String) -> Result<Vec<InvitationView>, AppError> {
    use super::ctx;
    use crate::domain::{admin::invitations, identity::access};
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let admin = access::require_admin(&state.pool, &who, &ws).await?;
        Ok(invitations::list(&state.pool, &admin).await?)
    })
    .await
}

#[server(endpoint = "invitations/revoke")]
pub async fn revoke_invitation(ws: String, id: i64) -> Result<(), AppError> {
    use super::ctx;
    use crate::domain::{admin::invitations, identity::access};
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let admin = access::require_admin(&state.pool, &who, &ws).await?;
        Ok(invitations::revoke(&state.pool, &admin, id).await?)
    })
    .await
}

/// What the link holding `token` offers to whoever opens it, signed in or not.
#[server(endpoint = "invitations/view")]
pub async fn load_invitation(token: String) -> Result<InvitationPage, AppError> {
    use super::ctx;
    use crate::domain::admin::invitations;
    ctx::respond(async move {
        let state = ctx::state()?;
        let who = match ctx::signed_in().await {
            Ok((_, who)) => Some(who),
            Err(AppError::NotSignedIn) => None,
            Err(e) => return Err(e),
        };
        Ok(invitations::describe(&state.pool, &token, who.as_ref()).await?)
    })
    .await
}

/// The signed-in invitee joins and lands in the workspace.
#[server(endpoint = "invitations/accept")]
pub async fn accept_invitation(token: String) -> Result<(), AppError> {
    use super::ctx;
    use crate::domain::admin::invitations;
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let slug = invitations::accept(&state.pool, &token, &who).await?;
        tracing::info!(user_id = who.user().id, "invitation accepted");
        leptos_axum::redirect(&format!("/w/{slug}"));
        Ok(())
    })
    .await
}

/// Someone without an account creates one for the invited email, joins, is signed in and
/// lands in the workspace.
#[server(endpoint = "invitations/register")]
pub async fn join_with_new_account(
    token: String,
    name: String,
    password: String,
    confirm: String,
) -> Result<(), AppError> {
    use super::ctx;
    use crate::domain::admin::invitations::{self, NewAccount};
    use secrecy::SecretString;
    ctx::respond(async move {
        let state = ctx::state()?;
        let session = ctx::session().await?;
        let form = NewAccount {
            name,
            password: SecretString::from(password),
            confirm: SecretString::from(confirm),
        };
        let (user, slug) = invitations::accept_with_new_account(&state.pool, &token, form).await?;
        crate::session::begin(&session, user.id).await?;
        tracing::info!(user_id = user.id, "account created through an invitation");
        leptos_axum::redirect(&format!("/w/{slug}"));
        Ok(())
    })
    .await
}
