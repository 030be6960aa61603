//! Where "now" comes from. Everything whose behaviour depends on time asks a
//! [`Clock`], so tests move time instead of sleeping.

use std::sync::Mutex;

use jiff::{SignedDuration, Timestamp};

/// `t` plus `d`, saturating at the end of time (a duration from config can
/// be anything up to `u64` seconds).
pub fn after(t: Timestamp, d: std::time::Duration) -> Timestamp {
    t.checked_add(SignedDuration::try_from(d).unwrap_or(SignedDuration::MAX))
        .unwrap_or(Timestamp::MAX)
}

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that only moves when told to; for tests and simulations.
#[derive(Debug)]
pub struct ManualClock(Mutex<Timestamp>);

impl ManualClock {
    pub fn new(start: Timestamp) -> Self {
        Self(Mutex::new(start))
    }

    pub fn set(&self, t: Timestamp) {
        *crate::sync::lock(&self.0, "manual clock") = t;
    }

    pub fn advance(&self, by: SignedDuration) {
        let mut g = crate::sync::lock(&self.0, "manual clock");
        *g = g.saturating_add(by).unwrap_or(*g);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *crate::sync::lock(&self.0, "manual clock")
    }
}
