//! Turns to write, first come first served, for the write transactions of one process on one
//! SQLite file.
//!
//! SQLite lets one writer in at a time, and a writer that finds the file locked waits in
//! SQLite's busy handler, which sleeps and tries again (1, 2, 5, ... up to 100 ms between
//! tries). That is not a queue: a writer that has just committed and begins again at once (a
//! bulk import's next chunk) gets the lock before one that has been waiting (the audit
//! writer, with runtime reads behind it). Waiting for a turn here first makes the process's
//! writers take the lock in the order they asked for it, so a read's audit batch waits for at
//! most the one transaction ahead of it. Other processes (the CLI) still meet SQLite's busy
//! handler.
//!
//! PostgreSQL's writers lock rows, not the database, and take no turns.
//!
//! A caller takes its connection before its turn, never the other way round: whoever holds a
//! turn already has the connection it writes on, so a turn is never held while waiting for
//! the pool.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex, Weak};
use std::time::Duration;

use tokio::sync::OwnedMutexGuard;

/// A turn is waited for at most as long as SQLite's busy handler waits (`busy_timeout`).
pub const WAIT: Duration = Duration::from_secs(5);

/// The queue of each SQLite file this process writes to, by the pool's database URL.
static QUEUES: LazyLock<Mutex<HashMap<String, Weak<Queue>>>> = LazyLock::new(Default::default);

/// One file's writers: who holds the turn (a fair, first-come-first-served lock) and how many
/// wait for it.
#[derive(Default)]
struct Queue {
    turn: Arc<tokio::sync::Mutex<()>>,
    waiting: AtomicUsize,
}

/// This process's turn to write to a SQLite file; the next writer's turn begins when it drops.
pub struct Turn {
    _held: OwnedMutexGuard<()>,
    // Keeps the queue known while its turn is held.
    _queue: Arc<Queue>,
}

/// Waits for the next turn to write to the SQLite database at `url` (a pool's database URL;
/// [`crate::domain::db::begin_write`] and the audit writer ask). Fails after [`WAIT`], as
/// SQLite's own wait would.
pub async fn take(url: &str) -> Result<Turn, sqlx::Error> {
    let queue = queue(url);
    queue.waiting.fetch_add(1, Ordering::AcqRel);
    let held = tokio::time::timeout(WAIT, queue.turn.clone().lock_owned()).await;
    queue.waiting.fetch_sub(1, Ordering::AcqRel);
    match held {
        Ok(held) => Ok(Turn {
            _held: held,
            _queue: queue,
        }),
        Err(_) => Err(sqlx::Error::Io(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!("no turn to write within {WAIT:?}: the database is busy"),
        ))),
    }
}

/// How many of this process's writers wait for their turn on the SQLite database at `url`.
pub fn waiting(url: &str) -> usize {
    let queues = QUEUES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    queues
        .get(url)
        .and_then(Weak::upgrade)
        .map_or(0, |q| q.waiting.load(Ordering::Acquire))
}

/// The one queue for `url`, made on first use and forgotten once no writer holds it.
fn queue(url: &str) -> Arc<Queue> {
    let mut queues = QUEUES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(queue) = queues.get(url).and_then(Weak::upgrade) {
        return queue;
    }
    queues.retain(|_, queue| queue.strong_count() > 0);
    let queue = Arc::new(Queue::default());
    queues.insert(url.to_string(), Arc::downgrade(&queue));
    queue
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn writers_take_their_turns_in_the_order_they_asked() {
        let queue_held = queue("sqlite://turn-order.db");
        let first = queue_held.turn.clone().lock_owned().await;
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut waiting = Vec::new();
        for i in 0..5 {
            let order = order.clone();
            waiting.push(tokio::spawn(async move {
                let _turn = queue("sqlite://turn-order.db")
                    .turn
                    .clone()
                    .lock_owned()
                    .await;
                order.lock().unwrap().push(i);
            }));
            // Each asks before the next one is started.
            tokio::task::yield_now().await;
        }
        drop(first);
        for w in waiting {
            w.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), [0, 1, 2, 3, 4]);
    }

    #[test]
    fn each_file_has_its_own_queue_and_an_unused_one_is_forgotten() {
        let a = queue("sqlite://a.db");
        assert!(Arc::ptr_eq(&a, &queue("sqlite://a.db")));
        assert!(!Arc::ptr_eq(&a, &queue("sqlite://b.db")));
        drop(a);
        queue("sqlite://c.db");
        assert!(!QUEUES.lock().unwrap().contains_key("sqlite://b.db"));
    }
}
