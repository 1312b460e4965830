//! Reading secret metadata for the dashboard: list with search and pages, one secret's
//! page, the trash. None of these touch a value.

use super::lifecycle::{
    grant_unused_sql, rotation_columns, status_sql, unused_sql, usage_columns, RotationRow,
};
use super::{split_keys, TRASH_SECONDS};
use crate::domain::db::{self, Pool};
use crate::domain::identity::access::SecretsAdmin;
use crate::domain::{now, DomainError};
use crate::model::lifecycle::{SecretFilter, UNUSED_DAYS};
use crate::model::secrets::{
    AgentAccess, SecretDetail, SecretKind, SecretList, SecretSummary, TrashItem, VersionInfo,
};

pub const PAGE_SIZE: i64 = 25;

#[derive(sqlx::FromRow)]
struct SummaryRow {
    name: String,
    description: String,
    kind: String,
    key_names: String,
    current_version: i64,
    updated_at: i64,
    updated_by: String,
    agent_count: i64,
    #[sqlx(flatten)]
    rotation: RotationRow,
    last_read_at: Option<i64>,
    unused: i64,
}

#[derive(sqlx::FromRow)]
struct DetailRow {
    #[sqlx(flatten)]
    rotation: RotationRow,
    id: i64,
    description: String,
    kind: String,
    key_names: String,
    current_version: i64,
    created_at: i64,
    updated_at: i64,
    updated_by: String,
}

fn kind(raw: &str) -> SecretKind {
    SecretKind::parse(raw).unwrap_or(SecretKind::Single)
}

/// Live secrets with their current version `v`, matching the search (`$2`, `$3`) and the
/// filter (`$5`: a rotation status, `unused`, or empty for all) at time `$4`.
fn matches() -> String {
    format!(
        "secrets s JOIN secret_versions v ON v.secret_id = s.id AND v.version = s.current_version \
         WHERE s.workspace_id = $1 AND s.deleted_at IS NULL AND ($2 = '' OR s.name LIKE $3 ESCAPE '\\' \
         OR LOWER(s.description) LIKE $3 ESCAPE '\\' OR LOWER(s.key_names) LIKE $3 ESCAPE '\\') \
         AND ($5 = '' OR {} = $5 OR ($5 = 'unused' AND {}))",
        status_sql("$4"),
        unused_sql("$4")
    )
}

/// One page of the workspace's live secrets whose name, description or key names contain
/// `query` (case-insensitive), by name; only those `filter` keeps when one is given.
pub async fn list(
    pool: &Pool,
    who: &SecretsAdmin,
    query: &str,
    filter: Option<SecretFilter>,
    page: i64,
) -> Result<SecretList, DomainError> {
    let ws = who.workspace().id;
    let page = crate::domain::validate::page_number(page);
    let (at, status) = (now(), filter.map_or("", SecretFilter::as_str));
    let sql = format!(
        "SELECT s.name, s.description, s.kind, s.key_names, s.current_version, s.updated_at, s.updated_by, \
           (SELECT COUNT(*) FROM secret_grants g WHERE g.secret_id = s.id) AS agent_count, {}, {} \
         FROM {} ORDER BY s.name LIMIT $6 OFFSET $7",
        rotation_columns("$4"),
        usage_columns("$4"),
        matches()
    );
    let rows: Vec<SummaryRow> = db::searched(&sql, ws, query)
        .bind(at)
        .bind(status)
        .bind(PAGE_SIZE)
        .bind(page * PAGE_SIZE)
        .fetch_all(pool)
        .await?;
    let sql = format!("SELECT COUNT(*) FROM {}", matches());
    let (total,): (i64,) = db::searched(&sql, ws, query)
        .bind(at)
        .bind(status)
        .fetch_one(pool)
        .await?;
    let workspace_total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM secrets WHERE workspace_id = $1 AND deleted_at IS NULL",
    )
    .bind(ws)
    .fetch_one(pool)
    .await?;
    Ok(SecretList {
        items: rows
            .into_iter()
            .map(
                |SummaryRow {
                     name,
                     description,
                     kind: k,
                     key_names: keys,
                     current_version: version,
                     updated_at,
                     updated_by,
                     agent_count,
                     rotation,
                     last_read_at,
                     unused,
                 }| {
                    SecretSummary {
                        name,
                        description,
                        kind: kind(&k),
                        key_names: split_keys(&keys),
                        agent_count,
                        version,
                        updated_at,
                        updated_by,
                        rotation: rotation.into(),
                        last_read_at,
                        unused: unused != 0,
                    }
                },
            )
            .collect(),
        total,
        page,
        page_size: PAGE_SIZE,
        workspace_total,
    })
}

/// One live secret's page: metadata, agents with access, version history.
pub async fn detail(
    pool: &Pool,
    who: &SecretsAdmin,
    name: &str,
) -> Result<SecretDetail, DomainError> {
    let ws = who.workspace().id;
    let row: Option<DetailRow> = sqlx::query_as(&format!(
        "SELECT s.id, s.description, s.kind, s.key_names, s.current_version, s.created_at, s.updated_at, \
           s.updated_by, {} FROM secrets s \
         JOIN secret_versions v ON v.secret_id = s.id AND v.version = s.current_version \
         WHERE s.workspace_id = $1 AND s.name = $2 AND s.deleted_at IS NULL",
        rotation_columns("$3")
    ))
    .bind(ws)
    .bind(name)
    .bind(now())
    .fetch_optional(pool)
    .await?;
    let DetailRow {
        rotation,
        id,
        description,
        kind: k,
        key_names: keys,
        current_version: version,
        created_at,
        updated_at,
        updated_by,
    } = row.ok_or(DomainError::NotFound("secret"))?;
    let agents: Vec<(i64, String, i64, Option<i64>, i64)> = sqlx::query_as(&format!(
        "SELECT a.id, a.name, CASE WHEN g.agent_id IS NULL THEN 0 ELSE 1 END, r.last_read_at, \
           CASE WHEN g.agent_id IS NOT NULL AND {} THEN 1 ELSE 0 END \
         FROM agents a LEFT JOIN secret_grants g ON g.agent_id = a.id AND g.secret_id = $1 \
         LEFT JOIN secret_reads r ON r.agent_id = a.id AND r.secret_id = $1 \
         WHERE a.workspace_id = $2 ORDER BY a.name",
        grant_unused_sql("$3")
    ))
    .bind(id)
    .bind(ws)
    .bind(now() - UNUSED_DAYS * 86_400)
    .fetch_all(pool)
    .await?;
    let versions: Vec<(i64, String, i64, String, String)> = sqlx::query_as(
        "SELECT version, kind, created_at, created_by, note FROM secret_versions WHERE secret_id = $1 ORDER BY version DESC",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    Ok(SecretDetail {
        name: name.to_string(),
        description,
        kind: kind(&k),
        key_names: split_keys(&keys),
        version,
        created_at,
        updated_at,
        updated_by,
        rotation: rotation.into(),
        agents: agents
            .into_iter()
            .map(|(id, name, granted, last_read_at, unused)| AgentAccess {
                id,
                name,
                granted: granted != 0,
                last_read_at,
                unused: unused != 0,
            })
            .collect(),
        versions: versions
            .into_iter()
            .map(|(version, k, created_at, created_by, note)| VersionInfo {
                version,
                kind: kind(&k),
                created_at,
                created_by,
                note,
            })
            .collect(),
    })
}

/// Secrets in the trash, most recently deleted first.
pub async fn trash(pool: &Pool, who: &SecretsAdmin) -> Result<Vec<TrashItem>, DomainError> {
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT s.name, s.description, s.deleted_at, (SELECT COUNT(*) FROM secret_grants g WHERE g.secret_id = s.id) \
         FROM secrets s WHERE s.workspace_id = $1 AND s.deleted_at IS NOT NULL ORDER BY s.deleted_at DESC, s.name",
    )
    .bind(who.workspace().id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(name, description, deleted_at, agent_count)| TrashItem {
            name,
            description,
            deleted_at,
            purge_at: deleted_at + TRASH_SECONDS,
            agent_count,
        })
        .collect())
}
