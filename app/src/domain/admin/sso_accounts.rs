//! What a single sign-on changes about accounts, audited: a sign-in (creating the account
//! and joining the workspaces bound to its email's domain on the identity's first sign-in),
//! linking an identity to the signed-in account, and unlinking one.
//!
//! Account events go to the platform trail under the account's email (`sso.sign_in`,
//! `sso.link`, `sso.unlink`); a join goes to the workspace's own trail (`member.join`).

use sqlx::AnyConnection;

use crate::domain::audit::events;
use crate::domain::db::{begin_write, Pool};
use crate::domain::identity::access::SignedIn;
use crate::domain::identity::sso::directory::ProviderSettings;
use crate::domain::identity::sso::domains::{self, domain_of};
use crate::domain::identity::sso::identities;
use crate::domain::identity::sso::protocol::VerifiedIdentity;
use crate::domain::identity::sso::SsoError;
use crate::domain::identity::users::{self, User};
use crate::domain::{now, DomainError};
use crate::model::Role;

/// Signs in with a verified identity: the account it is linked to; else the account with
/// its email when the provider is authoritative for the email's domain (linked now); else a
/// new account without a password, when a workspace accepts the domain or an invitation
/// names the email. Refused otherwise.
pub async fn sign_in(
    pool: &Pool,
    provider: &ProviderSettings,
    identity: &VerifiedIdentity,
) -> Result<User, SsoError> {
    let mut tx = begin_write(pool).await?;
    let via = format!("single sign-on with {}", provider.name);
    if let Some(found) = identities::find(&mut tx, &identity.issuer, &identity.subject).await? {
        identities::touch(&mut tx, found.id, &identity.email).await?;
        let user = users::find_by_id(&mut *tx, found.user_id)
            .await?
            .ok_or(SsoError::State)?;
        events::record_platform(&mut tx, &user.email, "sso.sign_in", &via).await?;
        tx.commit().await?;
        return Ok(user);
    }
    let domain = domain_of(&identity.email).ok_or(SsoError::EmailMissing)?;
    let joining = domains::joining(&mut tx, domain, &provider.id).await?;
    let user = match users::find_by_email(&mut *tx, &identity.email).await? {
        Some(user) if provider.domains.iter().any(|d| d == domain) => {
            let detail = format!(
                "{} linked: {} is authoritative for {domain}",
                identity.email, provider.name
            );
            identities::link(&mut tx, user.id, &provider.id, identity).await?;
            events::record_platform(&mut tx, &user.email, "sso.link", &detail).await?;
            user
        }
        Some(_) => return Err(SsoError::AccountExists),
        None if joining.is_empty() && !invited(&mut tx, &identity.email).await? => {
            return Err(SsoError::NoWorkspace)
        }
        None => {
            let user =
                users::create_without_password(&mut tx, &identity.email, identity.name.as_deref())
                    .await?;
            identities::link(&mut tx, user.id, &provider.id, identity).await?;
            user
        }
    };
    join(&mut tx, &user, &joining, &provider.name).await?;
    events::record_platform(&mut tx, &user.email, "sso.sign_in", &via).await?;
    tx.commit().await?;
    Ok(user)
}

/// Whether a pending invitation names `email`: its verified identity may make the account,
/// which then joins through the invitation (see `invitations::accept`).
async fn invited(conn: &mut AnyConnection, email: &str) -> Result<bool, DomainError> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM invitations WHERE email = $1 AND accepted_at IS NULL \
         AND revoked_at IS NULL AND expires_at > $2 LIMIT 1",
    )
    .bind(email)
    .bind(now())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(found.is_some())
}

/// The identity's first sign-in joins the workspaces bound to its domain, as a member
/// (admins are made by hand); a workspace it already belongs to is left as it is.
async fn join(
    conn: &mut AnyConnection,
    user: &User,
    workspaces: &[i64],
    provider: &str,
) -> Result<(), DomainError> {
    let at = now();
    for &workspace_id in workspaces {
        let added = sqlx::query(
            "INSERT INTO memberships (workspace_id, user_id, role, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4) ON CONFLICT DO NOTHING",
        )
        .bind(workspace_id)
        .bind(user.id)
        .bind(Role::Member.as_str())
        .bind(at)
        .execute(&mut *conn)
        .await?;
        if added.rows_affected() == 1 {
            let detail = format!(
                "{} joined as member by single sign-on with {provider}",
                user.email
            );
            events::record(
                conn,
                workspace_id,
                &user.email,
                "member.join",
                None,
                &detail,
            )
            .await?;
        }
    }
    Ok(())
}

/// Links a verified identity to the signed-in account. Linked to this account already: done;
/// to another one: `LinkedElsewhere`.
pub async fn link(
    pool: &Pool,
    who: &SignedIn,
    provider: &ProviderSettings,
    identity: &VerifiedIdentity,
) -> Result<(), SsoError> {
    let mut tx = begin_write(pool).await?;
    match identities::find(&mut tx, &identity.issuer, &identity.subject).await? {
        Some(found) if found.user_id == who.user().id => return Ok(()),
        Some(_) => return Err(SsoError::LinkedElsewhere),
        None => {}
    }
    identities::link(&mut tx, who.user().id, &provider.id, identity).await?;
    let detail = format!("{} with {}", identity.email, provider.name);
    events::record_platform(&mut tx, &who.user().email, "sso.link", &detail).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether `identity` is one the signed-in account is linked to (re-authentication).
pub async fn is_linked_to(
    pool: &Pool,
    who: &SignedIn,
    identity: &VerifiedIdentity,
) -> Result<bool, DomainError> {
    let mut conn = pool.acquire().await?;
    let found = identities::find(&mut conn, &identity.issuer, &identity.subject).await?;
    Ok(found.is_some_and(|f| f.user_id == who.user().id))
}

/// Unlinks one of the signed-in account's identities, unless it is the last way to sign in
/// (no password and no other identity).
pub async fn unlink(pool: &Pool, who: &SignedIn, identity_id: i64) -> Result<(), DomainError> {
    let user_id = who.user().id;
    let mut tx = begin_write(pool).await?;
    let removed = identities::unlink(&mut tx, user_id, identity_id)
        .await?
        .ok_or(DomainError::NotFound("identity"))?;
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await?;
    if hash.is_empty() && identities::count_for_user(&mut tx, user_id).await? == 0 {
        return Err(DomainError::validation(
            "identity",
            "This is your only way to sign in: link another provider first.",
        ));
    }
    let detail = format!("{} ({})", removed.email, removed.provider_id);
    events::record_platform(&mut tx, &who.user().email, "sso.unlink", &detail).await?;
    tx.commit().await?;
    Ok(())
}
