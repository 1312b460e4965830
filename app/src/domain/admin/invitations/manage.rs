//! What admins do with invitations: invite, list the pending ones, revoke.

use secrecy::{ExposeSecret, SecretString};

use super::{generate, stored_hash, DAY};
use crate::domain::audit::change::Change;
use crate::domain::db::Pool;
use crate::domain::identity::access::{actor_label, Actor, Admin};
use crate::domain::validate::{self, FieldError};
use crate::domain::{now, DomainError};
use crate::model::invitations::InvitationView;
use crate::model::Role;

/// Invitation `i` can still be accepted at the time bound to `$1`.
pub(super) const PENDING: &str =
    "i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $1";

/// An invitation as made: the only moment its token exists outside the link.
pub struct Issued {
    pub token: SecretString,
    pub view: InvitationView,
}

fn role(raw: &str) -> Result<Role, FieldError> {
    Role::parse(raw).ok_or(("role", "Choose admin or member.".to_string()))
}

/// Invites `email` into the admin's workspace as `role`, valid for `days`. An email that
/// is already a member is a field error; an open invitation of the same email is revoked
/// (replaced) in the same change. Audited as `invitation.create` (email and role).
pub async fn create(
    pool: &Pool,
    admin: &Admin,
    email: &str,
    role_raw: &str,
    days: i64,
) -> Result<Issued, DomainError> {
    let (email, role) = validate::all((validate::email(email), role(role_raw)))?;
    let mut change = Change::begin(pool, admin).await?;
    let workspace_id = change.workspace_id();
    let member: Option<i64> = sqlx::query_scalar(
        "SELECT m.user_id FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.workspace_id = $1 AND u.email = $2",
    )
    .bind(workspace_id)
    .bind(&email)
    .fetch_optional(change.conn())
    .await?;
    if member.is_some() {
        return Err(DomainError::validation(
            "email",
            format!("{email} is already a member of this workspace."),
        ));
    }
    let at = now();
    let replaced = sqlx::query(
        "UPDATE invitations SET revoked_at = $1, updated_at = $1 \
         WHERE workspace_id = $2 AND email = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(at)
    .bind(workspace_id)
    .bind(&email)
    .execute(change.conn())
    .await?
    .rows_affected();
    let token = generate();
    let hash = stored_hash(token.expose_secret())
        .ok_or_else(|| DomainError::Internal("a generated invitation token is malformed".into()))?;
    let expires_at = at + days.max(1) * DAY;
    let invited_by = match admin.actor() {
        Actor::User { id, .. } => Some(*id),
        Actor::Operator => None,
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO invitations (workspace_id, email, role, token_hash, invited_by, expires_at, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(workspace_id)
    .bind(&email)
    .bind(role.as_str())
    .bind(&hash)
    .bind(invited_by)
    .bind(expires_at)
    .bind(at)
    .fetch_one(change.conn())
    .await?;
    let mut detail = format!("invited {email} as {}", role.as_str());
    if replaced > 0 {
        detail.push_str(" (replaces an earlier invitation)");
    }
    change.commit("invitation.create", None, &detail).await?;
    Ok(Issued {
        token,
        view: InvitationView {
            id,
            email,
            role,
            invited_by: Some(actor_label(admin.actor())),
            created_at: at,
            expires_at,
        },
    })
}

/// The admin's workspace's pending invitations, newest first.
pub async fn list(pool: &Pool, admin: &Admin) -> Result<Vec<InvitationView>, DomainError> {
    let rows: Vec<(i64, String, String, Option<String>, i64, i64)> = sqlx::query_as(&format!(
        "SELECT i.id, i.email, i.role, u.email, i.created_at, i.expires_at FROM invitations i \
         LEFT JOIN users u ON u.id = i.invited_by \
         WHERE i.workspace_id = $2 AND {PENDING} ORDER BY i.created_at DESC, i.id DESC"
    ))
    .bind(now())
    .bind(admin.workspace().id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, email, role, invited_by, created_at, expires_at)| {
            Role::parse(&role).map(|role| InvitationView {
                id,
                email,
                role,
                invited_by,
                created_at,
                expires_at,
            })
        })
        .collect())
}

/// Revokes an open invitation of the admin's workspace; one of another workspace, or one
/// already used or revoked, is "not found". Audited as `invitation.revoke`.
pub async fn revoke(pool: &Pool, admin: &Admin, id: i64) -> Result<(), DomainError> {
    let mut change = Change::begin(pool, admin).await?;
    let workspace_id = change.workspace_id();
    let email: Option<String> = sqlx::query_scalar(
        "UPDATE invitations SET revoked_at = $1, updated_at = $1 \
         WHERE id = $2 AND workspace_id = $3 AND accepted_at IS NULL AND revoked_at IS NULL \
         RETURNING email",
    )
    .bind(now())
    .bind(id)
    .bind(workspace_id)
    .fetch_optional(change.conn())
    .await?;
    let email = email.ok_or(DomainError::NotFound("invitation"))?;
    let detail = format!("revoked the invitation of {email}");
    change.commit("invitation.revoke", None, &detail).await
}
