//! Granted runtime reads remembered per process, so that a repeated read of the same secret
//! by the same token costs no query; the audit event is still committed before each answer.
//!
//! Only what a granted read found is remembered (token, agent, flag on, the version's
//! ciphertext), never a refusal and never a plaintext. A change empties the cache and moves the
//! generation on, so that a read looked up before it is not remembered after it:
//! - after a dashboard request that may write (not a GET), this process reads the change
//!   counter before the answer leaves: if the request committed a change, the very next
//!   runtime read goes to the database; if it changed nothing, the cache stays;
//! - a change made elsewhere (another instance, the CLI) moves the database's change counter
//!   (`change_epoch`, kept by triggers on tokens, agents, workspaces, secrets, versions and
//!   grants); a poller reads it every `change_poll_ms` and moves the generation when it moved;
//! - while the counter cannot be read, the cache is bypassed, and the first good read of the
//!   counter starts from an empty cache.
//!
//! Token and secret expiry are times, checked on every hit.
//!
//! Memory is bounded in bytes, not entries ([`ReadCache::with_budget`], `read_cache_bytes`),
//! and a version's ciphertext is kept once however many tokens read it: an admin who stores
//! large values and issues many tokens cannot make the process hold a copy per token.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use crate::domain::admin::token_identity::AgentIdentity;
use crate::domain::db::Pool;
use crate::domain::DomainError;

/// The default budget: a full cache starts over (a working set this large is unusual).
pub const DEFAULT_BUDGET_BYTES: usize = 64 * 1024 * 1024;
/// What an entry costs besides its strings and the shared ciphertext: the maps' slots, the
/// `Arc`s and the fixed fields.
const ENTRY_OVERHEAD: usize = 256;

/// What a granted read found, as of the entry's generation.
#[derive(Clone)]
pub struct Granted {
    pub agent: AgentIdentity,
    pub token_expires_at: Option<i64>,
    pub secret_id: i64,
    pub description: String,
    pub expires_at: Option<i64>,
    pub version: i64,
    pub created_at: i64,
    pub key_id: i64,
    pub sealed: Arc<[u8]>,
}

/// (version asked for, what was found) of one token and secret.
type Versions = Vec<(Option<i64>, Arc<Granted>)>;

/// Token hash -> secret name -> (version asked for, what was found), all of the current
/// generation. Nested so that a lookup by borrowed strings allocates nothing.
#[derive(Default)]
struct Entries {
    by_token: HashMap<String, HashMap<String, Versions>>,
    /// One copy of each (secret, version)'s ciphertext, shared by every entry that found it.
    sealed: HashMap<(i64, i64), Arc<[u8]>>,
    /// What the entries and the ciphertexts take, as counted by [`Entries::cost`].
    bytes: usize,
}

impl Entries {
    /// What remembering `granted` for `token_hash` and `name` adds, its ciphertext counted
    /// only if no entry holds it yet.
    fn cost(&self, token_hash: &str, name: &str, granted: &Granted) -> usize {
        let sealed = if self
            .sealed
            .contains_key(&(granted.secret_id, granted.version))
        {
            0
        } else {
            granted.sealed.len()
        };
        ENTRY_OVERHEAD
            + token_hash.len()
            + name.len()
            + granted.description.len()
            + granted.agent.agent_name.len()
            + granted.agent.token_prefix.len()
            + sealed
    }
}

pub struct ReadCache {
    /// Bytes the entries may take; past it the cache starts over.
    budget: usize,
    generation: AtomicU64,
    /// The change counter is known to be current (false until the first poll, and after a
    /// failed one).
    current: AtomicBool,
    /// The database's change counter as last read.
    epoch: AtomicU64,
    entries: RwLock<Entries>,
}

impl Default for ReadCache {
    fn default() -> Self {
        Self::with_budget(DEFAULT_BUDGET_BYTES)
    }
}

impl ReadCache {
    /// A cache whose entries take at most `budget` bytes.
    pub fn with_budget(budget: usize) -> Self {
        Self {
            budget,
            generation: AtomicU64::new(0),
            current: AtomicBool::new(false),
            epoch: AtomicU64::new(0),
            entries: RwLock::new(Entries::default()),
        }
    }

    /// Bytes the remembered reads take now (their share of the budget).
    pub fn bytes(&self) -> usize {
        self.entries.read().map_or(0, |e| e.bytes)
    }

    /// The generation a lookup starts in; pass it to [`ReadCache::put`].
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// A granted read remembered since the last change.
    pub fn get(&self, token_hash: &str, name: &str, version: Option<i64>) -> Option<Arc<Granted>> {
        if !self.current.load(Ordering::Acquire) {
            return None;
        }
        let entries = self.entries.read().ok()?;
        let (_, granted) = entries
            .by_token
            .get(token_hash)?
            .get(name)?
            .iter()
            .find(|(v, _)| *v == version)?;
        Some(granted.clone())
    }

    /// Remembers a granted read found in generation `generation`, unless a change came in
    /// meanwhile (then what was found may already be stale).
    pub fn put(
        &self,
        token_hash: &str,
        name: &str,
        version: Option<i64>,
        generation: u64,
        mut granted: Granted,
    ) {
        if !self.current.load(Ordering::Acquire) {
            return;
        }
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        if self.generation() != generation {
            return;
        }
        let mut cost = entries.cost(token_hash, name, &granted);
        if entries.bytes + cost > self.budget {
            *entries = Entries::default();
            cost = entries.cost(token_hash, name, &granted);
            if cost > self.budget {
                return;
            }
        }
        entries.bytes += cost;
        granted.sealed = entries
            .sealed
            .entry((granted.secret_id, granted.version))
            .or_insert_with(|| granted.sealed.clone())
            .clone();
        let versions = entries
            .by_token
            .entry(token_hash.to_string())
            .or_default()
            .entry(name.to_string())
            .or_default();
        // A repeated put replaces its entry; the count errs on the high side until the next
        // start over.
        versions.retain(|(v, _)| *v != version);
        versions.push((version, Arc::new(granted)));
    }

    /// Forgets every entry: something that a remembered read depends on may have changed.
    pub fn invalidate(&self) {
        // Under the write lock, so that a `put` that checked the old generation has finished
        // and one that checks after sees the new one.
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        *entries = Entries::default();
    }

    /// Reads the database's change counter; a change made elsewhere invalidates the cache.
    /// A failed read turns the cache off until the next good one.
    pub async fn poll(&self, pool: &Pool) -> Result<(), DomainError> {
        let read: Result<i64, sqlx::Error> =
            sqlx::query_scalar("SELECT n FROM change_epoch WHERE id = 1")
                .fetch_one(pool)
                .await;
        match read {
            Ok(n) => {
                let moved = self.epoch.swap(n as u64, Ordering::AcqRel) != n as u64;
                if moved || !self.current.load(Ordering::Acquire) {
                    self.invalidate();
                }
                self.current.store(true, Ordering::Release);
                Ok(())
            }
            Err(e) => {
                self.current.store(false, Ordering::Release);
                self.invalidate();
                Err(e.into())
            }
        }
    }

    /// Polls the change counter every `every` until the process ends.
    pub fn spawn_poller(self: &Arc<Self>, pool: Pool, every: Duration) {
        let cache = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut failing = false;
            loop {
                tick.tick().await;
                match cache.poll(&pool).await {
                    Ok(()) if failing => {
                        tracing::info!("change counter readable again: runtime read cache back on");
                        failing = false;
                    }
                    Ok(()) => {}
                    // The server is shutting down.
                    Err(_) if pool.is_closed() => return,
                    Err(e) if !failing => {
                        tracing::warn!(error = %e, "cannot read the change counter: runtime read cache off");
                        failing = true;
                    }
                    Err(_) => {}
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn granted() -> Granted {
        Granted {
            agent: AgentIdentity {
                token_id: 1,
                token_prefix: "svt_abc".into(),
                agent_id: 2,
                agent_name: "billing-worker".into(),
                workspace_id: 3,
                secrets_enabled: true,
                revoked: false,
                expired: false,
            },
            token_expires_at: None,
            secret_id: 4,
            description: String::new(),
            expires_at: None,
            version: 5,
            created_at: 0,
            key_id: 6,
            sealed: Arc::from(&b"sealed"[..]),
        }
    }

    fn current() -> ReadCache {
        let cache = ReadCache::default();
        cache.current.store(true, Ordering::Release);
        cache
    }

    #[test]
    fn a_remembered_read_is_found_by_token_name_and_version_only() {
        let cache = current();
        let g = cache.generation();
        cache.put("h1", "api_key", None, g, granted());
        assert!(cache.get("h1", "api_key", None).is_some());
        assert!(cache.get("h1", "api_key", Some(5)).is_none());
        assert!(cache.get("h2", "api_key", None).is_none());
        assert!(cache.get("h1", "other", None).is_none());
    }

    #[test]
    fn a_change_forgets_every_read_and_a_read_from_before_it_is_not_kept() {
        let cache = current();
        let before = cache.generation();
        cache.put("h1", "api_key", None, before, granted());
        cache.invalidate();
        assert!(cache.get("h1", "api_key", None).is_none());
        // A lookup that began before the change found what may be stale: not remembered.
        cache.put("h1", "api_key", None, before, granted());
        assert!(cache.get("h1", "api_key", None).is_none());
        cache.put("h1", "api_key", None, cache.generation(), granted());
        assert!(cache.get("h1", "api_key", None).is_some());
    }

    fn large(secret_id: i64, version: i64) -> Granted {
        Granted {
            secret_id,
            version,
            sealed: Arc::from(vec![7u8; 64 * 1024]),
            ..granted()
        }
    }

    #[test]
    fn many_tokens_reading_one_version_share_one_copy_of_its_ciphertext() {
        let cache = ReadCache::with_budget(1024 * 1024);
        cache.current.store(true, Ordering::Release);
        let g = cache.generation();
        for token in 0..100 {
            cache.put(&format!("token-{token}"), "big", None, g, large(9, 1));
        }
        assert!(
            cache.bytes() < 128 * 1024,
            "one 64 KiB copy for 100 tokens: {} bytes",
            cache.bytes()
        );
        let a = cache.get("token-1", "big", None).unwrap();
        let b = cache.get("token-99", "big", None).unwrap();
        assert!(Arc::ptr_eq(&a.sealed, &b.sealed));
    }

    #[test]
    fn the_cache_never_holds_more_bytes_than_its_budget() {
        let budget = 1024 * 1024;
        let cache = ReadCache::with_budget(budget);
        cache.current.store(true, Ordering::Release);
        let g = cache.generation();
        for version in 0..100 {
            cache.put(
                "token",
                &format!("s{version}"),
                None,
                g,
                large(version, version),
            );
            assert!(cache.bytes() <= budget, "{} bytes", cache.bytes());
        }
        // The latest read is still remembered after starting over.
        assert!(cache.get("token", "s99", None).is_some());
        // A value larger than the whole budget is simply not remembered.
        let tiny = ReadCache::with_budget(1024);
        tiny.current.store(true, Ordering::Release);
        tiny.put("token", "big", None, tiny.generation(), large(1, 1));
        assert!(tiny.get("token", "big", None).is_none());
        assert_eq!(tiny.bytes(), 0);
    }

    #[test]
    fn until_the_change_counter_is_known_nothing_is_remembered() {
        let cache = ReadCache::default();
        cache.put("h1", "api_key", None, cache.generation(), granted());
        cache.current.store(true, Ordering::Release);
        assert!(cache.get("h1", "api_key", None).is_none());
    }
}
