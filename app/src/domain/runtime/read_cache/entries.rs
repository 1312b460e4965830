//! What the read cache holds: granted reads by token, secret name and version, counted in
//! bytes against a budget, with one copy of each version's ciphertext however many tokens
//! read it.

use std::collections::HashMap;
use std::sync::Arc;

use crate::domain::admin::token_identity::AgentIdentity;

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
pub(super) struct Entries {
    by_token: HashMap<String, HashMap<String, Versions>>,
    /// One copy of each (secret, version)'s ciphertext, shared by every entry that found it.
    sealed: HashMap<(i64, i64), Arc<[u8]>>,
    /// What the entries and the ciphertexts take, as counted by [`Entries::cost`].
    pub(super) bytes: usize,
}

impl Entries {
    /// What was found for `token_hash`, `name` and `version`, if it is remembered.
    pub(super) fn find(
        &self,
        token_hash: &str,
        name: &str,
        version: Option<i64>,
    ) -> Option<Arc<Granted>> {
        let (_, granted) = self
            .by_token
            .get(token_hash)?
            .get(name)?
            .iter()
            .find(|(v, _)| *v == version)?;
        Some(granted.clone())
    }

    /// Remembers `granted` for `token_hash`, `name` and `version`. Past `budget` the entries
    /// start over; a read that alone takes more than `budget` is not remembered.
    pub(super) fn remember(
        &mut self,
        budget: usize,
        token_hash: &str,
        name: &str,
        version: Option<i64>,
        mut granted: Granted,
    ) {
        let mut cost = self.cost(token_hash, name, &granted);
        if self.bytes + cost > budget {
            *self = Entries::default();
            cost = self.cost(token_hash, name, &granted);
            if cost > budget {
                return;
            }
        }
        self.bytes += cost;
        granted.sealed = self
            .sealed
            .entry((granted.secret_id, granted.version))
            .or_insert_with(|| granted.sealed.clone())
            .clone();
        let versions = self
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
