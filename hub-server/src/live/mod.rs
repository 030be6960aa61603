//! The live fleet model and the stream of changes, in memory.
//!
//! Every customer's fleet row (identity, config, newest report's columns,
//! the last 24 h of error and warning events) is loaded from the database
//! when the store attaches it and then changed only by the store's writer,
//! after the commit that made the change durable (the [`Change`]s each
//! write reported).
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

mod row;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::{Arc, Mutex, RwLock};

use hub_proto::admin::{EventRecord, FleetEntry, StreamMessage};
use hub_proto::alerts::MaintenanceWindow;
use hub_proto::{CustomerStatus, Severity};
use tokio::sync::broadcast;

use crate::store::{Change, CommitSink, FleetRecord};
pub use row::{ActiveWindows, Row, StatusView};

/// Messages kept for reconnecting clients.
pub const RING: usize = 10_000;

/// Stream ids are `epoch << EPOCH_SHIFT | sequence`: 2^44 messages per
/// epoch, 2^20 epochs (a clash between two hubs' epochs is one in a
/// million).
pub const EPOCH_SHIFT: u32 = 44;
/// Messages a live subscriber may fall behind before it is told to reset.
pub const SUBSCRIBER_BUFFER: usize = 1024;

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
        reason: e.reason,
        drift: e.drift,
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
    /// The maintenance windows that are not over.
    windows: RwLock<Arc<Vec<MaintenanceWindow>>>,
    ring: Mutex<Ring>,
    tx: broadcast::Sender<(u64, Msg)>,
}

impl Live {
    /// An empty model (the store loads it when it is attached), its stream
    /// numbered from `first_id`, live subscribers buffered up to `buffer`
    /// messages.
    pub fn new(first_id: u64, buffer: usize) -> Live {
        Live {
            rows: RwLock::new(BTreeMap::new()),
            windows: RwLock::new(Arc::new(Vec::new())),
            ring: Mutex::new(Ring {
                next_id: first_id.max(1),
                kept: VecDeque::with_capacity(RING),
            }),
            tx: broadcast::channel(buffer.max(1)).0,
        }
    }

    /// A model whose stream ids carry a new random epoch in their top
    /// bits ([`EPOCH_SHIFT`]): an id from another hub behind the same
    /// Service, or from this hub before a restart (its ring is gone), is
    /// of another epoch and gets a reset, never a replay from a position
    /// that only looks like one of ours.
    pub fn with_new_epoch(buffer: usize) -> Live {
        let mut b = [0u8; 4];
        // Without randomness the epoch falls back to the clock's low bits.
        let r = match getrandom::fill(&mut b) {
            Ok(()) => u32::from_le_bytes(b),
            Err(_) => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(1),
        };
        let epoch = u64::from(r) & ((1 << (64 - EPOCH_SHIFT)) - 1);
        Live::new(epoch.max(1) << EPOCH_SHIFT, buffer)
    }

    /// Applies committed changes and announces them: events first, then
    /// every row that changed (once, however many changes it had).
    pub fn apply(&self, changes: Vec<Change>) {
        if changes.is_empty() {
            return;
        }
        let mut rows = crate::sync::write(&self.rows, "live model");
        let mut changed = BTreeSet::new();
        let mut events = Vec::new();
        // Whether each customer this batch touches was listed before it.
        let listed_before: BTreeMap<String, bool> = changes
            .iter()
            .map(Change::customer_id)
            .filter(|id| !id.is_empty())
            .map(|id| (id.to_owned(), rows.get(id).is_some_and(Row::listed)))
            .collect();
        fn row<'a>(rows: &'a mut BTreeMap<String, Row>, id: &str) -> &'a mut Row {
            rows.entry(id.to_owned()).or_insert_with(|| Row::new(id))
        }
        for c in changes {
            match c {
                Change::Report {
                    customer_id,
                    timestamp,
                    received_at,
                    health,
                    monitoring_disabled,
                    controller_version,
                    controller_url,
                    hostname,
                    signals,
                    own_key,
                } => {
                    let r = row(&mut rows, &customer_id).record_mut();
                    r.own_key_seen |= own_key;
                    // As the store does: receipt time always advances; the
                    // other columns follow the newest report by timestamp.
                    r.last_received_at = r.last_received_at.max(Some(received_at));
                    if r.last_report_at.is_none_or(|t| timestamp >= t) {
                        r.last_report_at = Some(timestamp);
                        r.health = Some(health);
                        r.monitoring_disabled = monitoring_disabled;
                        r.controller_version = controller_version;
                        r.controller_url = controller_url;
                        r.hostname = hostname;
                        r.signals = signals;
                    }
                    changed.insert(customer_id);
                }
                Change::Event(e) => {
                    // Kept for a customer not listed yet too: it counts
                    // once the customer reports.
                    if let Some(sev) =
                        Severity::parse(&e.severity).filter(|s| *s >= Severity::Warning)
                    {
                        row(&mut rows, &e.customer_id).note_event(e.received_at, sev);
                        changed.insert(e.customer_id.clone());
                    }
                    events.push(e);
                }
                Change::Blocked {
                    customer_id,
                    blocked,
                } => {
                    row(&mut rows, &customer_id).record_mut().blocked = blocked;
                    changed.insert(customer_id);
                }
                Change::Config {
                    customer_id,
                    display_name,
                } => {
                    row(&mut rows, &customer_id).record_mut().display_name = Some(display_name);
                    changed.insert(customer_id);
                }
                Change::Drift { customer_id, state } => {
                    row(&mut rows, &customer_id).record_mut().drift = Some(state);
                    changed.insert(customer_id);
                }
                Change::Incidents { customer_id, open } => {
                    row(&mut rows, &customer_id).record_mut().incidents = open;
                    changed.insert(customer_id);
                }
                Change::Maintenance { windows } => {
                    // Whether a window is active depends on the moment of
                    // reading; every row it covers is announced again.
                    let old = self.windows();
                    for (id, _) in rows.iter() {
                        if windows.iter().chain(old.iter()).any(|w| w.covers(id)) {
                            changed.insert(id.clone());
                        }
                    }
                    *crate::sync::write(&self.windows, "live windows") = Arc::new(windows);
                }
                Change::ConfigRemoved { customer_id } => {
                    if let Some(r) = rows.get_mut(&customer_id) {
                        r.record_mut().display_name = None;
                        r.record_mut().drift = None;
                        // A config made again starts a new adoption window.
                        r.record_mut().own_key_seen = false;
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

    /// The maintenance windows that are not over, as last committed.
    pub fn windows(&self) -> Arc<Vec<MaintenanceWindow>> {
        crate::sync::read(&self.windows, "live windows").clone()
    }

    /// Adds a message to the stream; never waits.
    pub fn publish(&self, msg: Msg) {
        let mut ring = crate::sync::lock(&self.ring, "live stream");
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
        crate::sync::lock(&self.ring, "live stream")
            .next_id
            .saturating_sub(1)
    }

    /// Subscribes, replaying what came after `last_seen` when it is still
    /// kept. No message can fall between the replay and the live part.
    pub fn subscribe(&self, last_seen: Option<u64>) -> Subscription {
        let ring = crate::sync::lock(&self.ring, "live stream");
        let live = self.tx.subscribe();
        let newest = ring.next_id.saturating_sub(1);
        let oldest_kept = ring.kept.front().map(|(id, _)| *id).unwrap_or(ring.next_id);
        let (replay, reset) = match last_seen {
            None => (Vec::new(), false),
            // Each hub's ids stay inside its own epoch, so an id of another
            // epoch is always outside what this one kept.
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
        let rows = crate::sync::read(&self.rows, "live model");
        // Rows change under the write lock together with their messages,
        // so this id matches what is read.
        let last = self.last_id();
        let mut it = rows.values().filter(|r| r.listed());
        f(&mut it, last)
    }

    /// Whether `customer_id` is a managed customer whose node reported with
    /// its own key (the global key then no longer speaks for it).
    pub fn speaks_for_itself(&self, customer_id: &str) -> bool {
        crate::sync::read(&self.rows, "live model")
            .get(customer_id)
            .is_some_and(|r| r.managed() && r.own_key_seen)
    }

    /// Whether `customer_id` has a managed config.
    pub fn is_managed(&self, customer_id: &str) -> bool {
        crate::sync::read(&self.rows, "live model")
            .get(customer_id)
            .is_some_and(|r| r.managed())
    }

    /// One customer's row, if it is in the fleet.
    pub fn row(&self, customer_id: &str) -> Option<Row> {
        let rows = crate::sync::read(&self.rows, "live model");
        rows.get(customer_id).filter(|r| r.listed()).cloned()
    }

    /// Every listed row, cloned (tests compare it with the database).
    pub fn rows(&self) -> Vec<Row> {
        self.read(|it, _| it.cloned().collect())
    }
}

/// The store hands the model what it loaded and what it committed.
impl CommitSink for Live {
    fn load(&self, records: Vec<FleetRecord>, windows: Vec<MaintenanceWindow>) {
        *crate::sync::write(&self.windows, "live windows") = Arc::new(windows);
        *crate::sync::write(&self.rows, "live model") = records
            .into_iter()
            .map(|r| (r.customer_id.clone(), Row::from_record(r)))
            .collect();
    }

    fn committed(&self, changes: Vec<Change>) {
        self.apply(changes);
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
mod tests;
