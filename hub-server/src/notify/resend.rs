//! Email delivery through the Resend API, one attempt at a time: 429, 5xx
//! and network errors are [`SendError::Transient`] (with Resend's
//! `retry-after`), other 4xx are final. Every attempt of one email carries
//! the same `Idempotency-Key`, so a retried send is never delivered twice.

use std::time::Duration;

use serde::Deserialize;
use serde_json::json;
use thiserror::Error;

use crate::config::Secret;

/// One email, both parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Stable across retries and restarts of the same delivery.
    pub idempotency_key: String,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum SendError {
    #[error("notifications.resend_api_key is not set")]
    NotConfigured,
    /// Resend refused the email itself; sending it again cannot help.
    #[error("Resend refused the email ({status} {name}): {message}")]
    Rejected {
        status: u16,
        name: String,
        message: String,
    },
    /// 429, 5xx or a network failure: worth another attempt later.
    #[error("{message}")]
    Transient {
        message: String,
        /// Resend's `retry-after`, when it said one.
        retry_after: Option<Duration>,
    },
}

impl SendError {
    /// Whether a later attempt of the same email may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, SendError::Transient { .. })
    }
}

pub struct Mailer {
    client: reqwest::Client,
    endpoint: String,
    api_key: Secret,
    from: String,
}

#[derive(Deserialize)]
struct Sent {
    id: String,
}

#[derive(Deserialize, Default)]
struct ResendError {
    #[serde(default)]
    name: String,
    #[serde(default)]
    message: String,
}

/// Longest `retry-after` taken at its word; a longer one is capped so a
/// confused proxy cannot park an email for days.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);

impl Mailer {
    pub fn new(client: reqwest::Client, base_url: &str, api_key: Secret, from: String) -> Self {
        Self {
            client,
            endpoint: format!("{}/emails", base_url.trim_end_matches('/')),
            api_key,
            from,
        }
    }

    /// One attempt to send one email; `Ok` carries Resend's message id.
    /// Retrying is the dispatcher's business (it persists when to try
    /// again), so an outage never holds a task or other emails.
    pub async fn send(&self, email: &Email) -> Result<String, SendError> {
        if self.api_key.is_empty() {
            return Err(SendError::NotConfigured);
        }
        let body = json!({
            "from": self.from,
            "to": [email.to],
            "subject": email.subject,
            "html": email.html,
            "text": email.text,
        });
        let result = self
            .client
            .post(&self.endpoint)
            .bearer_auth(self.api_key.expose())
            .header("Idempotency-Key", &email.idempotency_key)
            .json(&body)
            .send()
            .await;
        let resp = match result {
            Ok(resp) => resp,
            Err(e) => {
                // Never the request itself: it carries the API key.
                return Err(SendError::Transient {
                    message: format!("network error: {}", crate::outbound::kind(&e)),
                    retry_after: None,
                });
            }
        };
        let status = resp.status();
        if status.is_success() {
            return match crate::outbound::read_json::<Sent>(resp, 64 * 1024).await {
                Ok(s) => Ok(s.id),
                Err(e) => Err(SendError::Rejected {
                    status: status.as_u16(),
                    name: "unreadable_answer".into(),
                    message: e.to_string(),
                }),
            };
        }
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(|s| Duration::from_secs(s).min(MAX_RETRY_AFTER));
        let err: ResendError = crate::outbound::read_json(resp, 64 * 1024)
            .await
            .unwrap_or_default();
        if status.as_u16() == 429 || status.is_server_error() {
            Err(SendError::Transient {
                message: format!("{} {}: {}", status.as_u16(), err.name, err.message),
                retry_after,
            })
        } else {
            Err(SendError::Rejected {
                status: status.as_u16(),
                name: err.name,
                message: err.message,
            })
        }
    }
}
