//! Demo data for a first local run: two workspaces, an admin and a member.
//! The demo passwords are public by design; `vault demo` refuses to run in production mode.

use secrecy::SecretString;

use super::access::Admin;
use super::db::Pool;
use super::{agents, memberships, users, workspaces, DomainError};
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

/// Seeds the demo data unless it is already there. Returns whether anything was created.
pub async fn seed(pool: &Pool) -> Result<bool, DomainError> {
    if workspaces::find_by_slug(pool, "acme").await?.is_some() {
        return Ok(false);
    }
    let acme = workspaces::create(pool, "acme", "Acme Inc").await?;
    let acme = workspaces::set_secrets_flag(pool, &acme.slug, true).await?;
    let globex = workspaces::create(pool, "globex", "Globex Corp").await?;

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

    let acme_op = Admin::operator(acme);
    agents::create(pool, &acme_op, "billing-worker").await?;
    agents::create(pool, &acme_op, "support-bot").await?;
    agents::create(pool, &Admin::operator(globex), "etl-runner").await?;
    Ok(true)
}
