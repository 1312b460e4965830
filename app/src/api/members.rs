use leptos::prelude::*;

use crate::error::AppError;
use crate::model::MembersPage;

#[server(endpoint = "members/list")]
pub async fn list_members(ws: String) -> Result<MembersPage, AppError> {
    use super::ctx;
    use crate::domain::{admin::memberships, identity::access};
    use crate::model::Role;
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let member = access::require_member(&state.pool, &who, &ws).await?;
        let can_manage = member.role() == Role::Admin;
        let mut members = memberships::list(&state.pool, member.workspace().id).await?;
        if !can_manage {
            // Who lacks a second factor is for admins to know.
            members.iter_mut().for_each(|m| m.second_factor = false);
        }
        Ok(MembersPage {
            members,
            can_manage,
            second_factor_rule: member.workspace().admins_need_second_factor(),
            my_user_id: member.user().id,
        })
    })
    .await
}

#[server(endpoint = "members/set_role")]
pub async fn set_member_role(ws: String, user_id: i64, role: String) -> Result<(), AppError> {
    use super::ctx;
    use crate::domain::{admin::memberships, identity::access};
    use crate::model::Role;
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let admin = access::require_admin(&state.pool, &who, &ws).await?;
        ctx::recently_verified(&state).await?;
        let role = Role::parse(&role).ok_or_else(|| AppError::Validation {
            field: "role".into(),
            message: "Choose admin or member.".into(),
        })?;
        Ok(memberships::set_role(&state.pool, &admin, user_id, role).await?)
    })
    .await
}

/// An admin ends every session of a member of their workspace (their own other ones when
/// they pick themselves).
#[server(endpoint = "members/end_sessions")]
pub async fn end_member_sessions(ws: String, user_id: i64) -> Result<(), AppError> {
    use super::ctx;
    use crate::domain::{admin::sign_out, identity::access};
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let admin = access::require_admin(&state.pool, &who, &ws).await?;
        let session = ctx::session().await?;
        sign_out::end_for_member(&state.pool, &admin, user_id, session.id().as_ref()).await?;
        Ok(())
    })
    .await
}

/// An admin removes a member from their workspace; the member's sessions end with it.
#[server(endpoint = "members/remove")]
pub async fn remove_member(ws: String, user_id: i64) -> Result<(), AppError> {
    use super::ctx;
    use crate::domain::{admin::memberships, identity::access};
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let admin = access::require_admin(&state.pool, &who, &ws).await?;
        let session = ctx::session().await?;
        Ok(memberships::remove(&state.pool, &admin, user_id, session.id().as_ref()).await?)
    })
    .await
}

/// An admin takes a lost second factor off a member (see
/// [`crate::domain::admin::second_factor::reset_member`]); asks for a recent password check.
#[server(endpoint = "members/reset_2fa")]
pub async fn reset_member_factor(ws: String, user_id: i64) -> Result<(), AppError> {
    use super::ctx;
    use crate::domain::{admin::second_factor, identity::access};
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let admin = access::require_admin(&state.pool, &who, &ws).await?;
        ctx::recently_verified(&state).await?;
        Ok(second_factor::reset_member(&state.pool, &admin, user_id).await?)
    })
    .await
}
