use leptos::prelude::*;

use crate::error::AppError;
use crate::model::WorkspaceView;

/// The frame of a workspace page: name, the caller's role, which tabs to show.
#[server(endpoint = "workspace/overview")]
pub async fn workspace_context(ws: String) -> Result<WorkspaceView, AppError> {
    use super::ctx;
    use crate::domain::{
        admin::agents, admin::memberships, identity::access, identity::workspaces,
        platform::console,
    };
    use crate::model::{Me, Role};
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let member = access::require_member(&state.pool, &who, &ws).await?;
        let workspace = member.workspace();
        let user = member.user();
        Ok(WorkspaceView {
            slug: workspace.slug.clone(),
            name: workspace.name.clone(),
            role: member.role(),
            secrets_tab: member.role() == Role::Admin && workspace.secrets_enabled(),
            me: Me {
                email: user.email.clone(),
                name: user.name.clone(),
                workspaces: workspaces::list_for_user(&state.pool, user.id).await?,
                operator: access::is_operator(&state.pool, user.id).await?,
            },
            agent_count: agents::count(&state.pool, workspace.id).await?,
            member_count: memberships::count(&state.pool, workspace.id).await?,
            flag_change: match member.role() {
                Role::Admin => console::last_flag_change(&state.pool, workspace.id).await?,
                Role::Member => None,
            },
        })
    })
    .await
}

/// Switches "Admins must use a second factor" (see
/// [`crate::domain::admin::second_factor_rule::set`]); asks for a recent password check.
#[server(endpoint = "workspace/second_factor_rule")]
pub async fn set_second_factor_rule(ws: String, on: bool) -> Result<(), AppError> {
    use super::ctx;
    use crate::domain::{admin::second_factor_rule, identity::access};
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let admin = access::require_admin(&state.pool, &who, &ws).await?;
        ctx::recently_verified(&state).await?;
        Ok(second_factor_rule::set(&state.pool, &admin, &who, on).await?)
    })
    .await
}
