//! The state every part of the hub shares behind one `Arc`: the config,
//! the store, the live model, the clock, the template, the newest controller version, the
//! job board and the shutdown signal. It holds data and handles only; the
//! work is done by the service layer, the jobs and the HTTP layer above it.

use std::sync::{Arc, RwLock};

use hub_proto::{StatusThresholds, parse_version};
use jiff::Timestamp;
use tokio::sync::Notify;

use crate::clock::Clock;
use crate::config::Config;
use crate::controller_yaml::Template;
use crate::fleet_cache::FleetCache;
use crate::job_board::JobBoard;
use crate::live::{ActiveWindows, Live, StatusView};
use crate::outbound::ControllerPolicy;
use crate::store::Store;

/// Everything a handler may need, shared behind one `Arc`.
pub struct AppState {
    pub config: Config,
    pub store: Store,
    /// The live fleet model and its stream, kept current by the store's
    /// writer (attached in [`crate::build_state`]).
    pub live: Arc<Live>,
    pub clock: Arc<dyn Clock>,
    /// The effective global report key (configured or generated).
    pub report_key: String,
    pub template: Template,
    /// Wakes the notification dispatcher after an event was stored.
    pub wake: Arc<Notify>,
    /// Wakes the channel loop after messages for it were queued.
    pub channel_wake: Arc<Notify>,
    /// When this process started (its uptime).
    pub started_at: Timestamp,
    /// When the watch this hub joined began: the last moment no hub on
    /// this database was alive. The dead man's switch's grace counts from
    /// here, so a replica's restart while another watched is no outage.
    pub watching_since: Timestamp,
    /// This process among the hubs on one database.
    pub replica_id: String,
    /// Paces the audit rows of refused admin requests.
    pub denials: DenialLimiter,
    /// What each background job last did.
    pub jobs: Arc<JobBoard>,
    /// The outbound client for Resend, the registry and the template.
    pub http: reqwest::Client,
    /// Where controllers may be called (`controllers.*`).
    pub controller_policy: ControllerPolicy,
    /// The client for controller calls, bound to that policy.
    pub controller_http: reqwest::Client,
    /// The fleet lists, serialized and compressed once per change.
    pub fleet_cache: FleetCache,
    /// Counters and histograms for `/metrics`.
    pub metrics: crate::metrics::Metrics,
    latest_version: RwLock<Option<String>>,
    /// `alerting.timezone` (validated at load; UTC if it ever were not).
    pub tz: jiff::tz::TimeZone,
    /// How often an idle live stream sends a keep-alive
    /// (`server.stream_keepalive`; tests shorten it).
    pub stream_keepalive: std::time::Duration,
    /// Credentials waiting for the one page that shows them.
    pub shown_once: crate::shown_once::ShownOnce,
    /// Flips to `true` when the server starts shutting down, so endless
    /// responses (the live stream) end and graceful shutdown can finish.
    closing: tokio::sync::watch::Sender<bool>,
}

impl AppState {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        config: Config,
        store: Store,
        live: Arc<Live>,
        clock: Arc<dyn Clock>,
        report_key: String,
        template: Template,
        http: reqwest::Client,
        controller_http: reqwest::Client,
    ) -> Self {
        Self {
            stream_keepalive: config.server.stream_keepalive.0,
            shown_once: Default::default(),
            controller_policy: ControllerPolicy::from_config(&config.controllers),
            controller_http,
            started_at: clock.now(),
            watching_since: clock.now(),
            replica_id: String::new(),
            tz: jiff::tz::TimeZone::get(&config.alerting.timezone)
                .unwrap_or(jiff::tz::TimeZone::UTC),
            jobs: Default::default(),
            denials: Default::default(),
            config,
            store,
            live,
            clock,
            report_key,
            template,
            wake: Arc::new(Notify::new()),
            channel_wake: Arc::new(Notify::new()),
            http,
            latest_version: RwLock::new(None),
            fleet_cache: Default::default(),
            metrics: Default::default(),
            closing: tokio::sync::watch::channel(false).0,
        }
    }

    /// Ends every live stream; called when shutdown begins.
    pub fn begin_shutdown(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves once shutdown has begun.
    pub fn closing(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut rx = self.closing.subscribe();
        async move {
            let _ = rx.wait_for(|c| *c).await;
        }
    }

    /// What statuses are computed against right now: the clock, the
    /// alerting thresholds and the newest controller version.
    pub fn status_view(&self) -> StatusView {
        let now = self.clock.now();
        StatusView {
            now,
            thresholds: StatusThresholds {
                stale: self.config.alerting.stale_threshold.0,
                down: self.config.alerting.down_threshold.0,
            },
            latest: self.latest_version().as_deref().and_then(parse_version),
            tz: self.tz.clone(),
            maintenance: ActiveWindows::at(&self.live.windows(), now),
        }
    }

    /// The live fleet model and stream.
    pub fn live(&self) -> &Arc<Live> {
        &self.live
    }

    /// The newest controller version the registry check found.
    pub fn latest_version(&self) -> Option<String> {
        crate::sync::read(&self.latest_version, "latest version").clone()
    }

    pub fn set_latest_version(&self, v: Option<String>) {
        *crate::sync::write(&self.latest_version, "latest version") = v;
    }
}

/// Remembers when each client address last had a denial audited.
#[derive(Debug, Default)]
pub struct DenialLimiter(std::sync::Mutex<std::collections::HashMap<String, Timestamp>>);

impl DenialLimiter {
    /// Whether `client` had no denial audited in the minute before `now`
    /// (and notes this one).
    pub fn first_in_a_minute(&self, client: &str, now: Timestamp) -> bool {
        let mut seen = crate::sync::lock(&self.0, "denial limiter");
        if seen.len() > 10_000 {
            seen.clear();
        }
        match seen.get(client) {
            Some(t) if now.duration_since(*t) < jiff::SignedDuration::from_mins(1) => false,
            _ => {
                seen.insert(client.to_owned(), now);
                true
            }
        }
    }
}
