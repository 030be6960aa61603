//! felhom hub server as a library: `serve` runs the hub on a listener the
//! caller already bound until the shutdown future resolves, so tests bind
//! `127.0.0.1:0` themselves and the binary stays a thin shell around it.

pub mod clock;
pub mod config;
pub mod controller;
pub mod controller_yaml;
pub mod fleet_cache;
pub mod http;
pub mod job_board;
pub mod jobs;
pub mod live;
pub mod logwriter;
pub mod metrics;
pub mod notify;
pub mod outbound;
pub mod secrets;
pub mod service;
pub mod shown_once;
pub mod state;
pub mod status_link;
pub mod store;
pub mod sync;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use thiserror::Error;
use tokio::net::TcpListener;
use tokio::sync::watch;

use clock::Clock;
use config::Config;
use controller_yaml::{ConfigGenError, Template};
use live::Live;
use notify::Dispatcher;
use notify::resend::Mailer;
use state::AppState;
use store::{Store, StoreError};

/// Failures that stop the hub from starting or serving.
#[derive(Debug, Error)]
pub enum HubError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Template(#[from] ConfigGenError),
    #[error("report key file {path}: {source}")]
    KeyFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("server: {0}")]
    Serve(#[source] std::io::Error),
    #[error("outbound HTTP client: {0}")]
    Http(String),
}

/// The effective global report key and where it came from.
pub struct ReportKey {
    pub key: String,
    /// Generated just now; the caller should show it once.
    pub generated: Option<PathBuf>,
}

impl std::fmt::Debug for ReportKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportKey")
            .field("key", &"<redacted>")
            .field("generated", &self.generated)
            .finish()
    }
}

/// File in the data dir that holds a generated report key.
pub const REPORT_KEY_FILE: &str = "report_api_key";

/// The configured report key, else the one saved in the data dir, else a
/// new random one saved there with mode 0600. Never an open endpoint.
pub fn report_key(config: &Config) -> Result<ReportKey, HubError> {
    if !config.api.report_api_key.is_empty() {
        return Ok(ReportKey {
            key: config.api.report_api_key.expose().to_owned(),
            generated: None,
        });
    }
    let dir = &config.server.data_dir;
    let path = dir.join(REPORT_KEY_FILE);
    let key_err = |source| HubError::KeyFile {
        path: path.clone(),
        source,
    };
    match std::fs::read_to_string(&path) {
        Ok(text) if !text.trim().is_empty() => {
            return Ok(ReportKey {
                key: text.trim().to_owned(),
                generated: None,
            });
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(key_err(e)),
    }
    std::fs::create_dir_all(dir).map_err(key_err)?;
    let key = secrets::random_token().map_err(key_err)?;
    secrets::write_private(&path, &key).map_err(key_err)?;
    Ok(ReportKey {
        key,
        generated: Some(path),
    })
}

/// Knobs tests turn; production uses the defaults.
#[derive(Debug, Clone, Default)]
pub struct HubOptions {
    /// Connection limits; the server's config sets the connection count.
    pub limits: Option<http::serve::Limits>,
    /// Start neither the background jobs nor the dispatcher loop: tests
    /// drive them by hand, one step at a time.
    pub manual: bool,
}

/// Shared state over an opened store, with the live model attached to it
/// and the persisted template and newest controller version loaded.
pub async fn build_state(
    config: Config,
    report_key: ReportKey,
    store: Store,
    clock: Arc<dyn Clock>,
) -> Result<AppState, HubError> {
    let live = Live::with_new_epoch(live::SUBSCRIBER_BUFFER);
    build_state_with(config, report_key, store, clock, live).await
}

/// [`build_state`] with a live model of the caller's (tests shorten its
/// subscribers' buffer).
pub async fn build_state_with(
    config: Config,
    report_key: ReportKey,
    store: Store,
    clock: Arc<dyn Clock>,
    live: Live,
) -> Result<AppState, HubError> {
    let live = Arc::new(live);
    store.attach(live.clone()).await?;
    let config_controllers = config.controllers.clone();
    let config_timeout = config.controllers.timeout.0;
    let mut state = AppState::new(
        config,
        store,
        live,
        clock,
        report_key.key,
        Template::bundled()?,
        outbound::client().map_err(|e| HubError::Http(e.to_string()))?,
        outbound::ControllerPolicy::from_config(&config_controllers)
            .client(config_timeout)
            .map_err(|e| HubError::Http(e.to_string()))?,
    );
    if let Err(e) = jobs::template::load_persisted(&state).await {
        tracing::warn!(error = %e, "persisted template not loaded; using the bundled one");
    }
    state.set_latest_version(state.store.get_state(jobs::registry::STATE_KEY).await?);
    state.replica_id =
        secrets::random_token().map_err(|e| HubError::Http(e.to_string()))?[..16].to_owned();
    state.watching_since = state
        .store
        .replica_join(
            state.replica_id.clone(),
            state.started_at,
            jobs::staleness::alive_window(&state.config.alerting),
        )
        .await?;
    Ok(state)
}

/// Serves `state` on `listener` with the dispatcher and jobs running; on
/// shutdown stops them and closes the store.
pub async fn serve(
    state: Arc<AppState>,
    opts: HubOptions,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), HubError> {
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut tasks = Vec::new();
    if !opts.manual {
        let dispatcher = Arc::new(dispatcher(&state).await?);
        tasks.push(tokio::spawn(dispatcher.run(stop_rx.clone())));
        let channels = Arc::new(channel_dispatcher(&state).await?);
        tasks.push(tokio::spawn(channels.run(stop_rx.clone())));
        tasks.extend(jobs::spawn_all(&state, &stop_rx));
    }
    let app = http::router(state.clone());
    let closing = state.clone();
    let limits = opts.limits.unwrap_or(http::serve::Limits {
        max_connections: state.config.server.max_connections,
        ..Default::default()
    });
    let served = http::serve::serve(listener, app, limits, async move {
        shutdown.await;
        closing.begin_shutdown();
    })
    .await
    .map_err(HubError::Serve);
    let _ = stop_tx.send(true);
    for t in tasks {
        let _ = t.await;
    }
    if let Err(e) = state.store.replica_leave(state.replica_id.clone()).await {
        tracing::warn!(error = %e, "could not sign off as a watching hub");
    }
    let store = state.store.clone();
    drop(state);
    store.close().await;
    served
}

/// The notification dispatcher for `state`, with this hub's idempotency
/// prefix (made once, kept in the database).
pub async fn dispatcher(state: &Arc<AppState>) -> Result<Dispatcher, HubError> {
    let instance = instance_id(state).await?;
    let n = &state.config.notifications;
    Ok(Dispatcher {
        store: state.store.clone(),
        clock: state.clock.clone(),
        config: n.clone(),
        dashboard_url: state.config.server.dashboard_url().to_owned(),
        mailer: Mailer::new(
            state.http.clone(),
            &n.resend_base_url,
            n.resend_api_key.clone(),
            n.from_email.clone(),
        ),
        instance,
        wake: state.wake.clone(),
        wake_channels: state.channel_wake.clone(),
        board: state.jobs.clone(),
        alerting: state.config.alerting.clone(),
        maintenance: state.config.maintenance.clone(),
        live: state.live.clone(),
        tz: state.tz.clone(),
        status_page: state.config.status_page.clone(),
        public_url: state.config.server.public_url.clone(),
    })
}

/// The loop that delivers the webhook, ntfy and Telegram messages, beside
/// the email dispatcher.
pub async fn channel_dispatcher(
    state: &Arc<AppState>,
) -> Result<notify::channels::ChannelDispatcher, HubError> {
    Ok(notify::channels::ChannelDispatcher {
        store: state.store.clone(),
        clock: state.clock.clone(),
        sender: notify::channels::ChannelSender::for_config(&state.config)
            .map_err(|e| HubError::Http(e.to_string()))?,
        config: state.config.notifications.clone(),
        instance: instance_id(state).await?,
        wake: state.channel_wake.clone(),
        wake_email: state.wake.clone(),
        board: state.jobs.clone(),
    })
}

/// This hub's id in idempotency keys, made once and kept.
async fn instance_id(state: &Arc<AppState>) -> Result<String, HubError> {
    if let Some(id) = state.store.get_state("instance_id").await? {
        return Ok(id);
    }
    let id = secrets::random_token().map_err(|e| HubError::Http(e.to_string()))?[..16].to_owned();
    Ok(state
        .store
        .state_or_insert("instance_id", id, state.clock.now())
        .await?)
}
