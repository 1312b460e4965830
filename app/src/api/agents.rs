use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{AgentTokensPage, AgentView, AgentsPage, IssuedTokenView};

#[server(endpoint = "agents/list")]
pub async fn list_agents(ws: String) -> Result<AgentsPage, AppError> {
    use super::ctx;
    use crate::domain::{admin::agents, identity::access};
    use crate::model::Role;
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let member = access::require_member(&state.pool, &who, &ws).await?;
        let workspace = member.workspace();
        let can_manage = member.role() == Role::Admin;
        let usage = if can_manage {
            let now = crate::domain::now();
            agents::usage(&state.pool, workspace.id, workspace.secrets_enabled(), now).await?
        } else {
            Vec::new()
        };
        Ok(AgentsPage {
            agents: agents::list(&state.pool, workspace.id).await?,
            can_manage,
            usage,
        })
    })
    .await
}

#[server(endpoint = "agents/create")]
pub async fn create_agent(ws: String, name: String) -> Result<AgentView, AppError> {
    use super::ctx;
    use crate::domain::{admin::agents, identity::access};
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let admin = access::require_admin(&state.pool, &who, &ws).await?;
        Ok(agents::create(&state.pool, &admin, &name).await?)
    })
    .await
}

#[server(endpoint = "agents/tokens")]
pub async fn agent_tokens(ws: String, agent: String) -> Result<AgentTokensPage, AppError> {
    use super::ctx;
    use crate::domain::admin::{agents, token_policy, tokens};
    use crate::domain::audit::activity;
    use crate::domain::identity::access;
    use crate::domain::secrets::readers;
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let admin = access::require_admin(&state.pool, &who, &ws).await?;
        let ws_id = admin.workspace().id;
        let tokens = tokens::list(&state.pool, ws_id, &agent).await?;
        // Secret names belong to the Secrets tab: only where the vault is on.
        let (reads, activity) = match access::require_secrets_admin(&state.pool, &who, &ws).await {
            Ok(gate) => {
                let agent_id = agents::id_of(&state.pool, ws_id, &agent).await?;
                let now = crate::domain::now();
                (
                    readers::of_agent(&state.pool, &gate, agent_id).await?,
                    activity::last_days(&state.pool, ws_id, activity::Scope::Agent(&agent), now)
                        .await?,
                )
            }
            Err(_) => (Vec::new(), Vec::new()),
        };
        Ok(AgentTokensPage {
            tokens,
            default_lifetime: token_policy::default_lifetime(&state.pool, ws_id).await?,
            reads,
            activity,
            agent,
        })
    })
    .await
}

/// Issues a runtime token living `lifetime` days (`never`, or empty for 90). The response
/// carries the token's text this once only.
#[server(endpoint = "agents/issue_token")]
pub async fn issue_token(
    ws: String,
    agent: String,
    lifetime: Option<String>,
) -> Result<IssuedTokenView, AppError> {
    use super::ctx;
    use crate::domain::admin::tokens;
    ctx::respond(async move {
        let (state, admin, lifetime) = ctx::token_issuer(&ws, lifetime).await?;
        let issued = tokens::issue(&state.pool, &admin, &agent, lifetime).await?;
        Ok(IssuedTokenView::from(issued))
    })
    .await
}

/// Rotates a token: a new one (shown this once), while the old one stays valid for
/// `overlap_hours` more.
#[server(endpoint = "agents/rotate_token")]
pub async fn rotate_token(
    ws: String,
    agent: String,
    token_id: i64,
    overlap_hours: i64,
    lifetime: Option<String>,
) -> Result<IssuedTokenView, AppError> {
    use super::ctx;
    use crate::domain::admin::tokens;
    ctx::respond(async move {
        let (state, admin, lifetime) = ctx::token_issuer(&ws, lifetime).await?;
        let issued = tokens::rotate(
            &state.pool,
            &admin,
            &agent,
            token_id,
            overlap_hours,
            lifetime,
        )
        .await?;
        Ok(IssuedTokenView::from(issued))
    })
    .await
}

#[server(endpoint = "agents/revoke_token")]
pub async fn revoke_token(ws: String, agent: String, token_id: i64) -> Result<(), AppError> {
    use super::ctx;
    use crate::domain::{admin::tokens, identity::access};
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let admin = access::require_admin(&state.pool, &who, &ws).await?;
        Ok(tokens::revoke(&state.pool, &admin, &agent, token_id).await?)
    })
    .await
}

/// Sets the workspace's default lifetime for new tokens (days, or `never`).
#[server(endpoint = "agents/token_default")]
pub async fn set_token_default(ws: String, lifetime: String) -> Result<Option<i64>, AppError> {
    use super::ctx;
    use crate::domain::{admin::token_policy, identity::access};
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let admin = access::require_admin(&state.pool, &who, &ws).await?;
        Ok(token_policy::set_default_lifetime(&state.pool, &admin, &lifetime).await?)
    })
    .await
}
