//! What controllers push: reports, events, infra backups, preferences and
//! legacy relays. Each is committed before it is acknowledged; the live
//! model and the stream follow from the commit (the store's writer applies
//! the change), and the notification dispatcher is woken for new events.

use hub_proto::{EventIn, InfraBackup, LegacyNotify, Preferences, Report, ReportAccepted};

use super::Result;
use super::auth::Caller;
use crate::state::AppState;
use crate::store::{NewEvent, NewReport};

/// Stores a report, `raw` as received (verbatim, compressed).
pub async fn report(
    st: &AppState,
    caller: &Caller,
    raw: &[u8],
    r: Report,
) -> Result<ReportAccepted> {
    let (dict, body) = st.store.codec().compress_report(raw)?;
    let out = st
        .store
        .insert_report(NewReport {
            timestamp: r.timestamp,
            received_at: st.clock.now(),
            health: r.health,
            monitoring_disabled: r.monitoring_disabled,
            hostname: r.hostname().map(str::to_owned),
            signals: r.signals(),
            controller_version: r.controller_version,
            controller_url: r.controller_url,
            dict,
            body,
            customer_id: r.customer_id,
            own_key: caller.own_key(),
        })
        .await?;
    st.metrics.reports_ingested.inc();
    Ok(ReportAccepted {
        status: "ok".into(),
        customer_blocked: out.customer_blocked,
    })
}

/// Stores an event from a controller; returns its id and whether it was a
/// repeat of an earlier `event_id` (then the first one's id).
pub async fn event(st: &AppState, e: EventIn) -> Result<(i64, bool)> {
    let now = st.clock.now();
    let out = st
        .store
        .insert_event(NewEvent {
            customer_id: e.customer_id,
            event_type: e.event_type,
            severity: e.severity,
            message: e.message,
            details: e.details.map(|d| serde_json::Value::Object(d).to_string()),
            occurred_at: e.occurred_at.unwrap_or(now),
            received_at: now,
            from_hub: false,
            event_id: e.event_id,
        })
        .await?;
    if !out.duplicate {
        st.metrics.events_ingested.inc();
        st.wake.notify_one();
    }
    Ok((out.id, out.duplicate))
}

/// Stores an infra backup, `raw` as received.
pub async fn infra_backup(st: &AppState, b: &InfraBackup, raw: Vec<u8>) -> Result<()> {
    st.store
        .insert_infra_backup(b.customer_id.clone(), b.created_at, st.clock.now(), raw)
        .await?;
    Ok(())
}

pub async fn preferences(st: &AppState, p: Preferences) -> Result<()> {
    st.store.set_preferences(p, st.clock.now()).await?;
    Ok(())
}

/// Queues a legacy relay for the operator.
pub async fn legacy_notify(st: &AppState, n: &LegacyNotify) -> Result<()> {
    let payload =
        serde_json::to_value(n).map_err(|e| super::ServiceError::Internal(e.to_string()))?;
    st.store
        .enqueue_outbox(
            "legacy_notify",
            n.customer_id.clone(),
            payload,
            st.clock.now(),
        )
        .await?;
    st.wake.notify_one();
    Ok(())
}
