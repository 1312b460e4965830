//! Opening an invitation's link: what it offers, and joining through it, as the account of
//! the invited email or with a new one. Either way the invitation is claimed by one
//! conditional `UPDATE` (still unused, unrevoked, unexpired) in the transaction that adds
//! the membership, so two acceptances at once make one membership and the other is refused.

use secrecy::{ExposeSecret, SecretString};
use sqlx::AnyConnection;

use super::stored_hash;
use crate::domain::audit::events;
use crate::domain::db::{self, Pool};
use crate::domain::identity::access::SignedIn;
use crate::domain::identity::users::{self, User};
use crate::domain::{now, validate, DomainError};
use crate::model::invitations::{InvitationDetails, InvitationPage, InvitationProblem, Visitor};
use crate::model::Role;

/// An invitation found by its token, with its workspace.
#[derive(sqlx::FromRow)]
struct Found {
    workspace_name: String,
    workspace_slug: String,
    email: String,
    role: String,
    expires_at: i64,
    accepted_at: Option<i64>,
    revoked_at: Option<i64>,
}

/// The invitation whose link holds `token`, usable now, or why not.
async fn usable(pool: &Pool, token: &str) -> Result<Result<Found, InvitationProblem>, DomainError> {
    let Some(hash) = stored_hash(token) else {
        return Ok(Err(InvitationProblem::Invalid));
    };
    let found: Option<Found> = sqlx::query_as(
        "SELECT w.name AS workspace_name, w.slug AS workspace_slug, i.email, i.role, \
         i.expires_at, i.accepted_at, i.revoked_at \
         FROM invitations i JOIN workspaces w ON w.id = i.workspace_id WHERE i.token_hash = $1",
    )
    .bind(hash)
    .fetch_optional(pool)
    .await?;
    Ok(match found {
        None => Err(InvitationProblem::Invalid),
        Some(f) if f.accepted_at.is_some() => Err(InvitationProblem::Invalid),
        Some(f) if f.revoked_at.is_some() => Err(InvitationProblem::Revoked),
        Some(f) if f.expires_at <= now() => Err(InvitationProblem::Expired),
        Some(f) => Ok(f),
    })
}

/// The refusal of a link that no longer invites anyone.
fn refused(problem: InvitationProblem) -> DomainError {
    DomainError::Conflict {
        field: "token",
        message: format!(
            "{} Ask an admin of the workspace for a new link.",
            problem.message()
        ),
    }
}

/// What the page of the link holding `token` shows to `visitor` (`None`: not signed in).
pub async fn describe(
    pool: &Pool,
    token: &str,
    visitor: Option<&SignedIn>,
) -> Result<InvitationPage, DomainError> {
    let found = match usable(pool, token).await? {
        Ok(found) => found,
        Err(problem) => return Ok(InvitationPage::Unusable(problem)),
    };
    let visitor = match visitor.map(SignedIn::user) {
        Some(user) if user.email == found.email => Visitor::Invitee,
        Some(user) => Visitor::OtherAccount(user.email.clone()),
        None if users::find_by_email(pool, &found.email).await?.is_some() => Visitor::HasAccount,
        None => Visitor::NewAccount,
    };
    Ok(InvitationPage::Pending(InvitationDetails {
        workspace: found.workspace_name,
        role: Role::parse(&found.role).unwrap_or(Role::Member),
        email: found.email,
        expires_at: found.expires_at,
        visitor,
    }))
}

/// An invitation claimed inside a transaction.
struct Claimed {
    id: i64,
    workspace_id: i64,
    email: String,
    role: String,
}

/// Marks the invitation used, if it still can be: the one guard against a second use.
async fn claim(conn: &mut AnyConnection, token: &str) -> Result<Claimed, DomainError> {
    let hash = stored_hash(token).ok_or_else(|| refused(InvitationProblem::Invalid))?;
    let row: Option<(i64, i64, String, String)> = sqlx::query_as(
        "UPDATE invitations SET accepted_at = $1, updated_at = $1 \
         WHERE token_hash = $2 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $1 \
         RETURNING id, workspace_id, email, role",
    )
    .bind(now())
    .bind(hash)
    .fetch_optional(&mut *conn)
    .await?;
    let (id, workspace_id, email, role) = row.ok_or_else(|| refused(InvitationProblem::Invalid))?;
    Ok(Claimed {
        id,
        workspace_id,
        email,
        role,
    })
}

/// Adds `user` to the claimed invitation's workspace and audits it. Someone who became a
/// member meanwhile keeps their role: an invitation never changes one.
async fn join(
    conn: &mut AnyConnection,
    claimed: &Claimed,
    user: &User,
    how: &str,
) -> Result<(), DomainError> {
    let at = now();
    let added = sqlx::query(
        "INSERT INTO memberships (workspace_id, user_id, role, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $4) ON CONFLICT (workspace_id, user_id) DO NOTHING",
    )
    .bind(claimed.workspace_id)
    .bind(user.id)
    .bind(&claimed.role)
    .bind(at)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    sqlx::query("UPDATE invitations SET accepted_by = $1 WHERE id = $2")
        .bind(user.id)
        .bind(claimed.id)
        .execute(&mut *conn)
        .await?;
    let detail = if added == 0 {
        format!(
            "{} accepted the invitation, already a member: role unchanged",
            user.email
        )
    } else {
        format!("{} joined as {}{how}", user.email, claimed.role)
    };
    events::record(
        conn,
        claimed.workspace_id,
        &user.email,
        "invitation.accept",
        None,
        &detail,
    )
    .await
}

/// The signed-in invitee joins; returns the workspace's slug. Someone signed in with
/// another email is refused.
pub async fn accept(pool: &Pool, token: &str, who: &SignedIn) -> Result<String, DomainError> {
    let found = usable(pool, token).await?.map_err(refused)?;
    if found.email != who.user().email {
        return Err(DomainError::Forbidden);
    }
    let mut tx = db::begin_write(pool).await?;
    let claimed = claim(&mut tx, token).await?;
    if claimed.email != who.user().email {
        return Err(DomainError::Forbidden);
    }
    join(&mut tx, &claimed, who.user(), "").await?;
    tx.commit().await?;
    Ok(found.workspace_slug)
}

/// What the form of someone without an account sends.
pub struct NewAccount {
    pub name: String,
    pub password: SecretString,
    pub confirm: SecretString,
}

/// Creates the invited email's account (the CLI's password rules) and joins, all or
/// nothing; returns the new user and the workspace's slug. An email that has an account
/// must sign in instead.
pub async fn accept_with_new_account(
    pool: &Pool,
    token: &str,
    form: NewAccount,
) -> Result<(User, String), DomainError> {
    let found = usable(pool, token).await?.map_err(refused)?;
    if users::find_by_email(pool, &found.email).await?.is_some() {
        return Err(has_account());
    }
    let confirmed = if form.password.expose_secret() == form.confirm.expose_secret() {
        Ok(())
    } else {
        Err(("confirm", "The two passwords do not match.".to_string()))
    };
    validate::all((
        validate::display_name("name", &form.name),
        validate::password(form.password.expose_secret()),
        confirmed,
    ))?;
    let new = users::prepare(&found.email, &form.name, form.password).await?;
    let mut tx = db::begin_write(pool).await?;
    let claimed = claim(&mut tx, token).await?;
    if claimed.email != new.email() {
        return Err(refused(InvitationProblem::Invalid));
    }
    let user = users::insert(&mut tx, &new).await.map_err(|e| match e {
        DomainError::Conflict { .. } => has_account(),
        other => other,
    })?;
    join(&mut tx, &claimed, &user, " with a new account").await?;
    tx.commit().await?;
    Ok((user, found.workspace_slug))
}

fn has_account() -> DomainError {
    DomainError::Conflict {
        field: "email",
        message: "An account with this email already exists: sign in to accept the invitation."
            .into(),
    }
}
