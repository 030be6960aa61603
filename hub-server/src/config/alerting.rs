//! The `alerting` and `maintenance` sections: when a node counts as
//! stale or down, and the rules that decide who is told about an incident
//! and when (reminders, the resolve hold, the mass-outage guard, flapping,
//! maintenance windows). The rules themselves live in `notify::incidents`.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{ConfigError, GoDuration, Secret, TimeOfDay};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AlertingConfig {
    pub stale_threshold: GoDuration,
    pub down_threshold: GoDuration,
    pub check_interval: GoDuration,
    pub backup_deadline: TimeOfDay,
    pub timezone: String,
    /// Called every `heartbeat_interval` while the hub is healthy, so an
    /// outside dead man's switch notices when the hub itself is not.
    /// Empty: none. A secret (a ping URL names its check).
    pub heartbeat_url: Secret,
    pub heartbeat_interval: GoDuration,
    /// How often the operator is reminded of an incident that is still
    /// open, counted from the last reminder actually sent.
    pub reminder_interval: GoDuration,
    /// Reminders per incident; 0 turns them off.
    pub reminder_limit: u32,
    /// A node that goes down again this soon after recovering sends
    /// neither the "recovered" nor a second "down".
    pub resolve_hold: GoDuration,
    /// The mass-outage guard opens when at least
    /// max(`mass_outage_min_nodes`, `mass_outage_fraction` × reporting
    /// nodes) turn stale within `mass_outage_window`.
    pub mass_outage_min_nodes: u32,
    pub mass_outage_fraction: f64,
    pub mass_outage_window: GoDuration,
    /// This many down→recovered cycles of one node within `flap_window`
    /// make it flapping; it is stable again after `flap_settle` without
    /// a transition.
    pub flap_transitions: u32,
    pub flap_window: GoDuration,
    pub flap_settle: GoDuration,
    /// A disk incident is over on the first report after it whose fullest
    /// disk is below this percentage (the controller sends no "disk ok").
    pub disk_clear_percent: u8,
}

impl Default for AlertingConfig {
    fn default() -> Self {
        Self {
            stale_threshold: GoDuration::secs(30 * 60),
            down_threshold: GoDuration::secs(60 * 60),
            check_interval: GoDuration::secs(60),
            backup_deadline: TimeOfDay { hour: 5, minute: 0 },
            timezone: "Europe/Budapest".into(),
            heartbeat_url: Secret::default(),
            heartbeat_interval: GoDuration::secs(5 * 60),
            reminder_interval: GoDuration::secs(24 * 3600),
            reminder_limit: 3,
            resolve_hold: GoDuration::secs(15 * 60),
            mass_outage_min_nodes: 5,
            mass_outage_fraction: 0.2,
            mass_outage_window: GoDuration::secs(5 * 60),
            flap_transitions: 4,
            flap_window: GoDuration::secs(6 * 3600),
            flap_settle: GoDuration::secs(3600),
            disk_clear_percent: 85,
        }
    }
}

/// Planned work: windows inside which openings are not notified.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MaintenanceConfig {
    /// The longest one-off window.
    pub max_once: GoDuration,
    /// An incident opened inside a window is notified only if it is still
    /// open this long after the window ended (longer than a report
    /// interval, so a node that is merely rebooting is not reported).
    pub end_grace: GoDuration,
    /// The implicit window an operator action that restarts a node
    /// (update, push) opens; it closes on the node's first fresh report.
    pub action_window: GoDuration,
}

impl Default for MaintenanceConfig {
    fn default() -> Self {
        Self {
            max_once: GoDuration::secs(7 * 86_400),
            end_grace: GoDuration::secs(20 * 60),
            action_window: GoDuration::secs(30 * 60),
        }
    }
}

/// Checks the keys of both sections that the rest of validation does not.
pub(super) fn validate(a: &AlertingConfig, m: &MaintenanceConfig) -> Result<(), ConfigError> {
    let invalid = |key: &str, message: String| ConfigError::Invalid {
        key: key.into(),
        message,
    };
    for (key, d) in [
        ("alerting.reminder_interval", a.reminder_interval),
        ("alerting.mass_outage_window", a.mass_outage_window),
        ("alerting.flap_window", a.flap_window),
        ("alerting.flap_settle", a.flap_settle),
        ("maintenance.max_once", m.max_once),
        ("maintenance.action_window", m.action_window),
    ] {
        if d.0 < Duration::from_secs(1) {
            return Err(invalid(key, "must be at least 1s".into()));
        }
    }
    if a.reminder_limit > 100 {
        return Err(invalid(
            "alerting.reminder_limit",
            "must be 0 to 100".into(),
        ));
    }
    if a.mass_outage_min_nodes < 2 {
        return Err(invalid(
            "alerting.mass_outage_min_nodes",
            "must be at least 2 (one silent node is a node outage)".into(),
        ));
    }
    if !(a.mass_outage_fraction > 0.0 && a.mass_outage_fraction <= 1.0) {
        return Err(invalid(
            "alerting.mass_outage_fraction",
            "must be above 0 and at most 1".into(),
        ));
    }
    if !(1..=100).contains(&a.disk_clear_percent) {
        return Err(invalid(
            "alerting.disk_clear_percent",
            "must be 1 to 100".into(),
        ));
    }
    if a.flap_transitions < 2 {
        return Err(invalid(
            "alerting.flap_transitions",
            "must be at least 2".into(),
        ));
    }
    if m.max_once.0 > Duration::from_secs(366 * 86_400) {
        return Err(invalid(
            "maintenance.max_once",
            "must be at most 366d".into(),
        ));
    }
    Ok(())
}
