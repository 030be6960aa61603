//! Maintenance windows and incidents as the admin API carries them, and
//! the one rule of when a window is active: the hub's dispatcher, the
//! fleet's status reasons and `hubctl` all call [`MaintenanceWindow::active_at`],
//! so they cannot disagree about whether a node is in maintenance.

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::validate::{ValidationError, validate_customer_id};

mod incident;
pub use incident::{Effect, Family, Incident, IncidentList, alert_meta, effect};

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
mod tests;
