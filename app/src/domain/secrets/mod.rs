//! The secrets store: encrypted, versioned values with descriptions, access grants,
//! a 30-day trash and an audit trail.
//!
//! `store` changes secrets and `versions` their values, `query` lists them (metadata only),
//! `sealing` seals and opens values, `value` validates them, `grants` and `matrix` decide
//! which agents may read which secret. Imports `keys`, `identity` and `audit`; never `admin` or `runtime`.

pub mod grants;
pub mod import;
pub mod lifecycle;
pub mod matrix;
pub mod overview;
pub mod query;
pub mod readers;
pub mod sealing;
pub mod store;
pub mod trash;
pub mod value;
pub mod versions;

use sqlx::AnyConnection;

use crate::domain::audit::change::Change;
use crate::domain::{now, DomainError};

/// Where in its life a secret is looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    Live,
    Trashed,
}

/// The one lookup of a secret by name: (id, current version). A secret of another
/// workspace, or in the other stage, is simply not found.
pub(crate) async fn find(
    conn: &mut AnyConnection,
    workspace_id: i64,
    name: &str,
    stage: Stage,
) -> Result<(i64, i64), DomainError> {
    let deleted = match stage {
        Stage::Live => "IS NULL",
        Stage::Trashed => "IS NOT NULL",
    };
    sqlx::query_as(&format!(
        "SELECT id, current_version FROM secrets WHERE workspace_id = $1 AND name = $2 AND deleted_at {deleted}"
    ))
    .bind(workspace_id)
    .bind(name)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(DomainError::NotFound("secret"))
}

/// Changes secret `id` inside `change` and stamps who changed it, and when: `set` holds the
/// assignments (`$1` is the time, `$4` the optional `text`), `guard` an extra condition on
/// the row. Returns whether the row changed.
pub(crate) async fn update(
    change: &mut Change,
    id: i64,
    set: &str,
    guard: &str,
    text: Option<&str>,
) -> Result<bool, DomainError> {
    let sql =
        format!("UPDATE secrets SET {set}, updated_at = $1, updated_by = $2 WHERE id = $3{guard}");
    let actor = change.actor().to_string();
    let mut query = sqlx::query(&sql).bind(now()).bind(actor).bind(id);
    if let Some(text) = text {
        query = query.bind(text.to_string());
    }
    Ok(query.execute(change.conn()).await?.rows_affected() > 0)
}

/// Deleted secrets stay restorable (and their names reserved) this long.
pub const TRASH_SECONDS: i64 = 30 * 24 * 3600;

/// Key names are stored space-separated for display and search.
pub(crate) fn join_keys(keys: &[String]) -> String {
    keys.join(" ")
}

pub(crate) fn split_keys(stored: &str) -> Vec<String> {
    stored.split_whitespace().map(str::to_string).collect()
}
