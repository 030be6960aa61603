//! What a customer's status page shows, built for it alone from a view
//! type of its own (never from the fleet row, which carries hostnames,
//! addresses, versions and URLs): the live model's record, the newest
//! report's backup times and disks, the maintenance windows, and one
//! indexed read of the customer's incidents.

use hub_proto::alerts::{Family, Incident};
use hub_proto::{CustomerStatus, Report};
use jiff::{SignedDuration, Timestamp};

use super::ServiceError;
use crate::state::AppState;

/// How far back the page looks: the availability bar's 90 days.
pub const DAYS: i64 = 90;
/// Resolved problems are listed this far back.
const RESOLVED_DAYS: i64 = 30;
/// A backup older than this is overdue (a day and the deadline's grace).
const BACKUP_DUE: SignedDuration = SignedDuration::from_hours(26);

/// The page's overall state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageState {
    Ok,
    Late,
    Down,
    Maintenance,
    /// Configured, no report yet.
    Waiting,
}

/// One backup kind's line.
#[derive(Debug, Clone, PartialEq)]
pub struct BackupLine {
    pub last_ok: Option<Timestamp>,
    pub overdue: bool,
}

/// A window the customer is told of.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowLine {
    /// Active now, until then.
    pub active_until: Option<Timestamp>,
    pub next_start: Option<Timestamp>,
    pub reason: String,
}

/// A problem the customer is told of.
#[derive(Debug, Clone, PartialEq)]
pub struct ProblemLine {
    pub family: Family,
    pub opened_at: Timestamp,
    pub resolved_at: Option<Timestamp>,
}

/// Everything the page may show, and nothing else.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusPageView {
    pub now: Timestamp,
    pub state: PageState,
    pub last_report: Option<Timestamp>,
    pub backup: BackupLine,
    pub dbdump: BackupLine,
    /// The fullest disk, in %.
    pub disk_pct: Option<f64>,
    pub windows: Vec<WindowLine>,
    pub open: Vec<ProblemLine>,
    /// Resolved in the last 30 days, newest first.
    pub resolved: Vec<ProblemLine>,
    /// The last 90 calendar days, oldest first.
    pub availability: Vec<DayShare>,
}

/// Families a customer hears about (flapping and the fleet are the
/// operator's).
fn customer_visible(f: Family) -> bool {
    matches!(
        f,
        Family::Node | Family::Backup | Family::Dbdump | Family::Disk
    )
}

/// One calendar day of the availability bar.
#[derive(Debug, Clone, PartialEq)]
pub struct DayShare {
    /// The day in the hub's time zone (`alerting.timezone`).
    pub date: jiff::civil::Date,
    /// The share of it (today: of it so far) no node incident covered;
    /// `None` before the node first reported.
    pub up: Option<f64>,
}

/// The `DAYS` calendar days ending today in `tz`, oldest first, each as
/// (date, start, end); today ends at `now`. Days are 23 or 25 hours long
/// across a clock change.
fn calendar_days(
    now: Timestamp,
    tz: &jiff::tz::TimeZone,
) -> Vec<(jiff::civil::Date, Timestamp, Timestamp)> {
    let today = now.to_zoned(tz.clone()).date();
    let start = |d: jiff::civil::Date| d.to_zoned(tz.clone()).map(|z| z.timestamp());
    (0..DAYS)
        .rev()
        .filter_map(|back| {
            let date = today.checked_sub(jiff::Span::new().days(back)).ok()?;
            let from = start(date).ok()?;
            let to = start(date.tomorrow().ok()?).ok()?.min(now);
            Some((date, from, to))
        })
        .collect()
}

/// When the bar's oldest day began: what the page reads incidents from.
pub fn bar_start(now: Timestamp, tz: &jiff::tz::TimeZone) -> Timestamp {
    calendar_days(now, tz).first().map_or(now, |d| d.1)
}

/// The availability bar: per calendar day, the share that no node
/// incident covered, from `first` (the node's first sight) on.
pub fn availability(
    incidents: &[Incident],
    first: Option<Timestamp>,
    now: Timestamp,
    tz: &jiff::tz::TimeZone,
) -> Vec<DayShare> {
    let down: Vec<(Timestamp, Timestamp)> = incidents
        .iter()
        .filter(|i| i.family == Family::Node)
        .map(|i| (i.opened_at, i.resolved_at.unwrap_or(now)))
        .collect();
    calendar_days(now, tz)
        .into_iter()
        .map(|(date, from, to)| {
            let up = first.filter(|f| *f < to).map(|f| {
                let from = from.max(f);
                let span = to.duration_since(from).as_secs_f64();
                let lost: f64 = down
                    .iter()
                    .map(|(a, b)| {
                        let (a, b) = ((*a).max(from), (*b).min(to));
                        if b > a {
                            b.duration_since(a).as_secs_f64()
                        } else {
                            0.0
                        }
                    })
                    .sum();
                if span > 0.0 {
                    (1.0 - lost / span).clamp(0.0, 1.0)
                } else {
                    1.0
                }
            });
            DayShare { date, up }
        })
        .collect()
}

/// The page of `customer_id` as of now.
pub async fn view(st: &AppState, customer_id: &str) -> Result<StatusPageView, ServiceError> {
    let now = st.clock.now();
    let view = st.status_view();
    let row = st.live().row(customer_id);
    let status = row.as_ref().map(|r| r.status(&view));
    let in_window = view.maintenance.until(customer_id).is_some();
    let last_report = row.as_ref().and_then(|r| r.last_received_at);
    let state = match (status, last_report) {
        _ if in_window => PageState::Maintenance,
        (_, None) => PageState::Waiting,
        (Some(CustomerStatus::Down), _) => PageState::Down,
        (_, Some(t)) if now.duration_since(t).unsigned_abs() > view.thresholds.stale => {
            PageState::Late
        }
        _ => PageState::Ok,
    };
    let since = bar_start(now, &st.tz);
    let incidents = st
        .store
        .customer_incidents_since(customer_id.to_owned(), since)
        .await?;
    let report: Option<Report> = st
        .store
        .latest_report(customer_id.to_owned())
        .await?
        .and_then(|r| serde_json::from_str(r.get()).ok());
    let backup = report
        .as_ref()
        .and_then(|r| r.backup.clone())
        .unwrap_or_default();
    let open_family = |f: Family| {
        incidents
            .iter()
            .any(|i| i.family == f && i.resolved_at.is_none())
    };
    let line = |at: Option<Timestamp>, ok: Option<bool>, f: Family| {
        let last_ok = at.filter(|_| ok != Some(false));
        BackupLine {
            overdue: open_family(f) || last_ok.is_none_or(|t| now.duration_since(t) > BACKUP_DUE),
            last_ok,
        }
    };
    let disk_pct = report.as_ref().and_then(Report::fullest_disk_percent);
    let windows = st
        .live()
        .windows()
        .iter()
        .filter(|w| w.covers(customer_id))
        .map(|w| w.clone().with_times(now))
        .filter(|w| w.active_until.is_some() || w.next_start.is_some())
        .map(|w| WindowLine {
            active_until: w.active_until,
            next_start: w.next_start,
            reason: w.reason,
        })
        .collect();
    let problems = |i: &Incident| ProblemLine {
        family: i.family,
        opened_at: i.opened_at,
        resolved_at: i.resolved_at,
    };
    let visible = incidents.iter().filter(|i| customer_visible(i.family));
    let open = visible
        .clone()
        .filter(|i| i.resolved_at.is_none())
        .map(problems)
        .collect();
    let recent = now - SignedDuration::from_hours(24 * RESOLVED_DAYS);
    let mut resolved: Vec<ProblemLine> = visible
        .filter(|i| i.resolved_at.is_some_and(|t| t >= recent))
        .map(problems)
        .collect();
    resolved.reverse();
    let first = st.store.customer_since(customer_id.to_owned()).await?;
    Ok(StatusPageView {
        now,
        state,
        last_report,
        backup: line(backup.last_backup_at, backup.last_backup_ok, Family::Backup),
        dbdump: line(backup.last_dbdump_at, backup.last_dbdump_ok, Family::Dbdump),
        disk_pct,
        windows,
        open,
        resolved,
        availability: availability(&incidents, first, now, &st.tz),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use hub_proto::alerts::Incident;

    fn down(from: &str, to: Option<&str>) -> Incident {
        Incident {
            id: 1,
            customer_id: Some("kovacs".into()),
            family: Family::Node,
            opened_at: from.parse().unwrap(),
            opened_by: "node_down".into(),
            message: String::new(),
            notified_operator_at: None,
            notified_customer_at: None,
            held: None,
            reminders_sent: 0,
            next_reminder_at: None,
            resolving_since: None,
            resolved_at: to.map(|t| t.parse().unwrap()),
            inhibited: Default::default(),
            detail: serde_json::Value::Null,
        }
    }

    #[test]
    fn the_bar_is_ninety_calendar_days_ending_today() {
        let tz = jiff::tz::TimeZone::get("Europe/Budapest").unwrap();
        // 2026-12-01 00:30 in Budapest is still 2026-11-30 in UTC.
        let now: Timestamp = "2026-11-30T23:30:00Z".parse().unwrap();
        let first = Some("2026-11-01T00:00:00Z".parse().unwrap());
        // Down 06:00–12:00 Budapest on 2026-11-30: a quarter of that day.
        let inc = down("2026-11-30T05:00:00Z", Some("2026-11-30T11:00:00Z"));
        let bar = availability(&[inc], first, now, &tz);
        assert_eq!(bar.len(), 90);
        let last = bar.last().unwrap();
        assert_eq!(last.date, jiff::civil::date(2026, 12, 1), "today, Budapest");
        assert_eq!(last.up, Some(1.0));
        let yesterday = &bar[88];
        assert_eq!(yesterday.date, jiff::civil::date(2026, 11, 30));
        assert!((yesterday.up.unwrap() - 0.75).abs() < 1e-9, "{yesterday:?}");
        assert_eq!(bar[0].date, jiff::civil::date(2026, 9, 3));
        assert_eq!(bar[0].up, None, "before the first report");
        // The first day counts from the first report.
        let i = bar
            .iter()
            .position(|d| d.date == jiff::civil::date(2026, 11, 1))
            .unwrap();
        assert_eq!(bar[i].up, Some(1.0));
        assert_eq!(bar[i - 1].up, None);
        assert_eq!(
            bar_start(now, &tz),
            "2026-09-02T22:00:00Z".parse::<Timestamp>().unwrap(),
            "the oldest day's local midnight (summer time)"
        );
    }

    #[test]
    fn a_clock_change_day_has_its_own_length_and_an_open_incident_runs_to_now() {
        let tz = jiff::tz::TimeZone::get("Europe/Budapest").unwrap();
        // 2026-10-25 is 25 hours long in Budapest.
        let now: Timestamp = "2026-10-26T12:00:00Z".parse().unwrap();
        let first = Some("2026-01-01T00:00:00Z".parse().unwrap());
        // Down for 5 hours that day, and again since 11:00 UTC today.
        let incs = [
            down("2026-10-25T00:00:00Z", Some("2026-10-25T05:00:00Z")),
            down("2026-10-26T11:00:00Z", None),
        ];
        let bar = availability(&incs, first, now, &tz);
        let day = &bar[88];
        assert_eq!(day.date, jiff::civil::date(2026, 10, 25));
        assert!((day.up.unwrap() - 20.0 / 25.0).abs() < 1e-9, "{day:?}");
        // Today so far: 23:00 UTC (local midnight) to 12:00, one hour down.
        let today = &bar[89];
        assert!((today.up.unwrap() - 12.0 / 13.0).abs() < 1e-9, "{today:?}");
    }
}
