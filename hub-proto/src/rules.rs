//! Rules every front end applies the same way — the admin API and the
//! dashboard in the hub, the TUI and the commands in hubctl — so that no
//! two of them can disagree: which customers a fleet list shows, and how a
//! usage becomes a percentage.

use crate::admin::DriftState;
use crate::customer::{CustomerStatus, short_age};
use crate::report::{Report, StorageInfo, SystemInfo};
use crate::validate::ValidationError;

/// Which customers a fleet list shows. The default hides blocked
/// customers (they are shown with `all`, or when asked for by status).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FleetFilter {
    /// Only these statuses (blocked ones included when named).
    pub statuses: Option<Vec<CustomerStatus>>,
    /// Blocked customers too.
    pub all: bool,
    /// Only managed (`true`) or manual (`false`) customers.
    pub managed: Option<bool>,
    /// Only customers with this drift verdict (`hubctl fleet --drifted`).
    pub drift: Option<DriftState>,
}

impl FleetFilter {
    /// Whether a customer with `status`, managed or not, with its drift
    /// verdict, is in the list.
    pub fn keeps(&self, status: CustomerStatus, managed: bool, drift: Option<DriftState>) -> bool {
        let by_status = match &self.statuses {
            Some(s) => s.contains(&status),
            None => self.all || status != CustomerStatus::Blocked,
        };
        by_status
            && self.managed.is_none_or(|m| m == managed)
            && self.drift.is_none_or(|d| drift == Some(d))
    }

    /// The `drift` parameter: `in_sync`, `drifted` or `unknown`.
    pub fn parse_drift(s: &str) -> Result<DriftState, ValidationError> {
        DriftState::parse(s.trim()).ok_or_else(|| {
            ValidationError::new(
                "drift",
                format!(
                    "drift `{}` is not one of in_sync, drifted, unknown",
                    s.trim()
                ),
            )
        })
    }

    /// The `status` parameter: statuses separated by commas.
    pub fn parse_statuses(list: &str) -> Result<Vec<CustomerStatus>, ValidationError> {
        list.split(',')
            .map(|x| {
                CustomerStatus::parse(x.trim()).ok_or_else(|| {
                    ValidationError::new(
                        "status",
                        format!(
                            "status `{}` is not one of ok, warn, down, disabled, pending, blocked",
                            x.trim()
                        ),
                    )
                })
            })
            .collect()
    }

    /// The query parameters that ask the admin API for this list (empty
    /// for the default list).
    pub fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        if let Some(s) = &self.statuses {
            let names: Vec<&str> = s.iter().map(|s| s.as_str()).collect();
            q.push(("status", names.join(",")));
        }
        if self.all {
            q.push(("all", "true".to_owned()));
        }
        if let Some(m) = self.managed {
            q.push(("managed", m.to_string()));
        }
        if let Some(d) = self.drift {
            q.push(("drift", d.as_str().to_owned()));
        }
        q
    }
}

/// `used` of `total` as a percentage; `None` when the total is unknown or
/// zero (a disk that reports no size has no usage, not 0%).
pub fn percent(used: f64, total: f64) -> Option<f64> {
    (total > 0.0).then(|| used * 100.0 / total)
}

/// The largest of some percentages (the fullest disk).
pub fn highest(values: impl IntoIterator<Item = Option<f64>>) -> Option<f64> {
    values
        .into_iter()
        .flatten()
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))))
}

impl SystemInfo {
    /// Memory in use, in percent.
    pub fn memory_percent(&self) -> Option<f64> {
        percent(
            self.memory_used_bytes? as f64,
            self.memory_total_bytes? as f64,
        )
    }

    /// Uptime, load and temperature as the front ends show them:
    /// `10d · load 1.20 0.90 0.70 · 61 °C` (`-` for what is unknown).
    pub fn uptime_load_temperature(&self) -> String {
        let load = if self.load_avg.is_empty() {
            "-".to_owned()
        } else {
            self.load_avg
                .iter()
                .map(|l| format!("{l:.2}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        format!(
            "{} · load {load} · {}",
            self.uptime_seconds
                .map(|u| short_age(Some(i64::try_from(u).unwrap_or(i64::MAX))))
                .unwrap_or_else(|| "-".into()),
            self.temperature_c
                .map(|t| format!("{t:.0} °C"))
                .unwrap_or_else(|| "-".into())
        )
    }
}

/// A backup's or dump's last outcome in a word: `ok`, `FAILED`, or `-`
/// when the report does not say.
pub fn outcome_word(ok: Option<bool>) -> &'static str {
    match ok {
        Some(true) => "ok",
        Some(false) => "FAILED",
        None => "-",
    }
}

impl StorageInfo {
    /// The disk's space in use, in percent.
    pub fn used_percent(&self) -> Option<f64> {
        percent(self.used_bytes as f64, self.total_bytes as f64)
    }
}

impl Report {
    /// The fullest disk's use, in percent.
    pub fn fullest_disk_percent(&self) -> Option<f64> {
        highest(self.storage.iter().map(StorageInfo::used_percent))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_default_list_hides_blocked_customers_only() {
        let d = FleetFilter::default();
        assert!(!d.keeps(CustomerStatus::Blocked, true, None));
        for s in [
            CustomerStatus::Ok,
            CustomerStatus::Warn,
            CustomerStatus::Down,
            CustomerStatus::Pending,
            CustomerStatus::Disabled,
        ] {
            assert!(d.keeps(s, false, None) && d.keeps(s, true, None), "{s:?}");
        }
        let all = FleetFilter {
            all: true,
            ..Default::default()
        };
        assert!(all.keeps(CustomerStatus::Blocked, false, None));
        let named = FleetFilter {
            statuses: Some(FleetFilter::parse_statuses("down, blocked").unwrap()),
            managed: Some(true),
            ..Default::default()
        };
        assert!(named.keeps(CustomerStatus::Blocked, true, None));
        assert!(!named.keeps(CustomerStatus::Blocked, false, None));
        assert!(!named.keeps(CustomerStatus::Ok, true, None));
        let drifted = FleetFilter {
            drift: Some(DriftState::Drifted),
            ..Default::default()
        };
        assert!(drifted.keeps(CustomerStatus::Ok, true, Some(DriftState::Drifted)));
        assert!(!drifted.keeps(CustomerStatus::Ok, true, Some(DriftState::InSync)));
        assert!(!drifted.keeps(CustomerStatus::Ok, false, None));
        assert_eq!(drifted.query(), vec![("drift", "drifted".to_owned())]);
        assert!(FleetFilter::parse_drift("sideways").is_err());
        assert_eq!(
            named.query(),
            [
                ("status", "down,blocked".to_owned()),
                ("managed", "true".to_owned())
            ]
        );
        assert!(FleetFilter::default().query().is_empty());
        assert_eq!(
            FleetFilter::parse_statuses("up").unwrap_err().field,
            "status"
        );
    }

    #[test]
    fn percentages_need_a_size() {
        assert_eq!(percent(1.0, 4.0), Some(25.0));
        assert_eq!(percent(1.0, 0.0), None);
        assert_eq!(highest([Some(3.0), None, Some(7.5)]), Some(7.5));
        assert_eq!(highest([None]), None);
        let sys = SystemInfo {
            memory_used_bytes: Some(2),
            memory_total_bytes: Some(8),
            ..Default::default()
        };
        assert_eq!(sys.memory_percent(), Some(25.0));
        assert_eq!(sys.uptime_load_temperature(), "- · load - · -");
        let sys = SystemInfo {
            uptime_seconds: Some(864_000),
            load_avg: vec![1.2, 0.9],
            temperature_c: Some(61.4),
            ..Default::default()
        };
        assert_eq!(
            sys.uptime_load_temperature(),
            "10d · load 1.20 0.90 · 61 °C"
        );
        assert_eq!(outcome_word(Some(false)), "FAILED");
        assert_eq!(SystemInfo::default().memory_percent(), None);
    }
}
