//! The grant matrix: many secrets x many agents, paged on both axes, changed in one
//! transaction.

use super::grants;
use crate::domain::audit::change::Change;
use crate::domain::db::{self, Pool};
use crate::domain::identity::access::SecretsAdmin;
use crate::domain::validate::page_number;
use crate::domain::DomainError;
use crate::model::secrets::{GrantChange, GrantMatrix};
use crate::model::AgentView;

pub const SECRETS_PER_PAGE: i64 = 25;
pub const AGENTS_PER_PAGE: i64 = 20;
const MAX_CHANGES: usize = 5_000;

const SECRET_PAGE: &str =
    "SELECT id, name FROM secrets WHERE workspace_id = $1 AND deleted_at IS NULL \
     AND ($2 = '' OR name LIKE $3 ESCAPE '\\') ORDER BY name LIMIT $4 OFFSET $5";
const SECRET_COUNT: &str = "SELECT COUNT(*) FROM secrets WHERE workspace_id = $1 \
     AND deleted_at IS NULL AND ($2 = '' OR name LIKE $3 ESCAPE '\\')";
const AGENT_PAGE: &str = "SELECT id, name, created_at FROM agents WHERE workspace_id = $1 \
     AND ($2 = '' OR name LIKE $3 ESCAPE '\\') ORDER BY name LIMIT $4 OFFSET $5";
const AGENT_COUNT: &str = "SELECT COUNT(*) FROM agents WHERE workspace_id = $1 \
     AND ($2 = '' OR name LIKE $3 ESCAPE '\\')";

pub async fn matrix(
    pool: &Pool,
    who: &SecretsAdmin,
    secrets_q: &str,
    agents_q: &str,
    page: i64,
    agent_page: i64,
) -> Result<GrantMatrix, DomainError> {
    let ws = who.workspace().id;
    let (page, agent_page) = (page_number(page), page_number(agent_page));
    let (sq, aq) = (secrets_q.trim(), agents_q.trim());
    let secrets: Vec<(i64, String)> = db::searched(SECRET_PAGE, ws, sq)
        .bind(SECRETS_PER_PAGE)
        .bind(page * SECRETS_PER_PAGE)
        .fetch_all(pool)
        .await?;
    let (secret_total,): (i64,) = db::searched(SECRET_COUNT, ws, sq).fetch_one(pool).await?;
    let agents: Vec<(i64, String, i64)> = db::searched(AGENT_PAGE, ws, aq)
        .bind(AGENTS_PER_PAGE)
        .bind(agent_page * AGENTS_PER_PAGE)
        .fetch_all(pool)
        .await?;
    let (agent_total,): (i64,) = db::searched(AGENT_COUNT, ws, aq).fetch_one(pool).await?;
    let granted_sql =
        format!("SELECT s.name, g.agent_id FROM secret_grants g JOIN ({SECRET_PAGE}) s ON s.id = g.secret_id");
    let granted: Vec<(String, i64)> = db::searched(&granted_sql, ws, sq)
        .bind(SECRETS_PER_PAGE)
        .bind(page * SECRETS_PER_PAGE)
        .fetch_all(pool)
        .await?;
    let agent_ids: Vec<i64> = agents.iter().map(|(id, _, _)| *id).collect();
    Ok(GrantMatrix {
        secrets: secrets.into_iter().map(|(_, name)| name).collect(),
        granted: granted
            .into_iter()
            .filter(|(_, a)| agent_ids.contains(a))
            .collect(),
        agents: agents
            .into_iter()
            .map(|(id, name, created_at)| AgentView {
                id,
                name,
                created_at,
            })
            .collect(),
        secret_total,
        agent_total,
        page,
        agent_page,
        page_size: SECRETS_PER_PAGE,
        agent_page_size: AGENTS_PER_PAGE,
    })
}

/// Applies pending matrix changes in one transaction: all or nothing. Returns how many
/// grants were added and removed.
pub async fn apply(
    pool: &Pool,
    who: &SecretsAdmin,
    changes: &[GrantChange],
) -> Result<(usize, usize), DomainError> {
    if changes.len() > MAX_CHANGES {
        return Err(DomainError::validation(
            "changes",
            format!("Save at most {MAX_CHANGES} changes at a time."),
        ));
    }
    let mut tx = Change::begin_secrets(pool, who).await?;
    let ws = tx.workspace_id();
    let actor = tx.actor().to_string();
    let (mut added, mut removed) = (0, 0);
    for change in changes {
        let (secret, _) = super::find(tx.conn(), ws, &change.secret, super::Stage::Live).await?;
        let mut wanted: Vec<i64> =
            sqlx::query_scalar("SELECT agent_id FROM secret_grants WHERE secret_id = $1")
                .bind(secret)
                .fetch_all(tx.conn())
                .await?;
        wanted.retain(|a| *a != change.agent_id);
        if change.grant {
            wanted.push(change.agent_id);
        }
        let (granted, revoked) = grants::replace(tx.conn(), ws, secret, &wanted).await?;
        let secret = (secret, change.secret.as_str());
        grants::audit_changes(
            tx.conn(),
            ws,
            &actor,
            secret,
            (&granted, &revoked),
            "matrix",
        )
        .await?;
        added += granted.len();
        removed += revoked.len();
    }
    tx.commit_recorded().await?;
    Ok((added, removed))
}
