//! Incidents as the admin API carries them, and the words every surface
//! (the dashboard, the TUI, `hubctl`) prints for their state.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// What an incident is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Family {
    Node,
    Backup,
    Dbdump,
    Disk,
    /// The node went down and up too often.
    Flapping,
    /// Many nodes at once: the hub or its ingress may be cut off.
    Fleet,
}

impl Family {
    pub const ALL: [Family; 6] = [
        Family::Node,
        Family::Backup,
        Family::Dbdump,
        Family::Disk,
        Family::Flapping,
        Family::Fleet,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Family::Node => "node",
            Family::Backup => "backup",
            Family::Dbdump => "dbdump",
            Family::Disk => "disk",
            Family::Flapping => "flapping",
            Family::Fleet => "fleet",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Family::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// One incident as the admin API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Incident {
    pub id: i64,
    /// `None` for the fleet incident.
    pub customer_id: Option<String>,
    pub family: Family,
    pub opened_at: Timestamp,
    /// The event type that opened it (or last escalated it).
    pub opened_by: String,
    pub message: String,
    pub notified_operator_at: Option<Timestamp>,
    pub notified_customer_at: Option<Timestamp>,
    /// Why its opening was not notified (yet): `maintenance`,
    /// `inhibited`, `mass_outage`, `flapping`.
    pub held: Option<String>,
    pub reminders_sent: u32,
    pub next_reminder_at: Option<Timestamp>,
    /// Set while a resolution waits out `alerting.resolve_hold`.
    pub resolving_since: Option<Timestamp>,
    pub resolved_at: Option<Timestamp>,
    /// Notifications held while it was open, by event type.
    #[serde(default)]
    pub inhibited: std::collections::BTreeMap<String, u32>,
    /// Family-specific facts (the fleet incident's node counts, a flapping
    /// node's cycle count).
    #[serde(default)]
    pub detail: serde_json::Value,
}

/// `GET /api/admin/v1/incidents`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IncidentList {
    pub incidents: Vec<Incident>,
}

impl Incident {
    /// "open", "held: maintenance", "resolving", "resolved": the state
    /// every surface shows.
    pub fn state_word(&self) -> String {
        match (self.resolved_at, self.resolving_since, self.held.as_deref()) {
            (Some(_), _, _) => "resolved".into(),
            (None, Some(_), _) => "resolving".into(),
            (None, None, Some(h)) if self.notified_operator_at.is_none() => format!("held: {h}"),
            _ => "open".into(),
        }
    }

    /// Who was told of the opening: "operator+customer", "operator",
    /// "customer" or "-".
    pub fn told_word(&self) -> &'static str {
        match (
            self.notified_operator_at.is_some(),
            self.notified_customer_at.is_some(),
        ) {
            (true, true) => "operator+customer",
            (true, false) => "operator",
            (false, true) => "customer",
            (false, false) => "-",
        }
    }

    /// "1 sent, next 2026-11-28T10:00:00Z".
    pub fn reminders_word(&self) -> String {
        match self.next_reminder_at {
            Some(n) if self.resolved_at.is_none() => {
                format!("{} sent, next {n}", self.reminders_sent)
            }
            _ => format!("{} sent", self.reminders_sent),
        }
    }
}

/// What an event does to the incidents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Open(Family),
    Resolve(Family),
    None,
}

/// The pairing rules: which event opens and which resolves each family.
/// Disk incidents resolve on the first report below the threshold (the
/// tick), not on an event.
pub fn effect(t: crate::EventType) -> Effect {
    use crate::EventType::*;
    match t {
        NodeDown => Effect::Open(Family::Node),
        NodeRecovered => Effect::Resolve(Family::Node),
        BackupFailed | ExpectedBackupMissed => Effect::Open(Family::Backup),
        BackupCompleted => Effect::Resolve(Family::Backup),
        DbdumpFailed | ExpectedDbdumpMissed => Effect::Open(Family::Dbdump),
        DbdumpCompleted => Effect::Resolve(Family::Dbdump),
        DiskSpaceLow | DiskSpaceCritical => Effect::Open(Family::Disk),
        _ => Effect::None,
    }
}

/// An operator message's kind on the webhook, ntfy and Telegram channels
/// (`open`, `reminder`, `resolved`, `notice`, `test`) and the incident
/// family it is about, from the message's type: an event type, a
/// resolution (`node_resolved`, …) or one of the hub's notices.
pub fn alert_meta(message_type: &str) -> (&'static str, Option<Family>) {
    match message_type {
        "reminder" => ("reminder", None),
        "mass_outage" => ("notice", Some(Family::Fleet)),
        "fleet_resolved" => ("resolved", Some(Family::Fleet)),
        "node_flapping" => ("notice", Some(Family::Flapping)),
        "node_stable" => ("resolved", Some(Family::Flapping)),
        "test" => ("test", None),
        t => {
            if let Some(f) = t.strip_suffix("_resolved").and_then(Family::parse) {
                return ("resolved", Some(f));
            }
            match crate::EventType::parse(t).map(effect) {
                Some(Effect::Open(f)) => ("open", Some(f)),
                Some(Effect::Resolve(f)) => ("resolved", Some(f)),
                _ => ("notice", None),
            }
        }
    }
}
