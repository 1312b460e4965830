//! Runtime reads and denials are audited through a bounded queue drained by one writer
//! task in batched transactions, so that auditing keeps up with thousands of reads per
//! second on SQLite. The queue applies back-pressure when full: events are never dropped.

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::db::Pool;
use super::now;

const QUEUE: usize = 16_384;
const BATCH: usize = 32;

/// One runtime read attempt by an agent.
#[derive(Debug, Clone)]
pub struct ReadEvent {
    pub workspace_id: i64,
    pub agent_id: i64,
    pub agent_name: String,
    pub token_id: i64,
    pub token_prefix: String,
    /// The secret name asked for (or `*` for the list).
    pub secret_name: String,
    /// `ok`, `missing_access`, `secret_not_found`, `feature_disabled`, `token_revoked`.
    pub outcome: &'static str,
    pub at: i64,
}

#[derive(Clone)]
pub struct AuditSink {
    tx: mpsc::Sender<ReadEvent>,
}

impl AuditSink {
    /// Starts the writer. It stops after every sender is dropped and the queue is drained.
    pub fn spawn(pool: Pool) -> (Self, JoinHandle<()>) {
        let (tx, rx) = mpsc::channel(QUEUE);
        (Self { tx }, tokio::spawn(writer(pool, rx)))
    }

    pub async fn record(&self, event: ReadEvent) {
        if self.tx.send(event).await.is_err() {
            tracing::error!("audit writer has stopped; a runtime read was not audited");
        }
    }
}

pub fn event(
    agent: &super::tokens::AgentIdentity,
    secret_name: &str,
    outcome: &'static str,
) -> ReadEvent {
    ReadEvent {
        workspace_id: agent.workspace_id,
        agent_id: agent.agent_id,
        agent_name: agent.agent_name.clone(),
        token_id: agent.token_id,
        token_prefix: agent.token_prefix.clone(),
        secret_name: secret_name.to_string(),
        outcome,
        at: now(),
    }
}

async fn writer(pool: Pool, mut rx: mpsc::Receiver<ReadEvent>) {
    let mut batch = Vec::with_capacity(BATCH);
    while let Some(first) = rx.recv().await {
        batch.push(first);
        while batch.len() < BATCH {
            match rx.try_recv() {
                Ok(event) => batch.push(event),
                Err(_) => break,
            }
        }
        let mut delay = std::time::Duration::from_millis(50);
        while let Err(e) = write(&pool, &batch).await {
            tracing::error!(error = %e, events = batch.len(), "could not write audit events; retrying");
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(std::time::Duration::from_secs(5));
        }
        batch.clear();
    }
}

async fn write(pool: &Pool, batch: &[ReadEvent]) -> Result<(), sqlx::Error> {
    let mut tx = crate::domain::db::begin_write(pool).await?;
    for e in batch {
        let action = if e.outcome == "ok" {
            "secret.read"
        } else {
            "secret.read_denied"
        };
        sqlx::query(
            "INSERT INTO audit_events (workspace_id, actor, action, secret_name, detail, agent_id, agent_name, token_prefix, outcome, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
        )
        .bind(e.workspace_id)
        .bind(format!("agent {}", e.agent_name))
        .bind(action)
        .bind(&e.secret_name)
        .bind(format!("{} with token {}…", e.outcome, e.token_prefix))
        .bind(e.agent_id)
        .bind(&e.agent_name)
        .bind(&e.token_prefix)
        .bind(e.outcome)
        .bind(e.at)
        .execute(&mut *tx)
        .await?;
    }
    let mut used: Vec<(i64, i64)> = batch.iter().map(|e| (e.token_id, e.at)).collect();
    used.sort_unstable();
    used.dedup_by_key(|(id, _)| *id);
    for (token_id, at) in used {
        sqlx::query("UPDATE agent_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $1)")
            .bind(at)
            .bind(token_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}
