//! Retrieval-password lockout: after 5 failures for one customer id within
//! 15 minutes, both retrieval endpoints refuse that id until the window
//! passes. Failures are counted for unknown ids too, so the answers never
//! tell which customers exist.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use jiff::{SignedDuration, Timestamp};

pub const MAX_FAILURES: usize = 5;
pub const WINDOW: SignedDuration = SignedDuration::from_mins(15);
/// Ids tracked at most; beyond it the stalest are forgotten, so a spray of
/// random ids cannot grow memory without bound.
const MAX_TRACKED: usize = 10_000;

#[derive(Debug, Default)]
pub struct Lockout {
    failures: Mutex<HashMap<String, VecDeque<Timestamp>>>,
}

impl Lockout {
    /// `Some(seconds)` to wait when `customer_id` is locked out at `now`.
    pub fn locked(&self, customer_id: &str, now: Timestamp) -> Option<u64> {
        let map = self.failures.lock().ok()?;
        let q = map.get(customer_id)?;
        let recent: Vec<&Timestamp> = q
            .iter()
            .filter(|t| now.duration_since(**t) < WINDOW)
            .collect();
        if recent.len() < MAX_FAILURES {
            return None;
        }
        // Unlocks when the oldest of the last MAX_FAILURES leaves the window.
        let oldest = recent[recent.len() - MAX_FAILURES];
        let left = WINDOW - now.duration_since(*oldest);
        Some(left.as_secs().max(1) as u64)
    }

    pub fn record_failure(&self, customer_id: &str, now: Timestamp) {
        let Ok(mut map) = self.failures.lock() else {
            return;
        };
        if map.len() >= MAX_TRACKED && !map.contains_key(customer_id) {
            map.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < WINDOW));
            if map.len() >= MAX_TRACKED {
                let stalest = map
                    .iter()
                    .min_by_key(|(_, q)| q.back().copied())
                    .map(|(k, _)| k.clone());
                if let Some(k) = stalest {
                    map.remove(&k);
                }
            }
        }
        let q = map.entry(customer_id.to_owned()).or_default();
        while q.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
            q.pop_front();
        }
        q.push_back(now);
        while q.len() > MAX_FAILURES {
            q.pop_front();
        }
    }

    /// Lets the operator lift a lockout before the window passes.
    pub fn clear(&self, customer_id: &str) -> bool {
        self.failures
            .lock()
            .map(|mut m| m.remove(customer_id).is_some())
            .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn five_failures_lock_for_the_window() {
        let l = Lockout::default();
        let t0: Timestamp = "2026-11-27T10:00:00Z".parse().unwrap();
        for i in 0..4 {
            l.record_failure("a", t0 + SignedDuration::from_mins(i));
            assert_eq!(l.locked("a", t0 + SignedDuration::from_mins(i)), None);
        }
        l.record_failure("a", t0 + SignedDuration::from_mins(4));
        assert_eq!(
            l.locked("a", t0 + SignedDuration::from_mins(4)),
            Some(11 * 60)
        );
        assert_eq!(l.locked("b", t0), None);
        assert!(l.locked("a", t0 + SignedDuration::from_mins(14)).is_some());
        assert_eq!(l.locked("a", t0 + SignedDuration::from_mins(15)), None);
        l.record_failure("a", t0 + SignedDuration::from_mins(15));
        assert!(l.clear("a"));
        assert_eq!(l.locked("a", t0 + SignedDuration::from_mins(15)), None);
    }

    #[test]
    fn failures_spread_over_more_than_the_window_do_not_lock() {
        let l = Lockout::default();
        let t0: Timestamp = "2026-11-27T10:00:00Z".parse().unwrap();
        for i in 0..10 {
            l.record_failure("a", t0 + SignedDuration::from_mins(i * 4));
            assert_eq!(
                l.locked("a", t0 + SignedDuration::from_mins(i * 4)),
                None,
                "{i}"
            );
        }
    }

    #[test]
    fn memory_is_bounded() {
        let l = Lockout::default();
        let t0: Timestamp = "2026-11-27T10:00:00Z".parse().unwrap();
        for i in 0..(MAX_TRACKED + 50) {
            l.record_failure(&format!("id-{i}"), t0);
        }
        assert!(l.failures.lock().unwrap().len() <= MAX_TRACKED);
    }
}
