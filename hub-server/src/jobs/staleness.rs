//! The dead man's switch: `node_stale` once a node's newest report is older
//! than `stale_threshold`, `node_down` once past `down_threshold`,
//! `node_recovered` once reports resume after either. One event per
//! transition, never one per check; the state is stored with the event in
//! one transaction, so a restart neither repeats nor misses a transition.
//!
//! Escalation counts a report's age from the later of its receipt and the
//! hub's own start: while the hub was down nobody could report to it, so a
//! restart after an outage gives every node a full threshold to check in
//! before anyone is woken. Recovery needs a report fresher than
//! `stale_threshold`; the grace never makes a silent node look recovered.

use std::sync::Arc;

use hub_proto::EventType;
use jiff::{SignedDuration, Timestamp};

use super::JobError;
use crate::state::AppState;
use crate::store::{NewEvent, NodeState};

/// Runs one check; returns how many transitions were recorded.
pub async fn check(st: &Arc<AppState>) -> Result<usize, JobError> {
    let now = st.clock.now();
    let stale = st.config.alerting.stale_threshold.0;
    let down = st.config.alerting.down_threshold.0;
    let mut transitions = 0;
    for node in st.store.watched_nodes().await? {
        // Recovery needs a fresh report; escalation waits out the grace.
        let real_age = now.duration_since(node.last_received_at);
        let grace_age = now.duration_since(node.last_received_at.max(st.started_at));
        let new = if real_age.is_negative() || real_age.unsigned_abs() <= stale {
            NodeState::Ok
        } else {
            let escalated = if grace_age.is_negative() {
                NodeState::Ok
            } else if grace_age.unsigned_abs() > down {
                NodeState::Down
            } else if grace_age.unsigned_abs() > stale {
                NodeState::Stale
            } else {
                NodeState::Ok
            };
            escalated.max(node.state)
        };
        let age = real_age;
        if new == node.state {
            continue;
        }
        let event = match (node.state, new) {
            (NodeState::Ok, NodeState::Stale) => Some((
                EventType::NodeStale,
                format!(
                    "No report for {} (last received {})",
                    human(age),
                    node.last_received_at
                ),
                serde_json::json!({"last_received_at": node.last_received_at}),
            )),
            (_, NodeState::Down) => Some((
                EventType::NodeDown,
                format!(
                    "No report for {} (last received {})",
                    human(age),
                    node.last_received_at
                ),
                serde_json::json!({"last_received_at": node.last_received_at}),
            )),
            (prev, NodeState::Ok) => Some((
                EventType::NodeRecovered,
                format!("Reports resumed (was {})", prev.as_str()),
                serde_json::json!({"previous": prev.as_str()}),
            )),
            // Stale after down cannot be reached without a fresh report.
            (_, NodeState::Stale) => None,
        };
        let event = event
            .map(|(t, message, details)| hub_event(&node.customer_id, t, message, details, now));
        let id = st
            .store
            .set_node_state(node.customer_id.clone(), new, event.clone(), now)
            .await?;
        if id.is_some() {
            tracing::info!(customer = %node.customer_id, from = node.state.as_str(), to = new.as_str(), "staleness: transition");
            st.wake.notify_one();
        }
        transitions += 1;
    }
    Ok(transitions)
}

/// An event the hub itself emits.
pub fn hub_event(
    customer_id: &str,
    t: EventType,
    message: String,
    details: serde_json::Value,
    now: Timestamp,
) -> NewEvent {
    NewEvent {
        customer_id: customer_id.to_owned(),
        event_type: t,
        severity: t.usual_severity(),
        message,
        details: Some(details.to_string()),
        occurred_at: now,
        received_at: now,
        from_hub: true,
        event_id: None,
    }
}

/// "1h 5m", "45m", "3d 2h".
fn human(d: SignedDuration) -> String {
    let mins = d.as_secs().max(0) / 60;
    let (days, hours, m) = (mins / 1440, (mins / 60) % 24, mins % 60);
    match (days, hours) {
        (0, 0) => format!("{m}m"),
        (0, h) => format!("{h}h {m}m"),
        (d, h) => format!("{d}d {h}h"),
    }
}
