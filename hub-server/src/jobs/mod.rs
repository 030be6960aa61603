//! Background jobs, started with the server and stopped with it. Each is a
//! plain tokio task that wakes on an interval, asks the injectable clock
//! what time it is, does one run, logs one line, and on failure logs why and
//! tries again next time — a job never takes the server down.
//!
//! | job | when | module |
//! |---|---|---|
//! | staleness (dead man's switch) | every `alerting.check_interval` | [`staleness`] |
//! | backup deadline | daily at `alerting.backup_deadline`, local time | [`daily`] |
//! | prune | daily at `retention.prune_schedule`, local time | [`daily`] |
//! | backup | daily at `backup.schedule`, local time | [`backup`] |
//! | registry check | every `registry.check_interval` | [`registry`] |
//! | template refresh | every `registry.template_interval` | [`template`] |
//! | heartbeat | every 30 s, sent each `alerting.heartbeat_interval` while healthy | [`heartbeat`] |
//! | digest | daily at `digest.time`, local time | [`digest`] |
//! | drift | every minute, each customer once per `drift.check_interval` | [`drift`] |
//!
//! Daily jobs are "due" once the local wall-clock time has passed their
//! time of day and they have not run on that local date (recorded in the
//! database), so a restart neither repeats nor skips a day, and a hub that
//! was down at 05:00 catches up when it starts.

pub mod backup;
pub mod daily;
pub mod digest;
pub mod drift;
pub mod heartbeat;
pub mod registry;
pub mod staleness;
pub mod template;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;
use tracing::Instrument;

use crate::state::AppState;

/// How often the heartbeat checks whether it is due (the interval itself
/// is counted on the hub's clock).
pub const HEARTBEAT_TICK: Duration = Duration::from_secs(30);

/// How often the drift job looks for customers due a check.
pub const DRIFT_TICK: Duration = Duration::from_secs(60);

/// How often daily jobs check whether they are due.
pub const DAILY_TICK: Duration = Duration::from_secs(20);

/// Starts every job; they stop when `shutdown` flips to `true`.
pub fn spawn_all(st: &Arc<AppState>, shutdown: &watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
    let c = &st.config;
    let mut tasks = vec![
        every(
            st,
            shutdown,
            c.alerting.check_interval.0,
            "staleness",
            |st| async move {
                staleness::check(&st)
                    .await
                    .map(|n| format!("{n} transitions"))
            },
        ),
        every(st, shutdown, DAILY_TICK, "daily", |st| async move {
            let mut done = Vec::new();
            if daily::backup_deadline(&st).await? {
                done.push("backup deadline");
            }
            if let Some(p) = daily::prune(&st).await? {
                tracing::info!(
                    reports = p.reports,
                    events = p.events,
                    notifications = p.notifications,
                    infra_backups = p.infra_backups,
                    pages_freed = p.pages_freed,
                    "job prune: done"
                );
                done.push("prune");
            }
            if digest::scheduled(&st).await? {
                done.push("digest");
            }
            if let Some(b) = backup::scheduled(&st).await? {
                tracing::info!(backup = %b, "job backup: done");
                done.push("backup");
            }
            Ok(done.join(", "))
        }),
    ];
    if !c.registry.image.is_empty() {
        tasks.push(every(
            st,
            shutdown,
            c.registry.check_interval.0,
            "registry",
            |st| async move {
                registry::check(&st)
                    .await
                    .map(|v| format!("newest controller version {v}"))
            },
        ));
    }
    if !c.alerting.heartbeat_url.is_empty() {
        tasks.push(every(
            st,
            shutdown,
            HEARTBEAT_TICK.min(c.alerting.heartbeat_interval.0),
            heartbeat::HEARTBEAT_JOB,
            |st| async move {
                heartbeat::beat(&st)
                    .await
                    .map(|sent| if sent { "sent".into() } else { String::new() })
            },
        ));
    }
    if !c.drift.check_interval.0.is_zero() {
        tasks.push(every(
            st,
            shutdown,
            DRIFT_TICK.min(c.drift.check_interval.0),
            "drift",
            |st| async move {
                drift::check(&st).await.map(|r| {
                    if r.checked == 0 {
                        String::new()
                    } else {
                        format!("{} checked, {} events", r.checked, r.events)
                    }
                })
            },
        ));
    }
    if !c.registry.template_url.is_empty() {
        tasks.push(every(
            st,
            shutdown,
            c.registry.template_interval.0,
            "template",
            |st| async move {
                template::refresh(&st)
                    .await
                    .map(|n| format!("template refreshed ({n} bytes)"))
            },
        ));
    }
    tasks
}

/// Runs `job` now and then every `period` until shutdown. Each run is a
/// task of its own: a panic is caught, logged and recorded as a failed run,
/// and the job keeps its schedule. Empty results are logged at debug (a
/// daily tick that had nothing to do), others at info.
pub fn every<F, Fut>(
    st: &Arc<AppState>,
    shutdown: &watch::Receiver<bool>,
    period: Duration,
    name: &'static str,
    job: F,
) -> JoinHandle<()>
where
    F: Fn(Arc<AppState>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<String, JobError>> + Send + 'static,
{
    let st = st.clone();
    let mut shutdown = shutdown.clone();
    st.jobs.register(name, period, st.clock.now());
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(period);
        interval.set_missed_tick_behavior(MissedTickBehavior::Skip);
        loop {
            tokio::select! {
                _ = interval.tick() => {}
                _ = shutdown.changed() => return,
            }
            match take_turn(&st, name, period).await {
                Ok(true) => {}
                Ok(false) => continue,
                Err(e) => {
                    st.jobs
                        .failed(name, st.clock.now(), format!("job lease: {e}"));
                    tracing::warn!(job = name, error = %e, "job {name}: lease not taken; will try again");
                    continue;
                }
            }
            st.jobs.started(name, st.clock.now());
            // Everything a run logs (and the store work it causes) carries
            // the job's name.
            let span = tracing::info_span!("job", job = name);
            let run = tokio::spawn(job(st.clone()).instrument(span));
            let abort = run.abort_handle();
            let outcome = tokio::select! {
                r = run => r,
                _ = shutdown.changed() => {
                    abort.abort();
                    return;
                }
            };
            let now = st.clock.now();
            match outcome {
                Ok(Ok(s)) => {
                    st.jobs.succeeded(name, now);
                    if s.is_empty() {
                        tracing::debug!(job = name, "job: nothing due");
                    } else {
                        tracing::info!(job = name, "job {name}: {s}");
                    }
                }
                Ok(Err(e)) => {
                    st.jobs.failed(name, now, e.to_string());
                    tracing::warn!(job = name, error = %e, "job {name} failed; will run again");
                }
                Err(e) => {
                    let why = if e.is_panic() {
                        "panicked".to_owned()
                    } else {
                        e.to_string()
                    };
                    st.jobs.failed(name, now, why.clone());
                    tracing::error!(job = name, error = %why, "job {name} run died; the job keeps its schedule");
                }
            }
        }
    })
}

/// How long a job's lease lasts from a tick: its holder renews it each
/// period, so past one period and a margin (10 s to a minute) the holder
/// is gone or stuck and another hub takes the job.
pub fn lease_ttl(period: Duration) -> Duration {
    period.saturating_add(period.clamp(Duration::from_secs(10), Duration::from_secs(60)))
}

/// Whether this hub runs job `name` on this tick: it takes or renews the
/// job's lease ([`lease_ttl`]); while another hub's lease holds, this one
/// stands by (on the job board) and runs nothing. The lease only saves
/// work: what a job writes is a compare-and-set, so two hubs that both
/// believe they hold it still write each transition once.
pub async fn take_turn(
    st: &AppState,
    name: &'static str,
    period: Duration,
) -> Result<bool, crate::store::StoreError> {
    let now = st.clock.now();
    match st
        .store
        .lease_job(name, st.replica_id.clone(), now, lease_ttl(period))
        .await?
    {
        crate::store::JobLease::Held => Ok(true),
        crate::store::JobLease::Elsewhere { holder, until } => {
            tracing::debug!(job = name, %holder, %until, "job {name}: another hub holds it");
            st.jobs.standby(name, now, holder);
            Ok(false)
        }
    }
}

/// Why a job run failed.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("{0}")]
    Remote(String),
}
