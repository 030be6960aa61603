//! The hub's own numbers, in Prometheus' model, rendered on `GET /metrics`
//! (OpenMetrics text). Counters are recorded on the hot path with atomics
//! only (requests by route and status, latency by route, reports and events
//! ingested); the gauges (customers by status, outbox, jobs, database and
//! backups) are set from the hub's state when scraped.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// One route's requests with one outcome.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    /// The matched route pattern (`/api/v1/customers/{customer_id}`), never
    /// the path itself, so customers cannot multiply the series.
    pub route: String,
    pub status: u16,
}

/// One route.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub method: String,
    pub route: String,
}

/// A label with one value (`status`, `job`).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StatusLabel {
    pub status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct JobLabel {
    pub job: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct NotificationLabels {
    pub channel: String,
    pub outcome: String,
}

/// The gauges, set on each scrape from the hub's state.
#[derive(Default)]
pub struct Gauges {
    pub customers: Family<StatusLabel, Gauge>,
    pub outbox_depth: Gauge,
    pub outbox_oldest_age_seconds: Gauge<f64, std::sync::atomic::AtomicU64>,
    pub deliveries_pending: Gauge,
    pub notifications: Family<NotificationLabels, Gauge>,
    pub job_last_success: Family<JobLabel, Gauge<f64, std::sync::atomic::AtomicU64>>,
    pub job_failures: Family<JobLabel, Gauge>,
    pub job_overdue: Family<JobLabel, Gauge>,
    pub database_bytes: Gauge,
    pub wal_bytes: Gauge,
    pub wal_peak_bytes: Gauge,
    pub last_backup: Gauge<f64, std::sync::atomic::AtomicU64>,
    pub log_lines_dropped: Gauge,
    pub poisoned_locks: Gauge,
}

fn latency_histogram() -> Histogram {
    // 0.5 ms to ~4 s.
    Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(
        0.0005, 2.0, 14,
    ))
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    /// Reports and events stored (retries of one event_id count once).
    pub reports_ingested: Counter,
    pub events_ingested: Counter,
    /// Dashboard passwords checked with bcrypt (not the attempts refused
    /// before: a lockout or the account's backoff).
    pub login_checks: Counter,
    pub gauges: Gauges,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("hub");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        registry.register(
            "http_requests",
            "HTTP requests answered, by route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time from a request's arrival to its answer, by route",
            latency.clone(),
        );
        let reports_ingested = Counter::default();
        let events_ingested = Counter::default();
        registry.register(
            "reports_ingested",
            "Status reports stored",
            reports_ingested.clone(),
        );
        registry.register(
            "events_ingested",
            "Events stored (a retried event_id once)",
            events_ingested.clone(),
        );
        let login_checks = Counter::default();
        registry.register(
            "login_password_checks",
            "Dashboard passwords checked (attempts refused by a lockout are not)",
            login_checks.clone(),
        );
        let g = Gauges::default();
        registry.register(
            "customers",
            "Customers in the fleet by status",
            g.customers.clone(),
        );
        registry.register(
            "outbox_depth",
            "Outbox entries not yet decided",
            g.outbox_depth.clone(),
        );
        registry.register(
            "outbox_oldest_age_seconds",
            "Age of the oldest outbox entry (0 when empty)",
            g.outbox_oldest_age_seconds.clone(),
        );
        registry.register(
            "deliveries_pending",
            "Emails waiting to be delivered or retried",
            g.deliveries_pending.clone(),
        );
        registry.register(
            "notifications",
            "Notification log entries by channel and outcome (within retention)",
            g.notifications.clone(),
        );
        registry.register(
            "job_last_success_timestamp_seconds",
            "Unix time of each job's last successful run (0: none yet)",
            g.job_last_success.clone(),
        );
        registry.register(
            "job_failures",
            "Failed runs of each job since the hub started",
            g.job_failures.clone(),
        );
        registry.register(
            "job_overdue",
            "1 when a job has not succeeded for over twice its period",
            g.job_overdue.clone(),
        );
        registry.register("database_bytes", "Size of hub.db", g.database_bytes.clone());
        registry.register("wal_bytes", "Size of hub.db-wal", g.wal_bytes.clone());
        registry.register(
            "wal_peak_bytes",
            "The largest the WAL has been after a commit since the hub started",
            g.wal_peak_bytes.clone(),
        );
        registry.register(
            "last_backup_timestamp_seconds",
            "Unix time of the last scheduled backup (0: none)",
            g.last_backup.clone(),
        );
        registry.register(
            "log_lines_dropped",
            "Log lines dropped because stdout was not taken up fast enough",
            g.log_lines_dropped.clone(),
        );
        registry.register(
            "poisoned_locks",
            "Locks found poisoned by a panic and recovered since the hub started",
            g.poisoned_locks.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            reports_ingested,
            events_ingested,
            login_checks,
            gauges: g,
        }
    }
}

impl Metrics {
    pub fn request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_owned(),
                route: route.to_owned(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                method: method.to_owned(),
                route: route.to_owned(),
            })
            .observe(seconds);
    }

    /// Requests answered on `method route`, any status (read back from
    /// the rendered text; for tests and checks, not the hot path).
    pub fn request_count(&self, method: &str, route: &str) -> u64 {
        let (m, r) = (format!("method=\"{method}\""), format!("route=\"{route}\""));
        self.render()
            .lines()
            .filter(|l| {
                l.starts_with("hub_http_requests_total{") && l.contains(&m) && l.contains(&r)
            })
            .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
            .sum()
    }

    /// The OpenMetrics text of everything registered.
    pub fn render(&self) -> String {
        let mut text = String::new();
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}
