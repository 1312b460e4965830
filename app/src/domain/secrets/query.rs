//! Reading secret metadata for the dashboard: list with search and pages, one secret's
//! page, the trash. None of these touch a value.

use super::lifecycle::{
    grant_unused_sql, rotation_columns, status_sql, unused_sql, usage_columns, RotationRow,
};
use super::{split_keys, TRASH_SECONDS};
use crate::domain::audit::activity;
use crate::domain::db::{self, Pool};
use crate::domain::identity::access::SecretsAdmin;
use crate::domain::{now, DomainError};
use crate::model::lifecycle::{SecretFilter, UNUSED_DAYS};
use crate::model::secrets::{
    AgentAccess, SecretDetail, SecretKind, SecretList, SecretMeta, SecretSummary, TrashItem,
    VersionInfo,
};

pub const PAGE_SIZE: i64 = 25;

/// The columns of a [`MetaRow`], of the secret `s` and its current version `v` (at time `at`,
/// a parameter such as `$4`, for the rotation status).
fn meta_columns(at: &str) -> String {
    format!(
        "s.name, s.description, s.kind, s.key_names, s.current_version, s.updated_at, s.updated_by, {}",
        rotation_columns(at)
    )
}

/// What every view of a live secret shows: one row type and one conversion for both the list
/// and the page.
#[derive(sqlx::FromRow)]
struct MetaRow {
    name: String,
    description: String,
    kind: String,
    key_names: String,
    current_version: i64,
    updated_at: i64,
    updated_by: String,
    #[sqlx(flatten)]
    rotation: RotationRow,
}

impl From<MetaRow> for SecretMeta {
    fn from(row: MetaRow) -> Self {
        SecretMeta {
            name: row.name,
            description: row.description,
            kind: kind(&row.kind),
            key_names: split_keys(&row.key_names),
            version: row.current_version,
            updated_at: row.updated_at,
            updated_by: row.updated_by,
            rotation: row.rotation.into(),
        }
    }
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    #[sqlx(flatten)]
    meta: MetaRow,
    agent_count: i64,
    last_read_at: Option<i64>,
    unused: i64,
}

impl From<SummaryRow> for SecretSummary {
    fn from(row: SummaryRow) -> Self {
        SecretSummary {
            meta: row.meta.into(),
            agent_count: row.agent_count,
            last_read_at: row.last_read_at,
            unused: row.unused != 0,
        }
    }
}

/// A secret's own row for its page; its agents and versions are read apart.
#[derive(sqlx::FromRow)]
struct DetailRow {
    id: i64,
    #[sqlx(flatten)]
    meta: MetaRow,
    created_at: i64,
}

#[derive(sqlx::FromRow)]
struct AgentRow {
    id: i64,
    name: String,
    granted: i64,
    last_read_at: Option<i64>,
    unused: i64,
}

impl From<AgentRow> for AgentAccess {
    fn from(row: AgentRow) -> Self {
        AgentAccess {
            id: row.id,
            name: row.name,
            granted: row.granted != 0,
            last_read_at: row.last_read_at,
            unused: row.unused != 0,
        }
    }
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    version: i64,
    kind: String,
    created_at: i64,
    created_by: String,
    note: String,
}

impl From<VersionRow> for VersionInfo {
    fn from(row: VersionRow) -> Self {
        VersionInfo {
            version: row.version,
            kind: kind(&row.kind),
            created_at: row.created_at,
            created_by: row.created_by,
            note: row.note,
        }
    }
}

#[derive(sqlx::FromRow)]
struct TrashRow {
    name: String,
    description: String,
    deleted_at: i64,
    agent_count: i64,
}

impl From<TrashRow> for TrashItem {
    fn from(row: TrashRow) -> Self {
        TrashItem {
            name: row.name,
            description: row.description,
            deleted_at: row.deleted_at,
            purge_at: row.deleted_at + TRASH_SECONDS,
            agent_count: row.agent_count,
        }
    }
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
        "SELECT {}, (SELECT COUNT(*) FROM secret_grants g WHERE g.secret_id = s.id) AS agent_count, {} \
         FROM {} ORDER BY s.name LIMIT $6 OFFSET $7",
        meta_columns("$4"),
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
        items: rows.into_iter().map(SecretSummary::from).collect(),
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
        "SELECT s.id, s.created_at, {} FROM secrets s \
         JOIN secret_versions v ON v.secret_id = s.id AND v.version = s.current_version \
         WHERE s.workspace_id = $1 AND s.name = $2 AND s.deleted_at IS NULL",
        meta_columns("$3")
    ))
    .bind(ws)
    .bind(name)
    .bind(now())
    .fetch_optional(pool)
    .await?;
    let row = row.ok_or(DomainError::NotFound("secret"))?;
    let agents: Vec<AgentRow> = sqlx::query_as(&format!(
        "SELECT a.id, a.name, CASE WHEN g.agent_id IS NULL THEN 0 ELSE 1 END AS granted, r.last_read_at, \
           CASE WHEN g.agent_id IS NOT NULL AND {} THEN 1 ELSE 0 END AS unused \
         FROM agents a LEFT JOIN secret_grants g ON g.agent_id = a.id AND g.secret_id = $1 \
         LEFT JOIN secret_reads r ON r.agent_id = a.id AND r.secret_id = $1 \
         WHERE a.workspace_id = $2 ORDER BY a.name",
        grant_unused_sql("$3")
    ))
    .bind(row.id)
    .bind(ws)
    .bind(now() - UNUSED_DAYS * 86_400)
    .fetch_all(pool)
    .await?;
    let versions: Vec<VersionRow> = sqlx::query_as(
        "SELECT version, kind, created_at, created_by, note FROM secret_versions WHERE secret_id = $1 ORDER BY version DESC",
    )
    .bind(row.id)
    .fetch_all(pool)
    .await?;
    Ok(SecretDetail {
        meta: row.meta.into(),
        created_at: row.created_at,
        agents: agents.into_iter().map(AgentAccess::from).collect(),
        versions: versions.into_iter().map(VersionInfo::from).collect(),
        activity: activity::last_days(pool, ws, activity::Scope::Secret(name), now()).await?,
    })
}

/// Secrets in the trash, most recently deleted first.
pub async fn trash(pool: &Pool, who: &SecretsAdmin) -> Result<Vec<TrashItem>, DomainError> {
    let rows: Vec<TrashRow> = sqlx::query_as(
        "SELECT s.name, s.description, s.deleted_at, (SELECT COUNT(*) FROM secret_grants g WHERE g.secret_id = s.id) AS agent_count \
         FROM secrets s WHERE s.workspace_id = $1 AND s.deleted_at IS NOT NULL ORDER BY s.deleted_at DESC, s.name",
    )
    .bind(who.workspace().id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(TrashItem::from).collect())
}
