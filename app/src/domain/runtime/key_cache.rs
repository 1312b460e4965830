//! Data keys unwrapped once per process, so a runtime read costs no master-key work.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::domain::db::Pool;
use crate::domain::keys::crypto::{DataKey, Keyring};
use crate::domain::keys::data_keys;
use crate::domain::DomainError;

/// Unwrapped data keys by row id. A data key never changes once created (a master key
/// rotation re-wraps it, the key itself stays), so entries need no invalidation.
#[derive(Default)]
pub struct DataKeyCache {
    keys: RwLock<HashMap<i64, Arc<DataKey>>>,
}

impl DataKeyCache {
    pub(super) async fn get(
        &self,
        pool: &Pool,
        keyring: &Keyring,
        workspace_id: i64,
        key_id: i64,
    ) -> Result<Arc<DataKey>, DomainError> {
        if let Some(key) = self.keys.read().ok().and_then(|m| m.get(&key_id).cloned()) {
            return Ok(key);
        }
        let mut conn = pool.acquire().await?;
        let key =
            Arc::new(data_keys::for_decryption(&mut conn, keyring, workspace_id, key_id).await?);
        if let Ok(mut map) = self.keys.write() {
            map.insert(key_id, key.clone());
        }
        Ok(key)
    }
}
