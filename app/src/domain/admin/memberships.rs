//! Who belongs to which workspace, and as what.

use crate::domain::audit::change::Change;
use crate::domain::db::Pool;
use crate::domain::identity::access::Admin;
use crate::domain::identity::factors;
use crate::domain::{now, DomainError};
use crate::model::{MemberView, Role};

pub async fn add(
    pool: &Pool,
    workspace_id: i64,
    user_id: i64,
    role: Role,
) -> Result<(), DomainError> {
    let at = now();
    sqlx::query(
        "INSERT INTO memberships (workspace_id, user_id, role, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(workspace_id)
    .bind(user_id)
    .bind(role.as_str())
    .bind(at)
    .execute(pool)
    .await
    .map_err(|e| {
        DomainError::on_unique(
            e,
            "email",
            "This user is already a member of the workspace.",
        )
    })?;
    Ok(())
}

pub async fn list(pool: &Pool, workspace_id: i64) -> Result<Vec<MemberView>, DomainError> {
    let rows: Vec<(i64, String, String, String, i64, i64)> = sqlx::query_as(&format!(
        "SELECT u.id, u.email, u.name, m.role, m.created_at, {} FROM memberships m \
         JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1 ORDER BY u.email",
        factors::enrolled_sql("u.id")
    ))
    .bind(workspace_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(user_id, email, name, role, joined_at, factor)| {
            Role::parse(&role).map(|role| MemberView {
                user_id,
                email,
                name,
                role,
                joined_at,
                second_factor: factor != 0,
            })
        })
        .collect())
}

pub async fn count(pool: &Pool, workspace_id: i64) -> Result<i64, DomainError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE workspace_id = $1")
            .bind(workspace_id)
            .fetch_one(pool)
            .await?,
    )
}

/// The email of member `user_id` of the change's workspace; anyone else is "not found".
pub async fn member_email(change: &mut Change, user_id: i64) -> Result<String, DomainError> {
    let ws = change.workspace_id();
    let email: Option<String> = sqlx::query_scalar(
        "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.workspace_id = $1 AND m.user_id = $2",
    )
    .bind(ws)
    .bind(user_id)
    .fetch_optional(change.conn())
    .await?;
    email.ok_or(DomainError::NotFound("member"))
}

fn last_admin() -> DomainError {
    DomainError::validation(
        "role",
        "A workspace needs at least one admin: make someone else an admin first.",
    )
}

/// Changes a member's role. A workspace always keeps at least one admin: the change locks
/// the workspace row (see [`Change`]), so two admins demoting each other at the same moment
/// cannot both succeed, and an admin demoted meanwhile is refused. Audited.
pub async fn set_role(
    pool: &Pool,
    admin: &Admin,
    user_id: i64,
    role: Role,
) -> Result<(), DomainError> {
    let mut change = Change::begin(pool, admin).await?;
    let email = member_email(&mut change, user_id).await?;
    let workspace_id = change.workspace_id();
    let updated = sqlx::query(
        "UPDATE memberships SET role = $1, updated_at = $2 \
         WHERE workspace_id = $3 AND user_id = $4 \
           AND ($1 = 'admin' OR EXISTS (SELECT 1 FROM memberships o \
                WHERE o.workspace_id = $3 AND o.role = 'admin' AND o.user_id <> $4))",
    )
    .bind(role.as_str())
    .bind(now())
    .bind(workspace_id)
    .bind(user_id)
    .execute(change.conn())
    .await?;
    if updated.rows_affected() == 0 {
        return Err(last_admin());
    }
    let detail = format!("{email} is now {}", role.as_str());
    change.commit("member.role", None, &detail).await
}

/// Removes a member from the admin's workspace and ends their sessions (all of them, or
/// all but `keep` when admins remove themselves). The last admin cannot be removed, under
/// the same lock as [`set_role`]. Audited.
pub async fn remove(
    pool: &Pool,
    admin: &Admin,
    user_id: i64,
    keep: Option<&tower_sessions::session::Id>,
) -> Result<(), DomainError> {
    let mut change = Change::begin(pool, admin).await?;
    let email = member_email(&mut change, user_id).await?;
    let workspace_id = change.workspace_id();
    let removed = sqlx::query(
        "DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2 \
           AND (role <> 'admin' OR EXISTS (SELECT 1 FROM memberships o \
                WHERE o.workspace_id = $1 AND o.role = 'admin' AND o.user_id <> $2))",
    )
    .bind(workspace_id)
    .bind(user_id)
    .execute(change.conn())
    .await?;
    if removed.rows_affected() == 0 {
        return Err(last_admin());
    }
    crate::domain::identity::session_store::delete_for_user(change.conn(), user_id, keep).await?;
    let detail = format!("{email} removed from the workspace");
    change.commit("member.remove", None, &detail).await
}
