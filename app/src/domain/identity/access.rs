//! Rights as types. A server function proves the caller's rights by obtaining one of these
//! values; domain functions that change a workspace take `&Admin`, so forgetting the check
//! does not compile. Fields are private: the only constructors are the checks below.

use crate::domain::db::Pool;
use crate::domain::identity::factors;
use crate::domain::identity::users::{self, User};
use crate::domain::identity::workspaces::{self, Workspace};
use crate::domain::DomainError;
use crate::model::Role;

/// Who performed a change, for the audit trail.
#[derive(Debug, Clone)]
pub enum Actor {
    User {
        id: i64,
        email: String,
    },
    /// The operator, through the server's CLI.
    Operator,
}

/// How the audit trail names the operator acting through the server's CLI.
pub const OPERATOR: &str = "operator (CLI)";

pub fn actor_label(actor: &Actor) -> String {
    match actor {
        Actor::User { email, .. } => email.clone(),
        Actor::Operator => OPERATOR.to_string(),
    }
}

/// A signed-in user whose account still exists.
#[derive(Debug, Clone)]
pub struct SignedIn {
    user: User,
    /// Signed in through a single sign-on provider that vouched for a second factor.
    provider_second_factor: bool,
}

impl SignedIn {
    pub fn user(&self) -> &User {
        &self.user
    }
}

/// Whether the signed-in person has a second factor: one of their own (an authenticator app,
/// a passkey), or a sign-in through a provider that enforces one.
pub async fn has_second_factor(pool: &Pool, who: &SignedIn) -> Result<bool, DomainError> {
    Ok(who.provider_second_factor || factors::enrolled(pool, who.user.id).await?)
}

/// A member (any role) of one workspace.
#[derive(Debug, Clone)]
pub struct Member {
    user: User,
    workspace: Workspace,
    role: Role,
}

impl Member {
    pub fn user(&self) -> &User {
        &self.user
    }
    pub fn workspace(&self) -> &Workspace {
        &self.workspace
    }
    pub fn role(&self) -> Role {
        self.role
    }
}

/// An admin of one workspace (or the operator acting on it).
#[derive(Debug, Clone)]
pub struct Admin {
    workspace: Workspace,
    actor: Actor,
}

impl Admin {
    /// The operator acting through the shell: only [`super::shell::Shell`] makes one.
    pub(super) fn shell(workspace: Workspace) -> Self {
        Self {
            workspace,
            actor: Actor::Operator,
        }
    }
    pub fn workspace(&self) -> &Workspace {
        &self.workspace
    }
    pub fn actor(&self) -> &Actor {
        &self.actor
    }
}

/// An admin of a workspace whose secrets vault feature flag is on.
#[derive(Debug, Clone)]
pub struct SecretsAdmin {
    admin: Admin,
}

impl SecretsAdmin {
    /// Only [`super::shell::Shell`] makes one without a signed-in admin.
    pub(super) fn shell(admin: Admin) -> Self {
        Self { admin }
    }
    pub fn admin(&self) -> &Admin {
        &self.admin
    }
    pub fn workspace(&self) -> &Workspace {
        &self.admin.workspace
    }
}

/// A platform operator: switches workspaces' feature flags and reads the platform audit log.
/// The role grants nothing inside a workspace: an operator who is not a member of one is
/// refused its secrets, grants, agents and audit log like anyone else.
#[derive(Debug, Clone)]
pub struct Operator {
    actor: Actor,
}

impl Operator {
    /// The operator acting through the shell: only [`super::shell::Shell`] makes one.
    pub(super) fn shell() -> Self {
        Self {
            actor: Actor::Operator,
        }
    }
    pub fn actor(&self) -> &Actor {
        &self.actor
    }
}

/// A signed-in user the CLI has made an operator (`vault operator grant`), or `Forbidden`.
pub async fn require_operator(pool: &Pool, who: &SignedIn) -> Result<Operator, DomainError> {
    if !is_operator(pool, who.user.id).await? {
        return Err(DomainError::Forbidden);
    }
    Ok(Operator {
        actor: Actor::User {
            id: who.user.id,
            email: who.user.email.clone(),
        },
    })
}

/// Whether a user holds the platform operator role.
pub async fn is_operator(pool: &Pool, user_id: i64) -> Result<bool, DomainError> {
    let found: Option<i64> = sqlx::query_scalar("SELECT user_id FROM operators WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(pool)
        .await?;
    Ok(found.is_some())
}

/// Resolves the user id stored in a session, and whether its sign-in came through a provider
/// that vouched for a second factor. A deleted account is signed out.
pub async fn signed_in(
    pool: &Pool,
    user_id: Option<i64>,
    provider_second_factor: bool,
) -> Result<SignedIn, DomainError> {
    let id = user_id.ok_or(DomainError::NotSignedIn)?;
    let user = users::find_by_id(pool, id)
        .await?
        .ok_or(DomainError::NotSignedIn)?;
    Ok(SignedIn {
        user,
        provider_second_factor,
    })
}

/// A workspace the caller does not belong to is reported as not found, exactly like one
/// that does not exist. An admin of a workspace whose admins must use a second factor, who
/// has none, is refused everything there (`SecondFactorRequired`) until they set one up.
pub async fn require_member(
    pool: &Pool,
    who: &SignedIn,
    slug: &str,
) -> Result<Member, DomainError> {
    let workspace = workspaces::find_by_slug(pool, slug)
        .await?
        .ok_or(DomainError::NotFound("workspace"))?;
    let role = role_of(pool, workspace.id, who.user.id)
        .await?
        .ok_or(DomainError::NotFound("workspace"))?;
    if role == Role::Admin
        && workspace.admins_need_second_factor()
        && !has_second_factor(pool, who).await?
    {
        return Err(DomainError::SecondFactorRequired);
    }
    Ok(Member {
        user: who.user.clone(),
        workspace,
        role,
    })
}

pub async fn require_admin(pool: &Pool, who: &SignedIn, slug: &str) -> Result<Admin, DomainError> {
    let member = require_member(pool, who, slug).await?;
    admin_of(member)
}

/// Turns a membership into admin rights, or refuses.
pub fn admin_of(member: Member) -> Result<Admin, DomainError> {
    if member.role != Role::Admin {
        return Err(DomainError::Forbidden);
    }
    Ok(Admin {
        actor: Actor::User {
            id: member.user.id,
            email: member.user.email,
        },
        workspace: member.workspace,
    })
}

/// Admin of the workspace and the secrets flag on: the gate of every Secrets server function.
pub async fn require_secrets_admin(
    pool: &Pool,
    who: &SignedIn,
    slug: &str,
) -> Result<SecretsAdmin, DomainError> {
    let admin = require_admin(pool, who, slug).await?;
    if !admin.workspace.secrets_enabled() {
        return Err(DomainError::FeatureDisabled);
    }
    Ok(SecretsAdmin { admin })
}

/// The role of a user in a workspace, if they belong to it.
pub async fn role_of(
    pool: &Pool,
    workspace_id: i64,
    user_id: i64,
) -> Result<Option<Role>, DomainError> {
    let role: Option<String> =
        sqlx::query_scalar("SELECT role FROM memberships WHERE workspace_id = $1 AND user_id = $2")
            .bind(workspace_id)
            .bind(user_id)
            .fetch_optional(pool)
            .await?;
    Ok(role.as_deref().and_then(Role::parse))
}
