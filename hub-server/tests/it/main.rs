//! Integration tests of hub-server: one binary (see STYLE.md), one module
//! per area. Each test starts a real server on 127.0.0.1:0 with its own
//! SQLite file and a manual clock, and talks to it over real HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod admin;
mod api_ingest;
mod api_reads;
mod api_retrieval;
mod backups;
mod browser;
mod channels;
mod connections;
mod controllers;
mod dashboard;
mod digest;
mod drift;
mod fakes;
mod hostile;
mod incidents;
mod jobs;
mod layers;
mod litestream;
mod live;
mod metrics;
mod notify;
mod process;
mod properties;
mod replicas;
mod router;
mod secrets;
mod status_links;
mod status_page;
mod storage;

use std::sync::Arc;

use std::time::Duration;

use hub_server::clock::ManualClock;
use hub_server::config::{Cidr, Config, GoDuration, Secret};
use hub_server::live::Live;
use hub_server::notify::Dispatcher;
use hub_server::state::AppState;
use hub_server::store::{NewCustomerConfig, Store, StoreOptions};
use hub_server::{HubError, HubOptions, ReportKey};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const KEY: &str = "global-test-key-0123456789";

/// The store's options for tests that are not about durability: no fsync
/// per group commit (`synchronous=NORMAL`). The durability tests and the
/// drills use the default, `FULL`.
pub fn fast() -> StoreOptions {
    StoreOptions {
        synchronous_full: false,
        ..Default::default()
    }
}

/// The PostgreSQL server the suite runs on instead of SQLite, when
/// `HUB_TEST_PG_URL` names one (`.ci/run` runs the suite on both engines).
pub fn test_pg_url() -> Option<String> {
    std::env::var("HUB_TEST_PG_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// Whether this run is the PostgreSQL one; tests of what only SQLite has
/// (its file, WAL, backups, the key file next to it) say so and pass.
pub fn sqlite_only(what: &str) -> bool {
    if test_pg_url().is_some() {
        eprintln!("SQLite only, skipped on PostgreSQL: {what}");
        return true;
    }
    false
}

/// The database of a data dir on the PostgreSQL run: one per dir, created
/// on first use, so two hubs (or a restart) on one dir share it as they
/// would share `hub.db`. Its URL, and a secrets key fixed for the dir.
pub fn pg_database(dir: &std::path::Path) -> Option<(String, String)> {
    use sha2::Digest;
    let base = test_pg_url()?;
    let digest = sha2::Sha256::digest(dir.as_os_str().as_encoded_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let name = format!("t_{}", &hex[..16]);
    let admin = base.clone();
    let create = name.clone();
    // The synchronous client must not run on the test's runtime.
    std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
        let exists = c
            .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&create])
            .unwrap()
            .is_some();
        if !exists {
            c.batch_execute(&format!("CREATE DATABASE {create}"))
                .unwrap();
        }
    })
    .join()
    .unwrap();
    let mut url = url::Url::parse(&base).unwrap();
    url.set_path(&name);
    Some((url.to_string(), hex))
}

/// `opts` on this run's engine: SQLite in `dir`, or `dir`'s PostgreSQL
/// database (with the dir's key unless the test brings its own).
pub fn on_engine(dir: &std::path::Path, mut opts: StoreOptions) -> StoreOptions {
    if opts.postgres.is_none()
        && let Some((url, key)) = pg_database(dir)
    {
        opts.postgres = Some(Secret(url));
        if opts.secrets.key.is_none() {
            opts.secrets.key = Some(hub_server::secrets::cipher::SecretKey::parse(&key).unwrap());
        }
    }
    opts
}

/// [`Store::open`] on this run's engine.
pub fn open_store(
    dir: &std::path::Path,
    opts: StoreOptions,
) -> Result<Store, hub_server::store::StoreError> {
    Store::open(dir, on_engine(dir, opts))
}

/// Whether an outside tool a test needs (Chromium, Litestream, a parser)
/// is here. If not, the test says so and passes — except with
/// `HUB_REQUIRE_TOOLS=1` (as `.ci/run` sets), where a missing tool fails it.
pub fn tool_available(found: bool, what: &str) -> bool {
    if !found {
        assert!(
            std::env::var("HUB_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "HUB_REQUIRE_TOOLS=1 but {what}"
        );
        eprintln!("skipped: {what}");
    }
    found
}

thread_local! {
    /// The live stream's keep-alive for hubs started on this thread (tests
    /// of long-lived streams shorten it).
    pub static STREAM_KEEPALIVE: std::cell::Cell<Duration> =
        const { std::cell::Cell::new(Duration::from_secs(15)) };
}
pub const T0: &str = "2026-11-27T10:00:00Z";

pub struct Hub {
    pub url: String,
    pub client: reqwest::Client,
    pub clock: Arc<ManualClock>,
    pub store: Store,
    pub state: Arc<AppState>,
    pub dispatcher: Dispatcher,
    pub dir: Arc<TempDir>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<Result<(), HubError>>,
}

impl Hub {
    pub async fn start() -> Hub {
        Hub::start_with(Arc::new(tempfile::tempdir().unwrap()), fast(), |_| {}).await
    }

    /// A hub whose live model is the caller's (a short subscriber buffer).
    pub async fn start_with_live(live: Live) -> Hub {
        let dir = Arc::new(tempfile::tempdir().unwrap());
        Hub::launch(dir, fast(), T0.parse().unwrap(), |_| {}, live).await
    }

    pub async fn start_in(dir: Arc<TempDir>, opts: StoreOptions) -> Hub {
        Hub::start_with(dir, opts, |_| {}).await
    }

    /// A hub in manual mode: no job or dispatcher runs unless a test calls it.
    pub async fn start_with(
        dir: Arc<TempDir>,
        opts: StoreOptions,
        tweak: impl FnOnce(&mut Config),
    ) -> Hub {
        Hub::start_at(dir, opts, T0.parse().unwrap(), tweak).await
    }

    pub async fn start_at(
        dir: Arc<TempDir>,
        opts: StoreOptions,
        now: jiff::Timestamp,
        tweak: impl FnOnce(&mut Config),
    ) -> Hub {
        let live = Live::with_new_epoch(hub_server::live::SUBSCRIBER_BUFFER);
        Hub::launch(dir, opts, now, tweak, live).await
    }

    async fn launch(
        dir: Arc<TempDir>,
        opts: StoreOptions,
        now: jiff::Timestamp,
        tweak: impl FnOnce(&mut Config),
        live: Live,
    ) -> Hub {
        let mut config = Config::default();
        config.server.data_dir = dir.path().to_owned();
        config.api.report_api_key = Secret(KEY.into());
        config.server.public_url = "https://hub.example.test".into();
        // Never the real registry from a test.
        config.registry.image = "http://127.0.0.1:9/admin/felhom-controller".into();
        config.notifications.resend_base_url = "http://127.0.0.1:9".into();
        // Controller doubles listen on plain http on loopback; the strict
        // defaults are tested on their own. Short enough to test a slow
        // controller without waiting 10 s.
        config.controllers.allow_insecure = true;
        config.controllers.allowed_networks = vec![Cidr::parse("127.0.0.0/8").unwrap()];
        config.controllers.allowed_hosts = vec!["127.0.0.1".into()];
        config.controllers.timeout = GoDuration(Duration::from_millis(500));
        tweak(&mut config);
        let opts = on_engine(dir.path(), opts);
        if let Some(url) = &opts.postgres {
            config.database.url = url.clone();
            config.secrets = opts.secrets.clone();
        }
        let store = Store::open(dir.path(), opts.clone()).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let clock = Arc::new(ManualClock::new(now));
        let (tx, rx) = oneshot::channel::<()>();
        let key = ReportKey {
            key: KEY.into(),
            generated: None,
        };
        let mut state =
            hub_server::build_state_with(config, key, store.clone(), clock.clone(), live)
                .await
                .unwrap();
        state.stream_keepalive = STREAM_KEEPALIVE.with(|k| k.get());
        let state = Arc::new(state);
        let dispatcher = hub_server::dispatcher(&state).await.unwrap();
        let hub_opts = HubOptions {
            manual: true,
            limits: None,
        };
        let task = tokio::spawn(hub_server::serve(
            state.clone(),
            hub_opts,
            listener,
            async {
                let _ = rx.await;
            },
        ));
        Hub {
            url,
            client: reqwest::Client::new(),
            clock,
            store,
            state,
            dispatcher,
            dir,
            stop: Some(tx),
            task,
        }
    }

    /// Processes the outbox now.
    pub async fn drain(&self) -> usize {
        self.dispatcher.drain().await.unwrap()
    }

    /// Graceful stop; returns the data dir for a restart.
    pub async fn stop(mut self) -> Arc<TempDir> {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        let Hub {
            task,
            state,
            dispatcher,
            dir,
            ..
        } = self;
        drop(state);
        drop(dispatcher);
        task.await.unwrap().unwrap();
        dir
    }

    pub async fn post(
        &self,
        path: &str,
        key: Option<&str>,
        body: impl Into<reqwest::Body>,
    ) -> reqwest::Response {
        let mut req = self
            .client
            .post(format!("{}{path}", self.url))
            .header("content-type", "application/json")
            .body(body);
        if let Some(k) = key {
            req = req.bearer_auth(k);
        }
        req.send().await.unwrap()
    }

    pub async fn post_json(
        &self,
        path: &str,
        key: Option<&str>,
        body: &Value,
    ) -> reqwest::Response {
        self.post(path, key, body.to_string()).await
    }

    pub async fn get(&self, path: &str, key: Option<&str>) -> reqwest::Response {
        let mut req = self.client.get(format!("{}{path}", self.url));
        if let Some(k) = key {
            req = req.bearer_auth(k);
        }
        req.send().await.unwrap()
    }

    /// Adds a managed customer with known credentials, through the store.
    pub async fn add_config(&self, customer_id: &str) -> (String, String) {
        let api_key = format!("{customer_id}-api-key-secret");
        let password = format!("{customer_id}-retrieval-pw");
        assert!(
            self.store
                .insert_customer_config(
                    NewCustomerConfig {
                        config: hub_proto::admin::CustomerConfig {
                            customer_id: customer_id.into(),
                            display_name: format!("Customer {customer_id}"),
                            domain: format!("{customer_id}.felhom.eu"),
                            contact_email: format!("{customer_id}@example.hu"),
                            tokens: [("tunnel".to_owned(), "tunnel-tok".to_owned())].into(),
                            ..Default::default()
                        },
                        api_key: api_key.clone(),
                        retrieval_password: password.clone(),
                        session_secret: "session".into(),
                    },
                    self.clock.now_ts(),
                )
                .await
                .unwrap()
        );
        (api_key, password)
    }
}

pub trait NowTs {
    fn now_ts(&self) -> jiff::Timestamp;
}

impl NowTs for ManualClock {
    fn now_ts(&self) -> jiff::Timestamp {
        use hub_server::clock::Clock;
        self.now()
    }
}

/// A report of the PROTOCOL.md shape.
pub fn report(customer_id: &str, ts: &str) -> Value {
    json!({
        "customer_id": customer_id,
        "timestamp": ts,
        "controller_version": "1.8.2",
        "controller_url": format!("https://{customer_id}.felhom.eu:8443"),
        "health": "ok",
        "monitoring_disabled": false,
        "system": {"hostname": "felhom-01", "os": "Debian 12", "kernel": "6.1.0-28-amd64",
                   "uptime_seconds": 864000, "cpu_percent": 12.5, "load_avg": [0.4, 0.3, 0.2],
                   "memory_total_bytes": 8208000000u64, "memory_used_bytes": 3100000000u64,
                   "temperature_c": 48.0},
        "storage": [{"mount_point": "/", "label": "system", "uuid": "1b2c", "fs_type": "ext4",
                     "total_bytes": 250000000000u64, "used_bytes": 61000000000u64, "smart_ok": true}],
        "containers": [{"name": "nextcloud", "image": "nextcloud:29", "state": "running",
                        "health": "healthy", "restart_count": 0}],
        "backup": {"last_backup_at": "2026-11-27T02:10:00Z", "last_backup_ok": true,
                   "last_dbdump_at": "2026-11-27T01:30:00Z", "last_dbdump_ok": true,
                   "snapshot_count": 42, "repo_size_bytes": 120000000000u64},
        "checks": [{"name": "tunnel", "status": "ok", "message": ""}]
    })
}

/// Asserts the PROTOCOL error body and returns its code.
pub async fn error_code(resp: reqwest::Response, status: u16) -> String {
    assert_eq!(resp.status().as_u16(), status);
    let body: Value = resp.json().await.unwrap();
    let code = body["error"]["code"]
        .as_str()
        .expect("error.code")
        .to_owned();
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
    code
}

/// Number of customers the fleet view lists.
pub async fn fleet_len(hub: &Hub) -> usize {
    let v: Value = hub
        .get("/api/v1/customers", Some(KEY))
        .await
        .json()
        .await
        .unwrap();
    v["customers"].as_array().unwrap().len()
}

impl Hub {
    /// Creates an admin token through the store, as `hub-server token create` does.
    pub async fn admin_token(&self, name: &str, read_only: bool) -> String {
        let token = format!("hubadm_test_{name}");
        assert!(
            self.store
                .create_admin_token(name.into(), token.clone(), read_only, self.clock.now_ts())
                .await
                .unwrap()
        );
        token
    }

    pub async fn admin(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut req = self
            .client
            .request(method, format!("{}/api/admin/v1{path}", self.url))
            .bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.unwrap()
    }
}
