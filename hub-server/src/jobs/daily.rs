//! Daily jobs in local time: the backup deadline check and pruning.

use std::sync::Arc;

use hub_proto::EventType;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::JobError;
use super::staleness::hub_event;
use crate::config::TimeOfDay;
use crate::state::AppState;
use crate::store::{Pruned, SESSION_ABSOLUTE};

pub const BACKUP_DEADLINE_JOB: &str = "backup_deadline";
pub const PRUNE_JOB: &str = "prune";

/// The local date a daily job at `at` should run for, if it is due at
/// `now`: the local time has passed `at` today and it has not run today.
/// A time that does not exist on a DST day (inside the spring gap) is moved
/// forward by the gap's length, 02:30 becoming 03:30, as RFC 5545 and
/// cron implementations do.
pub fn due(now: Timestamp, tz: &TimeZone, at: TimeOfDay, last_run: Option<&str>) -> Option<Date> {
    let today = now.to_zoned(tz.clone()).date();
    let scheduled = today
        .at(at.hour, at.minute, 0, 0)
        .to_zoned(tz.clone())
        .ok()?
        .timestamp();
    let ran_today = last_run == Some(today.to_string().as_str());
    (now >= scheduled && !ran_today).then_some(today)
}

/// The first instant of `day` in `tz`.
pub fn local_midnight(day: Date, tz: &TimeZone) -> Option<Timestamp> {
    day.to_zoned(tz.clone()).ok().map(|z| z.timestamp())
}

pub(super) fn zone(st: &AppState) -> Result<TimeZone, JobError> {
    TimeZone::get(&st.config.alerting.timezone)
        .map_err(|e| JobError::Remote(format!("time zone: {e}")))
}

/// For each active reporting customer: no `backup_completed` since local
/// midnight → `expected_backup_missed`; likewise for database dumps.
/// Returns whether it ran (once per local day).
pub async fn backup_deadline(st: &Arc<AppState>) -> Result<bool, JobError> {
    let now = st.clock.now();
    let tz = zone(st)?;
    let at = st.config.alerting.backup_deadline;
    let last = st.store.job_last_run(BACKUP_DEADLINE_JOB).await?;
    let Some(day) = due(now, &tz, at, last.as_deref()) else {
        return Ok(false);
    };
    let since = local_midnight(day, &tz).unwrap_or(now);
    let mut events = Vec::new();
    for (done, missed, what) in [
        (
            EventType::BackupCompleted,
            EventType::ExpectedBackupMissed,
            "backup",
        ),
        (
            EventType::DbdumpCompleted,
            EventType::ExpectedDbdumpMissed,
            "database dump",
        ),
    ] {
        for customer in st.store.missing_event(done.as_str(), since).await? {
            events.push(hub_event(
                &customer,
                missed,
                format!(
                    "No {what} completed since local midnight of {day} ({}, deadline {:02}:{:02})",
                    st.config.alerting.timezone, at.hour, at.minute
                ),
                serde_json::json!({"local_date": day.to_string(), "since": since}),
                now,
            ));
        }
    }
    let Some(ids) = st
        .store
        .complete_daily_job(BACKUP_DEADLINE_JOB, day.to_string(), events.clone(), now)
        .await?
    else {
        return Ok(false);
    };
    tracing::info!(date = %day, missed = ids.len(), "job backup deadline: checked");
    if !ids.is_empty() {
        st.wake.notify_one();
    }
    Ok(true)
}

/// Deletes what is older than `retention.max_days` once per local day.
pub async fn prune(st: &Arc<AppState>) -> Result<Option<Pruned>, JobError> {
    let now = st.clock.now();
    let tz = zone(st)?;
    let last = st.store.job_last_run(PRUNE_JOB).await?;
    let Some(day) = due(
        now,
        &tz,
        st.config.retention.prune_schedule,
        last.as_deref(),
    ) else {
        return Ok(None);
    };
    let cutoff = now
        .checked_sub(SignedDuration::from_hours(
            24 * i64::from(st.config.retention.max_days),
        ))
        .unwrap_or(Timestamp::MIN);
    let mut pruned = st.store.prune(cutoff).await?;
    pruned.lockouts = st.store.prune_lockouts(now).await?;
    let before = |d: SignedDuration| now.checked_sub(d).unwrap_or(Timestamp::MIN);
    pruned.sessions = st
        .store
        .prune_sessions(
            before(SignedDuration::try_from(st.config.auth.session_idle.0).unwrap_or_default()),
            before(SESSION_ABSOLUTE),
        )
        .await?;
    st.store
        .complete_daily_job(PRUNE_JOB, day.to_string(), Vec::new(), now)
        .await?;
    Ok(Some(pruned))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn due_in_local_time_across_dst() {
        let tz = TimeZone::get("Europe/Budapest").unwrap();
        let five = TimeOfDay { hour: 5, minute: 0 };
        // Winter: 05:00 local is 04:00 UTC.
        assert_eq!(due(ts("2026-11-27T03:59:00Z"), &tz, five, None), None);
        let d = due(ts("2026-11-27T04:00:00Z"), &tz, five, None).unwrap();
        assert_eq!(d.to_string(), "2026-11-27");
        assert_eq!(
            due(ts("2026-11-27T10:00:00Z"), &tz, five, Some("2026-11-27")),
            None
        );
        // Spring forward (29 March 2026): 05:00 CEST is 03:00 UTC, midnight was 23:00 UTC.
        assert_eq!(
            due(ts("2026-03-29T02:59:00Z"), &tz, five, Some("2026-03-28")),
            None
        );
        assert!(due(ts("2026-03-29T03:00:00Z"), &tz, five, Some("2026-03-28")).is_some());
        let d = "2026-03-29".parse::<Date>().unwrap();
        assert_eq!(local_midnight(d, &tz).unwrap(), ts("2026-03-28T23:00:00Z"));
        // Fall back (25 October 2026): 05:00 CET is 04:00 UTC, midnight was 22:00 UTC.
        assert_eq!(
            due(ts("2026-10-25T03:59:00Z"), &tz, five, Some("2026-10-24")),
            None
        );
        assert!(due(ts("2026-10-25T04:00:00Z"), &tz, five, Some("2026-10-24")).is_some());
        let d = "2026-10-25".parse::<Date>().unwrap();
        assert_eq!(local_midnight(d, &tz).unwrap(), ts("2026-10-24T22:00:00Z"));
        // 02:30 does not exist on 29 March: it runs at 03:30 CEST (01:30Z).
        let gap = TimeOfDay {
            hour: 2,
            minute: 30,
        };
        assert_eq!(due(ts("2026-03-29T01:29:00Z"), &tz, gap, None), None);
        assert!(due(ts("2026-03-29T01:30:00Z"), &tz, gap, None).is_some());
    }
}
