//! The TUI without a terminal or a hub: `update` driven by messages, and
//! every screen drawn on a `TestBackend` at 80×24 and 160×48 with a fixed
//! clock, compared with the snapshots next to this file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use hub_proto::admin::{
    CustomerConfig, CustomerView, Diff, DiffEntry, EventRecord, Fleet, FleetEntry,
    NotificationRecord, StreamMessage,
};
use hub_proto::{CustomerDetail, CustomerStatus, CustomerSummary, Health, HistoryPeriod};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;

use hub_proto::actions::OperatorAction;

use super::app::{Act, App, Effect, Msg, Popup, Sample, Screen};
use super::{Theme, draw};

/// The incidents screen and the maintenance popup.
mod alerts;
mod screens;

fn ts(s: &str) -> jiff::Timestamp {
    s.parse().unwrap()
}

fn entry(id: &str, status: CustomerStatus, age: i64) -> FleetEntry {
    let received = ts("2026-11-27T10:00:00Z") - jiff::SignedDuration::from_secs(age);
    FleetEntry {
        summary: CustomerSummary {
            customer_id: id.into(),
            status,
            health: Some(match status {
                CustomerStatus::Down => Health::Fail,
                CustomerStatus::Warn => Health::Warn,
                _ => Health::Ok,
            }),
            last_report_at: Some(received),
            last_received_at: Some(received),
            controller_version: Some(if id.ends_with('2') { "1.8.2" } else { "1.9.0" }.into()),
            hostname: Some(format!("felhom-{id}")),
            controller_url: (status != CustomerStatus::Pending)
                .then(|| format!("https://{id}.felhom.eu")),
            monitoring_disabled: false,
            blocked: status == CustomerStatus::Blocked,
            managed: !id.starts_with("manual"),
            update_available: id.ends_with('2'),
        },
        display_name: (!id.starts_with("manual")).then(|| format!("Család {id}")),
        last_report_age_secs: Some(age),
        errors_24h: if status == CustomerStatus::Down { 3 } else { 0 },
        warnings_24h: i64::from(status == CustomerStatus::Warn),
        reason: match status {
            CustomerStatus::Down => Some("health fail".into()),
            CustomerStatus::Warn => Some("backup overdue since 2026-11-26".into()),
            _ => None,
        },
        drift: (!id.starts_with("manual")).then_some(if id.ends_with('3') {
            hub_proto::admin::DriftState::Drifted
        } else {
            hub_proto::admin::DriftState::InSync
        }),
    }
}

fn fleet() -> Fleet {
    Fleet {
        customers: vec![
            entry("kovacs-csalad", CustomerStatus::Ok, 240),
            entry("nagy-2", CustomerStatus::Warn, 2000),
            entry("szabo", CustomerStatus::Down, 7300),
            entry("manual-one", CustomerStatus::Ok, 30),
            entry("toth", CustomerStatus::Blocked, 60),
            entry("pending-new", CustomerStatus::Pending, 0),
        ],
        latest_controller_version: Some("1.9.0".into()),
        stream_id: 7,
    }
}

fn app() -> App {
    App::new("https://hub.felhom.eu", false, fleet())
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn code(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(key(c));
    }
}

#[test]
fn sorting_filtering_and_blocked_rows() {
    let mut app = app();
    // Status sort: down first, blocked hidden.
    assert_eq!(
        app.index,
        [
            "szabo",
            "nagy-2",
            "pending-new",
            "kovacs-csalad",
            "manual-one"
        ]
    );
    app.update(key('B'));
    assert!(app.index.contains(&"toth".to_owned()));
    app.update(key('B'));
    app.update(key('s'));
    assert_eq!(app.sort.label(), "customer");
    assert_eq!(app.index[0], "kovacs-csalad");
    app.update(key('S'));
    assert_eq!(app.index[0], "szabo");
    // Filter over id, name and hostname; Esc clears.
    app.update(key('/'));
    type_text(&mut app, "család zz");
    assert!(app.index.is_empty());
    for _ in 0..3 {
        app.update(code(KeyCode::Backspace));
    }
    app.update(code(KeyCode::Enter));
    assert!(!app.editing_filter);
    assert_eq!(app.filter, "család");
    assert_eq!(app.index.len(), 4);
    app.update(code(KeyCode::Esc));
    assert!(app.filter.is_empty());
    assert_eq!(app.index.len(), 5);
}

#[test]
fn the_filter_searches_every_column_and_ctrl_u_clears_it() {
    let mut app = app();
    for (needle, ids) in [
        ("down", &["szabo"][..]),
        ("fail", &["szabo"]),
        ("manual", &["manual-one"]),
        ("1.8.2", &["nagy-2"]),
        ("pending", &["pending-new"]),
    ] {
        app.update(key('/'));
        type_text(&mut app, needle);
        assert_eq!(app.index, ids, "/{needle}");
        app.update(Msg::Key(KeyEvent::new(
            KeyCode::Char('u'),
            KeyModifiers::CONTROL,
        )));
        assert!(app.filter.is_empty(), "Ctrl-U clears /{needle}");
        assert_eq!(app.index.len(), 5);
        app.update(code(KeyCode::Enter));
    }
}

#[test]
fn moving_paging_and_quitting() {
    let mut app = app();
    // Two rows a page: 7 lines less header, status, footer and table header.
    app.update(Msg::Resize(80, 7));
    app.update(key('j'));
    app.update(code(KeyCode::Down));
    assert_eq!(app.selected, 2);
    assert_eq!(app.offset, 1);
    app.update(key('G'));
    assert_eq!(app.selected, 4);
    app.update(code(KeyCode::PageUp));
    assert_eq!(app.selected, 2);
    app.update(key('g'));
    assert_eq!((app.selected, app.offset), (0, 0));
    app.update(Msg::Scroll(3));
    assert_eq!(app.selected, 3);
    assert_eq!(app.update(key('q')), vec![Effect::Quit]);
    let mut app = self::app();
    app.update(key('e'));
    let ctrl_c = Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert_eq!(app.update(ctrl_c), vec![Effect::Quit]);
}

#[test]
fn enter_opens_the_customer_and_esc_goes_back() {
    let mut app = app();
    let effects = app.update(code(KeyCode::Enter));
    assert_eq!(app.screen, Screen::Detail);
    assert_eq!(
        effects,
        vec![
            Effect::LoadDetail("szabo".into()),
            Effect::LoadHistory("szabo".into(), HistoryPeriod::Day)
        ]
    );
    assert_eq!(
        app.update(key('t')),
        vec![Effect::LoadHistory("szabo".into(), HistoryPeriod::Week)]
    );
    app.update(code(KeyCode::Esc));
    assert_eq!(app.screen, Screen::Fleet);
}

#[test]
fn actions_ask_first_and_run_only_on_y() {
    let mut app = app();
    // szabo is selected.
    assert!(app.update(key('b')).is_empty());
    assert_eq!(
        app.popup,
        Some(Popup::Confirm(Act::new(OperatorAction::Block, "szabo")))
    );
    assert!(app.update(key('n')).is_empty());
    assert_eq!(app.popup, None);
    app.update(key('p'));
    assert_eq!(
        app.update(key('y')),
        vec![Effect::Act(Act::new(OperatorAction::Push, "szabo"))]
    );
    // Update asks for a version first; Enter alone means latest.
    app.update(key('u'));
    type_text(&mut app, "1.9.x");
    app.update(code(KeyCode::Enter));
    assert!(
        matches!(app.popup, Some(Popup::Version { .. })),
        "bad version refused"
    );
    app.update(code(KeyCode::Backspace));
    app.update(key('0'));
    app.update(code(KeyCode::Enter));
    assert_eq!(
        app.popup,
        Some(Popup::Confirm(Act {
            action: OperatorAction::Update,
            customer: "szabo".into(),
            version: Some("1.9.0".into())
        }))
    );
    app.update(code(KeyCode::Esc));
    // Adopt is for manual customers only; blocked ones are unblocked by b.
    app.update(key('a'));
    assert_eq!(app.popup, None);
    assert!(app.status.as_ref().unwrap().0.contains("already managed"));
    app.update(key('B'));
    let toth = app.index.iter().position(|x| x == "toth").unwrap();
    app.selected = toth;
    app.update(key('b'));
    assert_eq!(
        app.popup,
        Some(Popup::Confirm(Act::new(OperatorAction::Unblock, "toth")))
    );
    // The result, or the hub's sentence, lands in the status line.
    app.update(code(KeyCode::Esc));
    app.update(Msg::Done(
        Act::new(OperatorAction::Push, "szabo"),
        Err("cannot reach the controller at https://szabo.felhom.eu: timed out".into()),
    ));
    assert!(
        app.status
            .as_ref()
            .unwrap()
            .0
            .contains("cannot reach the controller")
    );
}

#[test]
fn a_read_only_token_cannot_act_but_can_look() {
    let mut app = App::new("https://hub.felhom.eu", true, fleet());
    for c in ['b', 'p', 'P', 'u', 'D'] {
        assert!(app.update(key(c)).is_empty());
        assert_eq!(app.popup, None, "{c}");
        assert!(app.status.as_ref().unwrap().0.contains("read-only"));
    }
    // A diff changes nothing: allowed.
    assert_eq!(app.update(key('d')), vec![Effect::LoadDiff("szabo".into())]);
    assert_eq!(app.screen, Screen::Diff);
}

#[test]
fn the_stream_updates_rows_highlights_status_changes_and_resets() {
    let mut app = app();
    app.update(Msg::Tick(10));
    let mut row = entry("kovacs-csalad", CustomerStatus::Down, 4000);
    row.summary.health = Some(Health::Fail);
    app.update(Msg::Stream(StreamMessage::Row { row }));
    assert_eq!(
        app.index[0], "kovacs-csalad",
        "moved to the top by the status sort"
    );
    assert!(app.highlight.contains_key("kovacs-csalad"));
    app.update(Msg::Tick(14));
    assert!(
        !app.highlight.contains_key("kovacs-csalad"),
        "highlight fades"
    );
    // A new customer appears, a removed one goes.
    app.update(Msg::Stream(StreamMessage::Row {
        row: entry("uj-ugyfel", CustomerStatus::Ok, 1),
    }));
    assert!(app.index.contains(&"uj-ugyfel".to_owned()));
    app.update(Msg::Stream(StreamMessage::Removed {
        customer_id: "uj-ugyfel".into(),
    }));
    assert!(!app.rows.contains_key("uj-ugyfel"));
    // The selection follows its row when others move.
    app.selected = app.index.iter().position(|x| x == "manual-one").unwrap();
    app.update(Msg::Stream(StreamMessage::Row {
        row: entry("nagy-2", CustomerStatus::Ok, 3),
    }));
    assert_eq!(app.selected_id().as_deref(), Some("manual-one"));
    // Ages tick from the row's arrival.
    app.update(Msg::Tick(74));
    assert_eq!(app.rows["nagy-2"].age(app.now), Some(63));
    assert_eq!(
        app.update(Msg::Stream(StreamMessage::Reset {
            reason: "late".into()
        })),
        vec![Effect::RefetchFleet, Effect::LoadEvents]
    );
    app.update(Msg::Connection(false));
    assert!(!app.connected);
}

fn incidents() -> Vec<hub_proto::alerts::Incident> {
    let v = json!([
        {"id": 3, "customer_id": "szabo", "family": "node", "opened_at": "2026-11-27T08:00:00Z",
         "opened_by": "node_down", "message": "No report for 1h 0m",
         "notified_operator_at": "2026-11-27T08:00:00Z", "notified_customer_at": "2026-11-27T08:00:00Z",
         "held": null, "reminders_sent": 1, "next_reminder_at": "2026-11-28T08:00:00Z",
         "resolving_since": null, "resolved_at": null, "inhibited": {"backup_failed": 1}, "detail": {}},
        {"id": 2, "customer_id": "nagy-2", "family": "backup", "opened_at": "2026-11-27T07:00:00Z",
         "opened_by": "backup_failed", "message": "restic: repository locked",
         "notified_operator_at": null, "notified_customer_at": null, "held": "maintenance",
         "reminders_sent": 0, "next_reminder_at": null, "resolving_since": null, "resolved_at": null,
         "inhibited": {}, "detail": {}},
        {"id": 1, "customer_id": null, "family": "fleet", "opened_at": "2026-11-26T03:00:00Z",
         "opened_by": "mass_outage", "message": "8 of 8 nodes silent at once",
         "notified_operator_at": "2026-11-26T03:00:00Z", "notified_customer_at": null, "held": null,
         "reminders_sent": 0, "next_reminder_at": null, "resolving_since": null,
         "resolved_at": "2026-11-26T03:20:00Z", "inhibited": {}, "detail": {"silent": 8}}
    ]);
    serde_json::from_value(v).unwrap()
}

#[test]
fn events_screen_filters_by_severity_and_customer() {
    let mut app = app();
    app.update(key('e'));
    assert_eq!(app.screen, Screen::Events);
    app.update(Msg::Events(Ok(events())));
    assert_eq!(app.shown_events().count(), 3);
    app.update(key('f'));
    assert_eq!(app.shown_events().count(), 2);
    app.update(key('/'));
    type_text(&mut app, "szabo");
    app.update(code(KeyCode::Enter));
    assert_eq!(app.shown_events().count(), 1);
    app.update(code(KeyCode::Esc));
    assert_eq!(app.shown_events().count(), 2);
    app.update(code(KeyCode::Esc));
    assert_eq!(app.screen, Screen::Fleet);
}

fn events() -> Vec<EventRecord> {
    let e = |id: i64, customer: &str, t: &str, sev: &str, msg: &str| EventRecord {
        id,
        customer_id: customer.into(),
        event_type: t.into(),
        severity: sev.into(),
        message: msg.into(),
        details: None,
        occurred_at: ts("2026-11-27T09:58:00Z"),
        received_at: ts("2026-11-27T09:58:00Z"),
        source: "controller".into(),
    };
    vec![
        e(3, "szabo", "node_down", "error", "No report for 2h 1m"),
        e(2, "nagy-2", "disk_space_low", "warning", "hdd1 is 91% full"),
        e(
            1,
            "kovacs-csalad",
            "backup_completed",
            "info",
            "restic snapshot 4f2a",
        ),
    ]
}

fn view() -> CustomerView {
    let report = json!({
        "customer_id": "szabo", "timestamp": "2026-11-27T07:58:20Z", "health": "fail",
        "controller_version": "1.8.2",
        "system": {"hostname": "felhom-szabo", "os": "Debian 12", "kernel": "6.1.0-28-amd64",
                   "uptime_seconds": 864000, "cpu_percent": 37.5, "load_avg": [1.2, 0.9, 0.7],
                   "memory_total_bytes": 8000000000u64, "memory_used_bytes": 6000000000u64,
                   "temperature_c": 61.0},
        "storage": [{"mount_point": "/", "total_bytes": 250000000000u64, "used_bytes": 61000000000u64, "smart_ok": true},
                    {"mount_point": "/mnt/hdd1", "total_bytes": 4000000000000u64, "used_bytes": 3700000000000u64, "smart_ok": false}],
        "containers": [{"name": "nextcloud", "state": "running", "health": "healthy", "restart_count": 0},
                       {"name": "immich", "state": "restarting", "health": "unhealthy", "restart_count": 14}],
        "backup": {"last_backup_at": "2026-11-26T02:10:00Z", "last_backup_ok": false,
                   "last_dbdump_at": "2026-11-27T01:30:00Z", "last_dbdump_ok": true, "snapshot_count": 42}
    });
    CustomerView {
        customer: CustomerDetail {
            summary: entry("szabo", CustomerStatus::Down, 7300).summary,
            latest_report: Some(
                serde_json::value::RawValue::from_string(report.to_string()).unwrap(),
            ),
        },
        config: Some(CustomerConfig {
            customer_id: "szabo".into(),
            display_name: "Szabó Péter".into(),
            domain: "szabo.felhom.eu".into(),
            contact_email: "peter@example.hu".into(),
            tokens: [("tunnel".to_owned(), "<redacted>".to_owned())].into(),
            ..Default::default()
        }),
        recent_events: events(),
        notifications: vec![NotificationRecord {
            id: 1,
            created_at: ts("2026-11-27T09:58:05Z"),
            channel: "operator".into(),
            customer_id: Some("szabo".into()),
            event_type: "node_down".into(),
            event: Some(3),
            outcome: "sent".into(),
            reason: String::new(),
            recipient: "ops@felhom.eu".into(),
            subject: "[felhom ERROR] szabo: node is DOWN".into(),
            provider_id: Some("email-1".into()),
            attempts: 1,
        }],
        reason: Some("no report for 1h 5m".into()),
        incidents: Vec::new(),
        maintenance: Vec::new(),
        drift: Some(hub_proto::admin::DriftState::Drifted),
    }
}

fn history() -> Vec<Sample> {
    (0..96)
        .map(|i| Sample {
            cpu: Some(f64::from((i * 7) % 90)),
            memory: Some(50.0 + f64::from(i % 20)),
            disk: Some(24.0 + f64::from(i) / 10.0),
        })
        .collect()
}

fn diff() -> Diff {
    Diff {
        customer_id: "szabo".into(),
        differences: vec![
            DiffEntry {
                path: "backup.keep_daily".into(),
                hub: Some(json!(14)),
                controller: Some(json!(7)),
            },
            DiffEntry {
                path: "monitoring.disk_space_warning_percent".into(),
                hub: Some(json!(80)),
                controller: None,
            },
            DiffEntry {
                path: "extra.debug".into(),
                hub: None,
                controller: Some(json!(true)),
            },
        ],
        ignored_paths: vec!["controller.version".into()],
        unified: "--- hub\n+++ controller\n backup:\n-  keep_daily: 14\n+  keep_daily: 7\n".into(),
    }
}

/// The screen as text, one line per row, trailing spaces cut.
fn screen(app: &mut App, w: u16, h: u16) -> String {
    // As the event loop does: the model hears of the size, then it is drawn.
    app.update(Msg::Resize(w, h));
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| draw(f, app, &Theme { color: false }))
        .unwrap();
    let buf = term.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        let mut line = String::new();
        for x in 0..w {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Every screen in every state worth seeing, at both sizes.
fn screens() -> Vec<(&'static str, App)> {
    let mut out = Vec::new();
    let mut fleet = app();
    fleet.update(Msg::Tick(5));
    out.push(("fleet", fleet));

    let mut filtered = app();
    filtered.update(key('/'));
    type_text(&mut filtered, "csal");
    out.push(("fleet_filter", filtered));

    let mut lost = app();
    lost.update(Msg::Connection(false));
    out.push(("fleet_reconnecting", lost));

    let mut detail = app();
    detail.update(code(KeyCode::Enter));
    detail.update(Msg::Detail("szabo".into(), Box::new(Ok(view()))));
    detail.update(Msg::History(
        "szabo".into(),
        HistoryPeriod::Day,
        Ok(history()),
    ));
    out.push(("detail", detail));

    let mut confirm = app();
    confirm.update(key('b'));
    out.push(("confirm", confirm));

    let mut events_screen = app();
    events_screen.update(key('e'));
    events_screen.update(Msg::Events(Ok(events())));
    out.push(("events", events_screen));

    let mut diff_screen = app();
    diff_screen.update(key('d'));
    diff_screen.update(Msg::Diff("szabo".into(), Ok(diff())));
    out.push(("diff", diff_screen));

    let mut incidents_screen = app();
    incidents_screen.update(key('i'));
    incidents_screen.update(Msg::Incidents(Ok(incidents())));
    out.push(("incidents", incidents_screen));

    let mut window = app();
    window.update(code(KeyCode::Enter));
    window.update(key('m'));
    type_text(&mut window, "kernel update");
    out.push(("maintenance", window));

    let mut help = App::new("https://hub.felhom.eu", true, self::fleet());
    help.update(key('?'));
    out.push(("help_read_only", help));
    out
}

#[test]
fn every_screen_at_80x24_and_120x40() {
    for (name, mut app) in screens() {
        for (w, h) in [(80, 24), (120, 40)] {
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen(&mut app, w, h));
        }
    }
}

#[test]
fn a_small_terminal_says_so() {
    let text = screen(&mut app(), 60, 20);
    assert!(text.starts_with("terminal too small: 60×20"), "{text}");
}

#[test]
fn the_fleet_screen_builds_only_what_it_shows() {
    // 10,000 rows: the table holds a page, not all of them.
    let mut big = Fleet {
        customers: Vec::new(),
        latest_controller_version: None,
        stream_id: 0,
    };
    for i in 0..10_000 {
        big.customers
            .push(entry(&format!("c{i:05}"), CustomerStatus::Ok, 60));
    }
    let mut app = App::new("https://hub.felhom.eu", false, big);
    let text = screen(&mut app, 200, 60);
    assert!(text.contains("c00000") && !text.contains("c00100"));
    assert!(text.contains("10,000 of 10,000 customers"));
}

#[test]
fn events_from_a_customer_are_its_own_and_esc_goes_back_there() {
    let mut app = app();
    app.update(Msg::Events(Ok(events())));
    // Fleet → szabo → its diff → back → its events: only szabo's.
    app.update(code(KeyCode::Enter));
    app.update(key('d'));
    app.update(code(KeyCode::Esc));
    assert_eq!(app.screen, Screen::Detail);
    assert_eq!(app.update(key('e')), vec![Effect::LoadEvents]);
    app.update(Msg::Events(Ok(events())));
    assert_eq!(app.screen, Screen::Events);
    let shown: Vec<&str> = app.shown_events().map(|e| e.customer_id.as_str()).collect();
    assert_eq!(shown, ["szabo"]);
    // Esc goes back to the customer, not the fleet.
    app.update(code(KeyCode::Esc));
    assert_eq!(app.screen, Screen::Detail);
    // Fleet → events: the whole fleet's, and Esc back to the fleet.
    app.update(code(KeyCode::Esc));
    app.update(key('e'));
    assert_eq!(app.shown_events().count(), 3);
    app.update(code(KeyCode::Esc));
    assert_eq!(app.screen, Screen::Fleet);
}

#[test]
fn paging_follows_the_terminal_size_and_the_banner() {
    let mut app = app();
    app.update(Msg::Resize(80, 24));
    assert_eq!(app.page(), 19);
    app.update(Msg::Connection(false));
    assert_eq!(app.page(), 18, "the reconnecting banner takes a line");
    app.update(Msg::Resize(80, 3));
    assert_eq!(app.page(), 1);
}

/// A console that records what was done to it and fails where told.
#[derive(Default)]
struct FakeConsole {
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    fail_screen: bool,
}

impl super::Console for FakeConsole {
    fn raw_mode(&mut self, on: bool) -> std::io::Result<()> {
        self.log.lock().unwrap().push(format!("raw {on}"));
        Ok(())
    }

    fn alternate_screen(&mut self, on: bool) -> std::io::Result<()> {
        self.log.lock().unwrap().push(format!("screen {on}"));
        if on && self.fail_screen {
            return Err(std::io::Error::other("no alternate screen"));
        }
        Ok(())
    }
}

#[test]
fn the_terminal_is_given_back_on_every_path() {
    // Taking it fails half-way: raw mode is undone.
    let log = std::sync::Arc::default();
    let failing = FakeConsole {
        log: std::sync::Arc::clone(&log),
        fail_screen: true,
    };
    assert!(super::Taken::take(failing).is_err());
    assert_eq!(
        *log.lock().unwrap(),
        ["raw true", "screen true", "screen false", "raw false"]
    );
    // Taken, then the event loop ends (quit or error): given back once.
    let log = std::sync::Arc::default();
    let taken = super::Taken::take(FakeConsole {
        log: std::sync::Arc::clone(&log),
        fail_screen: false,
    })
    .unwrap();
    drop(taken);
    assert_eq!(
        *log.lock().unwrap(),
        ["raw true", "screen true", "screen false", "raw false"]
    );
}
