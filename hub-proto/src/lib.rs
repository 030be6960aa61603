//! Wire types of the felhom hub, shared by `hub-server`, `hubctl` and the
//! controller simulator.
//!
//! This crate owns the shape of every JSON body in `PROTOCOL.md` and the
//! validation rules that both ends must agree on (customer id pattern,
//! customer-facing event types, cooldown range). It has no I/O so that every
//! binary can depend on it cheaply.

pub mod actions;
pub mod admin;
pub mod alerts;
pub mod codes;
mod customer;
mod event;
pub mod go;
mod infra;
mod report;
pub mod rules;
pub mod secrets;
mod validate;
mod version;

pub use customer::{
    CustomerDetail, CustomerList, CustomerStatus, CustomerSummary, HistoryEntry, HistoryPeriod,
    HistoryResponse, StatusInputs, StatusThresholds, Verdict, human_duration, short_age,
};
pub use event::{EventAccepted, EventIn, EventType, LegacyNotify, Preferences, Severity};
pub use infra::{BindMount, InfraBackup, InfraDisk, InfraStack, RecoveryResponse, ResticSecrets};
pub use report::{
    BackupInfo, Check, Container, Health, Report, ReportAccepted, ReportSignals, StorageInfo,
    SystemInfo,
};
pub use validate::{
    CustomerScoped, EARLIEST, MAX_FUTURE, ValidationError, validate_customer_id, validate_timestamp,
};
pub use version::{Version, parse_version, update_available};

use serde::{Deserialize, Serialize};

/// The error body every failing endpoint answers with, so a client can branch
/// on a stable `code` and show `message` to a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// Inner part of [`ErrorBody`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorDetail {
    /// Stable snake_case identifier; scripts match on it.
    pub code: String,
    /// A human sentence; may change between versions.
    pub message: String,
}

impl ErrorBody {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            error: ErrorDetail {
                code: code.into(),
                message: message.into(),
            },
        }
    }
}

/// The id the hub's own alerts are filed under (its failed backup): never
/// a customer's, and their links go to the dashboard's hub page (`/hub`).
pub const HUB_ALERT_ID: &str = "felhom-hub";

/// `GET /healthz`: `status` is `ok`, or `degraded` while a background job
/// is overdue or the scheduled backup fails (still 200: the database
/// answers, restarting would not help); `jobs` says which, by name (`ok`,
/// `overdue`, or `failing` for `backup`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HealthBody {
    pub status: String,
    #[serde(default)]
    pub jobs: std::collections::BTreeMap<String, String>,
}

/// The `{"status": "ok"}` answer of infra-backup pushes and preference
/// updates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StatusOk {
    pub status: String,
}

impl StatusOk {
    pub fn ok() -> Self {
        Self {
            status: "ok".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests;
