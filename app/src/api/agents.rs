use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{AgentView, AgentsPage};

#[server(endpoint = "agents")]
pub async fn list_agents(ws: String) -> Result<AgentsPage, AppError> {
    use super::ctx;
    use crate::domain::{access, agents};
    use crate::model::Role;
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let member = access::require_member(&state.pool, &who, &ws).await?;
        Ok(AgentsPage {
            agents: agents::list(&state.pool, member.workspace().id).await?,
            can_manage: member.role() == Role::Admin,
        })
    })
    .await
}

#[server(endpoint = "create_agent")]
pub async fn create_agent(ws: String, name: String) -> Result<AgentView, AppError> {
    use super::ctx;
    use crate::domain::{access, agents};
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let admin = access::require_admin(&state.pool, &who, &ws).await?;
        Ok(agents::create(&state.pool, &admin, &name).await?)
    })
    .await
}
