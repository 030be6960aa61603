//! The job board: what every background job last did, kept in memory. Each run is
//! recorded when it starts and ends (a panic included), so a job that dies
//! or stops succeeding is visible in `/healthz`, the admin status view and
//! to the heartbeat, instead of going quiet.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use hub_proto::admin::JobStatus;
use jiff::{SignedDuration, Timestamp};

/// Slack beyond twice a job's period before it counts as overdue.
const SLACK: SignedDuration = SignedDuration::from_secs(60);

#[derive(Debug, Default)]
pub struct JobBoard {
    jobs: Mutex<BTreeMap<&'static str, Record>>,
}

#[derive(Debug, Clone)]
struct Record {
    every: Duration,
    registered_at: Timestamp,
    last_started_at: Option<Timestamp>,
    last_success_at: Option<Timestamp>,
    last_failure_at: Option<Timestamp>,
    last_error: Option<String>,
    runs: u64,
    failures: u64,
    /// The other hub that held the job at this hub's last tick.
    held_by: Option<String>,
    last_standby_at: Option<Timestamp>,
}

impl JobBoard {
    /// Makes a job known (it is overdue if it never succeeds).
    pub fn register(&self, name: &'static str, every: Duration, now: Timestamp) {
        crate::sync::lock(&self.jobs, "job board")
            .entry(name)
            .or_insert(Record {
                every,
                registered_at: now,
                last_started_at: None,
                last_success_at: None,
                last_failure_at: None,
                last_error: None,
                runs: 0,
                failures: 0,
                held_by: None,
                last_standby_at: None,
            });
    }

    pub fn started(&self, name: &'static str, now: Timestamp) {
        self.update(name, |r| {
            r.last_started_at = Some(now);
            r.held_by = None;
            r.runs += 1;
        });
    }

    /// This hub's tick found the job held by hub `holder` (its lease has
    /// not run out): not a run, and not overdue here while that holds —
    /// the holder answers for it, and this hub takes over once its lease
    /// runs out.
    pub fn standby(&self, name: &'static str, now: Timestamp, holder: String) {
        self.update(name, |r| {
            r.held_by = Some(holder);
            r.last_standby_at = Some(now);
        });
    }

    pub fn succeeded(&self, name: &'static str, now: Timestamp) {
        self.update(name, |r| r.last_success_at = Some(now));
    }

    pub fn failed(&self, name: &'static str, now: Timestamp, error: String) {
        self.update(name, |r| {
            r.last_failure_at = Some(now);
            r.last_error = Some(error);
            r.failures += 1;
        });
    }

    fn update(&self, name: &'static str, f: impl FnOnce(&mut Record)) {
        if let Some(r) = crate::sync::lock(&self.jobs, "job board").get_mut(name) {
            f(r);
        }
    }

    /// Every job's status as of `now`.
    pub fn snapshot(&self, now: Timestamp) -> Vec<JobStatus> {
        crate::sync::lock(&self.jobs, "job board")
            .iter()
            .map(|(name, r)| {
                let since = r
                    .last_success_at
                    .max(r.last_standby_at)
                    .unwrap_or(r.registered_at);
                let allowed = SignedDuration::try_from(r.every.saturating_mul(2))
                    .unwrap_or(SignedDuration::MAX)
                    .saturating_add(SLACK);
                JobStatus {
                    name: (*name).to_owned(),
                    every_secs: r.every.as_secs(),
                    last_started_at: r.last_started_at,
                    last_success_at: r.last_success_at,
                    last_failure_at: r.last_failure_at,
                    last_error: r.last_error.clone(),
                    runs: r.runs,
                    failures: r.failures,
                    overdue: now.duration_since(since) > allowed,
                    held_by: r.held_by.clone(),
                }
            })
            .collect()
    }

    /// Names of overdue jobs.
    pub fn overdue(&self, now: Timestamp) -> Vec<String> {
        self.snapshot(now)
            .into_iter()
            .filter(|j| j.overdue)
            .map(|j| j.name)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_job_that_stops_succeeding_becomes_overdue() {
        let b = JobBoard::default();
        let t0: Timestamp = "2026-11-27T10:00:00Z".parse().unwrap();
        b.register("staleness", Duration::from_secs(60), t0);
        assert!(b.overdue(t0 + SignedDuration::from_mins(2)).is_empty());
        assert_eq!(
            b.overdue(t0 + SignedDuration::from_secs(181)),
            ["staleness"]
        );
        b.started("staleness", t0 + SignedDuration::from_mins(3));
        b.succeeded("staleness", t0 + SignedDuration::from_mins(3));
        assert!(b.overdue(t0 + SignedDuration::from_mins(5)).is_empty());
        b.failed(
            "staleness",
            t0 + SignedDuration::from_mins(4),
            "boom".into(),
        );
        let s = &b.snapshot(t0 + SignedDuration::from_mins(7))[0];
        assert_eq!((s.runs, s.failures, s.overdue), (1, 1, true));
        assert_eq!(s.last_error.as_deref(), Some("boom"));
    }

    #[test]
    fn a_job_another_hub_holds_is_not_overdue_here_until_the_ticks_stop() {
        let b = JobBoard::default();
        let t0: Timestamp = "2026-11-27T10:00:00Z".parse().unwrap();
        b.register("registry", Duration::from_secs(60), t0);
        b.standby("registry", t0 + SignedDuration::from_mins(2), "b".into());
        let s = &b.snapshot(t0 + SignedDuration::from_mins(4))[0];
        assert_eq!((s.runs, s.overdue), (0, false));
        assert_eq!(s.held_by.as_deref(), Some("b"));
        // No tick for longer than allowed: overdue again.
        assert!(b.snapshot(t0 + SignedDuration::from_mins(6))[0].overdue);
        // Taking the job over clears the holder.
        b.started("registry", t0 + SignedDuration::from_mins(6));
        assert_eq!(
            b.snapshot(t0 + SignedDuration::from_mins(6))[0].held_by,
            None
        );
    }
}
