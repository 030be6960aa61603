//! The typed admin-API client: one method per admin route, each building
//! its path and query with proper encoding and returning the API's own
//! objects (the `hub-proto` types), or a [`ClientError`] that knows its
//! exit code. The commands and the TUI both use it; neither writes a path.
//! Answers are compressed on the wire (the hub compresses what it sends
//! when asked, and reqwest asks).

use std::time::Duration;

use hub_proto::actions::OperatorAction;
use hub_proto::admin::{
    AuditEntry, ChannelInfo, ChannelList, ChannelRequest, ChannelTest, CredentialKind, Credentials,
    CustomerConfig, CustomerView, Diff, Digest, EventRecord, Fleet, HubStatus, NotificationRecord,
    Page, RotateRequest, StatusLink, StatusLinkRequest, UpdateRequest, Versions, Whoami,
};
use hub_proto::alerts::{IncidentList, MaintenanceList, MaintenanceWindow, NewMaintenance};
use hub_proto::rules::FleetFilter;
use hub_proto::{ErrorBody, HistoryResponse, StatusOk};
use reqwest::{Method, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;
use thiserror::Error;

pub use crate::stream::{Follower, Message, STREAM_IDLE, Sse};

#[derive(Debug, Error)]
pub enum ClientError {
    /// The hub answered with an error (auth, not found, validation, …).
    #[error("{message} ({code}, HTTP {status})")]
    Hub {
        status: u16,
        code: String,
        message: String,
    },
    /// The hub could not be reached at all.
    #[error("cannot reach the hub at {server}: {reason}. Check --server or run `hubctl login`.")]
    Unreachable { server: String, reason: String },
    #[error("the hub's answer could not be read: {0}")]
    Decode(String),
    /// The server is not an http(s) URL.
    #[error("`{0}` is not a hub URL (http:// or https://)")]
    BadServer(String),
}

/// Limit of one ordinary call (not of a stream) when none is given.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Filters of the event list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventQuery {
    pub customer: Option<String>,
    pub severity: Option<String>,
    pub event_type: Option<String>,
    pub since: Option<jiff::Timestamp>,
    pub limit: usize,
}

/// What an action answered, as the API sends it.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Answer {
    Status(StatusOk),
    Credentials(Credentials),
    Config(CustomerConfig),
    Diff(Diff),
}

/// Talks to one hub with one admin token (cheap to clone: the connection
/// pool is shared).
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    pub server: String,
    base: Url,
    token: String,
    timeout: Duration,
}

/// A server given without a scheme (`hub.example.hu`, `127.0.0.1:8080`):
/// https, or http for a loopback address (the laptop trial).
pub fn with_scheme(server: &str) -> String {
    let server = server.trim();
    if server.contains("://") {
        return server.to_owned();
    }
    let host = server.split('/').next().unwrap_or("");
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(h, _)| h),
    };
    let loopback = name == "localhost"
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    format!("{}://{server}", if loopback { "http" } else { "https" })
}

impl Client {
    /// A client of `server` with `token`; `timeout` bounds each ordinary
    /// call (streams have none).
    pub fn new(server: &str, token: &str, timeout: Duration) -> Result<Client, ClientError> {
        let full = with_scheme(server);
        let trimmed = full.trim_end_matches('/');
        let base = Url::parse(trimmed)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && !u.cannot_be_a_base())
            .ok_or_else(|| ClientError::BadServer(server.to_owned()))?;
        let http = reqwest::Client::builder()
            .user_agent(concat!(
                "hubctl/",
                env!("CARGO_PKG_VERSION"),
                " (",
                env!("HUB_GIT_COMMIT"),
                ")"
            ))
            .connect_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| ClientError::Unreachable {
                server: trimmed.to_owned(),
                reason: e.to_string(),
            })?;
        Ok(Client {
            http,
            server: trimmed.to_owned(),
            base,
            token: token.to_owned(),
            timeout,
        })
    }

    /// `/api/admin/v1/<segments…>?<query>`, each segment and value encoded.
    fn url(&self, segments: &[&str], query: &[(&str, String)]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty()
                .extend(["api", "admin", "v1"])
                .extend(segments);
        }
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        url
    }

    fn unreachable(&self, e: &reqwest::Error) -> ClientError {
        ClientError::Unreachable {
            server: self.server.clone(),
            reason: if e.is_timeout() {
                "timed out".into()
            } else if e.is_connect() {
                "connection refused or no route".into()
            } else {
                "request failed".into()
            },
        }
    }

    /// Sends a request; non-2xx answers become [`ClientError::Hub`].
    pub(crate) async fn send<B: Serialize>(
        &self,
        method: Method,
        url: Url,
        body: Option<&B>,
        timeout: Option<Duration>,
        last_event_id: Option<u64>,
    ) -> Result<reqwest::Response, ClientError> {
        let mut req = self.http.request(method, url).bearer_auth(&self.token);
        if let Some(t) = timeout {
            req = req.timeout(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        if let Some(id) = last_event_id {
            req = req.header("last-event-id", id.to_string());
        }
        let resp = req.send().await.map_err(|e| self.unreachable(&e))?;
        if resp.status().is_success() {
            return Ok(resp);
        }
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap_or_default();
        let (code, message) = match serde_json::from_str::<ErrorBody>(&text) {
            Ok(b) => (b.error.code, b.error.message),
            Err(_) => (
                "http_error".to_owned(),
                format!("the hub answered HTTP {status}"),
            ),
        };
        Err(ClientError::Hub {
            status,
            code,
            message,
        })
    }

    async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        url: Url,
        body: Option<&B>,
    ) -> Result<T, ClientError> {
        let resp = self
            .send(method, url, body, Some(self.timeout), None)
            .await?;
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| ClientError::Decode(e.to_string()))?;
        serde_json::from_slice(&bytes).map_err(|e| ClientError::Decode(e.to_string()))
    }

    async fn get<T: DeserializeOwned>(&self, url: Url) -> Result<T, ClientError> {
        self.call::<(), T>(Method::GET, url, None).await
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        url: Url,
        body: Option<&B>,
    ) -> Result<T, ClientError> {
        self.call(Method::POST, url, body).await
    }

    // --- reads -----------------------------------------------------------

    /// `GET /fleet` with `filter` (the cached list when it is the default).
    pub async fn fleet(&self, filter: &FleetFilter) -> Result<Fleet, ClientError> {
        self.get(self.url(&["fleet"], &filter.query())).await
    }

    /// `GET /customers/{id}`.
    pub async fn customer(&self, id: &str) -> Result<CustomerView, ClientError> {
        self.get(self.url(&["customers", id], &[])).await
    }

    /// `GET /customers/{id}/history?period=` (`1h`, `24h`, `7d`, `30d`,
    /// `90d`; the hub refuses others).
    pub async fn history(&self, id: &str, period: &str) -> Result<HistoryResponse, ClientError> {
        let q = [("period", period.to_owned())];
        self.get(self.url(&["customers", id, "history"], &q)).await
    }

    /// `GET /events`: one page, newest first, with the stream id to
    /// follow it from.
    pub async fn events(&self, q: &EventQuery) -> Result<Page<EventRecord>, ClientError> {
        let mut query = vec![("limit", q.limit.to_string())];
        for (k, v) in [
            ("customer", &q.customer),
            ("severity", &q.severity),
            ("type", &q.event_type),
        ] {
            if let Some(v) = v {
                query.push((k, v.clone()));
            }
        }
        if let Some(t) = q.since {
            query.push(("since", t.to_string()));
        }
        self.get(self.url(&["events"], &query)).await
    }

    fn log_query(customer: Option<&str>, limit: usize) -> Vec<(&'static str, String)> {
        let mut q = vec![("limit", limit.to_string())];
        if let Some(c) = customer {
            q.push(("customer", c.to_owned()));
        }
        q
    }

    /// `GET /notifications`.
    pub async fn notifications(
        &self,
        customer: Option<&str>,
        limit: usize,
    ) -> Result<Vec<NotificationRecord>, ClientError> {
        let q = Self::log_query(customer, limit);
        self.get(self.url(&["notifications"], &q)).await
    }

    /// `GET /audit`.
    pub async fn audit(
        &self,
        customer: Option<&str>,
        limit: usize,
    ) -> Result<Page<AuditEntry>, ClientError> {
        let q = Self::log_query(customer, limit);
        self.get(self.url(&["audit"], &q)).await
    }

    /// `GET /versions`.
    pub async fn versions(&self) -> Result<Versions, ClientError> {
        self.get(self.url(&["versions"], &[])).await
    }

    /// `GET /whoami`.
    pub async fn whoami(&self) -> Result<Whoami, ClientError> {
        self.get(self.url(&["whoami"], &[])).await
    }

    /// `GET /status`.
    pub async fn status(&self) -> Result<HubStatus, ClientError> {
        self.get(self.url(&["status"], &[])).await
    }

    /// `GET /incidents`.
    pub async fn incidents(
        &self,
        open: bool,
        customer: Option<&str>,
        family: Option<&str>,
        limit: usize,
    ) -> Result<IncidentList, ClientError> {
        let mut q = Self::log_query(customer, limit);
        if open {
            q.push(("open", "true".into()));
        }
        if let Some(f) = family {
            q.push(("family", f.to_owned()));
        }
        self.get(self.url(&["incidents"], &q)).await
    }

    /// `GET /maintenance`.
    pub async fn maintenance(
        &self,
        customer: Option<&str>,
    ) -> Result<MaintenanceList, ClientError> {
        let q: Vec<(&str, String)> = customer
            .map(|c| ("customer", c.to_owned()))
            .into_iter()
            .collect();
        self.get(self.url(&["maintenance"], &q)).await
    }

    /// `POST /maintenance`: the window with its id.
    pub async fn add_maintenance(
        &self,
        w: &NewMaintenance,
    ) -> Result<MaintenanceWindow, ClientError> {
        self.post(self.url(&["maintenance"], &[]), Some(w)).await
    }

    /// `POST /maintenance/{id}/end`.
    pub async fn end_maintenance(&self, id: i64) -> Result<StatusOk, ClientError> {
        let id = id.to_string();
        self.post::<(), _>(self.url(&["maintenance", &id, "end"], &[]), None)
            .await
    }

    /// `GET /digest`, or with `send` `POST /digest/send`.
    pub async fn digest(&self, send: bool) -> Result<Digest, ClientError> {
        if send {
            self.post::<(), _>(self.url(&["digest", "send"], &[]), None)
                .await
        } else {
            self.get(self.url(&["digest"], &[])).await
        }
    }

    /// `POST /customers/{id}/status-link`.
    pub async fn status_link(
        &self,
        id: &str,
        ttl: Option<String>,
    ) -> Result<StatusLink, ClientError> {
        let body = StatusLinkRequest { ttl };
        self.post(
            self.url(&["customers", id, "status-link"], &[]),
            Some(&body),
        )
        .await
    }

    /// `POST /customers/{id}/status-link/revoke`.
    pub async fn revoke_status_links(&self, id: &str) -> Result<StatusOk, ClientError> {
        self.post::<(), _>(
            self.url(&["customers", id, "status-link", "revoke"], &[]),
            None,
        )
        .await
    }

    // --- channels --------------------------------------------------------

    /// `GET /channels`.
    pub async fn channels(&self) -> Result<ChannelList, ClientError> {
        self.get(self.url(&["channels"], &[])).await
    }

    /// `POST /channels`.
    pub async fn add_channel(&self, req: &ChannelRequest) -> Result<ChannelInfo, ClientError> {
        self.post(self.url(&["channels"], &[]), Some(req)).await
    }

    /// `DELETE /channels/{name}`.
    pub async fn remove_channel(&self, name: &str) -> Result<StatusOk, ClientError> {
        self.call::<(), _>(Method::DELETE, self.url(&["channels", name], &[]), None)
            .await
    }

    /// `POST /channels/{name}/test`.
    pub async fn test_channel(&self, name: &str) -> Result<ChannelTest, ClientError> {
        self.post::<(), _>(self.url(&["channels", name, "test"], &[]), None)
            .await
    }

    // --- configs ---------------------------------------------------------

    /// `GET /configs`.
    pub async fn configs(&self) -> Result<Vec<CustomerConfig>, ClientError> {
        self.get(self.url(&["configs"], &[])).await
    }

    /// `GET /configs/{id}`.
    pub async fn config(&self, id: &str) -> Result<CustomerConfig, ClientError> {
        self.get(self.url(&["configs", id], &[])).await
    }

    /// `POST /configs`: the new customer's credentials, shown once.
    pub async fn create_config(&self, cfg: &CustomerConfig) -> Result<Credentials, ClientError> {
        self.post(self.url(&["configs"], &[]), Some(cfg)).await
    }

    /// `PUT /configs/{id}`.
    pub async fn put_config(&self, cfg: &CustomerConfig) -> Result<CustomerConfig, ClientError> {
        let url = self.url(&["configs", &cfg.customer_id], &[]);
        self.call(Method::PUT, url, Some(cfg)).await
    }

    /// `GET /configs/{id}/yaml`: the generated controller.yaml (secrets).
    pub async fn config_yaml(&self, id: &str) -> Result<String, ClientError> {
        let url = self.url(&["configs", id, "yaml"], &[]);
        self.send::<()>(Method::GET, url, None, Some(self.timeout), None)
            .await?
            .text()
            .await
            .map_err(|e| ClientError::Decode(e.to_string()))
    }

    /// `GET /configs/{id}/credentials`.
    pub async fn credentials(&self, id: &str) -> Result<Credentials, ClientError> {
        self.get(self.url(&["configs", id, "credentials"], &[]))
            .await
    }

    /// `POST /configs/{id}/rotate`.
    pub async fn rotate(
        &self,
        id: &str,
        credential: CredentialKind,
    ) -> Result<Credentials, ClientError> {
        let url = self.url(&["configs", id, "rotate"], &[]);
        self.post(url, Some(&RotateRequest { credential })).await
    }

    // --- actions ---------------------------------------------------------

    /// Runs an operator action on customer `id` (`version` for an update,
    /// `latest` when none) and returns what the hub answered.
    pub async fn act(
        &self,
        action: OperatorAction,
        id: &str,
        version: Option<&str>,
    ) -> Result<Answer, ClientError> {
        let on = |verb: &str| self.url(&["customers", id, verb], &[]);
        Ok(match action {
            OperatorAction::Block | OperatorAction::Unblock | OperatorAction::Push => {
                Answer::Status(self.post::<(), _>(on(action.name()), None).await?)
            }
            OperatorAction::Pull => Answer::Config(self.post::<(), _>(on("pull"), None).await?),
            OperatorAction::Adopt => {
                Answer::Credentials(self.post::<(), _>(on("adopt"), None).await?)
            }
            OperatorAction::Diff => Answer::Diff(self.get(on("diff")).await?),
            OperatorAction::Update => {
                let body = UpdateRequest {
                    version: version.unwrap_or("latest").to_owned(),
                };
                Answer::Status(self.post(on("update"), Some(&body)).await?)
            }
            OperatorAction::Delete => {
                let url = self.url(&["configs", id], &[]);
                Answer::Status(self.call::<(), _>(Method::DELETE, url, None).await?)
            }
            OperatorAction::RotatePassword => {
                Answer::Credentials(self.rotate(id, CredentialKind::RetrievalPassword).await?)
            }
        })
    }

    /// `GET /stream`, resuming after `last_event_id`. No total timeout: a
    /// stream lives as long as the hub keeps it.
    pub async fn stream(&self, last_event_id: Option<u64>) -> Result<Sse, ClientError> {
        let url = self.url(&["stream"], &[]);
        let resp = self
            .send::<()>(Method::GET, url, None, None, last_event_id)
            .await?;
        Ok(Sse::new(resp, STREAM_IDLE))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_queries_are_encoded() {
        let c = match Client::new("https://hub.example/base/", "t", DEFAULT_TIMEOUT) {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(
            c.url(
                &["customers", "a/../b?x"],
                &[("customer", "k&y=1 z".into())]
            )
            .as_str(),
            "https://hub.example/base/api/admin/v1/customers/a%2F..%2Fb%3Fx?customer=k%26y%3D1+z"
        );
        assert!(matches!(
            Client::new("ftp://hub.example", "t", DEFAULT_TIMEOUT),
            Err(ClientError::BadServer(_))
        ));
    }

    #[test]
    fn a_server_without_scheme_is_https_or_http_on_loopback() {
        for (given, meant) in [
            ("hub.example.hu", "https://hub.example.hu"),
            (
                "hub.example.hu:8443/base",
                "https://hub.example.hu:8443/base",
            ),
            ("127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("localhost:8080", "http://localhost:8080"),
            ("[::1]:8080", "http://[::1]:8080"),
            ("10.0.0.5:8080", "https://10.0.0.5:8080"),
            ("http://hub.example.hu", "http://hub.example.hu"),
        ] {
            assert_eq!(with_scheme(given), meant, "{given}");
        }
    }
}
