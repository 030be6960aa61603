//! The TUI's model and its pure `update`: keys, ticks, stream messages and
//! the results of loads and actions arrive as [`Msg`]s; `update` changes
//! the model and returns the [`Effect`]s to run (loads, actions, quit).
//! Nothing here does I/O, so every behaviour is testable without a
//! terminal or a hub.

use std::collections::{BTreeMap, HashMap, VecDeque};

use crossterm::event::KeyEvent;
use hub_proto::actions::OperatorAction;
use hub_proto::admin::{CustomerView, Diff, EventRecord, Fleet, StreamMessage};
use hub_proto::alerts::{Incident, MaintenanceWindow};
use hub_proto::{HistoryPeriod, Severity};

pub use super::alerts::{Incidents, MaintenanceForm};
pub use super::table::{Row, SortKey};

/// How long a row whose status changed stays highlighted.
pub const HIGHLIGHT_SECS: u64 = 3;
/// How long a line in the status bar stays.
pub const STATUS_SECS: u64 = 8;
/// Fleet-wide events kept for the events screen.
pub const EVENTS_KEPT: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Fleet,
    Detail,
    Events,
    Diff,
    Incidents,
}

/// An operator action on one customer, as the TUI asks about it and runs
/// it (the action's words come from the shared table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Act {
    pub action: OperatorAction,
    pub customer: String,
    /// For an update: the version (`latest` or x.y.z).
    pub version: Option<String>,
}

impl Act {
    pub fn new(action: OperatorAction, customer: &str) -> Act {
        Act {
            action,
            customer: customer.to_owned(),
            version: None,
        }
    }

    /// What the confirmation asks, naming the customer.
    pub fn question(&self) -> String {
        self.action
            .question(&self.customer, self.version.as_deref())
    }

    /// The line shown when it succeeded.
    pub fn done(&self) -> String {
        self.action.done(&self.customer, self.version.as_deref())
    }
}

/// A popup over the screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Popup {
    /// `y` runs the action, `n`/`Esc` cancels.
    Confirm(Act),
    /// The version for an update (Enter keeps `latest`).
    Version {
        customer: String,
        input: String,
    },
    /// `m`: a maintenance window for a customer.
    Maintenance(MaintenanceForm),
    Help,
    /// Enter on an event: all of it, wrapped; Enter again opens its customer.
    Event(Box<EventRecord>),
}

/// What a status-bar line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Error,
}

/// One sample of the history sparklines (percentages).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sample {
    pub cpu: Option<f64>,
    pub memory: Option<f64>,
    pub disk: Option<f64>,
}

/// The customer screen's data.
#[derive(Debug, Default)]
pub struct Detail {
    pub customer_id: String,
    pub view: Option<CustomerView>,
    pub error: Option<String>,
    pub period: Option<HistoryPeriod>,
    pub history: Option<Result<Vec<Sample>, String>>,
    /// Minimum event severity shown: 0 all, 1 warnings and errors, 2 errors.
    pub min_severity: u8,
    pub scroll: u16,
}

/// Something to do outside the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    LoadDetail(String),
    LoadHistory(String, HistoryPeriod),
    LoadDiff(String),
    LoadEvents,
    RefetchFleet,
    LoadIncidents {
        customer: Option<String>,
        all: bool,
    },
    AddMaintenance {
        customer: String,
        duration_s: i64,
        reason: String,
    },
    Act(Act),
    Quit,
}

/// Everything the TUI reacts to.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    /// Mouse wheel: lines, positive is down.
    Scroll(i32),
    /// The terminal's size (at start and whenever it changes).
    Resize(u16, u16),
    /// Seconds since the TUI started.
    Tick(u64),
    Fleet(Fleet),
    Stream(StreamMessage),
    /// `true`: connected; `false`: lost, reconnecting.
    Connection(bool),
    Detail(String, Box<Result<CustomerView, String>>),
    History(String, HistoryPeriod, Result<Vec<Sample>, String>),
    Events(Result<Vec<EventRecord>, String>),
    Diff(String, Result<Diff, String>),
    Done(Act, Result<(), String>),
    Incidents(Result<Vec<Incident>, String>),
    /// The window added for a customer.
    Maintenance(String, Box<Result<MaintenanceWindow, String>>),
}

/// The whole state of the TUI.
pub struct App {
    pub server: String,
    pub read_only: bool,
    pub screen: Screen,
    /// By id: iterating gives id order, the tie-break of every sort.
    pub rows: BTreeMap<String, Row>,
    /// Ids of the shown rows, filtered and sorted.
    pub index: Vec<String>,
    pub selected: usize,
    /// First shown row of the fleet table.
    pub offset: usize,
    /// The terminal's size: paging and scrolling follow it (rendering
    /// changes nothing).
    pub size: (u16, u16),
    pub filter: String,
    pub editing_filter: bool,
    pub sort: SortKey,
    pub reverse: bool,
    pub show_blocked: bool,
    pub latest_version: Option<String>,
    pub connected: bool,
    pub now: u64,
    pub highlight: HashMap<String, u64>,
    pub status: Option<(String, Level, u64)>,
    pub popup: Option<Popup>,
    pub events: VecDeque<EventRecord>,
    pub events_min_severity: u8,
    pub events_filter: String,
    pub events_scroll: usize,
    /// The selected event, by position among the shown ones.
    pub events_selected: usize,
    /// The customer whose page the events screen was opened from.
    pub events_customer: Option<String>,
    /// The screen to go back to from the events.
    pub events_from: Screen,
    pub detail: Option<Detail>,
    pub diff: Option<(String, Result<Diff, String>)>,
    pub diff_scroll: u16,
    /// The screen to go back to from the diff.
    pub diff_from: Screen,
    pub incidents: Incidents,
    pub quit: bool,
}

impl App {
    pub fn new(server: &str, read_only: bool, fleet: Fleet) -> App {
        let mut app = App {
            server: server.to_owned(),
            read_only,
            screen: Screen::Fleet,
            rows: BTreeMap::new(),
            index: Vec::new(),
            selected: 0,
            offset: 0,
            size: (super::MIN_WIDTH, super::MIN_HEIGHT),
            filter: String::new(),
            editing_filter: false,
            sort: SortKey::Status,
            reverse: false,
            show_blocked: false,
            latest_version: None,
            connected: true,
            now: 0,
            highlight: HashMap::new(),
            status: None,
            popup: None,
            events: VecDeque::new(),
            events_min_severity: 0,
            events_filter: String::new(),
            events_scroll: 0,
            events_selected: 0,
            events_customer: None,
            events_from: Screen::Fleet,
            detail: None,
            diff: None,
            diff_scroll: 0,
            diff_from: Screen::Fleet,
            incidents: Incidents::default(),
            quit: false,
        };
        app.load_fleet(fleet);
        app
    }

    /// Fleet rows on one page: the body of the screen less its header.
    pub fn page(&self) -> usize {
        usize::from(super::body_height(self.size.1, self.connected).saturating_sub(1)).max(1)
    }

    pub(super) fn say(&mut self, text: String, level: Level) {
        self.status = Some((text, level, self.now + STATUS_SECS));
    }

    /// The customer actions act on: the detail's, else the selected row's.
    pub(super) fn target(&self) -> Option<String> {
        match self.screen {
            Screen::Detail => self.detail.as_ref().map(|d| d.customer_id.clone()),
            Screen::Fleet => self.selected_id(),
            _ => None,
        }
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(k) => self.key(k),
            Msg::Scroll(n) => {
                self.scroll(n);
                Vec::new()
            }
            Msg::Resize(width, height) => {
                self.size = (width, height);
                self.clamp();
                Vec::new()
            }
            Msg::Tick(now) => {
                self.now = now;
                self.highlight.retain(|_, until| *until > now);
                if self
                    .status
                    .as_ref()
                    .is_some_and(|(_, _, until)| *until <= now)
                {
                    self.status = None;
                }
                self.incidents_tick()
            }
            Msg::Fleet(f) => {
                self.load_fleet(f);
                Vec::new()
            }
            Msg::Stream(m) => self.stream(m),
            Msg::Connection(up) => {
                self.connected = up;
                // The banner takes a line: the page is one shorter.
                self.clamp();
                Vec::new()
            }
            Msg::Detail(id, r) => {
                if let Some(d) = self.detail.as_mut().filter(|d| d.customer_id == id) {
                    match *r {
                        Ok(v) => {
                            d.view = Some(v);
                            d.error = None;
                        }
                        Err(e) => d.error = Some(e),
                    }
                }
                Vec::new()
            }
            Msg::History(id, period, r) => {
                if let Some(d) = self
                    .detail
                    .as_mut()
                    .filter(|d| d.customer_id == id && d.period == Some(period))
                {
                    d.history = Some(r);
                }
                Vec::new()
            }
            Msg::Events(r) => {
                match r {
                    Ok(list) => self.events = list.into_iter().take(EVENTS_KEPT).collect(),
                    Err(e) => self.say(e, Level::Error),
                }
                Vec::new()
            }
            Msg::Diff(id, r) => {
                self.diff = Some((id, r));
                Vec::new()
            }
            Msg::Incidents(r) => {
                self.incidents.list = Some(r);
                Vec::new()
            }
            Msg::Maintenance(id, r) => {
                match *r {
                    Ok(w) => {
                        let until = w.ends_at.map(|t| t.to_string()).unwrap_or_default();
                        self.say(
                            format!("{id}: maintenance until {until} (window #{})", w.id),
                            Level::Info,
                        );
                    }
                    Err(e) => self.say(format!("{id}: {e}"), Level::Error),
                }
                match &self.detail {
                    Some(d) if self.screen == Screen::Detail && d.customer_id == id => {
                        vec![Effect::LoadDetail(id)]
                    }
                    _ => Vec::new(),
                }
            }
            Msg::Done(act, r) => {
                match r {
                    Ok(()) => self.say(act.done(), Level::Info),
                    Err(e) => self.say(format!("{}: {e}", act.customer), Level::Error),
                }
                // The detail shows what the action changed.
                match &self.detail {
                    Some(d) if self.screen == Screen::Detail && d.customer_id == act.customer => {
                        vec![Effect::LoadDetail(d.customer_id.clone())]
                    }
                    _ => Vec::new(),
                }
            }
        }
    }

    fn stream(&mut self, m: StreamMessage) -> Vec<Effect> {
        match m {
            StreamMessage::Row { row } => {
                let id = row.summary.customer_id.clone();
                let changed = self
                    .rows
                    .get(&id)
                    .is_some_and(|old| old.entry.summary.status != row.summary.status);
                if changed {
                    self.highlight.insert(id.clone(), self.now + HIGHLIGHT_SECS);
                }
                self.rows.insert(id.clone(), Row::new(row, self.now));
                self.reposition(&id);
                self.incidents_news();
                // The open customer changed: show it.
                match &self.detail {
                    Some(d) if self.screen == Screen::Detail && d.customer_id == id => {
                        vec![Effect::LoadDetail(id)]
                    }
                    _ => Vec::new(),
                }
            }
            StreamMessage::Removed { customer_id } => {
                self.rows.remove(&customer_id);
                self.reposition(&customer_id);
                Vec::new()
            }
            StreamMessage::Event { event } => {
                self.events.push_front(event);
                self.events.truncate(EVENTS_KEPT);
                self.incidents_news();
                Vec::new()
            }
            StreamMessage::Action { .. } => Vec::new(),
            StreamMessage::Reset { .. } => vec![Effect::RefetchFleet, Effect::LoadEvents],
        }
    }

    pub(super) fn scroll(&mut self, n: i32) {
        match self.screen {
            Screen::Fleet => self.move_selection(n as i64),
            Screen::Detail => {
                if let Some(d) = self.detail.as_mut() {
                    d.scroll = (i64::from(d.scroll) + i64::from(n)).clamp(0, 500) as u16;
                }
            }
            Screen::Events => {
                // The selection moves; the view follows it.
                let count = self.shown_events().count();
                let page = self.page();
                self.events_selected = ((self.events_selected as i64 + i64::from(n)).max(0)
                    as usize)
                    .min(count.saturating_sub(1));
                if self.events_selected < self.events_scroll {
                    self.events_scroll = self.events_selected;
                } else if self.events_selected >= self.events_scroll + page {
                    self.events_scroll = self.events_selected + 1 - page;
                }
            }
            Screen::Diff => {
                // The last line at the bottom of the screen, no further.
                let body = usize::from(super::body_height(self.size.1, self.connected));
                let count = super::diff::lines(self, &super::Theme { color: false }).len();
                let last = count.saturating_sub(body).min(usize::from(u16::MAX)) as i64;
                self.diff_scroll =
                    (i64::from(self.diff_scroll) + i64::from(n)).clamp(0, last) as u16;
            }
            Screen::Incidents => self.incidents_scroll(n),
        }
    }

    /// The events the events screen shows, newest first: one customer's
    /// when it was opened from its page, then the severity and the typed
    /// filter.
    pub fn shown_events(&self) -> impl Iterator<Item = &EventRecord> {
        let f = self.events_filter.to_lowercase();
        self.events.iter().filter(move |e| {
            Severity::rank(&e.severity) >= self.events_min_severity
                && self
                    .events_customer
                    .as_deref()
                    .is_none_or(|c| c == e.customer_id)
                && (f.is_empty()
                    || [&e.customer_id, &e.event_type, &e.severity, &e.message]
                        .iter()
                        .any(|x| x.to_lowercase().contains(&f)))
        })
    }

    pub fn severity_shown(min: u8) -> &'static str {
        match min {
            0 => "all",
            1 => "warning+",
            _ => "error",
        }
    }
}
