use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::go;
use crate::validate::{CustomerScoped, ValidationError, validate_customer_id, validate_timestamp};

/// A controller's overall verdict on its node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Health {
    Ok,
    Warn,
    Fail,
}

impl Health {
    pub fn as_str(self) -> &'static str {
        match self {
            Health::Ok => "ok",
            Health::Warn => "warn",
            Health::Fail => "fail",
        }
    }

    /// Inverse of [`Health::as_str`], for values read back from storage.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ok" => Some(Health::Ok),
            "warn" => Some(Health::Warn),
            "fail" => Some(Health::Fail),
            _ => None,
        }
    }
}

/// The status report a controller pushes every 15 minutes.
///
/// Known fields are typed; everything else lands in `extra` so that a report
/// from a newer controller survives a round trip through older tools.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Report {
    pub customer_id: String,
    pub timestamp: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller_url: Option<String>,
    pub health: Health,
    #[serde(default, deserialize_with = "go::null_default")]
    pub monitoring_disabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<SystemInfo>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "go::null_default"
    )]
    pub storage: Vec<StorageInfo>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "go::null_default"
    )]
    pub containers: Vec<Container>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<BackupInfo>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "go::null_default"
    )]
    pub checks: Vec<Check>,
    /// Fields this version does not know, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Rules serde cannot express: the id pattern, a plausible timestamp and a
/// usable controller URL.
impl CustomerScoped for Report {
    fn customer_id(&self) -> &str {
        &self.customer_id
    }

    fn validate(&self, now: Timestamp) -> Result<(), ValidationError> {
        validate_customer_id(&self.customer_id)?;
        validate_timestamp("timestamp", self.timestamp, now)?;
        if let Some(url) = &self.controller_url
            && !url.is_empty()
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            return Err(ValidationError::new(
                "controller_url",
                "must be an http:// or https:// URL",
            ));
        }
        Ok(())
    }
}

impl Report {
    pub fn hostname(&self) -> Option<&str> {
        self.system.as_ref().and_then(|s| s.hostname.as_deref())
    }
}

/// Host facts; every field is optional because controllers fill what they can.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SystemInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "go::opt_count"
    )]
    pub uptime_seconds: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_percent: Option<f64>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "go::null_default"
    )]
    pub load_avg: Vec<f64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "go::opt_count"
    )]
    pub memory_total_bytes: Option<u64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "go::opt_count"
    )]
    pub memory_used_bytes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature_c: Option<f64>,
}

/// One mounted file system.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StorageInfo {
    #[serde(default, deserialize_with = "go::null_default")]
    pub mount_point: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fs_type: Option<String>,
    #[serde(default, deserialize_with = "go::count")]
    pub total_bytes: u64,
    #[serde(default, deserialize_with = "go::count")]
    pub used_bytes: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smart_ok: Option<bool>,
}

/// One container of an installed app.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Container {
    #[serde(default, deserialize_with = "go::null_default")]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<String>,
    #[serde(default, deserialize_with = "go::count")]
    pub restart_count: u64,
}

/// Backup and database-dump state as the controller last saw it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BackupInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_backup_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_backup_ok: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_dbdump_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_dbdump_ok: Option<bool>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "go::opt_count"
    )]
    pub snapshot_count: Option<u64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "go::opt_count"
    )]
    pub repo_size_bytes: Option<u64>,
}

/// One named self-check of the controller.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Check {
    #[serde(default, deserialize_with = "go::null_default")]
    pub name: String,
    #[serde(default, deserialize_with = "go::null_default")]
    pub status: String,
    #[serde(default, deserialize_with = "go::null_default")]
    pub message: String,
}

/// Answer to `POST /api/v1/report`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReportAccepted {
    pub status: String,
    pub customer_blocked: bool,
}

/// What a report says beyond `health` that the status and its reason
/// use: kept with the newest report, so a failed backup shows as `warn`
/// and the reason can name the failing checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportSignals {
    /// The last backup failed: when (its time, or the report's).
    pub backup_failed_at: Option<Timestamp>,
    pub dbdump_failed_at: Option<Timestamp>,
    /// Names of the checks whose status is not `ok`, comma separated.
    pub failing_checks: String,
    /// The fullest file system, in percent.
    pub disk_used_pct: Option<u8>,
}

impl Report {
    pub fn signals(&self) -> ReportSignals {
        let b = self.backup.as_ref();
        let failed = |ok: Option<bool>, at: Option<Timestamp>| {
            (ok == Some(false)).then(|| at.unwrap_or(self.timestamp))
        };
        let failing: Vec<&str> = self
            .checks
            .iter()
            .filter(|c| !c.status.is_empty() && !c.status.eq_ignore_ascii_case("ok"))
            .map(|c| c.name.as_str())
            .collect();
        let disk_used_pct = self
            .storage
            .iter()
            .filter(|s| s.total_bytes > 0)
            .map(|s| (s.used_bytes.min(s.total_bytes) * 100 / s.total_bytes) as u8)
            .max();
        ReportSignals {
            backup_failed_at: b.and_then(|b| failed(b.last_backup_ok, b.last_backup_at)),
            dbdump_failed_at: b.and_then(|b| failed(b.last_dbdump_ok, b.last_dbdump_at)),
            failing_checks: failing.join(", "),
            disk_used_pct,
        }
    }
}
