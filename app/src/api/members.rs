use leptos::prelude::*;

use crate::error::AppError;
use crate::model::MembersPage;

#[server(endpoint = "members")]
pub async fn list_members(ws: String) -> Result<MembersPage, AppError> {
    use super::ctx;
    use crate::domain::{access, memberships};
    use crate::model::Role;
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let member = access::require_member(&state.pool, &who, &ws).await?;
        Ok(MembersPage {
            members: memberships::list(&state.pool, member.workspace().id).await?,
            can_manage: member.role() == Role::Admin,
            my_user_id: member.user().id,
        })
    })
    .await
}

#[server(endpoint = "set_member_role")]
pub async fn set_member_role(ws: String, user_id: i64, role: String) -> Result<(), AppError> {
    use super::ctx;
    use crate::domain::{access, memberships};
    use crate::model::Role;
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let admin = access::require_admin(&state.pool, &who, &ws).await?;
        let role = Role::parse(&role).ok_or_else(|| AppError::Validation {
            field: "role".into(),
            message: "Choose admin or member.".into(),
        })?;
        Ok(memberships::set_role(&state.pool, &admin, user_id, role).await?)
    })
    .await
}
