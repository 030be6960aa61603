//! Drift detection: every `drift.check_interval` (each customer at its own
//! jittered moment) the live config of every managed, reporting, unblocked
//! node that is neither down nor in maintenance is compared with what the
//! hub would push, through the same diff as `hubctl diff` (volatile paths,
//! key order and comments ignored; secrets compared, never shown).
//!
//! A difference is drift only after `drift.confirmations` checks in a row
//! saw the same one, and never within `drift.settle` of a push: then one
//! `config_drift` names the paths; a different difference emits again; in
//! sync again emits `config_drift_resolved`. A controller that cannot be
//! read is `unknown`, never drift, and leaves what was seen before as it
//! was.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use hub_proto::EventType;
use hub_proto::admin::{DiffEntry, DriftState};
use hub_proto::alerts::active_window;
use jiff::Timestamp;
use sha2::{Digest, Sha256};

use super::JobError;
use super::staleness::hub_event;
use crate::clock::after;
use crate::service::ServiceError;
use crate::state::AppState;
use crate::store::{DriftCandidate, DriftRow, DriftWrite, NewEvent};

/// Controller calls at once: 1,000 nodes at the default interval are one
/// call every ~20 s on average, so two in flight are plenty.
pub const PARALLEL_CHECKS: usize = 2;

/// Most paths an event names (the rest are counted).
const NAMED_PATHS: usize = 20;

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Checked {
    pub checked: usize,
    pub events: usize,
}

/// The fixed offset of a customer's checks within the interval, so 1,000
/// nodes are not all asked at once and each is asked at the same phase
/// after every restart.
pub fn jitter(customer_id: &str, interval: Duration) -> Duration {
    let h = Sha256::digest(customer_id.as_bytes());
    let n = u64::from_le_bytes([h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]]);
    let ms = interval.as_millis().max(1) as u64;
    Duration::from_millis(n % ms)
}

/// One run: schedules new customers, checks the due ones, records every
/// verdict (and its event) in one transaction.
pub async fn check(st: &Arc<AppState>) -> Result<Checked, JobError> {
    let cfg = &st.config.drift;
    let interval = cfg.check_interval.0;
    if interval.is_zero() {
        return Ok(Checked::default());
    }
    let now = st.clock.now();
    let windows = st.live().windows();
    let mut writes: Vec<DriftWrite> = Vec::new();
    let mut due: Vec<DriftCandidate> = Vec::new();
    for c in st.store.drift_candidates().await? {
        match c.state.as_ref().and_then(|s| s.next_check_at) {
            None => {
                let mut row = c.state.clone().unwrap_or_default();
                row.next_check_at = Some(after(now, jitter(&c.customer_id, interval)));
                writes.push(DriftWrite {
                    customer_id: c.customer_id,
                    seen: c.state,
                    row,
                    event: None,
                });
            }
            Some(t) if t <= now => due.push(c),
            Some(_) => {}
        }
    }
    let mut out = Checked::default();
    let skipped = |c: &DriftCandidate| {
        c.down
            || active_window(&windows, &c.customer_id, now).is_some()
            || c.last_push.is_some_and(|p| {
                let age = now.duration_since(p);
                age.is_negative() || age.unsigned_abs() < cfg.settle.0
            })
    };
    let (skip, check): (Vec<_>, Vec<_>) = due.into_iter().partition(|c| skipped(c));
    for c in skip {
        // Looked at again next interval; what was seen stays as it was.
        let mut row = c.state.clone().unwrap_or_default();
        row.next_check_at = Some(after(now, interval));
        writes.push(DriftWrite {
            customer_id: c.customer_id,
            seen: c.state,
            row,
            event: None,
        });
    }
    let results: Vec<(DriftCandidate, Result<Vec<DiffEntry>, ServiceError>)> =
        futures_util::stream::iter(check)
            .map(|c| async move {
                let diff = crate::service::customers::diff(st, &c.customer_id).await;
                (c, diff.map(|d| d.differences))
            })
            .buffer_unordered(PARALLEL_CHECKS)
            .collect()
            .await;
    let checked_at = st.clock.now();
    for (c, diff) in results {
        out.checked += 1;
        let (row, event) = verdict(
            &c.customer_id,
            c.state.clone().unwrap_or_default(),
            diff,
            cfg.confirmations,
            checked_at,
            after(checked_at, interval),
        );
        writes.push(DriftWrite {
            customer_id: c.customer_id,
            seen: c.state,
            row,
            event,
        });
    }
    if !writes.is_empty() {
        out.events = st.store.record_drift(writes).await?;
    }
    if out.events > 0 {
        st.wake.notify_one();
    }
    Ok(out)
}

/// The hash of a difference: over each path with hashes of both sides, so
/// the same drift is recognised without keeping any value.
pub fn drift_hash(diff: &[DiffEntry]) -> String {
    let mut entries: Vec<_> = diff
        .iter()
        .map(|e| {
            let side = |v: &Option<serde_json::Value>| {
                let text = v.as_ref().map(|v| v.to_string()).unwrap_or_default();
                Sha256::digest(text.as_bytes())
            };
            (e.path.clone(), side(&e.hub), side(&e.controller))
        })
        .collect();
    entries.sort();
    let mut h = Sha256::new();
    for (path, a, b) in entries {
        h.update(path.as_bytes());
        h.update([0]);
        h.update(a);
        h.update(b);
    }
    crate::secrets::cipher::hex(&h.finalize())
}

/// The new row after one check, and the event it emits (if any).
fn verdict(
    customer_id: &str,
    old: DriftRow,
    diff: Result<Vec<DiffEntry>, ServiceError>,
    confirmations: u32,
    now: Timestamp,
    next: Timestamp,
) -> (DriftRow, Option<NewEvent>) {
    let mut row = DriftRow {
        last_checked_at: Some(now),
        next_check_at: Some(next),
        ..old.clone()
    };
    let set = |row: &mut DriftRow, s: DriftState| {
        if row.status != Some(s) {
            row.status = Some(s);
            row.since = Some(now);
        }
    };
    match diff {
        Err(e) => {
            set(&mut row, DriftState::Unknown);
            row.last_error = e.to_string();
            (row, None)
        }
        Ok(d) if d.is_empty() => {
            set(&mut row, DriftState::InSync);
            row.last_error.clear();
            row.hash = None;
            row.consecutive = 0;
            let event = old.emitted.is_some().then(|| {
                hub_event(
                    customer_id,
                    EventType::ConfigDriftResolved,
                    "The live config matches the hub's again".into(),
                    serde_json::json!({}),
                    now,
                )
            });
            row.emitted = None;
            (row, event)
        }
        Ok(d) => {
            row.last_error.clear();
            let hash = drift_hash(&d);
            row.consecutive = if old.hash.as_deref() == Some(hash.as_str()) {
                old.consecutive.saturating_add(1)
            } else {
                1
            };
            row.hash = Some(hash.clone());
            if row.consecutive < confirmations {
                // Not confirmed yet: a node that was drifted stays drifted,
                // one that was in sync (or unknown) keeps that.
                return (row, None);
            }
            set(&mut row, DriftState::Drifted);
            if old.emitted.as_deref() == Some(hash.as_str()) {
                return (row, None);
            }
            row.emitted = Some(hash);
            (row, Some(drift_event(customer_id, &d, now)))
        }
    }
}

/// `config_drift`: the paths and whose side has what, never a value.
fn drift_event(customer_id: &str, d: &[DiffEntry], now: Timestamp) -> NewEvent {
    let named: Vec<&str> = d
        .iter()
        .take(NAMED_PATHS)
        .map(|e| e.path.as_str())
        .collect();
    let more = d.len().saturating_sub(NAMED_PATHS);
    let mut list = named.join(", ");
    if more > 0 {
        list.push_str(&format!(" and {more} more"));
    }
    let message = format!(
        "The live config differs from the hub's at {} path{}: {list}. \
         See `hubctl diff {customer_id}`; `hubctl push {customer_id}` overwrites it",
        d.len(),
        if d.len() == 1 { "" } else { "s" }
    );
    let paths: Vec<serde_json::Value> = d
        .iter()
        .map(|e| serde_json::json!({"path": e.path, "change": e.change()}))
        .collect();
    hub_event(
        customer_id,
        EventType::ConfigDrift,
        message,
        serde_json::json!({"paths": paths, "count": d.len()}),
        now,
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn entry(path: &str, hub: Option<i64>, live: Option<i64>) -> DiffEntry {
        DiffEntry {
            path: path.into(),
            hub: hub.map(Into::into),
            controller: live.map(Into::into),
        }
    }

    #[test]
    fn jitter_stays_inside_the_interval_and_is_stable() {
        let i = Duration::from_secs(6 * 3600);
        for id in ["a", "kovacs-csalad", "b-12"] {
            assert!(jitter(id, i) < i);
            assert_eq!(jitter(id, i), jitter(id, i));
        }
        assert_ne!(jitter("a", i), jitter("b", i));
    }

    #[test]
    fn the_hash_ignores_order_and_sees_values() {
        let a = [entry("x", Some(1), Some(2)), entry("y", None, Some(3))];
        let b = [entry("y", None, Some(3)), entry("x", Some(1), Some(2))];
        assert_eq!(drift_hash(&a), drift_hash(&b));
        let c = [entry("x", Some(1), Some(4)), entry("y", None, Some(3))];
        assert_ne!(drift_hash(&a), drift_hash(&c));
    }
}
