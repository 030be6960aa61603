//! The typed admin-API client: every call returns the API's own objects or
//! a [`ClientError`] that knows its exit code.

use std::time::Duration;

use hub_proto::ErrorBody;
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
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

/// Talks to one hub with one admin token.
pub struct Client {
    http: reqwest::Client,
    pub server: String,
    token: String,
}

impl Client {
    pub fn new(server: &str, token: &str) -> Result<Client, ClientError> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("hubctl/", env!("CARGO_PKG_VERSION")))
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
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/api/admin/v1{path}", self.server)
    }

    /// Sends a request; non-2xx answers become [`ClientError::Hub`].
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<reqwest::Response, ClientError> {
        let mut req = self
            .http
            .request(method, self.url(path))
            .bearer_auth(&self.token)
            .timeout(Duration::from_secs(60));
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req.send().await.map_err(|e| ClientError::Unreachable {
            server: self.server.clone(),
            reason: if e.is_timeout() {
                "timed out".into()
            } else if e.is_connect() {
                "connection refused or no route".into()
            } else {
                "request failed".into()
            },
        })?;
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
        decode(self.send(Method::GET, path, None).await?).await
    }

    pub async fn get_text(&self, path: &str) -> Result<String, ClientError> {
        self.send(Method::GET, path, None)
            .await?
            .text()
            .await
            .map_err(|e| ClientError::Decode(e.to_string()))
    }

    pub async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, ClientError> {
        let body = body
            .map(serde_json::to_value)
            .transpose()
            .map_err(|e| ClientError::Decode(e.to_string()))?;
        decode(self.send(method, path, body.as_ref()).await?).await
    }
}

async fn decode<T: DeserializeOwned>(resp: reqwest::Response) -> Result<T, ClientError> {
    let bytes = resp
        .bytes()
        .await
        .map_err(|e| ClientError::Decode(e.to_string()))?;
    serde_json::from_slice(&bytes).map_err(|e| ClientError::Decode(e.to_string()))
}
