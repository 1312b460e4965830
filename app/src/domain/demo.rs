//! Demo data for a first local run: two workspaces, an admin, a member and a platform
//! operator.
//! The demo passwords are public by design; `vault demo` refuses to run in production mode,
//! production refuses to start while an account still has one, and `serve --demo` refuses a
//! PostgreSQL database that holds anything else.

use secrecy::SecretString;

use super::admin::{agents, memberships};
use super::db::Pool;
use super::identity::shell::Shell;
use super::identity::{users, workspaces};
use super::platform::{flag, operators};
use super::DomainError;
use crate::model::Role;

pub struct DemoLogin {
    pub email: &'static str,
    pub password: &'static str,
    pub what: &'static str,
}

pub const ADMIN: DemoLogin = DemoLogin {
    email: "admin@acme.test",
    password: "admin-demo-password",
    what: "admin of Acme (secrets on) and of Globex (secrets off)",
};
pub const MEMBER: DemoLogin = DemoLogin {
    email: "member@acme.test",
    password: "member-demo-password",
    what: "member of Acme",
};

pub const OPERATOR: DemoLogin = DemoLogin {
    email: "operator@vault.test",
    password: "operator-demo-password",
    what: "platform operator: switches workspaces' flags, sees no secrets",
};

pub const LOGINS: [DemoLogin; 3] = [ADMIN, MEMBER, OPERATOR];
const WORKSPACES: [&str; 2] = ["acme", "globex"];

/// The accounts that still sign in with a public demo password. Production refuses to
/// start while there is one: anyone who has read the README could sign in.
pub async fn accounts_with_public_passwords(pool: &Pool) -> Result<Vec<&'static str>, DomainError> {
    let mut found = Vec::new();
    for login in LOGINS {
        match users::authenticate(pool, login.email, SecretString::from(login.password)).await {
            Ok(_) => found.push(login.email),
            Err(DomainError::InvalidCredentials) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(found)
}

/// Whether the database holds users or workspaces other than the demo ones: `serve --demo`
/// must not plant public passwords in a real database.
pub async fn holds_other_data(pool: &Pool) -> Result<bool, DomainError> {
    let users: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email NOT IN ($1, $2, $3)")
            .bind(ADMIN.email)
            .bind(MEMBER.email)
            .bind(OPERATOR.email)
            .fetch_one(pool)
            .await?;
    let workspaces: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM workspaces WHERE slug <> $1 AND slug <> $2")
            .bind(WORKSPACES[0])
            .bind(WORKSPACES[1])
            .fetch_one(pool)
            .await?;
    Ok(users + workspaces > 0)
}

/// Seeds the demo data unless it is already there. Returns whether anything was created.
pub async fn seed(pool: &Pool, shell: &Shell) -> Result<bool, DomainError> {
    let operator = seed_operator(pool, shell).await?;
    if workspaces::find_by_slug(pool, WORKSPACES[0])
        .await?
        .is_some()
    {
        return Ok(operator);
    }
    let acme = workspaces::create(pool, WORKSPACES[0], "Acme Inc").await?;
    let acme = flag::set(pool, &shell.operator(), &acme.slug, true, "demo data").await?;
    let globex = workspaces::create(pool, WORKSPACES[1], "Globex Corp").await?;

    let admin = users::create(
        pool,
        ADMIN.email,
        "Ada Admin",
        SecretString::from(ADMIN.password),
    )
    .await?;
    let member = users::create(
        pool,
        MEMBER.email,
        "Max Member",
        SecretString::from(MEMBER.password),
    )
    .await?;
    memberships::add(pool, acme.id, admin.id, Role::Admin).await?;
    memberships::add(pool, acme.id, member.id, Role::Member).await?;
    memberships::add(pool, globex.id, admin.id, Role::Admin).await?;

    let acme_op = shell.admin(acme);
    agents::create(pool, &acme_op, "billing-worker").await?;
    agents::create(pool, &acme_op, "support-bot").await?;
    agents::create(pool, &shell.admin(globex), "etl-runner").await?;
    Ok(true)
}

/// The demo operator (added to demo data seeded before operators existed, too).
async fn seed_operator(pool: &Pool, shell: &Shell) -> Result<bool, DomainError> {
    if users::find_by_email(pool, OPERATOR.email).await?.is_some() {
        return Ok(false);
    }
    users::create(
        pool,
        OPERATOR.email,
        "Otto Operator",
        SecretString::from(OPERATOR.password),
    )
    .await?;
    operators::grant(pool, &shell.operator(), OPERATOR.email).await?;
    Ok(true)
}
