//! The watcher's watcher: while the hub is healthy it calls
//! `alerting.heartbeat_url` every `alerting.heartbeat_interval`, so an
//! outside dead man's switch (healthchecks.io, Uptime Kuma's push monitor,
//! …) notices when the hub itself is dead, wedged or blind. Healthy means:
//! every job ran on time (the dead man's switch among them), the database
//! answers, and the outbox is being worked off. When one of them fails the
//! heartbeat stops, and the outside switch raises the alarm.

use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use super::JobError;
use crate::state::AppState;

/// The job's own name on the board (its own lateness does not stop it).
pub const HEARTBEAT_JOB: &str = "heartbeat";
/// An outbox entry this old means the dispatcher is stuck.
pub const OUTBOX_STUCK: SignedDuration = SignedDuration::from_mins(10);
const SENT_AT: &str = "heartbeat_sent_at";

/// Sends the heartbeat if it is due and the hub is healthy: `Ok(true)`
/// when sent, `Ok(false)` when not due (or no URL), an error naming what
/// is wrong when the hub is not healthy or the call failed.
pub async fn beat(st: &Arc<AppState>) -> Result<bool, JobError> {
    let url = st.config.alerting.heartbeat_url.expose();
    if url.is_empty() {
        return Ok(false);
    }
    let now = st.clock.now();
    let interval = SignedDuration::try_from(st.config.alerting.heartbeat_interval.0)
        .unwrap_or(SignedDuration::from_mins(5));
    let last: Option<Timestamp> = st
        .store
        .get_state(SENT_AT)
        .await?
        .and_then(|s| s.parse().ok());
    if last.is_some_and(|t| now.duration_since(t) < interval) {
        return Ok(false);
    }
    let mut overdue: Vec<String> = st
        .jobs
        .overdue(now)
        .into_iter()
        .filter(|j| j != HEARTBEAT_JOB)
        .collect();
    // Between two attempts of a failed backup its ticks succeed; the
    // backup is still failing.
    if st.store.backup_failing_since().await?.is_some() {
        overdue.push(format!("{} (failing)", super::backup::BACKUP_JOB));
    }
    if !overdue.is_empty() {
        return Err(JobError::Remote(format!(
            "heartbeat withheld: overdue job(s) {}",
            overdue.join(", ")
        )));
    }
    if let Err(e) = st.store.ping(Duration::from_secs(5)).await {
        return Err(JobError::Remote(format!("heartbeat withheld: {e}")));
    }
    if let Some(oldest) = st.store.oldest_outbox().await?
        && now.duration_since(oldest) > OUTBOX_STUCK
    {
        return Err(JobError::Remote(
            "heartbeat withheld: the outbox is stuck".into(),
        ));
    }
    // The URL names the outside check: never in a message.
    let resp = st
        .http
        .get(url)
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .map_err(|e| JobError::Remote(format!("heartbeat not delivered: {}", e.without_url())))?;
    if !resp.status().is_success() {
        return Err(JobError::Remote(format!(
            "heartbeat answered {}",
            resp.status().as_u16()
        )));
    }
    st.store.set_state(SENT_AT, now.to_string(), now).await?;
    Ok(true)
}
