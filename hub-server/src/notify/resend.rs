//! Email delivery through the Resend API: one hardened client, retries with
//! exponential backoff on 429, 5xx and network errors (honouring
//! `retry-after`), none on other 4xx, and the same `Idempotency-Key` on
//! every attempt of one email so a retried send is never delivered twice.

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
    #[error("Resend refused the email ({status} {name}): {message}")]
    Rejected {
        status: u16,
        name: String,
        message: String,
    },
    #[error("gave up after {attempts} attempts: {last}")]
    GaveUp { attempts: u32, last: String },
}

/// Retry schedule; tests shrink it.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub first_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            attempts: 5,
            first_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
        }
    }
}

pub struct Mailer {
    client: reqwest::Client,
    endpoint: String,
    api_key: Secret,
    from: String,
    retry: RetryPolicy,
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

impl Mailer {
    pub fn new(
        client: reqwest::Client,
        base_url: &str,
        api_key: Secret,
        from: String,
        retry: RetryPolicy,
    ) -> Self {
        Self {
            client,
            endpoint: format!("{}/emails", base_url.trim_end_matches('/')),
            api_key,
            from,
            retry,
        }
    }

    /// Sends one email; `Ok` carries Resend's message id.
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
        let mut backoff = self.retry.first_backoff;
        let mut last = String::new();
        for attempt in 1..=self.retry.attempts.max(1) {
            let result = self
                .client
                .post(&self.endpoint)
                .bearer_auth(self.api_key.expose())
                .header("Idempotency-Key", &email.idempotency_key)
                .json(&body)
                .send()
                .await;
            let wait = match result {
                Ok(resp) if resp.status().is_success() => {
                    return match resp.json::<Sent>().await {
                        Ok(s) => Ok(s.id),
                        Err(e) => Err(SendError::Rejected {
                            status: 200,
                            name: "unreadable_answer".into(),
                            message: e.to_string(),
                        }),
                    };
                }
                Ok(resp) => {
                    let status = resp.status();
                    let retry_after = resp
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(|s| Duration::from_secs(s.min(60)));
                    let err: ResendError = resp.json().await.unwrap_or_default();
                    if status.as_u16() != 429 && !status.is_server_error() {
                        return Err(SendError::Rejected {
                            status: status.as_u16(),
                            name: err.name,
                            message: err.message,
                        });
                    }
                    last = format!("{} {}: {}", status.as_u16(), err.name, err.message);
                    retry_after.unwrap_or(backoff)
                }
                Err(e) => {
                    // Never the request itself: it carries the API key.
                    last = format!("network error: {}", without_url(&e));
                    backoff
                }
            };
            if attempt < self.retry.attempts {
                tracing::debug!(
                    attempt,
                    wait_ms = wait.as_millis() as u64,
                    "resend: retrying"
                );
                tokio::time::sleep(wait).await;
                backoff = (backoff * 2).min(self.retry.max_backoff);
            }
        }
        Err(SendError::GaveUp {
            attempts: self.retry.attempts.max(1),
            last,
        })
    }
}

fn without_url(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "cannot connect"
    } else {
        "request failed"
    };
    kind.to_owned()
}
