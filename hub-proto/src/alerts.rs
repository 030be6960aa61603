//! Maintenance windows and incidents as the admin API carries them, and
//! the one rule of when a window is active: the hub's dispatcher, the
//! fleet's status reasons and `hubctl` all call [`MaintenanceWindow::active_at`],
//! so they cannot disagree about whether a node is in maintenance.

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::validate::{ValidationError, validate_customer_id};

/// The longest recurring window: one day.
pub const MAX_RECURRING: SignedDuration = SignedDuration::from_hours(24);

/// How a window recurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum WindowKind {
    /// From `starts_at` to `ends_at`.
    Once,
    /// Every day at `start_time` for `duration_s`.
    Daily,
    /// On `weekdays` at `start_time` for `duration_s`.
    Weekly,
    /// Opened by an operator action that restarts the node (update,
    /// push); closed by the node's first fresh report.
    Action,
}

impl WindowKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WindowKind::Once => "once",
            WindowKind::Daily => "daily",
            WindowKind::Weekly => "weekly",
            WindowKind::Action => "action",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "once" => WindowKind::Once,
            "daily" => WindowKind::Daily,
            "weekly" => WindowKind::Weekly,
            "action" => WindowKind::Action,
            _ => return None,
        })
    }
}

/// A window as stored and shown. `customer_id` `None` means the whole
/// fleet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MaintenanceWindow {
    pub id: i64,
    pub customer_id: Option<String>,
    pub kind: WindowKind,
    /// One-off and action windows.
    #[serde(default)]
    pub starts_at: Option<Timestamp>,
    #[serde(default)]
    pub ends_at: Option<Timestamp>,
    /// Recurring windows: local "HH:MM" in `timezone`.
    #[serde(default)]
    pub start_time: Option<String>,
    #[serde(default)]
    pub duration_s: Option<i64>,
    /// Weekly windows: `mon` … `sun`.
    #[serde(default)]
    pub weekdays: Vec<String>,
    pub timezone: String,
    pub reason: String,
    pub created_by: String,
    pub created_at: Timestamp,
    /// Ended early (`maintenance end`, or an action window's fresh
    /// report): no occurrence after this.
    #[serde(default)]
    pub ended_at: Option<Timestamp>,
    /// Computed at read time: the end of the occurrence active now.
    #[serde(default)]
    pub active_until: Option<Timestamp>,
    /// Computed at read time: the start of the next occurrence, if it is
    /// not active now.
    #[serde(default)]
    pub next_start: Option<Timestamp>,
}

/// `POST /api/admin/v1/maintenance`: one of the three shapes, by `kind`
/// (a one-off window may give only `duration_s`: it starts now).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewMaintenance {
    /// `None`: the whole fleet.
    #[serde(default)]
    pub customer_id: Option<String>,
    pub kind: WindowKind,
    #[serde(default)]
    pub starts_at: Option<Timestamp>,
    #[serde(default)]
    pub ends_at: Option<Timestamp>,
    #[serde(default)]
    pub start_time: Option<String>,
    #[serde(default)]
    pub duration_s: Option<i64>,
    #[serde(default)]
    pub weekdays: Vec<String>,
    /// Empty: `alerting.timezone`.
    #[serde(default)]
    pub timezone: String,
    pub reason: String,
}

/// `GET /api/admin/v1/maintenance`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MaintenanceList {
    pub windows: Vec<MaintenanceWindow>,
}

fn weekday(s: &str) -> Option<Weekday> {
    Some(match s {
        "mon" => Weekday::Monday,
        "tue" => Weekday::Tuesday,
        "wed" => Weekday::Wednesday,
        "thu" => Weekday::Thursday,
        "fri" => Weekday::Friday,
        "sat" => Weekday::Saturday,
        "sun" => Weekday::Sunday,
        _ => return None,
    })
}

/// "HH:MM" (24 h).
pub fn parse_local_time(s: &str) -> Option<Time> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    Time::new(h.parse().ok()?, m.parse().ok()?, 0, 0).ok()
}

impl NewMaintenance {
    /// The checks both `hubctl` and the server make; `max_once` is
    /// `maintenance.max_once`, `default_tz` `alerting.timezone`.
    /// A one-off window given as only `duration_s` ("for 2h") starts
    /// now: the hub's now, so a client's clock does not matter.
    pub fn anchored(mut self, now: Timestamp) -> NewMaintenance {
        if self.kind == WindowKind::Once
            && self.starts_at.is_none()
            && self.ends_at.is_none()
            && let Some(d) = self.duration_s.filter(|d| *d > 0)
        {
            self.starts_at = Some(now);
            self.ends_at = now.checked_add(SignedDuration::from_secs(d)).ok();
            self.duration_s = None;
        }
        self
    }

    pub fn validate(
        &self,
        now: Timestamp,
        max_once: SignedDuration,
        default_tz: &str,
    ) -> Result<(), ValidationError> {
        if let Some(id) = &self.customer_id {
            validate_customer_id(id)?;
        }
        let reason = self.reason.trim();
        if reason.is_empty() || reason.chars().count() > 200 {
            return Err(ValidationError::new(
                "reason",
                "must say why, in 1 to 200 characters",
            ));
        }
        let tz = if self.timezone.is_empty() {
            default_tz
        } else {
            &self.timezone
        };
        TimeZone::get(tz)
            .map_err(|_| ValidationError::new("timezone", "is not a known time zone"))?;
        match self.kind {
            WindowKind::Once => {
                let (Some(from), Some(until)) = (self.starts_at, self.ends_at) else {
                    return Err(ValidationError::new(
                        "ends_at",
                        "a one-off window needs starts_at and ends_at",
                    ));
                };
                if until <= from {
                    return Err(ValidationError::new("ends_at", "must be after starts_at"));
                }
                if until <= now {
                    return Err(ValidationError::new("ends_at", "is in the past"));
                }
                if until.duration_since(from) > max_once {
                    return Err(ValidationError::new(
                        "ends_at",
                        "the window is longer than maintenance.max_once",
                    ));
                }
                if self.start_time.is_some()
                    || self.duration_s.is_some()
                    || !self.weekdays.is_empty()
                {
                    return Err(ValidationError::new(
                        "kind",
                        "a one-off window has no start_time, duration_s or weekdays",
                    ));
                }
            }
            WindowKind::Daily | WindowKind::Weekly => {
                if self.starts_at.is_some() || self.ends_at.is_some() {
                    return Err(ValidationError::new(
                        "kind",
                        "a recurring window has no starts_at or ends_at",
                    ));
                }
                if self
                    .start_time
                    .as_deref()
                    .and_then(parse_local_time)
                    .is_none()
                {
                    return Err(ValidationError::new("start_time", "must be HH:MM"));
                }
                let d = self.duration_s.unwrap_or(0);
                if d < 1 || d > MAX_RECURRING.as_secs() {
                    return Err(ValidationError::new("duration_s", "must be 1 s to 24 h"));
                }
                if self.weekdays.iter().any(|w| weekday(w).is_none()) {
                    return Err(ValidationError::new(
                        "weekdays",
                        "must be mon, tue, wed, thu, fri, sat or sun",
                    ));
                }
                if (self.kind == WindowKind::Weekly) == self.weekdays.is_empty() {
                    return Err(ValidationError::new(
                        "weekdays",
                        "a weekly window names its days; a daily one names none",
                    ));
                }
            }
            WindowKind::Action => {
                return Err(ValidationError::new(
                    "kind",
                    "action windows are opened by the hub itself",
                ));
            }
        }
        Ok(())
    }
}

impl MaintenanceWindow {
    /// The occurrence (start, end) that contains `now`, if any. A
    /// recurring window is looked up on the local day of `now` and the day
    /// before, so one that crosses midnight is still active after it. A
    /// local start that does not exist (the spring DST gap) moves forward
    /// by the gap; one that exists twice (autumn) is the earlier
    /// ("compatible", as RFC 5545 does).
    pub fn active_at(&self, now: Timestamp) -> Option<(Timestamp, Timestamp)> {
        if self.ended_at.is_some_and(|e| e <= now) {
            return None;
        }
        let cut = |(s, e): (Timestamp, Timestamp)| {
            let e = self.ended_at.map_or(e, |x| x.min(e));
            (s <= now && now < e).then_some((s, e))
        };
        match self.kind {
            WindowKind::Once | WindowKind::Action => cut((self.starts_at?, self.ends_at?)),
            WindowKind::Daily | WindowKind::Weekly => {
                let tz = TimeZone::get(&self.timezone).ok()?;
                let today = now.to_zoned(tz.clone()).date();
                [today.yesterday().ok()?, today]
                    .into_iter()
                    .filter_map(|d| self.occurrence(d, &tz))
                    .find_map(cut)
            }
        }
    }

    /// The next occurrence's start after `now` (within two weeks), if no
    /// occurrence is active now.
    pub fn next_start(&self, now: Timestamp) -> Option<Timestamp> {
        if self.active_at(now).is_some() || self.ended_at.is_some_and(|e| e <= now) {
            return None;
        }
        match self.kind {
            WindowKind::Once | WindowKind::Action => self.starts_at.filter(|s| *s > now),
            WindowKind::Daily | WindowKind::Weekly => {
                let tz = TimeZone::get(&self.timezone).ok()?;
                let mut day = now.to_zoned(tz.clone()).date();
                for _ in 0..15 {
                    if let Some((s, _)) = self.occurrence(day, &tz)
                        && s > now
                    {
                        return Some(s);
                    }
                    day = day.tomorrow().ok()?;
                }
                None
            }
        }
    }

    /// The occurrence that starts on local `day`, if the window has one.
    fn occurrence(&self, day: Date, tz: &TimeZone) -> Option<(Timestamp, Timestamp)> {
        if self.kind == WindowKind::Weekly
            && !self
                .weekdays
                .iter()
                .any(|w| weekday(w) == Some(day.weekday()))
        {
            return None;
        }
        let at = parse_local_time(self.start_time.as_deref()?)?;
        let start = day.to_datetime(at).to_zoned(tz.clone()).ok()?.timestamp();
        let end = start
            .checked_add(SignedDuration::from_secs(self.duration_s?))
            .ok()?;
        Some((start, end))
    }

    /// Whether the window covers `customer_id` (a fleet window covers all).
    pub fn covers(&self, customer_id: &str) -> bool {
        self.customer_id.as_deref().is_none_or(|c| c == customer_id)
    }

    /// The computed fields as of `now`.
    pub fn with_times(mut self, now: Timestamp) -> Self {
        self.active_until = self.active_at(now).map(|(_, e)| e);
        self.next_start = self.next_start(now);
        self
    }
}

/// Of `windows`, the one covering `customer_id` at `now` that ends last,
/// with that end: what "maintenance until …" names.
pub fn active_window<'a>(
    windows: &'a [MaintenanceWindow],
    customer_id: &str,
    now: Timestamp,
) -> Option<(&'a MaintenanceWindow, Timestamp)> {
    windows
        .iter()
        .filter(|w| w.covers(customer_id))
        .filter_map(|w| w.active_at(now).map(|(_, e)| (w, e)))
        .max_by_key(|(_, e)| *e)
}

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

/// `30s`, `45m`, `2h`, `1d`, `1h30m` in seconds: how long a window lasts,
/// as `hubctl`, the TUI and the dashboard read it.
pub fn parse_duration_secs(s: &str) -> Result<i64, ValidationError> {
    let bad = || ValidationError::new("duration", "use a duration like 30m, 2h or 1h30m");
    let mut total: i64 = 0;
    let mut rest = s.trim();
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
        let n: i64 = rest[..digits].parse().map_err(|_| bad())?;
        let unit = match rest[digits..].chars().next() {
            Some('s') => 1,
            Some('m') => 60,
            Some('h') => 3600,
            Some('d') => 86_400,
            _ => return Err(bad()),
        };
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(bad)?;
        rest = &rest[digits + 1..];
    }
    if total <= 0 {
        return Err(bad());
    }
    Ok(total)
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

impl MaintenanceWindow {
    /// "#2 fleet-wide daily 02:00 for 3600s (Europe/Budapest), next … —
    /// reason": one line, as every surface lists windows.
    pub fn describe(&self) -> String {
        let scope = self.customer_id.as_deref().unwrap_or("fleet-wide");
        let when = match self.kind {
            WindowKind::Once | WindowKind::Action => format!(
                "{} {} to {}",
                self.kind.as_str(),
                self.starts_at.map(|t| t.to_string()).unwrap_or_default(),
                self.ends_at.map(|t| t.to_string()).unwrap_or_default()
            ),
            WindowKind::Daily | WindowKind::Weekly => format!(
                "{} {}{} for {}s ({})",
                self.kind.as_str(),
                self.start_time.as_deref().unwrap_or("?"),
                if self.weekdays.is_empty() {
                    String::new()
                } else {
                    format!(" on {}", self.weekdays.join(","))
                },
                self.duration_s.unwrap_or(0),
                self.timezone
            ),
        };
        let state = match (self.active_until, self.next_start) {
            (Some(u), _) => format!("active until {u}"),
            (None, Some(n)) => format!("next {n}"),
            _ => "over".into(),
        };
        format!("#{} {scope} {when}, {state} — {}", self.id, self.reason)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_window_for_a_duration_starts_at_the_hubs_now() {
        let now = ts("2026-11-27T10:00:00Z");
        let w = NewMaintenance {
            customer_id: None,
            kind: WindowKind::Once,
            starts_at: None,
            ends_at: None,
            start_time: None,
            duration_s: Some(7200),
            weekdays: vec![],
            timezone: String::new(),
            reason: "r".into(),
        };
        let a = w.clone().anchored(now);
        assert_eq!(a.starts_at, Some(now));
        assert_eq!(a.ends_at, Some(ts("2026-11-27T12:00:00Z")));
        assert_eq!(a.duration_s, None);
        assert!(
            a.validate(now, SignedDuration::from_hours(168), "UTC")
                .is_ok()
        );
        // Without anchoring it is incomplete; a daily window is left alone.
        assert!(
            w.validate(now, SignedDuration::from_hours(168), "UTC")
                .is_err()
        );
        let daily = NewMaintenance {
            kind: WindowKind::Daily,
            start_time: Some("02:00".into()),
            ..w
        };
        assert_eq!(daily.clone().anchored(now), daily);
    }

    fn recurring(kind: WindowKind, start: &str, secs: i64, days: &[&str]) -> MaintenanceWindow {
        MaintenanceWindow {
            id: 1,
            customer_id: None,
            kind,
            starts_at: None,
            ends_at: None,
            start_time: Some(start.into()),
            duration_s: Some(secs),
            weekdays: days.iter().map(|d| d.to_string()).collect(),
            timezone: "Europe/Budapest".into(),
            reason: "r".into(),
            created_by: "t".into(),
            created_at: ts("2026-01-01T00:00:00Z"),
            ended_at: None,
            active_until: None,
            next_start: None,
        }
    }

    /// (window, instant, expected active occurrence as (start, end) in UTC).
    #[test]
    fn windows_across_dst_midnight_and_weekdays() {
        use WindowKind::*;
        let h = 3600;
        type Case = (
            MaintenanceWindow,
            &'static str,
            Option<(&'static str, &'static str)>,
        );
        let cases: Vec<Case> = vec![
            // Winter (CET, +01): 02:00 local is 01:00Z.
            (
                recurring(Daily, "02:00", h, &[]),
                "2026-12-01T01:30:00Z",
                Some(("2026-12-01T01:00:00Z", "2026-12-01T02:00:00Z")),
            ),
            (
                recurring(Daily, "02:00", h, &[]),
                "2026-12-01T02:00:00Z",
                None,
            ),
            (
                recurring(Daily, "02:00", h, &[]),
                "2026-12-01T00:59:59Z",
                None,
            ),
            // Summer (CEST, +02): 02:00 local is 00:00Z.
            (
                recurring(Daily, "02:00", h, &[]),
                "2026-07-01T00:30:00Z",
                Some(("2026-07-01T00:00:00Z", "2026-07-01T01:00:00Z")),
            ),
            // 29 March 2026: 02:30 does not exist; it starts at 03:30 CEST (01:30Z).
            (
                recurring(Daily, "02:30", h, &[]),
                "2026-03-29T01:29:00Z",
                None,
            ),
            (
                recurring(Daily, "02:30", h, &[]),
                "2026-03-29T01:30:00Z",
                Some(("2026-03-29T01:30:00Z", "2026-03-29T02:30:00Z")),
            ),
            // 25 October 2026: 02:30 occurs twice; the first (CEST, 00:30Z) counts.
            (
                recurring(Daily, "02:30", h, &[]),
                "2026-10-25T00:45:00Z",
                Some(("2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z")),
            ),
            (
                recurring(Daily, "02:30", h, &[]),
                "2026-10-25T01:45:00Z",
                None,
            ),
            // A window over the DST change lasts its real duration: 01:00 CET + 3 h.
            (
                recurring(Daily, "01:00", 3 * h, &[]),
                "2026-03-29T02:30:00Z",
                Some(("2026-03-29T00:00:00Z", "2026-03-29T03:00:00Z")),
            ),
            // Crossing midnight: Sunday 23:00 + 2 h is active on Monday 00:30.
            (
                recurring(Weekly, "23:00", 2 * h, &["sun"]),
                "2026-12-06T23:30:00Z",
                Some(("2026-12-06T22:00:00Z", "2026-12-07T00:00:00Z")),
            ),
            (
                recurring(Weekly, "23:00", 2 * h, &["sun"]),
                "2026-12-07T00:00:00Z",
                None,
            ),
            // 2026-12-07 is a Monday: a Sunday-only window is not active Monday 23:30.
            (
                recurring(Weekly, "23:00", 2 * h, &["sun"]),
                "2026-12-07T22:30:00Z",
                None,
            ),
            (
                recurring(Weekly, "02:00", h, &["sun", "wed"]),
                "2026-12-09T01:10:00Z",
                Some(("2026-12-09T01:00:00Z", "2026-12-09T02:00:00Z")),
            ),
            (
                recurring(Weekly, "02:00", h, &["sun", "wed"]),
                "2026-12-08T01:10:00Z",
                None,
            ),
            // A 24 h daily window is always active.
            (
                recurring(Daily, "00:00", 24 * h, &[]),
                "2026-12-08T22:59:59Z",
                Some(("2026-12-07T23:00:00Z", "2026-12-08T23:00:00Z")),
            ),
        ];
        for (i, (w, at, want)) in cases.into_iter().enumerate() {
            let got = w.active_at(ts(at));
            assert_eq!(got, want.map(|(s, e)| (ts(s), ts(e))), "case {i}: {at}");
        }
    }

    #[test]
    fn once_windows_end_early_and_say_what_is_next() {
        let mut w = recurring(WindowKind::Once, "00:00", 1, &[]);
        (w.start_time, w.duration_s) = (None, None);
        w.starts_at = Some(ts("2026-12-01T10:00:00Z"));
        w.ends_at = Some(ts("2026-12-01T12:00:00Z"));
        assert_eq!(w.next_start(ts("2026-12-01T09:00:00Z")), w.starts_at);
        assert!(w.active_at(ts("2026-12-01T11:00:00Z")).is_some());
        w.ended_at = Some(ts("2026-12-01T10:30:00Z"));
        assert_eq!(
            w.active_at(ts("2026-12-01T10:15:00Z")),
            Some((ts("2026-12-01T10:00:00Z"), ts("2026-12-01T10:30:00Z")))
        );
        assert_eq!(w.active_at(ts("2026-12-01T11:00:00Z")), None);
        let daily = recurring(WindowKind::Daily, "02:00", 3600, &[]);
        assert_eq!(
            daily.next_start(ts("2026-12-01T03:00:00Z")),
            Some(ts("2026-12-02T01:00:00Z"))
        );
        // Customer A's window never covers B; a fleet window covers all.
        let mut a = daily.clone();
        a.customer_id = Some("a".into());
        assert!(a.covers("a") && !a.covers("b") && daily.covers("b"));
        let at = ts("2026-12-01T01:30:00Z");
        assert!(active_window(std::slice::from_ref(&a), "b", at).is_none());
        assert_eq!(
            active_window(&[a, daily], "a", at).map(|(_, e)| e),
            Some(ts("2026-12-01T02:00:00Z"))
        );
    }

    #[test]
    fn new_windows_are_checked() {
        let now = ts("2026-12-01T10:00:00Z");
        let week = SignedDuration::from_hours(24 * 7);
        let once = |from: &str, until: &str| NewMaintenance {
            customer_id: Some("c1".into()),
            kind: WindowKind::Once,
            starts_at: Some(ts(from)),
            ends_at: Some(ts(until)),
            start_time: None,
            duration_s: None,
            weekdays: vec![],
            timezone: String::new(),
            reason: "disk swap".into(),
        };
        let ok = once("2026-12-01T10:00:00Z", "2026-12-01T12:00:00Z");
        assert!(ok.validate(now, week, "Europe/Budapest").is_ok());
        let field =
            |m: &NewMaintenance| m.validate(now, week, "Europe/Budapest").unwrap_err().field;
        assert_eq!(
            field(&once("2026-12-01T10:00:00Z", "2026-12-09T10:00:00Z")),
            "ends_at"
        );
        assert_eq!(
            field(&once("2026-12-01T08:00:00Z", "2026-12-01T09:00:00Z")),
            "ends_at"
        );
        let mut m = ok.clone();
        m.reason = " ".into();
        assert_eq!(field(&m), "reason");
        let mut m = ok.clone();
        m.timezone = "Mars/Olympus".into();
        assert_eq!(field(&m), "timezone");
        let weekly = NewMaintenance {
            kind: WindowKind::Weekly,
            starts_at: None,
            ends_at: None,
            start_time: Some("02:00".into()),
            duration_s: Some(3600),
            weekdays: vec!["sun".into(), "wed".into()],
            ..ok.clone()
        };
        assert!(weekly.validate(now, week, "Europe/Budapest").is_ok());
        let mut m = weekly.clone();
        m.weekdays = vec!["sunday".into()];
        assert_eq!(field(&m), "weekdays");
        let mut m = weekly.clone();
        m.duration_s = Some(25 * 3600);
        assert_eq!(field(&m), "duration_s");
        let mut m = weekly.clone();
        m.start_time = Some("2:00".into());
        assert_eq!(field(&m), "start_time");
        let mut m = weekly;
        m.kind = WindowKind::Daily;
        assert_eq!(field(&m), "weekdays");
    }
}
