//! Bulk import of a `.env` file or a JSON object: a preview that writes nothing, then the
//! import itself (one audit event per secret), refused as a whole while any entry is invalid.
//! The dashboard's Import page and `vault import` share it.
//!
//! An import holds at most `import_max_entries` entries and is written in transactions of
//! [`CHUNK`] entries: SQLite has one writer, and a runtime read commits its audit event
//! before it answers, so one long transaction would stall every read meanwhile. Each chunk
//! waits for its turn to write ([`crate::domain::db::sqlite::write_turn`]) like the audit writer, so a
//! read's batch waits for at most the one chunk ahead of it, never for the whole import
//! (`bench/import_reads.sh` measures it). Everything is checked before
//! the first write; should a write still fail (a name taken meanwhile), the chunks before it
//! stay imported, the error says how many, and the same import run again skips them.

pub mod parse;

use std::collections::HashSet;

use super::store::{create_in, NewSecret};
use super::value::{check_name, SecretValue};
use super::versions::{version_in, NextVersion};
use crate::domain::audit::change::Change;
use crate::domain::db::Pool;
use crate::domain::identity::access::SecretsAdmin;
use crate::domain::keys::crypto::Keyring;
use crate::domain::DomainError;
use crate::model::import::{ImportOptions, ImportPlan, ImportRow, ImportStatus};

/// Larger imports are refused before anything is read.
pub const MAX_IMPORT_BYTES: usize = 200 * 1024;
/// The default of `import_max_entries`.
pub const DEFAULT_MAX_ENTRIES: usize = 1000;
/// Entries written per transaction.
pub const CHUNK: usize = 10;

/// An entry that can be written: its row and its value.
struct Ready {
    row: ImportRow,
    value: Option<SecretValue>,
}

/// Names in the workspace, live or in the trash (a trashed secret keeps its name).
async fn taken(
    pool: &Pool,
    workspace_id: i64,
) -> Result<(HashSet<String>, HashSet<String>), DomainError> {
    let rows: Vec<(String, Option<i64>)> =
        sqlx::query_as("SELECT name, deleted_at FROM secrets WHERE workspace_id = $1")
            .bind(workspace_id)
            .fetch_all(pool)
            .await?;
    let (live, trashed): (Vec<_>, Vec<_>) = rows.into_iter().partition(|(_, d)| d.is_none());
    Ok((
        live.into_iter().map(|(n, _)| n).collect(),
        trashed.into_iter().map(|(n, _)| n).collect(),
    ))
}

/// A name the store accepts as it is (no trimming, no case change).
fn valid(name: &str) -> bool {
    check_name(name).is_ok_and(|clean| clean == name)
}

async fn plan(
    pool: &Pool,
    who: &SecretsAdmin,
    text: &str,
    options: &ImportOptions,
    max_entries: usize,
) -> Result<Vec<Ready>, DomainError> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(DomainError::validation(
            "text",
            format!("Import at most {} KiB at a time.", MAX_IMPORT_BYTES / 1024),
        ));
    }
    let entries = parse::entries(text).map_err(|e| DomainError::validation("text", e))?;
    if entries.is_empty() {
        return Err(DomainError::validation(
            "text",
            "There is nothing to import.",
        ));
    }
    if entries.len() > max_entries {
        return Err(DomainError::validation(
            "text",
            format!(
                "This import has {} entries; import at most {max_entries} at a time.",
                entries.len()
            ),
        ));
    }
    let (live, trashed) = taken(pool, who.workspace().id).await?;
    let mut seen = HashSet::new();
    Ok(entries
        .into_iter()
        .map(|entry| {
            let suggestion = (!valid(&entry.name))
                .then(|| parse::suggest(&entry.name))
                .flatten();
            let name = match (&suggestion, options.accept_suggestions) {
                (Some(suggested), true) => suggested.clone(),
                _ => entry.name.clone(),
            };
            let value = entry.value.and_then(|input| {
                SecretValue::from_input(&input).map_err(|errors| {
                    let reasons: Vec<String> = errors.into_iter().map(|(_, m)| m).collect();
                    reasons.join(" ")
                })
            });
            let kind = value
                .as_ref()
                .map(|v| v.kind().as_str().to_string())
                .unwrap_or_default();
            let stored = value.as_ref().map(stored_size).unwrap_or_default();
            let problem = match (&value, valid(&name)) {
                (Err(reason), _) => Some(reason.clone()),
                (_, false) => Some(match &suggestion {
                    Some(s) => format!("not a valid name; suggested: {s}"),
                    None => {
                        "not a valid name: use lowercase letters, digits and underscores".into()
                    }
                }),
                _ if !seen.insert(name.clone()) => Some("appears twice in this import".into()),
                _ if trashed.contains(&name) => {
                    Some("a deleted secret keeps this name for 30 days".into())
                }
                _ => None,
            };
            let status = match problem {
                Some(_) => ImportStatus::Invalid,
                None if live.contains(&name) => ImportStatus::Exists {
                    replace: options.replace,
                },
                None => ImportStatus::New,
            };
            Ready {
                row: ImportRow {
                    source: entry.source,
                    name,
                    kind,
                    stored,
                    status,
                    reason: problem,
                    suggestion,
                },
                value: value.ok(),
            }
        })
        .collect())
}

/// What will be stored, never the value: its length, or its keys' count and the values' length.
fn stored_size(value: &SecretValue) -> String {
    use secrecy::ExposeSecret;
    let chars = |v: &secrecy::SecretString| v.expose_secret().chars().count();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    match value {
        SecretValue::Single(v) => plural(chars(v), "character", "characters"),
        SecretValue::Pairs(pairs) => format!(
            "{}, {}",
            plural(pairs.len(), "key", "keys"),
            plural(
                pairs.iter().map(|(_, v)| chars(v)).sum(),
                "character",
                "characters"
            )
        ),
    }
}

fn summary(ready: &[Ready]) -> ImportPlan {
    let count = |f: fn(ImportStatus) -> bool| ready.iter().filter(|r| f(r.row.status)).count();
    ImportPlan {
        new: count(|s| s == ImportStatus::New),
        replaced: count(|s| s == ImportStatus::Exists { replace: true }),
        skipped: count(|s| s == ImportStatus::Exists { replace: false }),
        invalid: count(|s| s == ImportStatus::Invalid),
        rows: ready.iter().map(|r| r.row.clone()).collect(),
    }
}

/// What an import would do; writes nothing.
pub async fn preview(
    pool: &Pool,
    who: &SecretsAdmin,
    text: &str,
    options: &ImportOptions,
    max_entries: usize,
) -> Result<ImportPlan, DomainError> {
    Ok(summary(&plan(pool, who, text, options, max_entries).await?))
}

/// Imports every entry, in transactions of [`CHUNK`] entries: refused (nothing written) while
/// any entry is invalid; a chunk whose write fails is rolled back whole, and the error says how
/// many entries the chunks before it imported.
pub async fn import(
    pool: &Pool,
    keyring: &Keyring,
    who: &SecretsAdmin,
    text: &str,
    options: &ImportOptions,
    max_entries: usize,
) -> Result<ImportPlan, DomainError> {
    let ready = plan(pool, who, text, options, max_entries).await?;
    let done = summary(&ready);
    if done.invalid > 0 {
        return Err(DomainError::validation(
            "text",
            format!(
                "{} of {} entries are invalid; nothing was imported. Fix or remove them and try again.",
                done.invalid,
                done.rows.len()
            ),
        ));
    }
    let writes: Vec<&Ready> = ready
        .iter()
        .filter(|r| r.value.is_some() && r.row.status != ImportStatus::Exists { replace: false })
        .collect();
    let mut written = 0;
    for chunk in writes.chunks(CHUNK) {
        if let Err(e) = write_chunk(pool, keyring, who, chunk, options).await {
            if written == 0 {
                return Err(e);
            }
            tracing::warn!(written, error = %e, "import stopped part way");
            return Err(DomainError::validation(
                "text",
                format!(
                    "{written} of {} entries were imported before one could not be written ({e}); \
                     run the same import again to go on.",
                    writes.len()
                ),
            ));
        }
        written += chunk.len();
    }
    Ok(done)
}

/// One transaction: the entries of `chunk`, with their audit events.
async fn write_chunk(
    pool: &Pool,
    keyring: &Keyring,
    who: &SecretsAdmin,
    chunk: &[&Ready],
    options: &ImportOptions,
) -> Result<(), DomainError> {
    let mut change = Change::begin_secrets(pool, who).await?;
    for Ready { row, value } in chunk {
        let Some(value) = value else { continue };
        match row.status {
            ImportStatus::New => {
                let new = NewSecret {
                    name: &row.name,
                    description: "",
                    value,
                    agents: &options.agents,
                };
                create_in(&mut change, keyring, new).await?;
            }
            ImportStatus::Exists { replace: true } => {
                let next = NextVersion {
                    name: &row.name,
                    base_version: None,
                    note: "imported",
                    action: "secret.replace",
                };
                version_in(&mut change, keyring, next, value).await?;
            }
            _ => {}
        }
    }
    change.commit_recorded().await?;
    Ok(())
}
