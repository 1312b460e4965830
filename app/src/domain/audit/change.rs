//! One shape for "change a workspace and audit it": a write transaction that re-checks the
//! caller's rights inside itself, and a commit that records the audit event with it.
//!
//! The rights proofs (`Admin`, `SecretsAdmin`) are obtained before the transaction. A
//! demotion, a removal or the feature flag switched off may commit in between; the re-check
//! here locks the workspace and membership rows (`FOR UPDATE` on PostgreSQL; SQLite's
//! `BEGIN IMMEDIATE` already serialises writers), so either the change sees the new rights
//! and is refused, or the demotion waits until the change has committed.

use sqlx::AnyConnection;

use crate::domain::audit::events;
use crate::domain::db::{self, Pool};
use crate::domain::identity::access::{actor_label, Actor};
use crate::domain::identity::access::{Admin, SecretsAdmin};
use crate::domain::DomainError;

pub struct Change {
    tx: db::WriteTx,
    workspace_id: i64,
    actor: String,
}

impl Change {
    /// A change by an admin of the workspace (or the operator).
    pub async fn begin(pool: &Pool, admin: &Admin) -> Result<Self, DomainError> {
        Self::open(pool, admin, false).await
    }

    /// A change to secrets: the admin must still be admin and the flag still on.
    pub async fn begin_secrets(pool: &Pool, who: &SecretsAdmin) -> Result<Self, DomainError> {
        Self::open(pool, who.admin(), true).await
    }

    async fn open(pool: &Pool, admin: &Admin, needs_flag: bool) -> Result<Self, DomainError> {
        let workspace_id = admin.workspace().id;
        let mut tx = db::begin_write(pool).await?;
        let lock = db::lock_rows(pool);
        let (enabled, role): (i64, Option<String>) = match admin.actor() {
            Actor::User { id, .. } => sqlx::query_as(&format!(
                "SELECT w.secrets_enabled, m.role FROM workspaces w \
                 JOIN memberships m ON m.workspace_id = w.id AND m.user_id = $2 WHERE w.id = $1{lock}"
            ))
            .bind(workspace_id)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .unwrap_or((0, None)),
            Actor::Operator => {
                let enabled: Option<i64> = sqlx::query_scalar(&format!(
                    "SELECT secrets_enabled FROM workspaces WHERE id = $1{lock}"
                ))
                .bind(workspace_id)
                .fetch_optional(&mut *tx)
                .await?;
                let enabled = enabled.ok_or(DomainError::NotFound("workspace"))?;
                (enabled, Some("admin".to_string()))
            }
        };
        if role.as_deref() != Some("admin") {
            return Err(DomainError::Forbidden);
        }
        if needs_flag && enabled == 0 {
            return Err(DomainError::FeatureDisabled);
        }
        Ok(Self {
            tx,
            workspace_id,
            actor: actor_label(admin.actor()),
        })
    }

    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    pub fn workspace_id(&self) -> i64 {
        self.workspace_id
    }

    /// Who is changing things, as the audit trail names them.
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// Records an audit event inside the change (for changes that record several).
    pub async fn record(
        &mut self,
        action: &str,
        secret: Option<(i64, &str)>,
        detail: &str,
    ) -> Result<(), DomainError> {
        events::record(
            &mut self.tx,
            self.workspace_id,
            &self.actor,
            action,
            secret,
            detail,
        )
        .await
    }

    /// Records the change's audit event and commits both together.
    pub async fn commit(
        mut self,
        action: &str,
        secret: Option<(i64, &str)>,
        detail: &str,
    ) -> Result<(), DomainError> {
        self.record(action, secret, detail).await?;
        self.tx.commit().await?;
        Ok(())
    }

    /// Commits events already recorded with [`Change::record`].
    pub async fn commit_recorded(self) -> Result<(), DomainError> {
        self.tx.commit().await?;
        Ok(())
    }
}
