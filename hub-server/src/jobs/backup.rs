//! The hub's own scheduled backup: once a local day at `backup.schedule`,
//! a consistent copy of the database into `backup.dir`
//! (`hub-<UTC time>.db`), the newest `backup.keep` kept. A failure marks
//! the backup failing (`/healthz` is `degraded` with `"backup":
//! "failing"`) until one succeeds, is retried every [`RETRY_AFTER`] (not on
//! every tick: a full volume is not helped by writing a gigabyte every
//! 20 s; the ticks in between are quiet, so the log has one WARN per
//! attempt), and emails the operator once per day it fails.

use std::sync::Arc;

use hub_proto::{LegacyNotify, Severity};

use super::JobError;
use super::daily::{due, zone};
use crate::state::AppState;
use crate::store::backup::{self, BackupSummary};

pub use crate::store::backup::BACKUP_JOB;

pub use hub_proto::HUB_ALERT_ID;

/// Runs the backup if it is due; `None` if it was not.
pub async fn scheduled(st: &Arc<AppState>) -> Result<Option<BackupSummary>, JobError> {
    let Some(at) = st.config.backup.time() else {
        return Ok(None);
    };
    let now = st.clock.now();
    let tz = zone(st)?;
    let last = st.store.job_last_run(BACKUP_JOB).await?;
    let Some(day) = due(now, &tz, at, last.as_deref()) else {
        return Ok(None);
    };
    if st
        .store
        .backup_failing_since()
        .await?
        .is_some_and(|t| now.duration_since(t) < RETRY_AFTER)
    {
        // Waiting for the next attempt; `failing` keeps it visible.
        return Ok(None);
    }
    let data_dir = st.config.server.data_dir.clone();
    let dir = st.config.backup_dir();
    let keep = st.config.backup.keep as usize;
    let name = format!("hub-{}.db", now.strftime("%Y%m%dT%H%M%SZ"));
    let dest = dir.join(name);
    let result = tokio::task::spawn_blocking(move || {
        let summary = backup::backup_to(&data_dir, &dest)?;
        backup::rotate(&dir, keep)?;
        Ok::<_, crate::store::StoreError>(summary)
    })
    .await
    .map_err(|e| JobError::Remote(format!("backup task: {e}")))?;
    match result {
        Ok(summary) => {
            st.store
                .complete_daily_job(BACKUP_JOB, day.to_string(), Vec::new(), now)
                .await?;
            st.store.set_state(FAILED_AT, String::new(), now).await?;
            Ok(Some(summary))
        }
        Err(e) => {
            st.store.set_state(FAILED_AT, now.to_string(), now).await?;
            // Once per failing day: the failure is remembered under its own
            // job name, so retries on later ticks do not email again.
            let alerted = st.store.job_last_run(BACKUP_ALERT_JOB).await?;
            if alerted.as_deref() != Some(day.to_string().as_str()) {
                let n = LegacyNotify {
                    customer_id: HUB_ALERT_ID.into(),
                    subject: "the hub's scheduled backup failed".into(),
                    message: format!(
                        "The backup into {} failed: {e}. The hub keeps retrying; \
                         run `hub-server backup --to FILE` to take one by hand.",
                        st.config.backup_dir().display()
                    ),
                    severity: Severity::Error,
                };
                match serde_json::to_value(&n) {
                    Ok(payload) => {
                        st.store
                            .enqueue_outbox("legacy_notify", n.customer_id.clone(), payload, now)
                            .await?;
                        st.wake.notify_one();
                    }
                    Err(err) => tracing::warn!(error = %err, "backup failure alert not queued"),
                }
                st.store
                    .complete_daily_job(BACKUP_ALERT_JOB, day.to_string(), Vec::new(), now)
                    .await?;
            }
            Err(e.into())
        }
    }
}

/// How long after a failed backup the next attempt waits.
pub const RETRY_AFTER: jiff::SignedDuration = jiff::SignedDuration::from_mins(10);
use crate::store::backup::FAILED_AT;

/// Marks the days a failed backup was reported on.
const BACKUP_ALERT_JOB: &str = "backup-alert";
