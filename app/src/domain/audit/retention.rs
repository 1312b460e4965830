//! Audit retention: events older than the retention period leave the database in bounded
//! batches, either archived first to gzip-compressed JSON-lines files under the data
//! directory or simply deleted, as configured. Each batch is read outside any transaction
//! (old events never change) and deleted in a short one, so runtime reads and their audit
//! commits wait at most for one batch's delete.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::domain::db::{begin_write, Pool};
use crate::domain::DomainError;

/// Events per batch: one archive file, one delete.
pub const BATCH: i64 = 10_000;
/// By default, events are kept 90 days.
pub const DAYS: i64 = 90;

/// What happens to events past the retention period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Policy {
    /// Keep every event.
    KeepForever,
    /// Write them to `dir` as `audit-<first id>-<last id>.jsonl.gz`, then delete them.
    Archive { days: i64, dir: PathBuf },
    /// Delete them.
    Delete { days: i64 },
}

impl Policy {
    /// From the settings: `days` (0 keeps everything) and `action` (`archive` or `delete`).
    pub fn from_settings(days: i64, action: &str, data_dir: &Path) -> Result<Self, String> {
        if days < 0 {
            return Err(format!(
                "audit retention must be 0 (keep) or a number of days, not {days}"
            ));
        }
        match (days, action) {
            (0, "archive" | "delete") => Ok(Self::KeepForever),
            (days, "archive") => Ok(Self::Archive {
                days,
                dir: data_dir.join("audit-archive"),
            }),
            (days, "delete") => Ok(Self::Delete { days }),
            (_, other) => Err(format!(
                "audit retention action must be archive or delete, not {other:?}"
            )),
        }
    }

    fn days(&self) -> Option<i64> {
        match self {
            Self::KeepForever => None,
            Self::Archive { days, .. } | Self::Delete { days } => Some(*days),
        }
    }
}

/// What one pass did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pass {
    pub archived: u64,
    pub deleted: u64,
    pub files: Vec<PathBuf>,
}

/// One archived event: every column, so that an archive can answer what the log could.
#[derive(Debug, Serialize, sqlx::FromRow)]
struct Archived {
    id: i64,
    workspace_id: i64,
    created_at: i64,
    updated_at: i64,
    actor: String,
    action: String,
    secret_name: Option<String>,
    agent_id: Option<i64>,
    agent_name: Option<String>,
    token_prefix: Option<String>,
    outcome: Option<String>,
    repeat_count: i64,
    detail: String,
}

/// Moves every event created before `now - days` out of the database, a batch at a time.
pub async fn run(pool: &Pool, policy: &Policy, now: i64) -> Result<Pass, DomainError> {
    let Some(days) = policy.days() else {
        return Ok(Pass::default());
    };
    let cutoff = now - days * 86_400;
    let mut pass = Pass::default();
    loop {
        let batch: Vec<Archived> = sqlx::query_as(
            "SELECT id, workspace_id, created_at, updated_at, actor, action, secret_name, agent_id, \
             agent_name, token_prefix, outcome, repeat_count, detail \
             FROM audit_events WHERE created_at < $1 ORDER BY id LIMIT $2",
        )
        .bind(cutoff)
        .bind(BATCH)
        .fetch_all(pool)
        .await?;
        let (Some(first), Some(last)) = (batch.first(), batch.last()) else {
            return Ok(pass);
        };
        let (first, last) = (first.id, last.id);
        if let Policy::Archive { dir, .. } = policy {
            let file = write_archive(dir, first, last, &batch).await?;
            pass.archived += batch.len() as u64;
            pass.files.push(file);
        }
        let mut tx = begin_write(pool).await?;
        let gone =
            sqlx::query("DELETE FROM audit_events WHERE id >= $1 AND id <= $2 AND created_at < $3")
                .bind(first)
                .bind(last)
                .bind(cutoff)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        tx.commit().await?;
        pass.deleted += gone;
        if (batch.len() as i64) < BATCH {
            return Ok(pass);
        }
        // Let waiting writers (the audit writer above all) in between batches.
        tokio::task::yield_now().await;
    }
}

/// Writes the batch to `dir/audit-<first>-<last>.jsonl.gz` through a temporary file (mode
/// 0600: the trail names agents and secrets), synced before it is renamed, and the directory
/// synced after, so that no event is deleted before its archive is on disk under its name.
/// The name is fixed by the ids: a pass that stopped after writing and before deleting
/// rewrites the same file.
async fn write_archive(
    dir: &Path,
    first: i64,
    last: i64,
    batch: &[Archived],
) -> Result<PathBuf, DomainError> {
    let mut lines = Vec::with_capacity(batch.len() * 200);
    for event in batch {
        serde_json::to_writer(&mut lines, event)
            .map_err(|e| DomainError::Internal(format!("audit archive: {e}")))?;
        lines.push(b'\n');
    }
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || -> std::io::Result<PathBuf> {
        std::fs::create_dir_all(&dir)?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = dir.join(format!("audit-{first:012}-{last:012}.jsonl.gz"));
        // A name of its own: two instances archiving the same batch never share a file.
        let partial = dir.join(format!(
            ".audit-{first}-{last}-{:016x}.partial",
            rand::random::<u64>()
        ));
        let mut gz =
            flate2::write::GzEncoder::new(options.open(&partial)?, flate2::Compression::default());
        gz.write_all(&lines)?;
        gz.finish()?.sync_all()?;
        std::fs::rename(&partial, &file)?;
        std::fs::File::open(&dir)?.sync_all()?;
        Ok(file)
    })
    .await
    .map_err(|e| DomainError::Internal(format!("audit archive task: {e}")))?
    .map_err(|e| DomainError::Internal(format!("audit archive: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_choose_the_policy() {
        let dir = Path::new("/data");
        assert_eq!(
            Policy::from_settings(90, "archive", dir),
            Ok(Policy::Archive {
                days: 90,
                dir: PathBuf::from("/data/audit-archive")
            })
        );
        assert_eq!(
            Policy::from_settings(30, "delete", dir),
            Ok(Policy::Delete { days: 30 })
        );
        assert_eq!(
            Policy::from_settings(0, "archive", dir),
            Ok(Policy::KeepForever)
        );
        assert!(Policy::from_settings(-1, "archive", dir).is_err());
        assert!(Policy::from_settings(90, "shred", dir)
            .unwrap_err()
            .contains("archive or delete"));
    }
}
