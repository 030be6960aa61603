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
    /// The last 90 days, oldest first: the share of each day the node was
    /// up, `None` before it first reported.
    pub availability: Vec<Option<f64>>,
}

/// Families a customer hears about (flapping and the fleet are the
/// operator's).
fn customer_visible(f: Family) -> bool {
    matches!(
        f,
        Family::Node | Family::Backup | Family::Dbdump | Family::Disk
    )
}

/// The share of each of the `DAYS` days ending at `now` that no node
/// incident covered, from `first` on (before it: no data).
pub fn availability(
    incidents: &[Incident],
    first: Option<Timestamp>,
    now: Timestamp,
) -> Vec<Option<f64>> {
    let day = SignedDuration::from_hours(24);
    let start = now - day * DAYS as i32;
    let down: Vec<(Timestamp, Timestamp)> = incidents
        .iter()
        .filter(|i| i.family == Family::Node)
        .map(|i| (i.opened_at, i.resolved_at.unwrap_or(now)))
        .collect();
    (0..DAYS)
        .map(|d| {
            let (from, to) = (start + day * d as i32, start + day * (d as i32 + 1));
            let first = first?;
            if first >= to {
                return None;
            }
            let from = from.max(first);
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
            Some(if span > 0.0 {
                (1.0 - lost / span).clamp(0.0, 1.0)
            } else {
                1.0
            })
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
    let since = now - SignedDuration::from_hours(24 * DAYS);
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
        availability: availability(&incidents, first, now),
    })
}
