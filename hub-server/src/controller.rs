//! Calls from the hub to a customer's controller (PROTOCOL.md "Hub →
//! controller"): at the `controller_url` of its newest report, with that
//! customer's API key, a 10 s timeout, TLS verified. Every failure comes
//! back as a [`ControllerError`] the operator can act on; none changes the
//! hub's state.

use thiserror::Error;

use crate::outbound::kind;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ControllerError {
    #[error("the controller has not reported a controller_url yet")]
    NoUrl,
    #[error("cannot reach the controller at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("the controller at {url} answered HTTP {status}: {body}")]
    Status {
        url: String,
        status: u16,
        body: String,
    },
    #[error("the controller's config is not valid YAML: {0}")]
    BadYaml(String),
}

/// A controller at a known URL with the key it accepts.
pub struct Controller<'a> {
    pub http: &'a reqwest::Client,
    pub base: String,
    pub api_key: &'a str,
    pub timeout: std::time::Duration,
}

impl<'a> Controller<'a> {
    pub fn new(
        http: &'a reqwest::Client,
        url: Option<&str>,
        api_key: &'a str,
        timeout: std::time::Duration,
    ) -> Result<Self, ControllerError> {
        let base = url
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
            .ok_or(ControllerError::NoUrl)?
            .trim_end_matches('/')
            .to_owned();
        Ok(Self {
            http,
            base,
            api_key,
            timeout,
        })
    }

    /// `GET {url}/api/config`: the live controller.yaml.
    pub async fn live_config(&self) -> Result<String, ControllerError> {
        let url = format!("{}/api/config", self.base);
        let resp = self.send(self.http.get(&url), &url).await?;
        resp.text().await.map_err(|e| ControllerError::Unreachable {
            url,
            reason: kind(&e).to_owned(),
        })
    }

    /// `POST {url}/api/config/apply` with the generated YAML; 2xx = applied.
    pub async fn apply(&self, yaml: String) -> Result<(), ControllerError> {
        let url = format!("{}/api/config/apply", self.base);
        let req = self
            .http
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, "application/yaml")
            .body(yaml);
        self.send(req, &url).await.map(|_| ())
    }

    /// `POST {url}/api/update` `{"version": …}`; 202 = the update started.
    pub async fn update(&self, version: &str) -> Result<(), ControllerError> {
        let url = format!("{}/api/update", self.base);
        let req = self
            .http
            .post(&url)
            .json(&serde_json::json!({ "version": version }));
        self.send(req, &url).await.map(|_| ())
    }

    async fn send(
        &self,
        req: reqwest::RequestBuilder,
        url: &str,
    ) -> Result<reqwest::Response, ControllerError> {
        let resp = req
            .bearer_auth(self.api_key)
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|e| ControllerError::Unreachable {
                url: url.to_owned(),
                reason: self.reason(&e),
            })?;
        if resp.status().is_success() {
            return Ok(resp);
        }
        let status = resp.status().as_u16();
        let mut body = resp.text().await.unwrap_or_default();
        body.truncate(200);
        Err(ControllerError::Status {
            url: url.to_owned(),
            status,
            body,
        })
    }
}

impl Controller<'_> {
    /// Why a call failed, in words: the source chain is searched for a TLS
    /// failure (reqwest reports those as connect errors).
    fn reason(&self, e: &reqwest::Error) -> String {
        if e.is_timeout() {
            return format!("timed out after {} ms", self.timeout.as_millis());
        }
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            let text = s.to_string();
            let lower = text.to_ascii_lowercase();
            if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake")
            {
                return format!("TLS verification failed ({text})");
            }
            source = s.source();
        }
        kind(e).to_owned()
    }
}
