use std::time::Duration;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use jiff::tz::TimeZone;

use crate::alerts::Family;
use crate::report::{Health, ReportSignals};

/// A customer's state as the operator sees it, computed at read time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CustomerStatus {
    Blocked,
    Pending,
    Disabled,
    Down,
    Warn,
    Ok,
}

impl CustomerStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CustomerStatus::Blocked => "blocked",
            CustomerStatus::Pending => "pending",
            CustomerStatus::Disabled => "disabled",
            CustomerStatus::Down => "down",
            CustomerStatus::Warn => "warn",
            CustomerStatus::Ok => "ok",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "blocked" => Some(CustomerStatus::Blocked),
            "pending" => Some(CustomerStatus::Pending),
            "disabled" => Some(CustomerStatus::Disabled),
            "down" => Some(CustomerStatus::Down),
            "warn" => Some(CustomerStatus::Warn),
            "ok" => Some(CustomerStatus::Ok),
            _ => None,
        }
    }

    /// Where the front ends (dashboard, TUI) sort a status: what needs the
    /// operator first, blocked last.
    pub fn urgency(self) -> u8 {
        match self {
            CustomerStatus::Down => 0,
            CustomerStatus::Warn => 1,
            CustomerStatus::Pending => 2,
            CustomerStatus::Disabled => 3,
            CustomerStatus::Ok => 4,
            CustomerStatus::Blocked => 5,
        }
    }
}

/// An age as the front ends show it in a column: "12s", "4m", "3h", "2d",
/// or "never" (no report yet).
pub fn short_age(secs: Option<i64>) -> String {
    match secs {
        None => "never".into(),
        Some(s) if s < 60 => format!("{}s", s.max(0)),
        Some(s) if s < 3600 => format!("{}m", s / 60),
        Some(s) if s < 86_400 => format!("{}h", s / 3600),
        Some(s) => format!("{}d", s / 86_400),
    }
}

/// `alerting.stale_threshold` and `alerting.down_threshold`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusThresholds {
    pub stale: Duration,
    pub down: Duration,
}

/// What the status rule looks at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StatusInputs<'a> {
    pub blocked: bool,
    pub has_config: bool,
    /// Receipt time of the newest report, if any.
    pub last_received_at: Option<Timestamp>,
    pub health: Option<Health>,
    pub monitoring_disabled: bool,
    /// What the newest report says about backups and checks.
    pub signals: Option<&'a ReportSignals>,
    /// Open incidents of the node, backup and dbdump families: (family, the
    /// event type that opened it, when).
    pub open_incidents: &'a [(Family, String, Timestamp)],
    /// The end of the maintenance window covering the customer now.
    pub maintenance_until: Option<Timestamp>,
}

/// A status and, for anything but a plain `ok`, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub status: CustomerStatus,
    /// "no report for 5m", "health fail: tunnel", "backup failed
    /// 2026-11-27", "maintenance until 02:30", "blocked"; several joined by
    /// "; ".
    pub reason: Option<String>,
}

impl StatusInputs<'_> {
    /// The table of PROTOCOL.md "Status of a customer": the first rule that
    /// holds wins.
    pub fn status(&self, now: Timestamp, t: StatusThresholds) -> CustomerStatus {
        self.rule(now, t, None).status
    }

    /// The status with its reason; dates and times in the reason are
    /// local to `tz` (`alerting.timezone`).
    pub fn verdict(&self, now: Timestamp, t: StatusThresholds, tz: &TimeZone) -> Verdict {
        self.rule(now, t, Some(tz))
    }

    fn rule(&self, now: Timestamp, t: StatusThresholds, tz: Option<&TimeZone>) -> Verdict {
        let verdict = |status, reasons: Vec<String>| Verdict {
            status,
            reason: (!reasons.is_empty()).then(|| reasons.join("; ")),
        };
        let mut reasons = Vec::new();
        let maintenance = match (self.maintenance_until, tz) {
            (Some(until), Some(tz)) => Some(format!(
                "maintenance until {}",
                until.to_zoned(tz.clone()).strftime("%H:%M")
            )),
            _ => None,
        };
        let finish = |status, mut reasons: Vec<String>| {
            reasons.extend(maintenance.clone());
            verdict(status, reasons)
        };
        if self.blocked {
            return verdict(CustomerStatus::Blocked, vec!["blocked".into()]);
        }
        let Some(received) = self.last_received_at else {
            // No report yet: a configured customer waits for its node. A
            // customer without config and report cannot exist, but if one
            // did it would be waiting too.
            return finish(CustomerStatus::Pending, vec!["no report yet".into()]);
        };
        if self.monitoring_disabled {
            return finish(CustomerStatus::Disabled, vec!["monitoring disabled".into()]);
        }
        let age = now
            .duration_since(received)
            .try_into()
            .unwrap_or(Duration::ZERO);
        let checks = self
            .signals
            .map(|s| s.failing_checks.as_str())
            .unwrap_or("");
        let health = |h: &str| {
            if checks.is_empty() {
                format!("health {h}")
            } else {
                format!("health {h}: {checks}")
            }
        };
        if age > t.down || self.health == Some(Health::Fail) {
            // When it went down: the moment the silence passed the limit,
            // else the opening of its node incident.
            let since = if age > t.down {
                received.checked_add(t.down).ok()
            } else {
                self.open_incidents
                    .iter()
                    .find(|(f, ..)| *f == Family::Node)
                    .map(|(_, _, at)| *at)
            };
            if let (Some(since), Some(tz)) = (since, tz) {
                let at = since.to_zoned(tz.clone());
                let today = now.to_zoned(tz.clone()).date();
                let when = if at.date() == today {
                    at.strftime("%H:%M").to_string()
                } else {
                    at.strftime("%Y-%m-%d %H:%M").to_string()
                };
                reasons.push(format!("down since {when}"));
            }
            if age > t.down {
                reasons.push(format!("no report for {}", human_duration(age)));
            }
            if self.health == Some(Health::Fail) {
                reasons.push(health("fail"));
            }
            return finish(CustomerStatus::Down, reasons);
        }
        if age > t.stale {
            reasons.push(format!("no report for {}", human_duration(age)));
        }
        if self.health == Some(Health::Warn) {
            reasons.push(health("warn"));
        }
        let day = |at: Timestamp| match tz {
            Some(tz) => at.to_zoned(tz.clone()).date().to_string(),
            None => at.to_string(),
        };
        let mut failed = |what: &str, at: Option<Timestamp>, family: Family| {
            if let Some(at) = at {
                reasons.push(format!("{what} failed {}", day(at)));
            } else if let Some((_, by, at)) =
                self.open_incidents.iter().find(|(f, ..)| *f == family)
            {
                let how = if by.ends_with("_missed") {
                    "missed"
                } else {
                    "failed"
                };
                reasons.push(format!("{what} {how} {}", day(*at)));
            }
        };
        failed(
            "backup",
            self.signals.and_then(|s| s.backup_failed_at),
            Family::Backup,
        );
        failed(
            "database dump",
            self.signals.and_then(|s| s.dbdump_failed_at),
            Family::Dbdump,
        );
        if reasons.is_empty() {
            finish(CustomerStatus::Ok, reasons)
        } else {
            finish(CustomerStatus::Warn, reasons)
        }
    }
}

/// "45s", "5m", "1h 5m", "3d 2h": a duration as a reason says it.
pub fn human_duration(d: Duration) -> String {
    let secs = d.as_secs();
    let mins = secs / 60;
    let (days, hours, m) = (mins / 1440, (mins / 60) % 24, mins % 60);
    match (days, hours, m) {
        (0, 0, 0) => format!("{secs}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, 0) => format!("{h}h"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, 0, _) => format!("{d}d"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

/// One row of `GET /api/v1/customers`. Generic over the string type so the
/// hub can serialize rows borrowed straight from the database; clients use
/// the owned default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CustomerSummary<S = String> {
    pub customer_id: S,
    pub status: CustomerStatus,
    pub health: Option<Health>,
    /// The `timestamp` of the newest report, as the controller stated it.
    pub last_report_at: Option<Timestamp>,
    /// When the hub received the newest report; status is computed from it.
    pub last_received_at: Option<Timestamp>,
    pub controller_version: Option<S>,
    pub hostname: Option<S>,
    pub controller_url: Option<S>,
    pub monitoring_disabled: bool,
    pub blocked: bool,
    /// A config is kept by the hub (otherwise the customer is "manual").
    pub managed: bool,
    /// The registry has a newer controller than `controller_version`.
    #[serde(default)]
    pub update_available: bool,
}

impl CustomerSummary<&str> {
    pub fn into_owned(self) -> CustomerSummary {
        CustomerSummary {
            customer_id: self.customer_id.to_owned(),
            status: self.status,
            health: self.health,
            last_report_at: self.last_report_at,
            last_received_at: self.last_received_at,
            controller_version: self.controller_version.map(str::to_owned),
            hostname: self.hostname.map(str::to_owned),
            controller_url: self.controller_url.map(str::to_owned),
            monitoring_disabled: self.monitoring_disabled,
            blocked: self.blocked,
            managed: self.managed,
            update_available: self.update_available,
        }
    }
}

/// `GET /api/v1/customers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CustomerList<S = String> {
    pub customers: Vec<CustomerSummary<S>>,
}

/// `GET /api/v1/customers/{id}`: the summary plus the newest report exactly
/// as it was received.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CustomerDetail {
    #[serde(flatten)]
    pub summary: CustomerSummary,
    pub latest_report: Option<Box<RawValue>>,
}

/// The `period` values the history endpoint accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum HistoryPeriod {
    #[serde(rename = "1h")]
    Hour,
    #[serde(rename = "24h")]
    Day,
    #[serde(rename = "7d")]
    Week,
    #[serde(rename = "30d")]
    Month,
    #[serde(rename = "90d")]
    Quarter,
}

impl HistoryPeriod {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "1h" => Some(HistoryPeriod::Hour),
            "24h" => Some(HistoryPeriod::Day),
            "7d" => Some(HistoryPeriod::Week),
            "30d" => Some(HistoryPeriod::Month),
            "90d" => Some(HistoryPeriod::Quarter),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            HistoryPeriod::Hour => "1h",
            HistoryPeriod::Day => "24h",
            HistoryPeriod::Week => "7d",
            HistoryPeriod::Month => "30d",
            HistoryPeriod::Quarter => "90d",
        }
    }

    pub fn duration(self) -> Duration {
        const H: u64 = 3600;
        Duration::from_secs(match self {
            HistoryPeriod::Hour => H,
            HistoryPeriod::Day => 24 * H,
            HistoryPeriod::Week => 7 * 24 * H,
            HistoryPeriod::Month => 30 * 24 * H,
            HistoryPeriod::Quarter => 90 * 24 * H,
        })
    }
}

/// `GET /api/v1/customers/{id}/history`.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HistoryResponse {
    pub customer_id: String,
    pub period: HistoryPeriod,
    /// Oldest first.
    pub reports: Vec<HistoryEntry>,
}

/// One stored report with its receipt time; `report` is byte for byte what
/// the controller sent.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HistoryEntry {
    pub received_at: Timestamp,
    pub report: Box<RawValue>,
}
