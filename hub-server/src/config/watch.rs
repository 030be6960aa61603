//! The `channels`, `drift` and `digest` sections: where the operator's
//! webhook, ntfy and Telegram channels may reach, how often the hub
//! compares a node's live config with its own, and when the daily digest
//! goes out.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{Cidr, ConfigError, GoDuration, TimeOfDay};

/// The outbound policy of the channels: the controller calls' policy
/// (`controllers.*`), with keys of its own so allowing a private webhook
/// does not open the controllers' too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ChannelsConfig {
    /// Allow plain `http://` channel URLs.
    pub allow_insecure: bool,
    /// Address ranges a channel may reach although they are internal.
    pub allowed_networks: Vec<Cidr>,
    /// If not empty, the only hosts a channel URL may name.
    pub allowed_hosts: Vec<String>,
    /// Where Telegram's Bot API is (a test points it at a double).
    pub telegram_api: String,
    /// Limit of one channel call: a hanging webhook is given up then.
    pub timeout: GoDuration,
}

impl Default for ChannelsConfig {
    fn default() -> Self {
        Self {
            allow_insecure: false,
            allowed_networks: Vec::new(),
            allowed_hosts: Vec::new(),
            telegram_api: "https://api.telegram.org".into(),
            timeout: GoDuration::secs(10),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DriftConfig {
    /// How often each managed node's live config is compared (jittered
    /// per customer); `0s` turns the job off.
    pub check_interval: GoDuration,
    /// Checks in a row with the same difference before it is drift.
    pub confirmations: u32,
    /// No check this soon after a push (the node may still be applying it).
    pub settle: GoDuration,
}

impl Default for DriftConfig {
    fn default() -> Self {
        Self {
            check_interval: GoDuration::secs(6 * 3600),
            confirmations: 2,
            settle: GoDuration::secs(30 * 60),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DigestConfig {
    /// Local time (`alerting.timezone`) of the daily digest; `""` turns it
    /// off.
    pub time: String,
}

impl Default for DigestConfig {
    fn default() -> Self {
        Self {
            time: "07:30".into(),
        }
    }
}

/// The customers' status pages (see the README's "Status page").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StatusPageConfig {
    pub enabled: bool,
    /// How long the link in a customer email stays valid (and a link
    /// `hubctl status-link` makes without `--ttl`).
    pub ttl: GoDuration,
}

impl Default for StatusPageConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            ttl: GoDuration::secs(30 * 86_400),
        }
    }
}

/// The longest a status link may live.
pub const MAX_LINK_TTL: Duration = Duration::from_secs(366 * 86_400);

impl DigestConfig {
    /// The digest's time of day, if it is on (validated at start-up).
    pub fn at(&self) -> Option<TimeOfDay> {
        TimeOfDay::parse(&self.time).ok()
    }
}

pub(super) fn validate(
    ch: &ChannelsConfig,
    drift: &DriftConfig,
    digest: &DigestConfig,
    status: &StatusPageConfig,
) -> Result<(), ConfigError> {
    let invalid = |key: &str, message: String| ConfigError::Invalid {
        key: key.into(),
        message,
    };
    let api = url::Url::parse(&ch.telegram_api)
        .map_err(|e| invalid("channels.telegram_api", format!("not a URL: {e}")))?;
    if !matches!(api.scheme(), "http" | "https") {
        return Err(invalid(
            "channels.telegram_api",
            "must be an http(s) URL".into(),
        ));
    }
    if ch.timeout.0 < Duration::from_millis(100) || ch.timeout.0 > Duration::from_secs(120) {
        return Err(invalid("channels.timeout", "must be 100ms to 2m".into()));
    }
    if drift.check_interval.0 != Duration::ZERO && drift.check_interval.0 < Duration::from_secs(1) {
        return Err(invalid(
            "drift.check_interval",
            "must be at least 1s (or 0s: off)".into(),
        ));
    }
    if !(1..=100).contains(&drift.confirmations) {
        return Err(invalid("drift.confirmations", "must be 1 to 100".into()));
    }
    if status.ttl.0 < Duration::from_secs(1) || status.ttl.0 > MAX_LINK_TTL {
        return Err(invalid("status_page.ttl", "must be 1s to 366d".into()));
    }
    if !digest.time.trim().is_empty() {
        TimeOfDay::parse(&digest.time).map_err(|m| invalid("digest.time", m))?;
    }
    Ok(())
}
