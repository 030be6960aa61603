//! The typed admin-API client: every call returns the API's own objects
//! (the `hub-proto` types) or a [`ClientError`] that knows its exit code.
//! Answers are compressed on the wire (the hub compresses what it sends
//! when asked, and reqwest asks).

use std::time::Duration;

use hub_proto::ErrorBody;
use hub_proto::admin::StreamMessage;
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use thiserror::Error;

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
}

/// Limit of one ordinary call (not of a stream): `HUBCTL_TIMEOUT` seconds,
/// default 60.
fn request_timeout() -> Duration {
    std::env::var("HUBCTL_TIMEOUT")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|s| *s > 0.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(Duration::from_secs(60))
}

/// Talks to one hub with one admin token (cheap to clone: the connection
/// pool is shared).
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    pub server: String,
    token: String,
    timeout: Duration,
}

impl Client {
    pub fn new(server: &str, token: &str) -> Result<Client, ClientError> {
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
                server: server.to_owned(),
                reason: e.to_string(),
            })?;
        Ok(Client {
            http,
            server: server.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            timeout: request_timeout(),
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/api/admin/v1{path}", self.server)
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
    async fn send<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
        timeout: Option<Duration>,
        last_event_id: Option<u64>,
    ) -> Result<reqwest::Response, ClientError> {
        let mut req = self
            .http
            .request(method, self.url(path))
            .bearer_auth(&self.token);
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

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let resp = self
            .send::<()>(Method::GET, path, None, Some(self.timeout), None)
            .await?;
        decode(resp).await
    }

    pub async fn get_text(&self, path: &str) -> Result<String, ClientError> {
        self.send::<()>(Method::GET, path, None, Some(self.timeout), None)
            .await?
            .text()
            .await
            .map_err(|e| ClientError::Decode(e.to_string()))
    }

    /// A call with an optional typed body and a typed answer.
    pub async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, ClientError> {
        decode(
            self.send(method, path, body, Some(self.timeout), None)
                .await?,
        )
        .await
    }

    /// Opens the live stream, resuming after `last_event_id`. No total
    /// timeout: a stream lives as long as the hub keeps it.
    pub async fn stream(&self, last_event_id: Option<u64>) -> Result<Sse, ClientError> {
        let resp = self
            .send::<()>(Method::GET, "/stream", None, None, last_event_id)
            .await?;
        Ok(Sse {
            resp,
            buf: Vec::new(),
        })
    }
}

async fn decode<T: DeserializeOwned>(resp: reqwest::Response) -> Result<T, ClientError> {
    let bytes = resp
        .bytes()
        .await
        .map_err(|e| ClientError::Decode(e.to_string()))?;
    serde_json::from_slice(&bytes).map_err(|e| ClientError::Decode(e.to_string()))
}

/// One message of the live stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// Its place in the stream (none for a `reset`).
    pub id: Option<u64>,
    pub message: StreamMessage,
}

/// An open Server-Sent Events response of the admin stream.
pub struct Sse {
    resp: reqwest::Response,
    buf: Vec<u8>,
}

/// How long a stream may be silent (the hub sends a keep-alive comment
/// every 15 s) before it counts as lost.
pub const STREAM_IDLE: Duration = Duration::from_secs(45);

impl Sse {
    /// The next message; `Ok(None)` when the hub ended the stream, an error
    /// when the connection broke or stayed silent for `idle`. Messages of
    /// kinds this hubctl does not know are skipped.
    pub async fn next(&mut self, idle: Duration) -> Result<Option<Message>, String> {
        loop {
            while let Some(end) = find_block_end(&self.buf) {
                let block: Vec<u8> = self.buf.drain(..end).collect();
                if let Some(m) = parse_block(&block) {
                    return Ok(Some(m));
                }
            }
            let chunk = tokio::time::timeout(idle, self.resp.chunk())
                .await
                .map_err(|_| format!("no message or keep-alive for {} s", idle.as_secs()))?
                .map_err(|e| format!("the stream broke ({e})"))?;
            match chunk {
                Some(c) => self.buf.extend_from_slice(&c),
                None => return Ok(None),
            }
        }
    }
}

/// The length of the first complete SSE block (with its blank line).
fn find_block_end(buf: &[u8]) -> Option<usize> {
    buf.windows(2).position(|w| w == b"\n\n").map(|i| i + 2)
}

fn parse_block(block: &[u8]) -> Option<Message> {
    let text = String::from_utf8_lossy(block);
    let mut id = None;
    let mut data = String::new();
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("id:") {
            id = v.trim().parse().ok();
        } else if let Some(v) = line.strip_prefix("data:") {
            data.push_str(v.strip_prefix(' ').unwrap_or(v));
        }
    }
    if data.is_empty() {
        // A keep-alive comment.
        return None;
    }
    let message = serde_json::from_str::<StreamMessage>(&data).ok()?;
    Some(Message { id, message })
}

/// A stream that survives the hub going away: it reconnects with backoff
/// and `Last-Event-ID`, so nothing is missed, and says once on stderr that
/// it is reconnecting. Only a first connection that fails is an error.
pub struct Follower<'a> {
    client: &'a Client,
    sse: Option<Sse>,
    last_id: Option<u64>,
    idle: Duration,
    /// Called with `true` when the connection is lost and `false` when it
    /// is back.
    on_connection: Box<dyn FnMut(bool) + Send + 'a>,
}

impl<'a> Follower<'a> {
    /// Connects now (failing like any call when the hub is unreachable),
    /// resuming after `last_id` — e.g. the `stream_id` of a fleet list.
    pub async fn connect(
        client: &'a Client,
        last_id: Option<u64>,
        on_connection: impl FnMut(bool) + Send + 'a,
    ) -> Result<Follower<'a>, ClientError> {
        let sse = client.stream(last_id).await?;
        Ok(Follower {
            client,
            sse: Some(sse),
            last_id,
            idle: STREAM_IDLE,
            on_connection: Box::new(on_connection),
        })
    }

    /// The next message, reconnecting as long as it takes.
    pub async fn next(&mut self) -> Message {
        let mut backoff = Duration::from_millis(500);
        loop {
            if let Some(sse) = self.sse.as_mut() {
                match sse.next(self.idle).await {
                    Ok(Some(m)) => {
                        if m.id.is_some() {
                            self.last_id = m.id;
                        }
                        return m;
                    }
                    Ok(None) | Err(_) => {
                        self.sse = None;
                        (self.on_connection)(true);
                    }
                }
            }
            match self.client.stream(self.last_id).await {
                Ok(sse) => {
                    self.sse = Some(sse);
                    backoff = Duration::from_millis(500);
                    (self.on_connection)(false);
                }
                Err(_) => {
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(15));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sse_blocks_parse_to_typed_messages() {
        let block =
            b"id: 42\nevent: removed\ndata: {\"type\":\"removed\",\"customer_id\":\"a\"}\n\n";
        let m = parse_block(block).unwrap_or_else(|| panic!("parsed"));
        assert_eq!(m.id, Some(42));
        assert_eq!(
            m.message,
            StreamMessage::Removed {
                customer_id: "a".into()
            }
        );
        assert!(parse_block(b": keep-alive\n\n").is_none());
        assert!(parse_block(b"event: future\ndata: {\"type\":\"future\"}\n\n").is_none());
        assert_eq!(find_block_end(b"a\n\nb"), Some(3));
    }
}
