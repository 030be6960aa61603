//! The operator's webhook, ntfy and Telegram channels: what each request
//! looks like, which answers are worth another attempt and which turn the
//! channel off, a 6-per-minute token bucket per destination, and the loop
//! that delivers queued messages — a task of its own beside the email
//! dispatcher, so a hanging webhook never delays an email.
//!
//! Every request goes through the `channels.*` outbound policy: the URL is
//! checked before the call (a literal address is never resolved), every
//! address a name resolves to is checked while connecting, redirects are
//! never followed and no proxy is used.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use jiff::Timestamp;
use serde_json::{Value, json};
use thiserror::Error;

use super::texts;
use crate::outbound::{OutboundPolicy, Refused, kind, read_text, refusal, truncate_chars};
use crate::store::channels::ChannelTarget;

mod delivery;
pub use delivery::{ChannelDispatcher, ChannelRound, send_test};

/// The webhook body's schema name.
pub const SCHEMA: &str = "felhom.alert/1";
/// Messages per destination per minute (a burst of six, then one every
/// ten seconds).
pub const PER_MINUTE: f64 = 6.0;
/// Messages taken per round.
const ROUND: usize = 64;
/// Messages sent at once in a round.
const PARALLEL_SENDS: usize = 4;
/// Most bytes read of a channel's answer.
const MAX_ANSWER: usize = 64 * 1024;
/// How often the loop looks for due messages when nothing wakes it.
const POLL: Duration = Duration::from_secs(5);
/// The job's name on the job board.
pub const JOB: &str = "channels";

/// The channel kinds.
pub const KINDS: [&str; 3] = ["webhook", "ntfy", "telegram"];

/// The operator path's message types that are not event types, which a
/// channel's `events` may name too.
pub const NOTICES: [&str; 6] = [
    "reminder",
    "mass_outage",
    "fleet_resolved",
    "node_flapping",
    "node_stable",
    "legacy_notify",
];

/// `X-Felhom-Signature` of a body sent at `ts` (unix seconds).
pub fn signature(secret: &str, ts: i64, body: &str) -> String {
    format!(
        "sha256={}",
        crate::secrets::cipher::hex(&crate::secrets::hmac_sha256(
            secret.as_bytes(),
            format!("{ts}.{body}").as_bytes()
        ))
    )
}

/// Why a channel message did not go through.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ChannelError {
    /// The policy refused the destination (also at connect time: a name
    /// that now resolves inside).
    #[error("refused: {0}")]
    Refused(#[from] Refused),
    /// The destination says it will never take this channel's messages.
    #[error("{0}")]
    Permanent(String),
    /// Worth another attempt later.
    #[error("{message}")]
    Transient {
        message: String,
        retry_after: Option<Duration>,
    },
}

impl ChannelError {
    /// Turns the channel off.
    pub fn is_permanent(&self) -> bool {
        !matches!(self, ChannelError::Transient { .. })
    }
}

/// One destination's tokens.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Timestamp,
}

/// Sends one message of a channel; holds the guarded client and the
/// destinations' token buckets.
pub struct ChannelSender {
    client: reqwest::Client,
    policy: OutboundPolicy,
    telegram_api: String,
    dashboard_url: String,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl ChannelSender {
    pub fn new(
        policy: OutboundPolicy,
        timeout: Duration,
        telegram_api: &str,
        dashboard_url: &str,
    ) -> reqwest::Result<Self> {
        Ok(Self {
            client: policy.client(timeout)?,
            policy,
            telegram_api: telegram_api.trim_end_matches('/').to_owned(),
            dashboard_url: dashboard_url.trim_end_matches('/').to_owned(),
            buckets: Mutex::new(HashMap::new()),
        })
    }

    /// The sender of hub.yaml's `channels.*` (and the dashboard's URL for
    /// the click links).
    pub fn for_config(c: &crate::config::Config) -> reqwest::Result<Self> {
        Self::new(
            OutboundPolicy::for_channels(&c.channels),
            c.channels.timeout.0,
            &c.channels.telegram_api,
            c.server.dashboard_url(),
        )
    }

    /// Takes a token of `ch`'s destination at `now`, or says how long
    /// until one is there.
    fn take(&self, ch: &ChannelTarget, now: Timestamp) -> Result<(), Duration> {
        let key = match ch.kind.as_str() {
            "telegram" => format!("telegram:{}", ch.chat_id),
            _ => format!("{}:{}", ch.kind, ch.url),
        };
        let rate = PER_MINUTE / 60.0;
        let mut buckets = crate::sync::lock(&self.buckets, "channel buckets");
        let b = buckets.entry(key).or_insert(Bucket {
            tokens: PER_MINUTE,
            at: now,
        });
        let elapsed = now.duration_since(b.at).as_secs_f64().max(0.0);
        b.tokens = (b.tokens + elapsed * rate).min(PER_MINUTE);
        b.at = b.at.max(now);
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - b.tokens) / rate))
        }
    }

    /// Where a message's click leads: the customer's page, the hub's page
    /// for the hub's own problems, else the fleet.
    fn link(&self, alert: &Value) -> String {
        match alert["customer_id"].as_str() {
            Some(id) if id == hub_proto::HUB_ALERT_ID => format!("{}/hub", self.dashboard_url),
            Some(id) => format!("{}/customers/{id}", self.dashboard_url),
            None => format!("{}/", self.dashboard_url),
        }
    }

    /// One attempt of `alert` on `ch`, at `now`.
    pub async fn send(
        &self,
        ch: &ChannelTarget,
        alert: &Value,
        delivery_id: &str,
        now: Timestamp,
    ) -> Result<(), ChannelError> {
        match ch.kind.as_str() {
            "webhook" => self.webhook(ch, alert, delivery_id, now).await,
            "ntfy" => self.ntfy(ch, alert).await,
            "telegram" => self.telegram(ch, alert).await,
            other => Err(ChannelError::Permanent(format!(
                "unknown channel kind `{other}`"
            ))),
        }
    }

    async fn webhook(
        &self,
        ch: &ChannelTarget,
        alert: &Value,
        delivery_id: &str,
        now: Timestamp,
    ) -> Result<(), ChannelError> {
        let url = self.policy.check_url(&ch.url)?;
        let body = json!({
            "schema": SCHEMA,
            "delivery_id": delivery_id,
            "kind": alert["kind"],
            "customer_id": alert["customer_id"],
            "family": alert["family"],
            "event": alert["event"],
            "incident": alert["incident"],
            "title": alert["subject"],
            "text": alert["text"],
            "link": self.link(alert),
        })
        .to_string();
        let ts = now.as_second();
        let resp = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("x-felhom-timestamp", ts.to_string())
            .header(
                "x-felhom-signature",
                signature(ch.secret.expose(), ts, &body),
            )
            .header("x-felhom-delivery", delivery_id)
            .body(body)
            .send()
            .await
            .map_err(request_error)?;
        let (status, retry_after, text) = answer(resp).await;
        match status {
            200..=299 => Ok(()),
            408 | 429 => Err(transient(status, &text, retry_after)),
            400..=499 => Err(ChannelError::Permanent(format!(
                "the webhook refused it: {status} {}",
                truncate_chars(text.trim(), 200)
            ))),
            300..=399 => Err(transient(status, "redirect refused", None)),
            _ => Err(transient(status, &text, retry_after)),
        }
    }

    async fn ntfy(&self, ch: &ChannelTarget, alert: &Value) -> Result<(), ChannelError> {
        let mut url = self.policy.check_url(&ch.url)?;
        let topic = url
            .path_segments()
            .and_then(|mut s| s.next_back())
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| ChannelError::Permanent("the ntfy URL names no topic".into()))?;
        // JSON is published to the server's root (the topic in the body).
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop();
        }
        let root = format!("{}/", url.as_str().trim_end_matches('/'));
        url = reqwest::Url::parse(&root).map_err(|_| Refused::NotUrl(root.clone()))?;
        let kind = alert["kind"].as_str().unwrap_or("notice");
        let (priority, tags) = match kind {
            "open" => (5, ["rotating_light"]),
            "resolved" => (3, ["white_check_mark"]),
            "reminder" => (4, ["bell"]),
            "test" => (3, ["test_tube"]),
            _ => (4, ["warning"]),
        };
        let body = json!({
            "topic": topic,
            "title": alert["subject"],
            "message": alert["text"],
            "priority": priority,
            "tags": tags,
            "click": self.link(alert),
        });
        let mut req = self.client.post(url).json(&body);
        if !ch.secret.is_empty() {
            req = req.bearer_auth(ch.secret.expose());
        }
        let resp = req.send().await.map_err(request_error)?;
        let (status, retry_after, text) = answer(resp).await;
        match status {
            200..=299 => Ok(()),
            401 | 403 | 404 => Err(ChannelError::Permanent(format!(
                "ntfy refused it: {status} {}",
                truncate_chars(text.trim(), 200)
            ))),
            _ => Err(transient(status, &text, retry_after)),
        }
    }

    async fn telegram(&self, ch: &ChannelTarget, alert: &Value) -> Result<(), ChannelError> {
        // The token is part of the path: never in an error or a log.
        let endpoint = format!(
            "{}/bot{}/sendMessage",
            self.telegram_api,
            ch.secret.expose()
        );
        let url = self
            .policy
            .check_url(&endpoint)
            .map_err(|_| Refused::NotUrl("channels.telegram_api".into()))?;
        let text = format!(
            "<b>{}</b>\n{}\n{}",
            texts::esc(alert["subject"].as_str().unwrap_or("")),
            texts::esc(alert["text"].as_str().unwrap_or("")),
            texts::esc(&self.link(alert))
        );
        let body = json!({
            "chat_id": ch.chat_id,
            "text": text,
            "parse_mode": "HTML",
            "disable_web_page_preview": true,
        });
        let resp = self
            .client
            .post(url)
            .json(&body)
            .send()
            .await
            .map_err(request_error)?;
        let status = resp.status().as_u16();
        let answer: Value = read_text(resp, MAX_ANSWER)
            .await
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(Value::Null);
        if (200..300).contains(&status) && answer["ok"] == true {
            return Ok(());
        }
        let description = answer["description"].as_str().unwrap_or("").to_owned();
        let lower = description.to_ascii_lowercase();
        if lower.contains("chat not found") || lower.contains("bot was blocked") || status == 401 {
            return Err(ChannelError::Permanent(format!(
                "Telegram refused it: {status} {}",
                truncate_chars(&description, 200)
            )));
        }
        let retry = answer["parameters"]["retry_after"]
            .as_u64()
            .map(Duration::from_secs);
        Err(transient(status, &description, retry))
    }
}

fn transient(status: u16, text: &str, retry_after: Option<Duration>) -> ChannelError {
    ChannelError::Transient {
        message: format!("{status} {}", truncate_chars(text.trim(), 200))
            .trim()
            .to_owned(),
        retry_after,
    }
}

/// An answer's status, `Retry-After` and (capped) text.
async fn answer(resp: reqwest::Response) -> (u16, Option<Duration>, String) {
    let status = resp.status().as_u16();
    let wait = retry_after(&resp);
    (
        status,
        wait,
        read_text(resp, MAX_ANSWER).await.unwrap_or_default(),
    )
}

fn retry_after(resp: &reqwest::Response) -> Option<Duration> {
    resp.headers()
        .get("retry-after")?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(|s| Duration::from_secs(s.min(3600)))
}

/// A failed request in words, without its URL; the policy's refusal at
/// connect time is kept as such.
fn request_error(e: reqwest::Error) -> ChannelError {
    match refusal(&e) {
        Some(r) => ChannelError::Refused(r.clone()),
        None => ChannelError::Transient {
            message: kind(&e).to_owned(),
            retry_after: None,
        },
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::config::Secret;

    #[test]
    fn kinds_and_families() {
        use hub_proto::alerts::{Family, alert_meta};
        assert_eq!(alert_meta("node_down"), ("open", Some(Family::Node)));
        assert_eq!(
            alert_meta("node_resolved"),
            ("resolved", Some(Family::Node))
        );
        assert_eq!(alert_meta("backup_failed"), ("open", Some(Family::Backup)));
        assert_eq!(alert_meta("reminder"), ("reminder", None));
        assert_eq!(alert_meta("mass_outage"), ("notice", Some(Family::Fleet)));
        assert_eq!(alert_meta("container_unhealthy"), ("notice", None));
    }

    #[test]
    fn the_bucket_gives_six_then_one_each_ten_seconds() {
        let s = ChannelSender::new(
            OutboundPolicy::default(),
            Duration::from_secs(1),
            "https://x",
            "https://d",
        )
        .unwrap();
        let ch = ChannelTarget {
            id: 1,
            name: "n".into(),
            kind: "webhook".into(),
            url: "https://example.com/h".into(),
            chat_id: String::new(),
            secret: Secret("tok-secret".into()),
        };
        // What a log line could show of it names it only.
        let shown = format!("{ch:?}");
        assert!(
            !shown.contains("example.com/h") && !shown.contains("tok-secret"),
            "{shown}"
        );
        let t0: Timestamp = "2026-12-01T10:00:00Z".parse().unwrap();
        for _ in 0..6 {
            assert_eq!(s.take(&ch, t0), Ok(()));
        }
        let wait = s.take(&ch, t0).unwrap_err();
        assert_eq!(wait.as_secs(), 10);
        assert!(
            s.take(&ch, t0 + jiff::SignedDuration::from_secs(9))
                .is_err()
        );
        assert_eq!(
            s.take(&ch, t0 + jiff::SignedDuration::from_secs(10)),
            Ok(())
        );
    }
}
