//! One policy for poisoned locks, used by every lock in the hub.
//!
//! A lock is poisoned when a thread panicked while holding it. Giving up
//! on it (the old `if let Ok(..)` pattern) silently drops whatever the lock
//! guards from then on — the live model would stop following the database
//! for good, a job's runs would no longer be recorded. Every lock here is
//! held only for short, self-contained updates, so the data behind a
//! poisoned one is at worst one update behind: the hub recovers it, logs
//! which lock it was, and counts it (`hub_poisoned_locks_total` in
//! `/metrics`), so the panic that caused it is noticed without the hub
//! degrading.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

static POISONED: AtomicU64 = AtomicU64::new(0);

/// Locks found poisoned (and recovered) since the process started.
pub fn poisoned_locks() -> u64 {
    POISONED.load(Ordering::Relaxed)
}

/// The guard of a lock found poisoned, counted and logged (for `try_lock`
/// and other places that get the [`PoisonError`] themselves).
pub fn recover<G>(what: &'static str, e: PoisonError<G>) -> G {
    POISONED.fetch_add(1, Ordering::Relaxed);
    tracing::error!(
        lock = what,
        "a lock was poisoned by a panic while held; recovered it"
    );
    e.into_inner()
}

/// Locks `m`, recovering it if a panic poisoned it.
pub fn lock<'a, T>(m: &'a Mutex<T>, what: &'static str) -> MutexGuard<'a, T> {
    m.lock().unwrap_or_else(|e| recover(what, e))
}

/// Takes `l` for reading, recovering it if a panic poisoned it.
pub fn read<'a, T>(l: &'a RwLock<T>, what: &'static str) -> RwLockReadGuard<'a, T> {
    l.read().unwrap_or_else(|e| recover(what, e))
}

/// Takes `l` for writing, recovering it if a panic poisoned it.
pub fn write<'a, T>(l: &'a RwLock<T>, what: &'static str) -> RwLockWriteGuard<'a, T> {
    l.write().unwrap_or_else(|e| recover(what, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_poisoned_lock_is_recovered_and_counted() {
        let m = std::sync::Arc::new(Mutex::new(1));
        let l = std::sync::Arc::new(RwLock::new(1));
        let (m2, l2) = (m.clone(), l.clone());
        let _ = std::thread::spawn(move || {
            let _g = m2.lock();
            let _w = l2.write();
            panic!("poison both");
        })
        .join();
        assert!(m.is_poisoned() && l.is_poisoned());
        let before = poisoned_locks();
        *lock(&m, "test mutex") += 1;
        *write(&l, "test rwlock") += 1;
        assert_eq!(*lock(&m, "test mutex"), 2);
        assert_eq!(*read(&l, "test rwlock"), 2);
        // Each recovery is counted (other tests may count theirs too).
        assert!(poisoned_locks() >= before + 4);
    }
}
