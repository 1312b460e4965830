//! The time that second-factor checks go by (authenticator codes, the five minutes of a
//! half-finished sign-in, a passkey ceremony): the system's, or one a test sets and moves,
//! injected through the application state, so that tests of window edges do not depend on
//! when they run.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

#[derive(Clone, Default)]
pub struct Clock(Option<Arc<AtomicI64>>);

impl Clock {
    /// The system's clock.
    pub fn system() -> Self {
        Self(None)
    }

    /// A clock standing at `at` (Unix seconds) until it is moved; clones share it.
    pub fn fixed(at: i64) -> Self {
        Self(Some(Arc::new(AtomicI64::new(at))))
    }

    /// Seconds since the Unix epoch.
    pub fn now(&self) -> i64 {
        match &self.0 {
            Some(at) => at.load(Ordering::SeqCst),
            None => super::now(),
        }
    }

    /// Moves a fixed clock by `seconds` (the system's cannot be moved).
    pub fn advance(&self, seconds: i64) {
        if let Some(at) = &self.0 {
            at.fetch_add(seconds, Ordering::SeqCst);
        }
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Some(_) => write!(f, "Clock(fixed at {})", self.now()),
            None => f.write_str("Clock(system)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Clock;

    #[test]
    fn a_fixed_clock_stands_until_moved_and_its_clones_move_with_it() {
        let clock = Clock::fixed(1_000);
        let shared = clock.clone();
        assert_eq!(clock.now(), 1_000);
        shared.advance(30);
        assert_eq!(clock.now(), 1_030);
        let system = Clock::system();
        system.advance(10_000);
        assert!((system.now() - super::super::now()).abs() < 5);
    }
}
