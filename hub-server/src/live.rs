//! The live fleet model and the stream of changes, in memory.
//!
//! Every customer's fleet row (identity, config, newest report's columns,
//! the last 24 h of error and warning events) is loaded from the database
//! at start and then changed only by the store's writer, after the commit
//! that made the change durable ([`Delta`]s collected while the write ran).
//! The fleet list is served from here without touching SQLite; statuses,
//! update marks, ages and 24 h counts are computed at read time from the
//! stored timestamps.
//!
//! Every change is also a message on the stream: a row that changed (the
//! whole row), a removal, an event, an operator action. Messages carry
//! ids that grow across restarts (they start from the start time in
//! microseconds), the last [`RING`] are kept for clients that reconnect
//! with `Last-Event-ID`, and live subscribers read from a bounded channel:
//! a subscriber that falls behind is told to reset, and the writer never
//! waits for anyone.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::{Arc, Mutex, RwLock};

use hub_proto::admin::{EventRecord, FleetEntry, StreamMessage};
use hub_proto::{
    CustomerStatus, CustomerSummary, Health, Severity, StatusInputs, StatusThresholds, Version,
    update_available,
};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use tokio::sync::broadcast;

/// Messages kept for reconnecting clients.
pub const RING: usize = 10_000;
/// Messages a live subscriber may fall behind before it is told to reset.
pub const SUBSCRIBER_BUFFER: usize = 1024;
/// The window of the error and warning counts.
const COUNT_WINDOW: SignedDuration = SignedDuration::from_hours(24);

/// What a customer's status and update mark are computed against.
#[derive(Debug, Clone, Copy)]
pub struct StatusView {
    pub now: Timestamp,
    pub thresholds: StatusThresholds,
    /// The newest controller version the registry check found.
    pub latest: Option<Version>,
}

/// One customer's row as the model keeps it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
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
    /// Receipt times of the error and warning events of about the last
    /// 24 h, oldest first (older ones are dropped as new ones arrive).
    pub recent: VecDeque<(Timestamp, Severity)>,
    /// The row's JSON fields that do not depend on the time of reading,
    /// written once per change so the fleet list only splices in the
    /// status, the age and the counts ([`Row::write_json`]).
    pub(crate) fixed: FixedJson,
}

/// See [`Row::write_json`].
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct FixedJson {
    /// `"customer_id":"…"`
    id: String,
    /// `"health":…` through `"managed":…`, in [`CustomerSummary`] order.
    summary: String,
    /// The display name as JSON (`null` or a string).
    name: String,
}

impl Row {
    fn new(customer_id: &str) -> Row {
        let mut row = Row {
            customer_id: customer_id.to_owned(),
            ..Default::default()
        };
        row.refresh();
        row
    }

    /// Rewrites the cached JSON after a change of the row.
    pub fn refresh(&mut self) {
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
        let status = self.status(view).as_str();
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
            let _ = write!(out, ",\"errors_24h\":{errors},\"warnings_24h\":{warnings}");
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

    pub fn status(&self, view: &StatusView) -> CustomerStatus {
        StatusInputs {
            blocked: self.blocked,
            has_config: self.managed(),
            last_received_at: self.last_received_at,
            health: self.health,
            monitoring_disabled: self.monitoring_disabled,
        }
        .status(view.now, view.thresholds)
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
        }
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

    fn forget_old_events(&mut self, newest: Timestamp) {
        while self
            .recent
            .front()
            .is_some_and(|(t, _)| *t < newest - COUNT_WINDOW)
        {
            self.recent.pop_front();
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

/// A committed change to the fleet, recorded by the write that made it.
#[derive(Debug, Clone)]
pub enum Delta {
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
}

impl Delta {
    fn customer_id(&self) -> &str {
        match self {
            Delta::Report { customer_id, .. }
            | Delta::Blocked { customer_id, .. }
            | Delta::Config { customer_id, .. }
            | Delta::ConfigRemoved { customer_id } => customer_id,
            Delta::Event(e) => &e.customer_id,
        }
    }
}

/// A stream message before it is shown to a client (rows are turned into
/// [`FleetEntry`]s when sent, with the status of that moment).
#[derive(Debug, Clone)]
pub enum Msg {
    Row(Arc<Row>),
    Removed(String),
    Event(EventRecord),
    Action {
        customer_id: String,
        action: String,
        actor: String,
    },
}

impl Msg {
    pub fn to_wire(&self, view: &StatusView) -> StreamMessage {
        match self {
            Msg::Row(row) => StreamMessage::Row {
                row: into_owned(row.entry(view)),
            },
            Msg::Removed(id) => StreamMessage::Removed {
                customer_id: id.clone(),
            },
            Msg::Event(e) => StreamMessage::Event { event: e.clone() },
            Msg::Action {
                customer_id,
                action,
                actor,
            } => StreamMessage::Action {
                customer_id: customer_id.clone(),
                action: action.clone(),
                actor: actor.clone(),
            },
        }
    }
}

/// A fleet entry with owned strings.
pub fn into_owned(e: FleetEntry<&str>) -> FleetEntry {
    FleetEntry {
        summary: e.summary.into_owned(),
        display_name: e.display_name.map(str::to_owned),
        last_report_age_secs: e.last_report_age_secs,
        errors_24h: e.errors_24h,
        warnings_24h: e.warnings_24h,
    }
}

/// Where a reconnecting subscriber starts.
pub struct Subscription {
    /// Messages it missed, oldest first.
    pub replay: Vec<(u64, Msg)>,
    /// Its `Last-Event-ID` is no longer (or never was) in the ring: it must
    /// fetch the fleet again.
    pub reset: bool,
    pub live: broadcast::Receiver<(u64, Msg)>,
}

struct Ring {
    next_id: u64,
    kept: VecDeque<(u64, Msg)>,
}

/// The model and the stream; shared by the store's writer (which changes
/// it) and everything that reads the fleet.
pub struct Live {
    rows: RwLock<BTreeMap<String, Row>>,
    ring: Mutex<Ring>,
    tx: broadcast::Sender<(u64, Msg)>,
}

impl Live {
    /// A model of `rows`, its stream numbered from `first_id`, live
    /// subscribers buffered up to `buffer` messages.
    pub fn new(rows: Vec<Row>, first_id: u64, buffer: usize) -> Live {
        Live {
            rows: RwLock::new(
                rows.into_iter()
                    .map(|mut r| {
                        r.refresh();
                        (r.customer_id.clone(), r)
                    })
                    .collect(),
            ),
            ring: Mutex::new(Ring {
                next_id: first_id.max(1),
                kept: VecDeque::with_capacity(RING),
            }),
            tx: broadcast::channel(buffer.max(1)).0,
        }
    }

    /// Applies committed changes and announces them: events first, then
    /// every row that changed (once, however many changes it had).
    pub fn apply(&self, deltas: Vec<Delta>) {
        if deltas.is_empty() {
            return;
        }
        let Ok(mut rows) = self.rows.write() else {
            return;
        };
        let mut changed = BTreeSet::new();
        let mut events = Vec::new();
        // Whether each customer this batch touches was listed before it.
        let listed_before: BTreeMap<String, bool> = deltas
            .iter()
            .map(Delta::customer_id)
            .map(|id| (id.to_owned(), rows.get(id).is_some_and(Row::listed)))
            .collect();
        for d in deltas {
            match d {
                Delta::Report {
                    customer_id,
                    timestamp,
                    received_at,
                    health,
                    monitoring_disabled,
                    controller_version,
                    controller_url,
                    hostname,
                } => {
                    let row = rows
                        .entry(customer_id.clone())
                        .or_insert_with(|| Row::new(&customer_id));
                    // As the store does: receipt time always advances; the
                    // other columns follow the newest report by timestamp.
                    row.last_received_at = row.last_received_at.max(Some(received_at));
                    if row.last_report_at.is_none_or(|t| timestamp >= t) {
                        row.last_report_at = Some(timestamp);
                        row.health = Some(health);
                        row.monitoring_disabled = monitoring_disabled;
                        row.controller_version = controller_version;
                        row.controller_url = controller_url;
                        row.hostname = hostname;
                    }
                    changed.insert(customer_id);
                }
                Delta::Event(e) => {
                    // Kept for a customer not listed yet too: it counts
                    // once the customer reports.
                    if let Some(sev) =
                        Severity::parse(&e.severity).filter(|s| *s >= Severity::Warning)
                    {
                        let row = rows
                            .entry(e.customer_id.clone())
                            .or_insert_with(|| Row::new(&e.customer_id));
                        let at = e.received_at;
                        let pos = row.recent.partition_point(|(t, _)| *t <= at);
                        row.recent.insert(pos, (at, sev));
                        let newest = row.recent.back().map(|(t, _)| *t).unwrap_or(at);
                        row.forget_old_events(newest);
                        changed.insert(e.customer_id.clone());
                    }
                    events.push(e);
                }
                Delta::Blocked {
                    customer_id,
                    blocked,
                } => {
                    let row = rows
                        .entry(customer_id.clone())
                        .or_insert_with(|| Row::new(&customer_id));
                    row.blocked = blocked;
                    changed.insert(customer_id);
                }
                Delta::Config {
                    customer_id,
                    display_name,
                } => {
                    let row = rows
                        .entry(customer_id.clone())
                        .or_insert_with(|| Row::new(&customer_id));
                    row.display_name = Some(display_name);
                    changed.insert(customer_id);
                }
                Delta::ConfigRemoved { customer_id } => {
                    if let Some(row) = rows.get_mut(&customer_id) {
                        row.display_name = None;
                        changed.insert(customer_id);
                    }
                }
            }
        }
        for id in &changed {
            if let Some(row) = rows.get_mut(id) {
                row.refresh();
            }
        }
        for e in events {
            self.publish(Msg::Event(e));
        }
        for id in changed {
            let was = listed_before.get(&id).copied().unwrap_or(false);
            match rows.get(&id) {
                Some(row) if row.listed() => self.publish(Msg::Row(Arc::new(row.clone()))),
                _ if was => self.publish(Msg::Removed(id)),
                // Not in the fleet before or after: nothing to tell.
                _ => {}
            }
        }
    }

    /// Adds a message to the stream; never waits.
    pub fn publish(&self, msg: Msg) {
        let Ok(mut ring) = self.ring.lock() else {
            return;
        };
        let id = ring.next_id;
        ring.next_id += 1;
        if ring.kept.len() == RING {
            ring.kept.pop_front();
        }
        ring.kept.push_back((id, msg.clone()));
        // No subscriber is not an error.
        let _ = self.tx.send((id, msg));
    }

    /// The id of the newest message (0 before the first).
    pub fn last_id(&self) -> u64 {
        self.ring
            .lock()
            .map(|r| r.next_id.saturating_sub(1))
            .unwrap_or(0)
    }

    /// Subscribes, replaying what came after `last_seen` when it is still
    /// kept. No message can fall between the replay and the live part.
    pub fn subscribe(&self, last_seen: Option<u64>) -> Subscription {
        let Ok(ring) = self.ring.lock() else {
            return Subscription {
                replay: Vec::new(),
                reset: true,
                live: self.tx.subscribe(),
            };
        };
        let live = self.tx.subscribe();
        let newest = ring.next_id.saturating_sub(1);
        let oldest_kept = ring.kept.front().map(|(id, _)| *id).unwrap_or(ring.next_id);
        let (replay, reset) = match last_seen {
            None => (Vec::new(), false),
            Some(seen) if seen > newest || seen + 1 < oldest_kept => (Vec::new(), true),
            Some(seen) => (
                ring.kept
                    .iter()
                    .filter(|(id, _)| *id > seen)
                    .cloned()
                    .collect(),
                false,
            ),
        };
        Subscription {
            replay,
            reset,
            live,
        }
    }

    /// Runs `f` over every listed row in id order, under the read lock,
    /// with the id of the newest message those rows reflect.
    pub fn read<T>(&self, f: impl FnOnce(&mut dyn Iterator<Item = &Row>, u64) -> T) -> T {
        let rows = self.rows.read().unwrap_or_else(|p| p.into_inner());
        // Rows change under the write lock together with their messages,
        // so this id matches what is read.
        let last = self.last_id();
        let mut it = rows.values().filter(|r| r.listed());
        f(&mut it, last)
    }

    /// One customer's row, if it is in the fleet.
    pub fn row(&self, customer_id: &str) -> Option<Row> {
        let rows = self.rows.read().unwrap_or_else(|p| p.into_inner());
        rows.get(customer_id).filter(|r| r.listed()).cloned()
    }

    /// Every listed row, cloned (tests compare it with the database).
    pub fn rows(&self) -> Vec<Row> {
        self.read(|it, _| it.cloned().collect())
    }
}

/// Writes `{"customers":[…rows…]` for the listed rows `keep` accepts and
/// returns the stream id they reflect; the caller closes the object.
pub fn write_fleet(
    live: &Live,
    view: &StatusView,
    full: bool,
    mut keep: impl FnMut(&Row, CustomerStatus) -> bool,
    out: &mut Vec<u8>,
) -> u64 {
    live.read(|rows, last| {
        out.extend_from_slice(b"{\"customers\":[");
        let mut first = true;
        for row in rows {
            if !keep(row, row.status(view)) {
                continue;
            }
            if !first {
                out.push(b',');
            }
            first = false;
            row.write_json(view, full, out);
        }
        out.push(b']');
        last
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn report(id: &str, t: &str, health: Health) -> Delta {
        Delta::Report {
            customer_id: id.into(),
            timestamp: ts(t),
            received_at: ts(t),
            health,
            monitoring_disabled: false,
            controller_version: Some("1.8.2".into()),
            controller_url: None,
            hostname: Some("h".into()),
        }
    }

    #[test]
    fn reconnecting_subscribers_get_what_they_missed_or_a_reset() {
        let live = Live::new(Vec::new(), 100, SUBSCRIBER_BUFFER);
        live.apply(vec![report("a", "2026-11-27T10:00:00Z", Health::Ok)]);
        let first = live.last_id();
        assert_eq!(first, 100);
        live.apply(vec![report("b", "2026-11-27T10:00:00Z", Health::Ok)]);
        live.apply(vec![report("a", "2026-11-27T10:15:00Z", Health::Warn)]);
        let s = live.subscribe(Some(first));
        assert!(!s.reset);
        assert_eq!(
            s.replay.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
            [101, 102]
        );
        // From the future (another incarnation) or from too long ago: reset.
        assert!(live.subscribe(Some(5000)).reset);
        assert!(live.subscribe(Some(1)).reset);
        for i in 0..RING {
            live.publish(Msg::Removed(format!("x{i}")));
        }
        assert!(live.subscribe(Some(first)).reset);
    }

    #[test]
    fn a_subscriber_that_does_not_read_falls_behind_without_holding_anyone() {
        let live = Live::new(Vec::new(), 1, 8);
        let mut s = live.subscribe(None);
        for i in 0..100 {
            live.publish(Msg::Removed(format!("x{i}")));
        }
        assert!(matches!(
            s.live.try_recv(),
            Err(broadcast::error::TryRecvError::Lagged(92))
        ));
    }

    #[test]
    fn the_spliced_json_is_the_serialized_row() {
        let live = Live::new(Vec::new(), 1, SUBSCRIBER_BUFFER);
        live.apply(vec![
            report("a", "2026-11-27T10:00:00Z", Health::Warn),
            Delta::Config {
                customer_id: "a".into(),
                display_name: "Kovács \"család\"".into(),
            },
            Delta::Config {
                customer_id: "b".into(),
                display_name: String::new(),
            },
            Delta::Event(EventRecord {
                id: 1,
                customer_id: "a".into(),
                event_type: "disk_missing".into(),
                severity: "error".into(),
                message: "m".into(),
                details: None,
                occurred_at: ts("2026-11-27T10:01:00Z"),
                received_at: ts("2026-11-27T10:01:00Z"),
                source: "controller".into(),
            }),
        ]);
        let view = StatusView {
            now: ts("2026-11-27T10:40:00Z"),
            thresholds: StatusThresholds {
                stale: std::time::Duration::from_secs(1800),
                down: std::time::Duration::from_secs(3600),
            },
            latest: Some((1, 9, 0)),
        };
        for row in live.rows() {
            for full in [false, true] {
                let mut out = Vec::new();
                row.write_json(&view, full, &mut out);
                let spliced: serde_json::Value = serde_json::from_slice(&out).unwrap();
                let typed = if full {
                    serde_json::to_value(row.entry(&view)).unwrap()
                } else {
                    serde_json::to_value(row.summary(&view)).unwrap()
                };
                assert_eq!(spliced, typed, "{}", String::from_utf8_lossy(&out));
            }
        }
    }

    #[test]
    fn late_reports_advance_receipt_but_not_the_newest_columns() {
        let live = Live::new(Vec::new(), 1, SUBSCRIBER_BUFFER);
        live.apply(vec![report("a", "2026-11-27T10:15:00Z", Health::Warn)]);
        live.apply(vec![Delta::Report {
            customer_id: "a".into(),
            timestamp: ts("2026-11-27T10:00:00Z"),
            received_at: ts("2026-11-27T10:20:00Z"),
            health: Health::Ok,
            monitoring_disabled: false,
            controller_version: None,
            controller_url: None,
            hostname: None,
        }]);
        let row = live.row("a").unwrap();
        assert_eq!(row.health, Some(Health::Warn));
        assert_eq!(row.last_received_at, Some(ts("2026-11-27T10:20:00Z")));
    }
}
