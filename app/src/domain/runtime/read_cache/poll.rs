//! Following the database's change counter: a change made elsewhere (another instance, the
//! CLI) empties the cache, and while the counter cannot be read the cache is bypassed.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use super::ReadCache;
use crate::domain::db::Pool;
use crate::domain::DomainError;

impl ReadCache {
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
