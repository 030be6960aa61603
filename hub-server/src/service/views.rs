//! Read views the front ends share: the fleet (from the live model), a
//! customer's page, history, events, logs, configs, versions, the hub's
//! own status. Nothing here changes anything.

use std::sync::Arc;

use hub_proto::admin::{
    AuditEntry, CustomerConfig, CustomerView, EventRecord, Fleet, HubStatus, NotificationRecord,
    Page, Versions,
};
use hub_proto::{CustomerDetail, HealthBody, HistoryPeriod, HistoryResponse, validate_customer_id};

use super::{Result, ServiceError};
use crate::fleet_cache::{ListKind, Snapshot};
use crate::live::into_owned;
use crate::state::AppState;
pub use crate::store::EventFilter;
use crate::store::IncidentFilter;
pub use hub_proto::rules::FleetFilter;

/// The cached serialized list of `kind` (built on a blocking thread when
/// the model or the second changed).
pub async fn fleet_snapshot(st: &Arc<AppState>, kind: ListKind) -> Result<Arc<Snapshot>> {
    let st = st.clone();
    tokio::task::spawn_blocking(move || {
        let view = st.status_view();
        st.fleet_cache
            .get(kind, st.live(), &view, st.latest_version())
    })
    .await
    .map_err(|e| ServiceError::Internal(e.to_string()))
}

/// The admin fleet list with `filter`, typed (for filters and for front
/// ends that work on rows).
pub fn fleet(st: &AppState, filter: &FleetFilter) -> Fleet {
    let view = st.status_view();
    let (customers, stream_id) = st.live().read(|rows, last| {
        let list = rows
            .filter(|r| filter.keeps(r.status(&view), r.managed(), r.drift()))
            .map(|r| into_owned(r.entry(&view)))
            .collect();
        (list, last)
    });
    Fleet {
        customers,
        latest_controller_version: st.latest_version(),
        stream_id,
    }
}

/// One customer's summary (from the live model, as of now) and newest
/// report (from the database).
pub async fn customer_detail(st: &AppState, id: &str) -> Result<CustomerDetail> {
    validate_customer_id(id)?;
    let unknown = || ServiceError::NotFound(format!("unknown customer `{id}`"));
    let row = st.live().row(id).ok_or_else(unknown)?;
    let summary = row.summary(&st.status_view()).into_owned();
    let latest_report = st.store.latest_report(id.to_owned()).await?;
    Ok(CustomerDetail {
        summary,
        latest_report,
    })
}

/// Why `action` cannot work on customer `id` as the live model has it
/// now (the rule every front end greys its buttons with), or `None`
/// when it can or the customer is unknown (the action then says so).
pub fn refusal(
    st: &AppState,
    id: &str,
    action: hub_proto::actions::OperatorAction,
) -> Option<&'static str> {
    let row = st.live().row(id)?;
    action.refusal(&row.summary(&st.status_view()))
}

/// The reason of a customer's status, as its fleet row says it.
fn reason(st: &AppState, id: &str) -> Option<String> {
    st.live().row(id)?.verdict(&st.status_view()).reason
}

/// Everything about one customer, secrets redacted.
pub async fn customer_view(st: &AppState, id: &str) -> Result<CustomerView> {
    let customer = customer_detail(st, id).await?;
    let config = st
        .store
        .customer_config(id.to_owned())
        .await?
        .map(|c| c.config.redacted());
    let recent_events = st
        .store
        .list_events(EventFilter {
            customer_id: Some(id.to_owned()),
            limit: 50,
            ..Default::default()
        })
        .await?
        .items;
    let notifications = st
        .store
        .notification_log_for(Some(id.to_owned()), 50)
        .await?;
    let incidents = st
        .store
        .incidents(IncidentFilter {
            customer_id: Some(id.to_owned()),
            limit: 20,
            ..Default::default()
        })
        .await?;
    let maintenance = super::alerts::maintenance(st, Some(id)).windows;
    Ok(CustomerView {
        customer,
        config,
        recent_events,
        notifications,
        reason: reason(st, id),
        incidents,
        maintenance,
        drift: st.live().row(id).and_then(|r| r.drift()),
    })
}

/// A customer's reports over `period` (default 24h).
pub async fn history(st: &AppState, id: &str, period: Option<&str>) -> Result<HistoryResponse> {
    validate_customer_id(id)?;
    let raw = period.unwrap_or("24h");
    let period = HistoryPeriod::parse(raw).ok_or_else(|| {
        ServiceError::invalid_coded(
            hub_proto::codes::INVALID_PERIOD,
            "period",
            format!("period `{raw}` is not one of 1h, 24h, 7d, 30d, 90d"),
        )
    })?;
    let since = st
        .clock
        .now()
        .checked_sub(jiff::SignedDuration::from_secs(
            period.duration().as_secs() as i64
        ))
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let reports = st
        .store
        .history(id.to_owned(), since)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("unknown customer `{id}`")))?;
    Ok(HistoryResponse {
        customer_id: id.to_owned(),
        period,
        reports,
    })
}

/// At most `max` of the customer's reports since `since`, evenly spread,
/// for a chart.
pub async fn history_sample(
    st: &AppState,
    id: &str,
    since: jiff::Timestamp,
    max: usize,
) -> Result<Vec<hub_proto::HistoryEntry>> {
    validate_customer_id(id)?;
    st.store
        .history_sample(id.to_owned(), since, max)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("unknown customer `{id}`")))
}

/// Events matching `filter`, newest first, one page.
pub async fn events(st: &AppState, filter: EventFilter) -> Result<Page<EventRecord>> {
    if let Some(s) = &filter.severity
        && hub_proto::Severity::parse(s).is_none()
    {
        return Err(ServiceError::invalid_coded(
            hub_proto::codes::INVALID_SEVERITY,
            "severity",
            format!("severity `{s}` is not info, warning or error"),
        ));
    }
    if let Some(t) = &filter.event_type
        && hub_proto::EventType::parse(t).is_none()
    {
        return Err(ServiceError::invalid_coded(
            hub_proto::codes::INVALID_EVENT_TYPE,
            "event_type",
            format!("unknown event type `{t}`"),
        ));
    }
    // Asking for one customer's events names a customer the hub knows.
    if let Some(id) = &filter.customer_id
        && st.live().row(id).is_none()
    {
        return Err(ServiceError::NotFound(format!("unknown customer `{id}`")));
    }
    // Taken before the query: an event committed meanwhile is in the
    // stream after this id (and maybe in the page too), never in neither.
    let stream_id = st.live().last_id();
    let mut page = st.store.list_events(filter).await?;
    page.stream_id = Some(stream_id);
    Ok(page)
}

pub async fn notifications(
    st: &AppState,
    customer_id: Option<String>,
    limit: usize,
) -> Result<Vec<NotificationRecord>> {
    Ok(st.store.notification_log_for(customer_id, limit).await?)
}

pub async fn audit(
    st: &AppState,
    customer_id: Option<String>,
    before: Option<i64>,
    limit: usize,
) -> Result<Page<AuditEntry>> {
    Ok(st.store.audit_log(customer_id, before, limit).await?)
}

/// Every managed config, tokens redacted.
pub async fn configs(st: &AppState) -> Result<Vec<CustomerConfig>> {
    Ok(st
        .store
        .customer_configs()
        .await?
        .iter()
        .map(CustomerConfig::redacted)
        .collect())
}

/// One managed config, tokens redacted.
pub async fn config(st: &AppState, id: &str) -> Result<CustomerConfig> {
    validate_customer_id(id)?;
    st.store
        .customer_config(id.to_owned())
        .await?
        .map(|c| c.config.redacted())
        .ok_or_else(|| ServiceError::NotFound(format!("no config for `{id}`")))
}

/// The newest controller version and how many customers run each one.
pub fn versions(st: &AppState) -> Versions {
    let fleet = st.live().read(|rows, _| {
        let mut counts = std::collections::BTreeMap::new();
        for r in rows {
            *counts
                .entry(
                    r.controller_version
                        .clone()
                        .unwrap_or_else(|| "unknown".into()),
                )
                .or_insert(0) += 1;
        }
        counts
    });
    Versions {
        registry_check: !st.config.registry.image.is_empty(),
        latest: st.latest_version(),
        fleet,
    }
}

/// The hub itself: version, jobs, outbox and delivery backlog.
pub async fn status(st: &AppState) -> Result<HubStatus> {
    let (deliveries_pending, oldest_delivery_at) = st.store.pending_deliveries().await?;
    Ok(HubStatus {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        started_at: st.started_at,
        latest_controller_version: st.latest_version(),
        jobs: st.jobs.snapshot(st.clock.now()),
        outbox_pending: st.store.outbox_len().await?,
        deliveries_pending,
        oldest_delivery_at,
    })
}

/// The OpenMetrics text of `GET /metrics`: the counters as they are, the
/// gauges set from the hub's state now.
pub async fn metrics(st: &AppState) -> Result<String> {
    let now = st.clock.now();
    let g = &st.metrics.gauges;
    let view = st.status_view();
    let mut by_status: std::collections::BTreeMap<&'static str, i64> =
        ["ok", "warn", "down", "pending", "disabled", "blocked"]
            .into_iter()
            .map(|s| (s, 0))
            .collect();
    st.live().read(|rows, _| {
        for r in rows {
            *by_status.entry(r.status(&view).as_str()).or_default() += 1;
        }
    });
    for (status, n) in by_status {
        g.customers
            .get_or_create(&crate::metrics::StatusLabel {
                status: status.to_owned(),
            })
            .set(n);
    }
    g.outbox_depth.set(st.store.outbox_len().await?);
    let oldest = st.store.oldest_outbox().await?;
    g.outbox_oldest_age_seconds
        .set(oldest.map_or(0.0, |t| now.duration_since(t).as_secs_f64().max(0.0)));
    g.deliveries_pending
        .set(st.store.pending_deliveries().await?.0);
    for (channel, outcome, n) in st.store.notification_counts().await? {
        g.notifications
            .get_or_create(&crate::metrics::NotificationLabels { channel, outcome })
            .set(n);
    }
    for j in st.jobs.snapshot(now) {
        let label = crate::metrics::JobLabel {
            job: j.name.clone(),
        };
        g.job_last_success.get_or_create(&label).set(
            j.last_success_at
                .map_or(0.0, |t| t.as_millisecond() as f64 / 1000.0),
        );
        g.job_failures.get_or_create(&label).set(j.failures as i64);
        g.job_overdue
            .get_or_create(&label)
            .set(i64::from(j.overdue));
    }
    let du = disk(st).await;
    g.database_bytes
        .set(i64::try_from(du.database_bytes).unwrap_or(i64::MAX));
    g.wal_bytes
        .set(i64::try_from(du.wal_bytes).unwrap_or(i64::MAX));
    g.wal_peak_bytes
        .set(i64::try_from(st.store.wal_peak_bytes()).unwrap_or(i64::MAX));
    g.log_lines_dropped
        .set(i64::try_from(crate::logwriter::dropped_lines()).unwrap_or(i64::MAX));
    g.poisoned_locks
        .set(i64::try_from(crate::sync::poisoned_locks()).unwrap_or(i64::MAX));
    let backup = st
        .store
        .job_last_ran_at(crate::store::backup::BACKUP_JOB)
        .await?;
    g.last_backup
        .set(backup.map_or(0.0, |t| t.as_millisecond() as f64 / 1000.0));
    Ok(st.metrics.render())
}

/// The hub's own disk: its database and WAL, and the volume they are on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DiskUse {
    pub database_bytes: u64,
    pub wal_bytes: u64,
    /// The volume's free bytes (for an unprivileged process) and size;
    /// `None` when the file system does not say.
    pub volume: Option<(u64, u64)>,
}

/// Read off the runtime (file metadata and `statvfs` are blocking calls).
pub async fn disk(st: &AppState) -> DiskUse {
    let dir = st.config.server.data_dir.clone();
    tokio::task::spawn_blocking(move || {
        let size = |name: &str| std::fs::metadata(dir.join(name)).map_or(0, |m| m.len());
        DiskUse {
            database_bytes: size("hub.db"),
            wal_bytes: size("hub.db-wal"),
            volume: rustix::fs::statvfs(&dir).ok().map(|v| {
                (
                    v.f_bavail.saturating_mul(v.f_frsize),
                    v.f_blocks.saturating_mul(v.f_frsize),
                )
            }),
        }
    })
    .await
    .unwrap_or_default()
}

/// `/healthz`: whether the database answers (within 2 s) and which jobs
/// are overdue.
pub async fn health(st: &AppState) -> Result<HealthBody> {
    st.store.ping(std::time::Duration::from_secs(2)).await?;
    let mut jobs: std::collections::BTreeMap<String, String> = st
        .jobs
        .snapshot(st.clock.now())
        .into_iter()
        .map(|j| (j.name, if j.overdue { "overdue" } else { "ok" }.to_owned()))
        .collect();
    if st.store.backup_failing_since().await?.is_some() {
        jobs.insert(
            crate::store::backup::BACKUP_JOB.to_owned(),
            "failing".into(),
        );
    }
    let degraded = jobs.values().any(|v| v != "ok");
    Ok(HealthBody {
        status: if degraded { "degraded" } else { "ok" }.to_owned(),
        jobs,
    })
}
