//! Who uses what, kept as the audit writer commits each batch (never by the request): the
//! last use of each agent token, and the last read (and count) of each secret by each agent.
//! One statement per token and per (secret, agent) pair of a batch.

use std::collections::HashMap;

use super::read_event::ReadEvent;
use crate::domain::db::Db;

type Tx = sqlx::Transaction<'static, Db>;

pub(super) async fn touch_tokens<'a>(
    tx: &mut Tx,
    events: impl Iterator<Item = &'a ReadEvent>,
) -> Result<(), sqlx::Error> {
    let mut used: HashMap<i64, i64> = HashMap::new();
    for e in events {
        let at = used.entry(e.token_id).or_insert(e.at);
        *at = (*at).max(e.at);
    }
    for (token_id, at) in used {
        sqlx::query("UPDATE agent_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $1)")
            .bind(at)
            .bind(token_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Adds the batch's answered reads to `secret_reads`.
pub(super) async fn touch_reads(tx: &mut Tx, reads: &[&ReadEvent]) -> Result<(), sqlx::Error> {
    let mut pairs: HashMap<(i64, i64), (i64, i64)> = HashMap::new();
    for e in reads {
        let Some(secret_id) = e.secret_id else {
            continue;
        };
        let (at, count) = pairs.entry((secret_id, e.agent_id)).or_insert((e.at, 0));
        *at = (*at).max(e.at);
        *count += 1;
    }
    for ((secret_id, agent_id), (at, count)) in pairs {
        sqlx::query(
            "INSERT INTO secret_reads (secret_id, agent_id, last_read_at, reads) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (secret_id, agent_id) DO UPDATE SET \
               last_read_at = CASE WHEN excluded.last_read_at > secret_reads.last_read_at \
                 THEN excluded.last_read_at ELSE secret_reads.last_read_at END, \
               reads = secret_reads.reads + excluded.reads",
        )
        .bind(secret_id)
        .bind(agent_id)
        .bind(at)
        .bind(count)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
