//! The daily digest's schedule: at `digest.time` (local, `alerting.timezone`),
//! once per local day across restarts; the digest itself is
//! [`crate::service::digest`].

use super::JobError;
use super::daily::due;
use crate::service::digest;
use crate::state::AppState;

/// The scheduled digest's name among the daily jobs.
pub const DIGEST_JOB: &str = "digest";

/// The daily run: queues today's digest once `digest.time` has passed,
/// once per local day. Returns whether it did.
pub async fn scheduled(st: &AppState) -> Result<bool, JobError> {
    let Some(at) = st.config.digest.at() else {
        return Ok(false);
    };
    let now = st.clock.now();
    let last = st.store.job_last_run(DIGEST_JOB).await?;
    let Some(day) = due(now, &st.tz, at, last.as_deref()) else {
        return Ok(false);
    };
    let d = digest::build(st)
        .await
        .map_err(|e| JobError::Remote(e.to_string()))?;
    let key = format!(
        "{}-digest-{day}",
        digest::instance(st)
            .await
            .map_err(|e| JobError::Remote(e.to_string()))?
    );
    let Some(mail) = digest::email(st, &d, key) else {
        // Nothing to send it with: the day counts as done all the same.
        st.store
            .complete_daily_job(DIGEST_JOB, day.to_string(), Vec::new(), now)
            .await?;
        return Ok(false);
    };
    let queued = st
        .store
        .queue_digest(Some(DIGEST_JOB), day.to_string(), mail, now)
        .await?;
    if queued {
        st.wake.notify_one();
    }
    Ok(queued)
}
