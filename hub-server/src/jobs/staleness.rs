//! The dead man's switch: `node_stale` once a node's newest report is older
//! than `stale_threshold`, `node_down` once past `down_threshold`,
//! `node_recovered` once reports resume after either. One event per
//! transition, never one per check; the state is stored with the event in
//! one transaction, so a restart neither repeats nor misses a transition.
//!
//! Escalation counts a report's age from the later of its receipt and the
//! start of the watch (the last moment no hub on the database was alive):
//! while no hub was up nobody could report, so a start after an outage
//! gives every node a full threshold to check in before anyone is woken;
//! a replica restarting while another watched gives none. Recovery needs a report fresher than
//! `stale_threshold`; the grace never makes a silent node look recovered.
//!
//! The mass-outage guard runs on the same pass, before any transition is
//! recorded: when enough nodes went silent at once that the hub itself is
//! more likely cut off than they are, the fleet incident is opened first,
//! so the dispatcher holds every per-node email of that silence.

use std::sync::Arc;

use hub_proto::EventType;
use hub_proto::alerts::Family;
use jiff::{SignedDuration, Timestamp};

use super::JobError;
use crate::state::AppState;
use crate::store::{IncidentFilter, IncidentOp, NewEvent, NodeState, NodeTransition, Watched};

/// How recently another hub must have passed its switch to count as
/// watching: three of its passes.
pub fn alive_window(a: &crate::config::AlertingConfig) -> std::time::Duration {
    a.check_interval.0.saturating_mul(3)
}

/// Runs one check; returns how many transitions were recorded.
pub async fn check(st: &Arc<AppState>) -> Result<usize, JobError> {
    let now = st.clock.now();
    st.store.replica_seen(st.replica_id.clone(), now).await?;
    let stale = st.config.alerting.stale_threshold.0;
    let down = st.config.alerting.down_threshold.0;
    let mut plan = Vec::new();
    for node in st.store.watched_nodes().await? {
        // Recovery needs a fresh report; escalation waits out the grace.
        let real_age = now.duration_since(node.last_received_at);
        let grace_age = now.duration_since(node.last_received_at.max(st.watching_since));
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
        plan.push((node, new));
    }
    mass_outage(st, &plan, now).await?;
    let mut batch = Vec::new();
    for (node, new) in plan {
        let age = now.duration_since(node.last_received_at);
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
        batch.push((node.customer_id, node.state, new, event));
    }
    let transitions = batch.len();
    if transitions <= LOGGED_TRANSITIONS {
        for (customer, from, to, _) in &batch {
            tracing::info!(customer = %customer, from = from.as_str(), to = to.as_str(), "staleness: transition");
        }
    } else {
        let count = |s: NodeState| batch.iter().filter(|t| t.2 == s).count();
        tracing::info!(
            transitions,
            stale = count(NodeState::Stale),
            down = count(NodeState::Down),
            ok = count(NodeState::Ok),
            "staleness: transitions"
        );
    }
    let mut batch = batch
        .into_iter()
        .map(|(customer_id, from, to, event)| NodeTransition {
            customer_id,
            from,
            to,
            event,
        });
    loop {
        let chunk: Vec<_> = batch.by_ref().take(TRANSITIONS_PER_COMMIT).collect();
        if chunk.is_empty() {
            break;
        }
        let ids = st.store.set_node_states(chunk, now).await?;
        if ids.iter().any(Option::is_some) {
            st.wake.notify_one();
        }
    }
    Ok(transitions)
}

/// A pass that changes more nodes than this logs one summary line, not a
/// line per node (a mass outage would write 10,000).
const LOGGED_TRANSITIONS: usize = 50;

/// Transitions recorded per transaction: each is atomic with its event, so
/// a mass outage can commit in parts, and reports queued behind it wait
/// for one part (tens of milliseconds), not for all 10,000.
const TRANSITIONS_PER_COMMIT: usize = 1000;

/// What the mass-outage guard counts on one pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Silence {
    /// Nodes not ok whose silence began within `stale_threshold +
    /// mass_outage_window` (counted from the later of receipt and the
    /// hub's start, as escalation is): the ones that turned stale within
    /// the window.
    pub recent: usize,
    /// Nodes not ok at all.
    pub silent: usize,
    /// The earliest last report among the recent ones.
    pub since: Option<Timestamp>,
}

pub fn silence(
    plan: &[(Watched, NodeState)],
    now: Timestamp,
    watching_since: Timestamp,
    stale: std::time::Duration,
    window: std::time::Duration,
) -> Silence {
    let span =
        SignedDuration::try_from(stale.saturating_add(window)).unwrap_or(SignedDuration::MAX);
    let edge = now.checked_sub(span).unwrap_or(Timestamp::MIN);
    let mut s = Silence {
        recent: 0,
        silent: 0,
        since: None,
    };
    for (n, state) in plan {
        if *state == NodeState::Ok {
            continue;
        }
        s.silent += 1;
        if n.last_received_at.max(watching_since) >= edge {
            s.recent += 1;
            s.since = Some(
                s.since
                    .map_or(n.last_received_at, |t| t.min(n.last_received_at)),
            );
        }
    }
    s
}

/// How many nodes turning stale at once make a mass outage:
/// max(`mass_outage_min_nodes`, `mass_outage_fraction` × watched).
pub fn mass_outage_threshold(min_nodes: u32, fraction: f64, watched: usize) -> usize {
    let share = (fraction * watched as f64).ceil();
    let share = if share.is_finite() && share > 0.0 {
        share as usize
    } else {
        0
    };
    share.max(min_nodes as usize)
}

/// Opens the fleet incident when the silence is a mass outage, keeps its
/// peak, and ends it once at most half of its peak is still silent.
async fn mass_outage(
    st: &Arc<AppState>,
    plan: &[(Watched, NodeState)],
    now: Timestamp,
) -> Result<(), JobError> {
    let a = &st.config.alerting;
    let s = silence(
        plan,
        now,
        st.watching_since,
        a.stale_threshold.0,
        a.mass_outage_window.0,
    );
    let open = st
        .store
        .incidents(IncidentFilter {
            open: true,
            customer_id: None,
            family: Some(Family::Fleet),
            limit: 1,
        })
        .await?
        .into_iter()
        .next();
    let op = match open {
        None => {
            let need =
                mass_outage_threshold(a.mass_outage_min_nodes, a.mass_outage_fraction, plan.len());
            if s.recent < need {
                return Ok(());
            }
            tracing::warn!(
                silent = s.recent,
                watched = plan.len(),
                "staleness: mass outage"
            );
            IncidentOp::Open {
                customer_id: None,
                family: Family::Fleet,
                at: now,
                event: None,
                opened_by: "mass_outage".into(),
                message: format!("{} of {} nodes silent at once", s.recent, plan.len()),
                held: None,
                held_until: None,
                notified_operator: false,
                notified_customer: false,
                next_reminder_at: None,
                detail: serde_json::json!({
                    "silent": s.recent,
                    "total": plan.len(),
                    "since": s.since.unwrap_or(now),
                }),
            }
        }
        Some(inc) => {
            let peak = inc.detail["silent"].as_u64().unwrap_or(0) as usize;
            if s.silent * 2 <= peak {
                tracing::info!(silent = s.silent, peak, "staleness: mass outage over");
                IncidentOp::Resolve {
                    id: inc.id,
                    at: now,
                    event: None,
                    notified: false,
                }
            } else if s.silent > peak {
                let mut detail = inc.detail.clone();
                detail["silent"] = s.silent.into();
                IncidentOp::Detail { id: inc.id, detail }
            } else {
                return Ok(());
            }
        }
    };
    st.store.update_incidents(vec![op]).await?;
    st.wake.notify_one();
    Ok(())
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
