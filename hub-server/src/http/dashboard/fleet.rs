//! `/`: the fleet, problems first, blocked customers hidden (the shared
//! default filter), live through `/ui/stream`.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use hub_proto::rules::FleetFilter;
use hub_proto::{CustomerStatus, short_age};
use serde::Deserialize;

use super::Dash;
use super::render::{Chrome, html};
use crate::http::stream;
use crate::live::{Row, StatusView};
use crate::state::AppState;

/// One row of the fleet table, borrowed from the live model.
#[derive(Debug, PartialEq)]
pub struct FleetRow<'a> {
    pub id: &'a str,
    pub status: &'static str,
    pub name: &'a str,
    pub health: &'static str,
    /// The age the browser counts up from (`data-base`).
    pub age_secs: Option<i64>,
    pub age: String,
    pub version: &'a str,
    pub update: bool,
    pub errors: i64,
    pub warnings: i64,
    /// Why the status is not a plain ok.
    pub reason: String,
    /// The drift verdict as every front end writes it (`in_sync`,
    /// `drifted`, `unknown`, `-`).
    pub drift: &'static str,
    pub hostname: &'a str,
}

/// The fleet page's data: counts per status (blocked included) in the
/// order the badges show them, and the shown rows, most urgent first.
#[derive(Debug, PartialEq)]
pub struct FleetData<'a> {
    pub counts: Vec<(&'static str, usize)>,
    pub rows: Vec<FleetRow<'a>>,
    /// The hidden (blocked) customers, so the page's script can keep the
    /// counts right when one of them changes.
    pub blocked: Vec<&'a str>,
}

/// The badges' order.
const BADGES: [CustomerStatus; 6] = [
    CustomerStatus::Down,
    CustomerStatus::Warn,
    CustomerStatus::Pending,
    CustomerStatus::Disabled,
    CustomerStatus::Ok,
    CustomerStatus::Blocked,
];

/// The badges: how many customers have each status, in urgency order
/// (which the page's script also sorts by).
pub fn badge_counts(statuses: impl Iterator<Item = CustomerStatus>) -> Vec<(&'static str, usize)> {
    let mut counts = [0usize; BADGES.len()];
    for s in statuses {
        if let Some(i) = BADGES.iter().position(|b| *b == s) {
            counts[i] += 1;
        }
    }
    BADGES.iter().map(|s| s.as_str()).zip(counts).collect()
}

/// Builds the page's data from the listed rows as of `view`: what the
/// default fleet filter keeps, down before warn before pending before
/// disabled before ok, by id within a status.
pub fn fleet_data<'a>(rows: impl Iterator<Item = &'a Row>, view: &StatusView) -> FleetData<'a> {
    let filter = FleetFilter::default();
    let mut statuses = Vec::new();
    let mut blocked = Vec::new();
    let mut shown: Vec<(u8, &'a Row)> = rows
        .filter_map(|r| {
            let status = r.status(view);
            statuses.push(status);
            let keep = filter.keeps(status, r.managed(), r.drift());
            if !keep {
                blocked.push(r.customer_id.as_str());
            }
            keep.then_some((status.urgency(), r))
        })
        .collect();
    shown.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| a.1.customer_id.cmp(&b.1.customer_id))
    });
    let rows = shown
        .into_iter()
        .map(|(_, r)| {
            let e = r.entry(view);
            let s = &e.summary;
            FleetRow {
                id: s.customer_id,
                status: s.status.as_str(),
                name: e.display_name.unwrap_or(""),
                health: s.health.map(|h| h.as_str()).unwrap_or("-"),
                age_secs: e.last_report_age_secs,
                age: short_age(e.last_report_age_secs),
                version: s.controller_version.unwrap_or("-"),
                update: s.update_available,
                errors: e.errors_24h,
                warnings: e.warnings_24h,
                reason: e.reason.unwrap_or_default(),
                drift: hub_proto::admin::DriftState::cell(e.drift),
                hostname: s.hostname.unwrap_or(""),
            }
        })
        .collect();
    FleetData {
        counts: badge_counts(statuses.into_iter()),
        rows,
        blocked,
    }
}

#[derive(Template)]
#[template(path = "ui/fleet.html")]
struct FleetPage<'a> {
    chrome: Chrome,
    data: FleetData<'a>,
    latest: Option<String>,
    /// The stream message the rows reflect; the script resumes after it.
    stream_id: u64,
    /// Seconds between the stream's pings (the script's silence limit).
    keepalive: u64,
}

/// `/`: the fleet without blocked customers, live.
pub async fn page(State(st): State<Arc<AppState>>, d: Dash) -> Response {
    let view = st.status_view();
    let latest = st.latest_version();
    // Drawn under the model's read lock: the rows and the stream id match.
    st.live().read(|rows, stream_id| {
        html(FleetPage {
            chrome: Chrome::new(&d, "Dashboard"),
            data: fleet_data(rows, &view),
            latest,
            stream_id,
            keepalive: st.stream_keepalive.as_secs().max(1),
        })
    })
}

#[derive(Deserialize)]
pub struct StreamQuery {
    after: Option<u64>,
}

/// The live stream for the fleet page, for a signed-in session. The page
/// names the stream id its rows reflect (`?after=`), so nothing between
/// drawing the page and opening the stream is missed; a reconnecting
/// browser sends `Last-Event-ID` itself.
pub async fn stream(
    State(st): State<Arc<AppState>>,
    _: Dash,
    headers: HeaderMap,
    Query(q): Query<StreamQuery>,
) -> Response {
    let last = stream::last_event_id(&headers).or(q.after);
    stream::sse(&st, last, stream::Idle::Ping)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::store::FleetRecord;
    use hub_proto::{Health, StatusThresholds};

    fn row(id: &str, health: Health, blocked: bool, age_mins: i64, now: jiff::Timestamp) -> Row {
        let at = now - jiff::SignedDuration::from_mins(age_mins);
        Row::from_record(FleetRecord {
            customer_id: id.into(),
            blocked,
            health: Some(health),
            last_report_at: Some(at),
            last_received_at: Some(at),
            controller_version: Some("1.8.2".into()),
            ..Default::default()
        })
    }

    #[test]
    fn problems_first_blocked_hidden_but_counted() {
        let now: jiff::Timestamp = "2026-11-27T10:00:00Z".parse().unwrap();
        let view = StatusView {
            now,
            thresholds: StatusThresholds {
                stale: std::time::Duration::from_secs(1800),
                down: std::time::Duration::from_secs(3600),
            },
            latest: None,
            tz: jiff::tz::TimeZone::UTC,
            maintenance: Default::default(),
        };
        let rows = [
            row("a-ok", Health::Ok, false, 5, now),
            row("b-down", Health::Ok, false, 90, now),
            row("c-blocked", Health::Fail, true, 5, now),
            row("d-warn", Health::Warn, false, 5, now),
        ];
        let data = fleet_data(rows.iter(), &view);
        let ids: Vec<&str> = data.rows.iter().map(|r| r.id).collect();
        assert_eq!(ids, ["b-down", "d-warn", "a-ok"]);
        assert_eq!(data.counts[0], ("down", 1));
        assert_eq!(data.counts[5], ("blocked", 1));
        assert_eq!(data.rows[0].age, "1h");
        assert_eq!(data.rows[0].age_secs, Some(5400));
    }
}
