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
//!
//! What an entry holds and costs is `entries`; following the change counter is `poll`.

mod entries;
mod poll;

pub use entries::Granted;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use entries::Entries;

/// The default budget: a full cache starts over (a working set this large is unusual).
pub const DEFAULT_BUDGET_BYTES: usize = 64 * 1024 * 1024;

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
        self.entries.read().ok()?.find(token_hash, name, version)
    }

    /// Remembers a granted read found in generation `generation`, unless a change came in
    /// meanwhile (then what was found may already be stale).
    pub fn put(
        &self,
        token_hash: &str,
        name: &str,
        version: Option<i64>,
        generation: u64,
        granted: Granted,
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
        entries.remember(self.budget, token_hash, name, version, granted);
    }

    /// Forgets every entry: something that a remembered read depends on may have changed.
    pub fn invalidate(&self) {
        // Under the write lock, so that a `put` that checked the old generation has finished
        // and one that checks after sees the new one.
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        *entries = Entries::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::admin::token_identity::AgentIdentity;

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
