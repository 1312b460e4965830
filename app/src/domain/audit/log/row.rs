//! One audit event as the log reads it: the columns selected and the row they fill, turned
//! into the view the dashboard and the exports show.

use crate::model::AuditEventView;

/// The columns of a [`Row`].
pub(super) const VIEW_COLUMNS: &str =
    "id, created_at, actor, action, secret_name, agent_name, outcome, detail";

#[derive(sqlx::FromRow)]
pub(super) struct Row {
    pub(super) id: i64,
    pub(super) created_at: i64,
    actor: String,
    action: String,
    secret_name: Option<String>,
    agent_name: Option<String>,
    outcome: Option<String>,
    detail: String,
}

impl From<Row> for AuditEventView {
    fn from(row: Row) -> Self {
        AuditEventView {
            id: row.id,
            at: row.created_at,
            actor: row.actor,
            action: row.action,
            secret: row.secret_name,
            agent: row.agent_name,
            outcome: row.outcome,
            detail: row.detail,
        }
    }
}
