//! One customer's row in the live model: the stored record, its status
//! and counts as of a moment, and its JSON written without formatting a
//! timestamp per row and read.

use hub_proto::admin::FleetEntry;
use hub_proto::alerts::MaintenanceWindow;
use hub_proto::{
    CustomerStatus, CustomerSummary, Health, Severity, StatusInputs, StatusThresholds, Verdict,
    Version, update_available,
};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use std::sync::Arc;

use crate::store::FleetRecord;

/// The window of the error and warning counts.
const COUNT_WINDOW: SignedDuration = SignedDuration::from_hours(24);

/// What a customer's status and update mark are computed against.
#[derive(Debug, Clone)]
pub struct StatusView {
    pub now: Timestamp,
    pub thresholds: StatusThresholds,
    /// The newest controller version the registry check found.
    pub latest: Option<Version>,
    /// `alerting.timezone`, for the times in reasons.
    pub tz: TimeZone,
    pub maintenance: ActiveWindows,
}

/// The maintenance windows active at one moment, each evaluated once (a
/// fleet list reads them for every row): (customer or the whole fleet,
/// end of the occurrence).
#[derive(Debug, Clone, Default)]
pub struct ActiveWindows(Arc<Vec<(Option<String>, Timestamp)>>);

impl ActiveWindows {
    pub fn at(windows: &[MaintenanceWindow], now: Timestamp) -> ActiveWindows {
        ActiveWindows(Arc::new(
            windows
                .iter()
                .filter_map(|w| {
                    w.active_at(now)
                        .map(|(_, end)| (w.customer_id.clone(), end))
                })
                .collect(),
        ))
    }

    /// The latest end of a window covering `customer_id`.
    pub fn until(&self, customer_id: &str) -> Option<Timestamp> {
        self.0
            .iter()
            .filter(|(c, _)| c.as_deref().is_none_or(|c| c == customer_id))
            .map(|(_, end)| *end)
            .max()
    }
}

/// One customer's row as the model keeps it: the stored record (read
/// through `Deref`) and its JSON cache.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    rec: FleetRecord,
    /// The row's JSON fields that do not depend on the time of reading,
    /// written once per change so the fleet list only splices in the
    /// status, the age and the counts ([`Row::write_json`]).
    fixed: FixedJson,
}

impl std::ops::Deref for Row {
    type Target = FleetRecord;

    fn deref(&self) -> &FleetRecord {
        &self.rec
    }
}

/// See [`Row::write_json`].
#[derive(Debug, Clone, Default, PartialEq)]
struct FixedJson {
    /// `"customer_id":"…"`
    id: String,
    /// `"health":…` through `"managed":…`, in [`CustomerSummary`] order.
    summary: String,
    /// The display name as JSON (`null` or a string).
    name: String,
}

impl Row {
    /// A row of `rec`, its JSON cache written.
    pub fn from_record(rec: FleetRecord) -> Row {
        let mut row = Row {
            rec,
            fixed: FixedJson::default(),
        };
        row.refresh();
        row
    }

    pub(super) fn new(customer_id: &str) -> Row {
        Row::from_record(FleetRecord {
            customer_id: customer_id.to_owned(),
            ..Default::default()
        })
    }

    /// The stored record, for changing it; call [`Row::refresh`] after.
    pub(super) fn record_mut(&mut self) -> &mut FleetRecord {
        &mut self.rec
    }

    /// The stored record.
    pub fn record(&self) -> &FleetRecord {
        &self.rec
    }

    /// Rewrites the cached JSON after a change of the row.
    pub(super) fn refresh(&mut self) {
        #[derive(Serialize)]
        struct Fixed<'a> {
            health: Option<Health>,
            last_report_at: Option<Timestamp>,
            last_received_at: Option<Timestamp>,
            controller_version: Option<&'a str>,
            hostname: Option<&'a str>,
            controller_url: Option<&'a str>,
            monitoring_disabled: bool,
            blocked: bool,
            managed: bool,
        }
        let json = |v: &dyn erased::Json| v.json();
        let summary = json(&Fixed {
            health: self.health,
            last_report_at: self.last_report_at,
            last_received_at: self.last_received_at,
            controller_version: self.controller_version.as_deref(),
            hostname: self.hostname.as_deref(),
            controller_url: self.controller_url.as_deref(),
            monitoring_disabled: self.monitoring_disabled,
            blocked: self.blocked,
            managed: self.managed(),
        });
        self.fixed = FixedJson {
            id: format!("\"customer_id\":{}", json(&self.customer_id)),
            // Without the braces: spliced into the row's object.
            summary: summary
                .strip_prefix('{')
                .and_then(|s| s.strip_suffix('}'))
                .unwrap_or("")
                .to_owned(),
            name: json(&self.display_name),
        };
    }

    /// Appends the row's JSON as of `view`: the [`CustomerSummary`] shape,
    /// or with `full` the [`FleetEntry`] shape. The same object as
    /// serializing [`Row::summary`] or [`Row::entry`], without formatting a
    /// timestamp per row and read.
    pub fn write_json(&self, view: &StatusView, full: bool, out: &mut Vec<u8>) {
        use std::io::Write;
        let f = &self.fixed;
        let verdict = if full { Some(self.verdict(view)) } else { None };
        let status = match &verdict {
            Some(v) => v.status,
            None => self.status(view),
        }
        .as_str();
        let update = update_available(self.controller_version.as_deref(), view.latest);
        // Writing to a Vec cannot fail.
        let _ = write!(
            out,
            "{{{},\"status\":\"{status}\",{},\"update_available\":{update}",
            f.id, f.summary
        );
        if full {
            let (errors, warnings) = self.counts(view.now);
            let _ = write!(
                out,
                ",\"display_name\":{},\"last_report_age_secs\":",
                f.name
            );
            match self.last_received_at {
                Some(t) => {
                    let _ = write!(out, "{}", view.now.duration_since(t).as_secs());
                }
                None => out.extend_from_slice(b"null"),
            }
            let _ = write!(
                out,
                ",\"errors_24h\":{errors},\"warnings_24h\":{warnings},\"reason\":"
            );
            let reason = verdict.and_then(|v| v.reason);
            out.extend_from_slice(erased::Json::json(&reason).as_bytes());
            out.extend_from_slice(b",\"drift\":");
            out.extend_from_slice(erased::Json::json(&self.drift()).as_bytes());
        }
        out.push(b'}');
    }

    pub fn managed(&self) -> bool {
        self.display_name.is_some()
    }

    /// A customer is in the fleet once it reported or has a config.
    pub fn listed(&self) -> bool {
        self.last_report_at.is_some() || self.managed()
    }

    fn inputs(&self, view: &StatusView) -> StatusInputs<'_> {
        StatusInputs {
            blocked: self.blocked,
            has_config: self.managed(),
            last_received_at: self.last_received_at,
            health: self.health,
            monitoring_disabled: self.monitoring_disabled,
            signals: Some(&self.signals),
            open_incidents: &self.incidents,
            maintenance_until: view.maintenance.until(&self.customer_id),
        }
    }

    pub fn status(&self, view: &StatusView) -> CustomerStatus {
        self.inputs(view).status(view.now, view.thresholds)
    }

    /// The status with its reason: what every front end shows.
    pub fn verdict(&self, view: &StatusView) -> Verdict {
        self.inputs(view)
            .verdict(view.now, view.thresholds, &view.tz)
    }

    /// Error and warning events received in the 24 h before `now`.
    pub fn counts(&self, now: Timestamp) -> (i64, i64) {
        let since = now - COUNT_WINDOW;
        self.recent
            .iter()
            .filter(|(t, _)| *t >= since && *t <= now)
            .fold((0, 0), |(e, w), (_, s)| match s {
                Severity::Error => (e + 1, w),
                Severity::Warning => (e, w + 1),
                Severity::Info => (e, w),
            })
    }

    /// The row as the API shows it at `view`, borrowing its strings.
    pub fn entry(&self, view: &StatusView) -> FleetEntry<&str> {
        let (errors_24h, warnings_24h) = self.counts(view.now);
        FleetEntry {
            summary: self.summary(view),
            display_name: self.display_name.as_deref(),
            last_report_age_secs: self
                .last_received_at
                .map(|t| view.now.duration_since(t).as_secs()),
            errors_24h,
            warnings_24h,
            reason: self.verdict(view).reason,
            drift: self.drift(),
        }
    }

    /// The drift verdict, shown for managed customers only.
    pub fn drift(&self) -> Option<hub_proto::admin::DriftState> {
        self.drift.filter(|_| self.managed())
    }

    /// The controller API's shape of the row.
    pub fn summary(&self, view: &StatusView) -> CustomerSummary<&str> {
        CustomerSummary {
            customer_id: &self.customer_id,
            status: self.status(view),
            health: self.health,
            last_report_at: self.last_report_at,
            last_received_at: self.last_received_at,
            controller_version: self.controller_version.as_deref(),
            hostname: self.hostname.as_deref(),
            controller_url: self.controller_url.as_deref(),
            monitoring_disabled: self.monitoring_disabled,
            blocked: self.blocked,
            managed: self.managed(),
            update_available: update_available(self.controller_version.as_deref(), view.latest),
        }
    }

    /// Counts an error or warning received at `at`, forgetting those
    /// more than the count window older than the newest.
    pub(super) fn note_event(&mut self, at: Timestamp, sev: Severity) {
        let recent = &mut self.rec.recent;
        let pos = recent.partition_point(|(t, _)| *t <= at);
        recent.insert(pos, (at, sev));
        let newest = recent.back().map(|(t, _)| *t).unwrap_or(at);
        while recent
            .front()
            .is_some_and(|(t, _)| *t < newest - COUNT_WINDOW)
        {
            recent.pop_front();
        }
    }
}

/// Serializing something to a JSON string without failing (the values
/// here are plain data; a failure would be a bug, shown as `null`).
mod erased {
    pub trait Json {
        fn json(&self) -> String;
    }

    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).unwrap_or_else(|_| "null".into())
        }
    }
}
