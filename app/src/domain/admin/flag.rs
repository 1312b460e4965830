//! The operator switches a workspace's secrets vault feature flag (from the CLI).

use crate::domain::audit::events;
use crate::domain::db::{self, Pool};
use crate::domain::identity::access::OPERATOR;
use crate::domain::identity::workspaces::{self, Workspace};
use crate::domain::{now, DomainError};

/// Operator action: switches the secrets vault feature flag; audited as `workspace.flag`.
pub async fn set(pool: &Pool, slug: &str, on: bool) -> Result<Workspace, DomainError> {
    let mut tx = db::begin_write(pool).await?;
    let id: Option<i64> = sqlx::query_scalar(
        "UPDATE workspaces SET secrets_enabled = $1, updated_at = $2 WHERE slug = $3 RETURNING id",
    )
    .bind(i64::from(on))
    .bind(now())
    .bind(slug)
    .fetch_optional(&mut *tx)
    .await?;
    let id = id.ok_or(DomainError::NotFound("workspace"))?;
    let detail = format!("secrets vault {}", if on { "on" } else { "off" });
    events::record(&mut tx, id, OPERATOR, "workspace.flag", None, &detail).await?;
    tx.commit().await?;
    workspaces::get_by_slug(pool, slug).await
}
