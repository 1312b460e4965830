//! Workspaces (accounts) and their feature flags.

use crate::domain::db::Pool;
use crate::domain::{now, validate, DomainError};
use crate::model::{Role, WorkspaceSummary};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Workspace {
    pub id: i64,
    pub slug: String,
    pub name: String,
    secrets_enabled: i64,
    admins_need_second_factor: i64,
}

impl Workspace {
    /// Whether an operator has switched the secrets vault feature flag on.
    pub fn secrets_enabled(&self) -> bool {
        self.secrets_enabled != 0
    }

    /// Whether an admin has set "Admins must use a second factor".
    pub fn admins_need_second_factor(&self) -> bool {
        self.admins_need_second_factor != 0
    }
}

pub async fn create(pool: &Pool, slug: &str, name: &str) -> Result<Workspace, DomainError> {
    let (slug, name) = validate::all((validate::slug(slug), validate::display_name("name", name)))?;
    let at = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO workspaces (slug, name, secrets_enabled, created_at, updated_at) \
         VALUES ($1, $2, 0, $3, $3) RETURNING id",
    )
    .bind(&slug)
    .bind(&name)
    .bind(at)
    .fetch_one(pool)
    .await
    .map_err(|e| DomainError::on_unique(e, "slug", "A workspace with this slug already exists."))?;
    Ok(Workspace {
        id,
        slug,
        name,
        secrets_enabled: 0,
        admins_need_second_factor: 0,
    })
}

pub async fn find_by_slug(pool: &Pool, slug: &str) -> Result<Option<Workspace>, DomainError> {
    Ok(
        sqlx::query_as("SELECT id, slug, name, secrets_enabled, admins_need_second_factor FROM workspaces WHERE slug = $1")
            .bind(slug)
            .fetch_optional(pool)
            .await?,
    )
}

pub async fn get_by_slug(pool: &Pool, slug: &str) -> Result<Workspace, DomainError> {
    find_by_slug(pool, slug)
        .await?
        .ok_or(DomainError::NotFound("workspace"))
}

/// The workspaces a user belongs to, by name.
pub async fn list_for_user(
    pool: &Pool,
    user_id: i64,
) -> Result<Vec<WorkspaceSummary>, DomainError> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT w.slug, w.name, m.role FROM workspaces w \
         JOIN memberships m ON m.workspace_id = w.id \
         WHERE m.user_id = $1 ORDER BY w.name, w.slug",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(slug, name, role)| {
            Role::parse(&role).map(|role| WorkspaceSummary { slug, name, role })
        })
        .collect())
}

/// Every workspace, for the operator.
pub async fn list_all(pool: &Pool) -> Result<Vec<Workspace>, DomainError> {
    Ok(
        sqlx::query_as("SELECT id, slug, name, secrets_enabled, admins_need_second_factor FROM workspaces ORDER BY slug")
            .fetch_all(pool)
            .await?,
    )
}
