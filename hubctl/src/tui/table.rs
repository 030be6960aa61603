//! The fleet table's model: rows with their arrival time, the sortable
//! columns, and the shown index kept filtered (the shared fleet rule plus
//! the text filter) and sorted as rows stream in.

use hub_proto::CustomerStatus;
use hub_proto::admin::{Fleet, FleetEntry};
use hub_proto::rules::FleetFilter;

use super::app::App;

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

    pub(super) fn next(self) -> SortKey {
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

/// A fleet row and when (TUI seconds) it arrived, for ticking ages.
#[derive(Debug, Clone)]
pub struct Row {
    pub entry: FleetEntry,
    pub seen_at: u64,
    /// Every column the table shows (id, status, health, last report
    /// aside, version, type, reason) and the name and hostname, in lower
    /// case: what the filter searches.
    pub(super) haystack: String,
}

/// A row's value in the sorted column, comparable across rows.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum SortVal {
    Num(i64),
    Text(Option<String>),
    Version(Option<hub_proto::Version>),
    Pair(i64, i64),
}

impl Row {
    pub fn new(entry: FleetEntry, seen_at: u64) -> Row {
        let s = &entry.summary;
        let haystack = [
            s.customer_id.as_str(),
            entry.display_name.as_deref().unwrap_or(""),
            s.hostname.as_deref().unwrap_or(""),
            s.status.as_str(),
            s.health.map(|h| h.as_str()).unwrap_or(""),
            s.controller_version.as_deref().unwrap_or(""),
            if s.managed { "managed" } else { "manual" },
            entry.reason.as_deref().unwrap_or(""),
            entry.drift.map_or("", |d| d.as_str()),
        ]
        .join("\t")
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

impl App {
    pub(super) fn load_fleet(&mut self, fleet: Fleet) {
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

    pub(super) fn select_id(&mut self, id: Option<&str>) {
        if let Some(id) = id
            && let Some(pos) = self.index.iter().position(|x| x == id)
        {
            self.selected = pos;
        }
        self.clamp();
    }

    pub(super) fn clamp(&mut self) {
        if self.selected >= self.index.len() {
            self.selected = self.index.len().saturating_sub(1);
        }
        let page = self.page();
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
    }

    /// Whether the filter and the blocked toggle let a row in (the shared
    /// fleet rule: blocked customers only when asked for).
    pub(super) fn shown(&self, r: &Row) -> bool {
        self.fleet_filter().keeps(
            r.entry.summary.status,
            r.entry.summary.managed,
            r.entry.drift,
        ) && (self.filter.is_empty() || r.haystack.contains(&self.filter.to_lowercase()))
    }

    /// The fleet list the blocked toggle asks for.
    pub(super) fn fleet_filter(&self) -> FleetFilter {
        FleetFilter {
            all: self.show_blocked,
            ..Default::default()
        }
    }

    /// The row's value in the sorted column.
    pub(super) fn sort_val(&self, r: &Row) -> SortVal {
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

    pub(super) fn order(&self, by: std::cmp::Ordering) -> std::cmp::Ordering {
        if self.reverse { by.reverse() } else { by }
    }

    pub(super) fn compare(&self, a: &str, b: &str) -> std::cmp::Ordering {
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
        let filter = self.fleet_filter();
        let mut keyed: Vec<(SortVal, &String)> = self
            .rows
            .iter()
            .filter(|(_, r)| {
                filter.keeps(
                    r.entry.summary.status,
                    r.entry.summary.managed,
                    r.entry.drift,
                ) && (needle.is_empty() || r.haystack.contains(needle.as_str()))
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
    pub(super) fn reposition(&mut self, id: &str) {
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

    pub(super) fn move_selection(&mut self, by: i64) {
        if self.index.is_empty() {
            return;
        }
        let last = self.index.len() as i64 - 1;
        self.selected = (self.selected as i64 + by).clamp(0, last) as usize;
        self.clamp();
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
}
