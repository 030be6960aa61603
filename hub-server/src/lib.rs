//! felhom hub server as a library: `run` serves a given listener until the
//! shutdown future resolves, so tests bind `127.0.0.1:0` themselves and the
//! binary stays a thin shell around it.

pub mod clock;
pub mod config;
pub mod configgen;
pub mod error;
pub mod http;
pub mod secrets;
pub mod store;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use thiserror::Error;
use tokio::net::TcpListener;

use clock::Clock;
use config::Config;
use configgen::{ConfigGenError, Template};
use http::AppState;
use http::lockout::Lockout;
use store::{Store, StoreError, StoreOptions};

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

/// Serves the hub on `listener` until `shutdown` resolves, then finishes
/// in-flight requests, drains the store and closes the database.
pub async fn run(
    config: Config,
    report_key: ReportKey,
    listener: TcpListener,
    clock: Arc<dyn Clock>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), HubError> {
    let store = Store::open(&config.server.data_dir, StoreOptions::default())?;
    serve(config, report_key, store, listener, clock, shutdown).await
}

/// [`run`] with an already opened store (tests share it to seed data).
/// Closes the store when done.
pub async fn serve(
    config: Config,
    report_key: ReportKey,
    store: Store,
    listener: TcpListener,
    clock: Arc<dyn Clock>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), HubError> {
    let state = Arc::new(AppState {
        template: Template::bundled()?,
        report_key: report_key.key,
        lockout: Lockout::default(),
        store: store.clone(),
        clock,
        config,
    });
    let app = http::router(state.clone());
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(HubError::Serve);
    drop(state);
    store.close().await;
    served
}
