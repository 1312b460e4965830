//! Who uses what, kept as the audit writer commits each batch (never by the request): the
//! last use of each agent token, and the last read of each secret by each agent.
//!
//! A use is written at most once per `precision` seconds per token and per (secret, agent)
//! pair (per process), so that an agent reading in a hot loop costs the writer no extra
//! statement; "last read" is exact to that precision (a minute by default).

use std::collections::HashMap;

use super::read_event::ReadEvent;

/// The uses written recently, with when.
pub(super) struct Usage {
    precision: i64,
    tokens: HashMap<i64, i64>,
    reads: HashMap<(i64, i64), i64>,
}

/// The uses of one batch that are due to be written: (token, at) and ((secret, agent), at).
#[derive(Default)]
pub(super) struct Due {
    tokens: Vec<(i64, i64)>,
    reads: Vec<((i64, i64), i64)>,
}

impl Due {
    /// Nothing to write.
    pub(super) fn is_empty(&self) -> bool {
        self.tokens.is_empty() && self.reads.is_empty()
    }
}

impl Usage {
    pub(super) fn new(precision_seconds: i64) -> Self {
        Self {
            precision: precision_seconds.max(0),
            tokens: HashMap::new(),
            reads: HashMap::new(),
        }
    }

    /// The latest use per token and per read pair in `events`, unless written within the
    /// precision already.
    pub(super) fn due<'a>(&self, events: impl Iterator<Item = &'a ReadEvent>) -> Due {
        let mut tokens: HashMap<i64, i64> = HashMap::new();
        let mut reads: HashMap<(i64, i64), i64> = HashMap::new();
        for e in events {
            let at = tokens.entry(e.token_id).or_insert(e.at);
            *at = (*at).max(e.at);
            if let Some(secret_id) = e.secret_id {
                let at = reads.entry((secret_id, e.agent_id)).or_insert(e.at);
                *at = (*at).max(e.at);
            }
        }
        let fresh =
            |written: Option<&i64>, at: i64| written.is_none_or(|w| at - w >= self.precision);
        Due {
            tokens: tokens
                .into_iter()
                .filter(|(k, at)| fresh(self.tokens.get(k), *at))
                .collect(),
            reads: reads
                .into_iter()
                .filter(|(k, at)| fresh(self.reads.get(k), *at))
                .collect(),
        }
    }

    /// Remembers what a committed batch wrote, and forgets what is older than the precision.
    pub(super) fn remember(&mut self, due: Due, now: i64) {
        self.tokens.extend(due.tokens);
        self.reads.extend(due.reads);
        let horizon = now - self.precision;
        self.tokens.retain(|_, at| *at > horizon);
        self.reads.retain(|_, at| *at > horizon);
    }
}

/// Writes the due uses inside the batch's transaction.
pub(super) async fn write(tx: &mut sqlx::AnyConnection, due: &Due) -> Result<(), sqlx::Error> {
    for (token_id, at) in &due.tokens {
        sqlx::query("UPDATE agent_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $1)")
            .bind(at)
            .bind(token_id)
            .execute(&mut *tx)
            .await?;
    }
    for ((secret_id, agent_id), at) in &due.reads {
        sqlx::query(
            // A secret purged (or an agent deleted) after its read was looked up has no row
            // to point at: that one read's usage is dropped, never the batch.
            "INSERT INTO secret_reads (secret_id, agent_id, last_read_at) SELECT $1, $2, $3 \
             WHERE EXISTS (SELECT 1 FROM secrets WHERE id = $1) \
               AND EXISTS (SELECT 1 FROM agents WHERE id = $2) \
             ON CONFLICT (secret_id, agent_id) DO UPDATE SET \
               last_read_at = CASE WHEN excluded.last_read_at > secret_reads.last_read_at \
                 THEN excluded.last_read_at ELSE secret_reads.last_read_at END",
        )
        .bind(secret_id)
        .bind(agent_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::audit::read_event::{event, Reader};

    fn read(token_id: i64, secret_id: i64, at: i64) -> ReadEvent {
        let reader = Reader {
            workspace_id: 1,
            agent_id: 7,
            agent_name: "a",
            token_id,
            token_prefix: "svt_x",
        };
        let mut e = event(reader, "s", "ok").of_secret(secret_id);
        e.at = at;
        e
    }

    #[test]
    fn a_use_is_written_once_per_precision_and_then_again() {
        let mut usage = Usage::new(60);
        let first = [read(1, 5, 1000), read(1, 5, 1010)];
        let due = usage.due(first.iter());
        assert_eq!(
            (due.tokens.clone(), due.reads.clone()),
            (vec![(1, 1010)], vec![((5, 7), 1010)])
        );
        usage.remember(due, 1010);
        let soon = [read(1, 5, 1030)];
        let due = usage.due(soon.iter());
        assert!(due.tokens.is_empty() && due.reads.is_empty());
        let later = [read(1, 5, 1071)];
        let due = usage.due(later.iter());
        assert_eq!(due.reads, vec![((5, 7), 1071)]);
        // With no precision every use is written.
        let every = Usage::new(0);
        assert_eq!(every.due(soon.iter()).reads.len(), 1);
    }
}
