//! The store's write contract made explicit: what a write changed in the
//! fleet, reported by the write itself and handed on only once it is
//! durable.
//!
//! Every write closure receives a [`Changes`] next to its connection and
//! pushes a [`Change`] for each fleet-visible thing it did (a report
//! stored, a customer blocked …). The writer keeps one op's changes only if
//! that op's savepoint was released, and hands a group's changes to the
//! [`CommitSink`] (the live fleet model) after the group committed — so the
//! model never shows what the database does not have, and a change cannot
//! be lost by being recorded on the wrong thread: there is no side channel.

use std::collections::VecDeque;

use hub_proto::admin::{DriftState, EventRecord};
use hub_proto::alerts::{Family, MaintenanceWindow};
use hub_proto::{Health, ReportSignals, Severity};
use jiff::Timestamp;

/// A committed change to the fleet.
#[derive(Debug, Clone)]
pub enum Change {
    /// A report was stored (not a repeat).
    Report {
        customer_id: String,
        timestamp: Timestamp,
        received_at: Timestamp,
        health: Health,
        monitoring_disabled: bool,
        controller_version: Option<String>,
        controller_url: Option<String>,
        hostname: Option<String>,
        signals: ReportSignals,
        /// Sent with the customer's own API key.
        own_key: bool,
    },
    /// An event was stored (not a repeat).
    Event(EventRecord),
    Blocked {
        customer_id: String,
        blocked: bool,
    },
    /// A managed config was stored or changed.
    Config {
        customer_id: String,
        display_name: String,
    },
    ConfigRemoved {
        customer_id: String,
    },
    /// The customer's open backup and dbdump incidents, after a change.
    Incidents {
        customer_id: String,
        open: Vec<(Family, String, Timestamp)>,
    },
    /// The maintenance windows that are not over, after one was added or
    /// ended.
    Maintenance {
        windows: Vec<MaintenanceWindow>,
    },
    /// The drift job's verdict changed.
    Drift {
        customer_id: String,
        state: DriftState,
    },
}

impl Change {
    pub fn customer_id(&self) -> &str {
        match self {
            Change::Report { customer_id, .. }
            | Change::Blocked { customer_id, .. }
            | Change::Config { customer_id, .. }
            | Change::ConfigRemoved { customer_id }
            | Change::Incidents { customer_id, .. }
            | Change::Drift { customer_id, .. } => customer_id,
            Change::Event(e) => &e.customer_id,
            // Not one customer's: every row is looked at again.
            Change::Maintenance { .. } => "",
        }
    }
}

/// What one write op changed, in order.
#[derive(Debug, Default)]
pub struct Changes(Vec<Change>);

impl Changes {
    pub fn push(&mut self, change: Change) {
        self.0.push(change);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<Change> {
        self.0
    }

    pub(super) fn append(&mut self, other: Changes) {
        self.0.extend(other.0);
    }
}

/// One customer's fleet data as the database holds it: what the live model
/// is loaded from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FleetRecord {
    pub customer_id: String,
    /// Set while a managed config exists.
    pub display_name: Option<String>,
    pub blocked: bool,
    pub monitoring_disabled: bool,
    pub health: Option<Health>,
    pub last_report_at: Option<Timestamp>,
    pub last_received_at: Option<Timestamp>,
    pub controller_version: Option<String>,
    pub controller_url: Option<String>,
    pub hostname: Option<String>,
    /// What the newest report says about backups, checks and disks.
    pub signals: ReportSignals,
    /// Open node, backup and dbdump incidents: (family, opened by, when).
    pub incidents: Vec<(Family, String, Timestamp)>,
    /// A managed customer whose node reported with its own API key: the
    /// global key no longer speaks for it.
    pub own_key_seen: bool,
    /// Receipt times of the error and warning events of about the last
    /// 24 h, oldest first.
    pub recent: VecDeque<(Timestamp, Severity)>,
    /// The drift job's last verdict (managed customers once checked).
    pub drift: Option<DriftState>,
}

/// Who learns of committed changes: the live fleet model. Called on the
/// writer thread, so it must never block for long; what it is given is
/// durable.
pub trait CommitSink: Send + Sync {
    /// The fleet as the database has it, once, when the sink is attached
    /// (between two groups: no commit falls between this and the first
    /// [`CommitSink::committed`]).
    fn load(&self, records: Vec<FleetRecord>, windows: Vec<MaintenanceWindow>);
    /// The changes of one committed group, in the order they were made.
    fn committed(&self, changes: Vec<Change>);
}
