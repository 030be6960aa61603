//! The TUI's model and its pure `update`: keys, ticks, stream messages and
//! the results of loads and actions arrive as [`Msg`]s; `update` changes
//! the model and returns the [`Effect`]s to run (loads, actions, quit).
//! Nothing here does I/O, so every behaviour is testable without a
//! terminal or a hub.

use std::collections::{BTreeMap, HashMap, VecDeque};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use hub_proto::admin::{CustomerView, Diff, EventRecord, Fleet, FleetEntry, StreamMessage};
use hub_proto::{CustomerStatus, HistoryPeriod, Severity};

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
}

/// The fleet table's sortable columns, in the order `s` steps through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Status,
    Customer,
    Name,
    LastReport,
    Version,
    Errors,
    Hostname,
}

impl SortKey {
    const ALL: [SortKey; 7] = [
        SortKey::Status,
        SortKey::Customer,
        SortKey::Name,
        SortKey::LastReport,
        SortKey::Version,
        SortKey::Errors,
        SortKey::Hostname,
    ];

    fn next(self) -> SortKey {
        let i = Self::ALL.iter().position(|k| *k == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Status => "status",
            SortKey::Customer => "customer",
            SortKey::Name => "name",
            SortKey::LastReport => "last report",
            SortKey::Version => "version",
            SortKey::Errors => "errors",
            SortKey::Hostname => "hostname",
        }
    }
}

/// An operator action on one customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Block(String),
    Unblock(String),
    Push(String),
    Pull(String),
    Update(String, String),
    Adopt(String),
    Delete(String),
}

impl Action {
    pub fn customer(&self) -> &str {
        match self {
            Action::Block(c)
            | Action::Unblock(c)
            | Action::Push(c)
            | Action::Pull(c)
            | Action::Update(c, _)
            | Action::Adopt(c)
            | Action::Delete(c) => c,
        }
    }

    /// What the confirmation asks, naming the customer.
    pub fn question(&self) -> String {
        match self {
            Action::Block(c) => format!("Block {c}? Reports are kept, no notifications are sent."),
            Action::Unblock(c) => format!("Unblock {c}?"),
            Action::Push(c) => format!("Push the hub's config to {c}'s controller?"),
            Action::Pull(c) => format!("Pull {c}'s live config into the hub?"),
            Action::Update(c, v) => format!("Update {c}'s controller to {v}?"),
            Action::Adopt(c) => {
                format!("Adopt {c}: create a managed config from its newest report?")
            }
            Action::Delete(c) => format!("Delete {c}'s config? It becomes a manual customer."),
        }
    }

    /// The line shown when it succeeded.
    pub fn done(&self) -> String {
        match self {
            Action::Block(c) => format!("{c}: blocked"),
            Action::Unblock(c) => format!("{c}: unblocked"),
            Action::Push(c) => format!("{c}: config applied on the controller"),
            Action::Pull(c) => format!("{c}: config taken from the controller"),
            Action::Update(c, v) => format!("{c}: update to {v} started"),
            Action::Adopt(c) => {
                format!("{c}: adopted (credentials: hubctl config credentials {c})")
            }
            Action::Delete(c) => format!("{c}: config deleted"),
        }
    }
}

/// A popup over the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Popup {
    /// `y` runs the action, `n`/`Esc` cancels.
    Confirm(Action),
    /// The version for an update (Enter keeps `latest`).
    Version {
        customer: String,
        input: String,
    },
    Help,
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
    Act(Action),
    Quit,
}

/// Everything the TUI reacts to.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    /// Mouse wheel: lines, positive is down.
    Scroll(i32),
    Resize,
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
    Done(Action, Result<(), String>),
}

/// A fleet row and when (TUI seconds) it arrived, for ticking ages.
#[derive(Debug, Clone)]
pub struct Row {
    pub entry: FleetEntry,
    pub seen_at: u64,
    /// Id, name and hostname in lower case, what the filter searches.
    haystack: String,
}

/// A row's value in the sorted column, comparable across rows.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum SortVal {
    Num(i64),
    Text(Option<String>),
    Version(Option<hub_proto::Version>),
    Pair(i64, i64),
}

impl Row {
    pub fn new(entry: FleetEntry, seen_at: u64) -> Row {
        let s = &entry.summary;
        let haystack = format!(
            "{}\t{}\t{}",
            s.customer_id,
            entry.display_name.as_deref().unwrap_or(""),
            s.hostname.as_deref().unwrap_or("")
        )
        .to_lowercase();
        Row {
            entry,
            seen_at,
            haystack,
        }
    }

    /// Seconds since the newest report, as of `now`.
    pub fn age(&self, now: u64) -> Option<i64> {
        self.entry
            .last_report_age_secs
            .map(|a| a + now.saturating_sub(self.seen_at) as i64)
    }
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
    /// Rows the fleet table shows (set by rendering, used for paging).
    pub page: usize,
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
    pub detail: Option<Detail>,
    pub diff: Option<(String, Result<Diff, String>)>,
    pub diff_scroll: u16,
    /// The screen to go back to from the diff.
    pub diff_from: Screen,
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
            page: 20,
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
            detail: None,
            diff: None,
            diff_scroll: 0,
            diff_from: Screen::Fleet,
            quit: false,
        };
        app.load_fleet(fleet);
        app
    }

    fn load_fleet(&mut self, fleet: Fleet) {
        let keep = self.selected_id();
        self.latest_version = fleet.latest_controller_version;
        self.rows = fleet
            .customers
            .into_iter()
            .map(|e| (e.summary.customer_id.clone(), Row::new(e, self.now)))
            .collect();
        self.rebuild_index();
        self.select_id(keep.as_deref());
    }

    /// The id of the selected fleet row.
    pub fn selected_id(&self) -> Option<String> {
        self.index.get(self.selected).cloned()
    }

    fn select_id(&mut self, id: Option<&str>) {
        if let Some(id) = id
            && let Some(pos) = self.index.iter().position(|x| x == id)
        {
            self.selected = pos;
        }
        self.clamp();
    }

    fn clamp(&mut self) {
        if self.selected >= self.index.len() {
            self.selected = self.index.len().saturating_sub(1);
        }
        let page = self.page.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
    }

    /// Whether the filter and the blocked toggle let a row in.
    fn shown(&self, r: &Row) -> bool {
        (r.entry.summary.status != CustomerStatus::Blocked || self.show_blocked)
            && (self.filter.is_empty() || r.haystack.contains(&self.filter.to_lowercase()))
    }

    /// The row's value in the sorted column.
    fn sort_val(&self, r: &Row) -> SortVal {
        let e = &r.entry;
        match self.sort {
            SortKey::Status => SortVal::Num(i64::from(e.summary.status.urgency())),
            SortKey::Customer => SortVal::Num(0),
            SortKey::Name => SortVal::Text(e.display_name.clone()),
            // Oldest report first: the ones to look at.
            SortKey::LastReport => SortVal::Num(
                e.summary
                    .last_received_at
                    .map_or(i64::MIN, |t| t.as_second()),
            ),
            SortKey::Version => SortVal::Version(
                e.summary
                    .controller_version
                    .as_deref()
                    .and_then(hub_proto::parse_version),
            ),
            SortKey::Errors => SortVal::Pair(-e.errors_24h, -e.warnings_24h),
            SortKey::Hostname => SortVal::Text(e.summary.hostname.clone()),
        }
    }

    fn order(&self, by: std::cmp::Ordering) -> std::cmp::Ordering {
        if self.reverse { by.reverse() } else { by }
    }

    fn compare(&self, a: &str, b: &str) -> std::cmp::Ordering {
        let (Some(ra), Some(rb)) = (self.rows.get(a), self.rows.get(b)) else {
            return std::cmp::Ordering::Equal;
        };
        self.order(
            self.sort_val(ra)
                .cmp(&self.sort_val(rb))
                .then_with(|| a.cmp(b)),
        )
    }

    /// Recomputes the shown rows (filter, blocked toggle or sort changed):
    /// each row's sort value is taken once, then a stable sort over the
    /// rows in id order leaves ties in id order without comparing ids.
    pub fn rebuild_index(&mut self) {
        let needle = self.filter.to_lowercase();
        let mut keyed: Vec<(SortVal, &String)> = self
            .rows
            .iter()
            .filter(|(_, r)| {
                (r.entry.summary.status != CustomerStatus::Blocked || self.show_blocked)
                    && (needle.is_empty() || r.haystack.contains(needle.as_str()))
            })
            .map(|(id, r)| (self.sort_val(r), id))
            .collect();
        keyed.sort_by(|(va, _), (vb, _)| va.cmp(vb));
        if self.reverse {
            // `compare` reverses ties too.
            keyed.reverse();
        }
        self.index = keyed.into_iter().map(|(_, id)| id.clone()).collect();
        self.clamp();
    }

    /// Moves one row to where it belongs now, without re-sorting them all.
    fn reposition(&mut self, id: &str) {
        let keep = self.selected_id();
        if let Some(pos) = self.index.iter().position(|x| x == id) {
            self.index.remove(pos);
        }
        if self.rows.get(id).is_some_and(|r| self.shown(r)) {
            let at = self
                .index
                .partition_point(|x| self.compare(x, id) == std::cmp::Ordering::Less);
            self.index.insert(at, id.to_owned());
        }
        self.select_id(keep.as_deref());
    }

    fn say(&mut self, text: String, level: Level) {
        self.status = Some((text, level, self.now + STATUS_SECS));
    }

    /// The customer actions act on: the detail's, else the selected row's.
    fn target(&self) -> Option<String> {
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
            Msg::Resize => Vec::new(),
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
                Vec::new()
            }
            Msg::Fleet(f) => {
                self.load_fleet(f);
                Vec::new()
            }
            Msg::Stream(m) => self.stream(m),
            Msg::Connection(up) => {
                self.connected = up;
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
            Msg::Done(action, r) => {
                match r {
                    Ok(()) => self.say(action.done(), Level::Info),
                    Err(e) => self.say(format!("{}: {e}", action.customer()), Level::Error),
                }
                // The detail shows what the action changed.
                match &self.detail {
                    Some(d)
                        if self.screen == Screen::Detail && d.customer_id == action.customer() =>
                    {
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
                Vec::new()
            }
            StreamMessage::Action { .. } => Vec::new(),
            StreamMessage::Reset { .. } => vec![Effect::RefetchFleet, Effect::LoadEvents],
        }
    }

    fn scroll(&mut self, n: i32) {
        match self.screen {
            Screen::Fleet => self.move_selection(n as i64),
            Screen::Detail => {
                if let Some(d) = self.detail.as_mut() {
                    d.scroll = (i64::from(d.scroll) + i64::from(n)).clamp(0, 500) as u16;
                }
            }
            Screen::Events => {
                self.events_scroll = (self.events_scroll as i64 + i64::from(n)).max(0) as usize;
            }
            Screen::Diff => {
                self.diff_scroll =
                    (i64::from(self.diff_scroll) + i64::from(n)).clamp(0, 5000) as u16;
            }
        }
    }

    fn move_selection(&mut self, by: i64) {
        if self.index.is_empty() {
            return;
        }
        let last = self.index.len() as i64 - 1;
        self.selected = (self.selected as i64 + by).clamp(0, last) as usize;
        self.clamp();
    }

    fn key(&mut self, k: KeyEvent) -> Vec<Effect> {
        if k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL) {
            self.quit = true;
            return vec![Effect::Quit];
        }
        if let Some(p) = self.popup.clone() {
            return self.popup_key(p, k);
        }
        if self.editing_filter {
            return self.filter_key(k);
        }
        let page = self.page.max(1) as i32;
        match k.code {
            KeyCode::Char('?') => {
                self.popup = Some(Popup::Help);
                return Vec::new();
            }
            KeyCode::Char('j') | KeyCode::Down => self.scroll(1),
            KeyCode::Char('k') | KeyCode::Up => self.scroll(-1),
            KeyCode::PageDown => self.scroll(page),
            KeyCode::PageUp => self.scroll(-page),
            KeyCode::Char('g') | KeyCode::Home => self.scroll(-1_000_000),
            KeyCode::Char('G') | KeyCode::End => self.scroll(1_000_000),
            _ => {}
        }
        match self.screen {
            Screen::Fleet => self.fleet_key(k),
            Screen::Detail => self.detail_key(k),
            Screen::Events => self.events_key(k),
            Screen::Diff => self.diff_key(k),
        }
    }

    fn filter_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        let text = match self.screen {
            Screen::Events => &mut self.events_filter,
            _ => &mut self.filter,
        };
        match k.code {
            KeyCode::Enter => self.editing_filter = false,
            KeyCode::Esc => {
                text.clear();
                self.editing_filter = false;
            }
            KeyCode::Backspace => {
                text.pop();
            }
            KeyCode::Char(c) if !c.is_control() => text.push(c),
            _ => {}
        }
        if self.screen == Screen::Fleet {
            self.rebuild_index();
            self.selected = self.selected.min(self.index.len().saturating_sub(1));
        }
        Vec::new()
    }

    fn popup_key(&mut self, popup: Popup, k: KeyEvent) -> Vec<Effect> {
        match popup {
            Popup::Help => {
                if matches!(
                    k.code,
                    KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q')
                ) {
                    self.popup = None;
                }
                Vec::new()
            }
            Popup::Confirm(action) => match k.code {
                KeyCode::Char('y') => {
                    self.popup = None;
                    self.say(
                        format!("{}…", action.question().trim_end_matches('?')),
                        Level::Info,
                    );
                    vec![Effect::Act(action)]
                }
                KeyCode::Char('n') | KeyCode::Esc => {
                    self.popup = None;
                    self.say("cancelled".into(), Level::Info);
                    Vec::new()
                }
                _ => Vec::new(),
            },
            Popup::Version {
                customer,
                mut input,
            } => {
                match k.code {
                    KeyCode::Esc => {
                        self.popup = None;
                        return Vec::new();
                    }
                    KeyCode::Enter => {
                        let v = input.trim();
                        let v = if v.is_empty() { "latest" } else { v };
                        if v != "latest" && hub_proto::parse_version(v).is_none() {
                            self.say(format!("`{v}` is neither x.y.z nor latest"), Level::Error);
                            self.popup = Some(Popup::Version { customer, input });
                            return Vec::new();
                        }
                        self.popup = Some(Popup::Confirm(Action::Update(customer, v.to_owned())));
                        return Vec::new();
                    }
                    KeyCode::Backspace => {
                        input.pop();
                    }
                    KeyCode::Char(c) if c.is_ascii_alphanumeric() || c == '.' => input.push(c),
                    _ => {}
                }
                self.popup = Some(Popup::Version { customer, input });
                Vec::new()
            }
        }
    }

    /// The action keys of the fleet and detail screens.
    fn action_key(&mut self, k: KeyEvent) -> Option<Vec<Effect>> {
        let code = match k.code {
            KeyCode::Char(c @ ('b' | 'p' | 'P' | 'd' | 'u' | 'a' | 'D')) => c,
            _ => return None,
        };
        let Some(id) = self.target() else {
            return Some(Vec::new());
        };
        if code == 'd' {
            self.diff = None;
            self.diff_scroll = 0;
            self.diff_from = self.screen;
            self.screen = Screen::Diff;
            return Some(vec![Effect::LoadDiff(id)]);
        }
        if self.read_only {
            self.say(
                "read-only token: actions are disabled (log in with a full token to act)".into(),
                Level::Error,
            );
            return Some(Vec::new());
        }
        let row = self.rows.get(&id).map(|r| &r.entry.summary);
        let managed = row.is_none_or(|s| s.managed);
        let action = match code {
            'b' if row.is_some_and(|s| s.blocked) => Action::Unblock(id),
            'b' => Action::Block(id),
            'p' => Action::Push(id),
            'P' => Action::Pull(id),
            'a' if managed => {
                self.say(format!("{id} is already managed"), Level::Error);
                return Some(Vec::new());
            }
            'a' => Action::Adopt(id),
            'D' => Action::Delete(id),
            _ => {
                self.popup = Some(Popup::Version {
                    customer: id,
                    input: String::new(),
                });
                return Some(Vec::new());
            }
        };
        self.popup = Some(Popup::Confirm(action));
        Some(Vec::new())
    }

    fn fleet_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        if let Some(e) = self.action_key(k) {
            return e;
        }
        match k.code {
            KeyCode::Char('q') => {
                self.quit = true;
                vec![Effect::Quit]
            }
            KeyCode::Esc if !self.filter.is_empty() => {
                self.filter.clear();
                self.rebuild_index();
                Vec::new()
            }
            KeyCode::Char('/') => {
                self.editing_filter = true;
                Vec::new()
            }
            KeyCode::Char('s') => {
                self.sort = self.sort.next();
                self.rebuild_index();
                Vec::new()
            }
            KeyCode::Char('S') => {
                self.reverse = !self.reverse;
                self.rebuild_index();
                Vec::new()
            }
            KeyCode::Char('B') => {
                let keep = self.selected_id();
                self.show_blocked = !self.show_blocked;
                self.rebuild_index();
                self.select_id(keep.as_deref());
                Vec::new()
            }
            KeyCode::Char('e') => {
                self.screen = Screen::Events;
                self.events_scroll = 0;
                vec![Effect::LoadEvents]
            }
            KeyCode::Enter => match self.selected_id() {
                Some(id) => self.open_detail(id),
                None => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    fn open_detail(&mut self, id: String) -> Vec<Effect> {
        self.screen = Screen::Detail;
        let period = HistoryPeriod::Day;
        self.detail = Some(Detail {
            customer_id: id.clone(),
            period: Some(period),
            ..Default::default()
        });
        vec![
            Effect::LoadDetail(id.clone()),
            Effect::LoadHistory(id, period),
        ]
    }

    fn detail_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        if let Some(e) = self.action_key(k) {
            return e;
        }
        match k.code {
            KeyCode::Esc => {
                self.screen = Screen::Fleet;
                Vec::new()
            }
            KeyCode::Char('f') => {
                if let Some(d) = self.detail.as_mut() {
                    d.min_severity = (d.min_severity + 1) % 3;
                }
                Vec::new()
            }
            KeyCode::Char('t') => {
                let Some(d) = self.detail.as_mut() else {
                    return Vec::new();
                };
                let next = match d.period {
                    Some(HistoryPeriod::Day) => HistoryPeriod::Week,
                    Some(HistoryPeriod::Week) => HistoryPeriod::Month,
                    _ => HistoryPeriod::Day,
                };
                d.period = Some(next);
                d.history = None;
                vec![Effect::LoadHistory(d.customer_id.clone(), next)]
            }
            KeyCode::Char('e') => {
                self.screen = Screen::Events;
                vec![Effect::LoadEvents]
            }
            _ => Vec::new(),
        }
    }

    fn events_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        match k.code {
            KeyCode::Esc if !self.events_filter.is_empty() => {
                self.events_filter.clear();
                Vec::new()
            }
            KeyCode::Esc => {
                self.screen = if self.detail.is_some() && self.diff_from == Screen::Detail {
                    Screen::Detail
                } else {
                    Screen::Fleet
                };
                Vec::new()
            }
            KeyCode::Char('/') => {
                self.editing_filter = true;
                Vec::new()
            }
            KeyCode::Char('f') => {
                self.events_min_severity = (self.events_min_severity + 1) % 3;
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn diff_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        if k.code == KeyCode::Esc {
            self.screen = self.diff_from;
        }
        Vec::new()
    }

    /// The events the events screen shows, newest first.
    pub fn shown_events(&self) -> impl Iterator<Item = &EventRecord> {
        let f = self.events_filter.to_lowercase();
        self.events.iter().filter(move |e| {
            Severity::rank(&e.severity) >= self.events_min_severity
                && (f.is_empty() || e.customer_id.contains(&f))
        })
    }

    /// Rows per status, for the header.
    pub fn counts(&self) -> [(CustomerStatus, usize); 6] {
        let mut out = [
            (CustomerStatus::Ok, 0),
            (CustomerStatus::Warn, 0),
            (CustomerStatus::Down, 0),
            (CustomerStatus::Disabled, 0),
            (CustomerStatus::Pending, 0),
            (CustomerStatus::Blocked, 0),
        ];
        for r in self.rows.values() {
            if let Some(slot) = out.iter_mut().find(|(s, _)| *s == r.entry.summary.status) {
                slot.1 += 1;
            }
        }
        out
    }

    pub fn severity_shown(min: u8) -> &'static str {
        match min {
            0 => "all",
            1 => "warning+",
            _ => "error",
        }
    }
}
