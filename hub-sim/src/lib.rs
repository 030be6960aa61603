//! A simulated felhom-controller. It speaks the controller's side of
//! PROTOCOL.md for real: it pushes reports, events and infra backups to a
//! hub, and serves `GET /api/config`, `POST /api/config/apply` and
//! `POST /api/update` behind the customer's API key. It can misbehave on
//! demand (stop reporting, fail health, answer errors, be slow), and one
//! process can run many nodes (each under `/n/<customer_id>`).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use hub_proto::Health;
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

/// How a node misbehaves; all off by default.
#[derive(Debug, Clone, Default)]
pub struct Behaviour {
    /// Answer every controller API call with this status.
    pub fail_api: Option<u16>,
    /// Delay every controller API answer.
    pub slow: Duration,
    /// Health to report (`ok` unless set).
    pub health: Option<Health>,
    /// Send nothing to the hub.
    pub silent: bool,
    /// Say in each report that the last backup failed (and tell the hub
    /// once with a `backup_failed` event).
    pub fail_backups: bool,
}

/// One simulated node.
pub struct Node {
    pub customer_id: String,
    /// The key its API demands and that it sends to the hub; an applied
    /// config's `hub.api_key` replaces it, as on a real controller.
    api_key: Mutex<String>,
    pub version: String,
    /// The live controller.yaml.
    pub config: Mutex<String>,
    /// Versions requested through `/api/update`.
    pub updates: Mutex<Vec<String>>,
    pub behaviour: Mutex<Behaviour>,
}

impl Node {
    pub fn new(customer_id: &str, api_key: &str) -> Arc<Node> {
        Arc::new(Node {
            customer_id: customer_id.to_owned(),
            api_key: Mutex::new(api_key.to_owned()),
            version: "1.8.2".to_owned(),
            config: Mutex::new(format!("customer:\n  id: {customer_id}\n")),
            updates: Mutex::new(Vec::new()),
            behaviour: Mutex::new(Behaviour::default()),
        })
    }

    pub fn api_key(&self) -> String {
        self.api_key.lock().map(|k| k.clone()).unwrap_or_default()
    }

    pub fn behaviour(&self) -> Behaviour {
        self.behaviour.lock().map(|b| b.clone()).unwrap_or_default()
    }

    pub fn set_behaviour(&self, b: Behaviour) {
        if let Ok(mut g) = self.behaviour.lock() {
            *g = b;
        }
    }

    pub fn live_config(&self) -> String {
        self.config.lock().map(|c| c.clone()).unwrap_or_default()
    }

    pub fn set_live_config(&self, yaml: &str) {
        if let Ok(mut g) = self.config.lock() {
            *g = yaml.to_owned();
        }
    }

    pub fn updates(&self) -> Vec<String> {
        self.updates.lock().map(|u| u.clone()).unwrap_or_default()
    }

    /// A report of the PROTOCOL.md shape, as of `at`.
    pub fn report(&self, controller_url: &str, at: jiff::Timestamp) -> Value {
        let b = self.behaviour();
        let health = b.health.unwrap_or(Health::Ok);
        // The last backup two hours ago, failed or not; the dump an hour ago.
        let backup_at = at - jiff::SignedDuration::from_hours(2);
        let dump_at = at - jiff::SignedDuration::from_hours(1);
        json!({
            "customer_id": self.customer_id,
            "timestamp": at.to_string(),
            "controller_version": self.version,
            "controller_url": controller_url,
            "health": health.as_str(),
            "monitoring_disabled": false,
            "system": {"hostname": format!("sim-{}", self.customer_id), "os": "Debian 12",
                       "kernel": "6.1.0-28-amd64", "uptime_seconds": 3600, "cpu_percent": 7.5,
                       "load_avg": [0.2, 0.1, 0.1], "memory_total_bytes": 8_208_000_000u64,
                       "memory_used_bytes": 2_100_000_000u64, "temperature_c": 45.0},
            "storage": [{"mount_point": "/", "label": "system", "fs_type": "ext4",
                         "total_bytes": 250_000_000_000u64, "used_bytes": 61_000_000_000u64, "smart_ok": true}],
            "containers": [{"name": "nextcloud", "image": "nextcloud:29", "state": "running",
                            "health": "healthy", "restart_count": 0}],
            "backup": {"last_backup_at": backup_at.to_string(), "last_backup_ok": !b.fail_backups,
                       "last_dbdump_at": dump_at.to_string(), "last_dbdump_ok": true,
                       "snapshot_count": 42, "repo_size_bytes": 120_000_000_000u64},
            "checks": [{"name": "tunnel", "status": "ok", "message": ""}]
        })
    }
}

/// The set of nodes one simulator process serves.
#[derive(Clone, Default)]
pub struct Fleet {
    nodes: Arc<Mutex<Vec<Arc<Node>>>>,
}

impl Fleet {
    pub fn add(&self, node: Arc<Node>) {
        if let Ok(mut n) = self.nodes.lock() {
            n.push(node);
        }
    }

    pub fn get(&self, customer_id: &str) -> Option<Arc<Node>> {
        self.nodes
            .lock()
            .ok()?
            .iter()
            .find(|n| n.customer_id == customer_id)
            .cloned()
    }

    pub fn all(&self) -> Vec<Arc<Node>> {
        self.nodes.lock().map(|n| n.clone()).unwrap_or_default()
    }
}

/// The controller API of every node, under `/n/{customer_id}/api/...`.
pub fn router(fleet: Fleet) -> Router {
    Router::new()
        .route("/n/{id}/api/config", get(get_config))
        .route("/n/{id}/api/config/apply", post(apply_config))
        .route("/n/{id}/api/update", post(update))
        .with_state(fleet)
}

/// The `controller_url` a node served by `router` at `base` reports.
pub fn node_url(base: &str, customer_id: &str) -> String {
    format!("{}/n/{customer_id}", base.trim_end_matches('/'))
}

/// Common gate: the node exists, the key matches, misbehaviour applies.
async fn gate(fleet: &Fleet, id: &str, headers: &HeaderMap) -> Result<Arc<Node>, Response> {
    let node = fleet
        .get(id)
        .ok_or_else(|| StatusCode::NOT_FOUND.into_response())?;
    let b = node.behaviour();
    if !b.slow.is_zero() {
        tokio::time::sleep(b.slow).await;
    }
    let given = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !bool::from(given.as_bytes().ct_eq(node.api_key().as_bytes())) {
        return Err((StatusCode::UNAUTHORIZED, "bad api key").into_response());
    }
    if let Some(status) = b.fail_api {
        let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return Err((code, "failing on purpose").into_response());
    }
    Ok(node)
}

async fn get_config(State(f): State<Fleet>, Path(id): Path<String>, h: HeaderMap) -> Response {
    match gate(&f, &id, &h).await {
        Ok(node) => ([("content-type", "application/yaml")], node.live_config()).into_response(),
        Err(r) => r,
    }
}

async fn apply_config(
    State(f): State<Fleet>,
    Path(id): Path<String>,
    h: HeaderMap,
    body: String,
) -> Response {
    match gate(&f, &id, &h).await {
        Ok(node) => {
            if body.trim().is_empty() {
                return (StatusCode::BAD_REQUEST, "empty config").into_response();
            }
            let parsed: Result<Value, _> = serde_saphyr::from_str(&body);
            let Ok(parsed) = parsed else {
                return (StatusCode::BAD_REQUEST, "config is not YAML").into_response();
            };
            node.set_live_config(&body);
            // From now on the node authenticates with the key it was given.
            if let Some(key) = parsed["hub"]["api_key"].as_str()
                && let Ok(mut k) = node.api_key.lock()
            {
                *k = key.to_owned();
            }
            (StatusCode::OK, "applied").into_response()
        }
        Err(r) => r,
    }
}

async fn update(
    State(f): State<Fleet>,
    Path(id): Path<String>,
    h: HeaderMap,
    body: String,
) -> Response {
    match gate(&f, &id, &h).await {
        Ok(node) => {
            let version = serde_json::from_str::<Value>(&body)
                .ok()
                .and_then(|v| v["version"].as_str().map(str::to_owned));
            match version {
                Some(v) => {
                    if let Ok(mut u) = node.updates.lock() {
                        u.push(v);
                    }
                    StatusCode::ACCEPTED.into_response()
                }
                None => (StatusCode::BAD_REQUEST, "version missing").into_response(),
            }
        }
        Err(r) => r,
    }
}

/// Talks to a hub on behalf of nodes.
#[derive(Clone)]
pub struct HubClient {
    pub http: reqwest::Client,
    pub hub: String,
    /// The global report key; `None` means each node's own API key.
    pub global_key: Option<String>,
}

impl HubClient {
    fn key(&self, node: &Node) -> String {
        self.global_key.clone().unwrap_or_else(|| node.api_key())
    }

    async fn post(&self, node: &Node, path: &str, body: &Value) -> anyhow::Result<u16> {
        let resp = self
            .http
            .post(format!("{}{path}", self.hub.trim_end_matches('/')))
            .bearer_auth(self.key(node))
            .json(body)
            .send()
            .await?;
        Ok(resp.status().as_u16())
    }

    /// One report as of now, unless the node is silent. Returns the hub's
    /// status.
    pub async fn report(&self, node: &Node, controller_url: &str) -> anyhow::Result<Option<u16>> {
        self.report_at(node, controller_url, jiff::Timestamp::now())
            .await
    }

    /// One report as of `at`: a hub on a manual clock refuses a report
    /// more than a day ahead of its own time.
    pub async fn report_at(
        &self,
        node: &Node,
        controller_url: &str,
        at: jiff::Timestamp,
    ) -> anyhow::Result<Option<u16>> {
        if node.behaviour().silent {
            return Ok(None);
        }
        Ok(Some(
            self.post(node, "/api/v1/report", &node.report(controller_url, at))
                .await?,
        ))
    }

    pub async fn event(
        &self,
        node: &Node,
        event_type: &str,
        severity: &str,
        message: &str,
    ) -> anyhow::Result<u16> {
        let body = json!({"customer_id": node.customer_id, "event_type": event_type,
                          "severity": severity, "message": message});
        self.post(node, "/api/v1/event", &body).await
    }

    pub async fn infra_backup(&self, node: &Node) -> anyhow::Result<u16> {
        let body = json!({"customer_id": node.customer_id, "created_at": jiff::Timestamp::now().to_string(),
                          "disks": [{"uuid": "sim-disk-1", "label": "hdd1", "mount_point": "/mnt/hdd1",
                                     "fs_type": "ext4", "fstab_options": "defaults,nofail"}],
                          "restic": {"primary_password": format!("sim-{}", node.customer_id)}});
        self.post(node, "/api/v1/infra-backup", &body).await
    }
}

/// Whether node `i` (1-based) of a fleet is among the `fraction` chosen
/// for a failure: spread evenly (0.25 of 8 is nodes 4 and 8), the same
/// nodes on every run.
pub fn chosen(i: usize, fraction: f64) -> bool {
    let f = fraction.clamp(0.0, 1.0);
    (i as f64 * f).floor() > ((i.saturating_sub(1)) as f64 * f).floor()
}

/// Report rounds before a `--stop-after` silence: the whole intervals it
/// covers, at least the first report (so the hub has seen the node).
pub fn rounds_before_silence(stop_after: Duration, interval: Duration) -> u64 {
    let i = interval.as_secs().max(1);
    stop_after.as_secs().div_ceil(i).max(1)
}

/// The customers and API keys of a `--keys` file: what `hubctl config
/// credentials ID -o json` prints, one object or several (an array, or
/// one after another as a shell loop appends them). Each needs a
/// `customer_id` and an `api_key`.
pub fn read_keys(text: &str) -> anyhow::Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut push = |v: &Value| -> anyhow::Result<()> {
        let field = |k: &str| {
            v.get(k)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| anyhow::anyhow!("an entry without a string `{k}`"))
        };
        let id = field("customer_id")?;
        hub_proto::validate_customer_id(&id)
            .map_err(|e| anyhow::anyhow!("customer_id `{id}`: {e}"))?;
        out.push((id, field("api_key")?));
        Ok(())
    };
    for v in serde_json::Deserializer::from_str(text).into_iter::<Value>() {
        match v? {
            Value::Array(items) => items.iter().try_for_each(&mut push)?,
            v => push(&v)?,
        }
    }
    anyhow::ensure!(!out.is_empty(), "no customers in the keys file");
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn failures_are_spread_and_counted_exactly() {
        let picked: Vec<usize> = (1..=8).filter(|i| chosen(*i, 0.25)).collect();
        assert_eq!(picked, [4, 8]);
        assert_eq!((1..=270).filter(|i| chosen(*i, 0.1)).count(), 27);
        assert!((1..=5).all(|i| !chosen(i, 0.0) && chosen(i, 1.0)));
    }

    #[test]
    fn silence_comes_after_whole_rounds() {
        let s = Duration::from_secs;
        assert_eq!(rounds_before_silence(s(1800), s(900)), 2);
        assert_eq!(rounds_before_silence(s(1000), s(900)), 2);
        assert_eq!(rounds_before_silence(s(0), s(900)), 1);
    }

    #[test]
    fn keys_files_of_every_shape_and_their_mistakes() {
        let one = r#"{"customer_id":"a","api_key":"ka","session_secret":"s","tokens":{}}"#;
        let keys = read_keys(&format!(
            "{one}\n{}",
            one.replace("\"a\"", "\"b\"").replace("ka", "kb")
        ))
        .unwrap();
        assert_eq!(keys, [("a".into(), "ka".into()), ("b".into(), "kb".into())]);
        assert_eq!(read_keys(&format!("[{one}]")).unwrap().len(), 1);
        assert!(read_keys("").is_err());
        assert!(read_keys(r#"{"customer_id":"a"}"#).is_err());
        assert!(read_keys(r#"{"customer_id":"../x","api_key":"k"}"#).is_err());
        assert!(read_keys("{").is_err());
    }
}
