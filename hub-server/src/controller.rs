//! Calls from the hub to a customer's controller (PROTOCOL.md "Hub →
//! controller"): at the URL its own key last reported, with the API key the
//! controller holds, a 10 s timeout, TLS verified, and only where
//! [`ControllerPolicy`] allows. Every failure comes back as a
//! [`ControllerError`] the operator can act on; none changes the hub's
//! state.

use thiserror::Error;

use crate::outbound::{ControllerPolicy, OutboundError, Refused, kind, read_text, truncate_chars};

/// Most bytes of a controller's answer read (a live controller.yaml is a
/// few KiB).
pub const MAX_ANSWER_BYTES: usize = 1024 * 1024;
/// Most bytes of an error answer quoted to the operator.
const QUOTED_BYTES: usize = 200;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ControllerError {
    #[error(
        "the controller has not reported a controller_url with its own API key yet: install the generated controller.yaml on the node (`hubctl config yaml ID`, or the setup commands on its dashboard page) and wait for its first report"
    )]
    NoUrl,
    #[error("the controller URL is refused: {0}")]
    Refused(#[from] Refused),
    #[error("cannot reach the controller at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("the controller at {url} answered HTTP {status}: {body}")]
    Status {
        url: String,
        status: u16,
        body: String,
    },
    #[error("the controller at {url} answered badly: {reason}")]
    BadAnswer { url: String, reason: String },
    #[error("the controller's config is not valid YAML: {0}")]
    BadYaml(String),
}

/// A controller at a checked URL with the key it accepts.
pub struct Controller<'a> {
    http: &'a reqwest::Client,
    base: String,
    api_key: &'a str,
    timeout: std::time::Duration,
}

impl<'a> Controller<'a> {
    /// The controller at `url` of a customer with `domain`, if the policy
    /// lets the hub call it.
    pub fn new(
        http: &'a reqwest::Client,
        policy: &ControllerPolicy,
        url: Option<&str>,
        domain: &str,
        api_key: &'a str,
        timeout: std::time::Duration,
    ) -> Result<Self, ControllerError> {
        let url = url
            .filter(|u| !u.is_empty())
            .ok_or(ControllerError::NoUrl)?;
        let checked = policy.check(url, domain)?;
        Ok(Self {
            http,
            base: checked.as_str().trim_end_matches('/').to_owned(),
            api_key,
            timeout,
        })
    }

    /// `GET {url}/api/config`: the live controller.yaml.
    pub async fn live_config(&self) -> Result<String, ControllerError> {
        let url = format!("{}/api/config", self.base);
        let resp = self.send(self.http.get(&url), &url).await?;
        read_text(resp, MAX_ANSWER_BYTES)
            .await
            .map_err(|e| ControllerError::BadAnswer {
                url,
                reason: e.to_string(),
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
        let status = resp.status();
        if status.is_success() {
            return Ok(resp);
        }
        if status.is_redirection() {
            return Err(ControllerError::Unreachable {
                url: url.to_owned(),
                reason: format!(
                    "it answered HTTP {} (a redirect), which the hub does not follow",
                    status.as_u16()
                ),
            });
        }
        let body = match read_text(resp, 64 * 1024).await {
            Ok(text) => truncate_chars(text.trim(), QUOTED_BYTES),
            Err(OutboundError::TooLarge { .. }) => "(a long answer)".to_owned(),
            Err(e) => format!("({e})"),
        };
        Err(ControllerError::Status {
            url: url.to_owned(),
            status: status.as_u16(),
            body,
        })
    }

    /// Why a call failed, in words: the source chain is searched for the
    /// policy's refusal and for a TLS failure (reqwest reports both as
    /// connect errors).
    fn reason(&self, e: &reqwest::Error) -> String {
        if e.is_timeout() {
            return format!("timed out after {} ms", self.timeout.as_millis());
        }
        if let Some(r) = crate::outbound::refusal(e) {
            return r.to_string();
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
