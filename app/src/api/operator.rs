//! The Operator page's server functions: platform operators only (the role is granted by
//! the CLI). Nothing here opens a workspace's secrets, grants, agents or audit log.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::operator::{ConsoleView, FlagSwitched};

/// Every workspace with its flag and counts, and the platform audit log.
#[server(endpoint = "operator/console")]
pub async fn operator_console() -> Result<ConsoleView, AppError> {
    use super::ctx;
    use crate::domain::{identity::access, platform::console};
    ctx::respond(async move {
        let (state, who) = ctx::signed_in().await?;
        let operator = access::require_operator(&state.pool, &who).await?;
        Ok(ConsoleView {
            workspaces: console::workspaces(&state.pool, &operator).await?,
            log: console::log(&state.pool, &operator).await?,
        })
    })
    .await
}

/// Switches workspace `ws`'s secrets vault flag to `state` (`on` or `off`), with a reason.
/// Switching a workspace off stops its agents' reads, so the password must have been entered
/// recently, as for other dangerous actions.
#[server(endpoint = "operator/switch_flag")]
pub async fn switch_flag(
    ws: String,
    state: String,
    reason: String,
) -> Result<FlagSwitched, AppError> {
    use super::ctx;
    use crate::domain::{identity::access, platform::flag};
    ctx::respond(async move {
        let on = match state.as_str() {
            "on" => true,
            "off" => false,
            _ => return Err(AppError::BadRequest("state is on or off".into())),
        };
        let (app, who) = ctx::signed_in().await?;
        let operator = access::require_operator(&app.pool, &who).await?;
        ctx::recently_verified(&app).await?;
        let workspace = flag::set(&app.pool, &operator, &ws, on, &reason).await?;
        Ok(FlagSwitched {
            on: workspace.secrets_enabled(),
            workspace: workspace.name,
        })
    })
    .await
}
