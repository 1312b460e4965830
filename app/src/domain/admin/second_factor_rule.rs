//! The workspace rule "Admins must use a second factor". Only an admin who has one can switch
//! it on (it would shut them out of their own workspace otherwise). Audited, and sent to the
//! workspace's webhooks as `workspace.2fa_rule`.

use crate::domain::audit::change::Change;
use crate::domain::db::Pool;
use crate::domain::identity::access::{self, Admin, SignedIn};
use crate::domain::DomainError;

/// Switches the rule for the admin's workspace; `who` is the admin signed in.
pub async fn set(pool: &Pool, admin: &Admin, who: &SignedIn, on: bool) -> Result<(), DomainError> {
    if on && !access::has_second_factor(pool, who).await? {
        return Err(DomainError::validation(
            "second_factor_rule",
            "Set up a second factor for your own account first (on your Account page): the rule applies to you too.",
        ));
    }
    let mut change = Change::begin(pool, admin).await?;
    sqlx::query("UPDATE workspaces SET admins_need_second_factor = $1 WHERE id = $2")
        .bind(i64::from(on))
        .bind(change.workspace_id())
        .execute(change.conn())
        .await?;
    let detail = if on {
        "admins must use a second factor"
    } else {
        "admins may sign in without a second factor"
    };
    change.commit("workspace.2fa_rule", None, detail).await
}
