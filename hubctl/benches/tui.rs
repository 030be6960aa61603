//! The TUI's costs at 10,000 customers, measured (not asserted):
//!
//!   cargo bench -p hubctl --bench tui
//!
//! - a full fleet frame at 200×60 on a `TestBackend`;
//! - a filter keypress (re-filter and re-sort 10,000 rows, then a frame);
//! - applying stream rows, and what 100 rows/s cost of one core with the
//!   redraws they cause (at most 10 frames a second).

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use hub_proto::admin::{Fleet, FleetEntry, StreamMessage};
use hub_proto::{CustomerStatus, CustomerSummary, Health};
use hubctl::tui::{App, Msg, Theme, draw};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const CUSTOMERS: usize = 10_000;

fn entry(i: usize, status: CustomerStatus) -> FleetEntry {
    let t: jiff::Timestamp = "2026-11-27T10:00:00Z".parse().unwrap_or_default();
    FleetEntry {
        summary: CustomerSummary {
            customer_id: format!("customer-{i:05}"),
            status,
            health: Some(Health::Ok),
            last_report_at: Some(t),
            last_received_at: Some(t),
            controller_version: Some(format!("1.{}.{}", i % 3, i % 7)),
            hostname: Some(format!("felhom-{i:05}")),
            controller_url: None,
            monitoring_disabled: false,
            blocked: false,
            managed: !i.is_multiple_of(4),
            update_available: i.is_multiple_of(5),
        },
        display_name: Some(format!("Ügyfél {i}")),
        last_report_age_secs: Some((i % 3600) as i64),
        errors_24h: (i % 11) as i64,
        warnings_24h: (i % 13) as i64,
        reason: None,
        drift: None,
    }
}

fn status(i: usize) -> CustomerStatus {
    match i % 50 {
        0 => CustomerStatus::Down,
        1 | 2 => CustomerStatus::Warn,
        3 => CustomerStatus::Pending,
        _ => CustomerStatus::Ok,
    }
}

fn percentile(mut xs: Vec<Duration>, p: f64) -> Duration {
    xs.sort();
    xs[((xs.len() as f64 * p) as usize).min(xs.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let fleet = Fleet {
        customers: (0..CUSTOMERS).map(|i| entry(i, status(i))).collect(),
        latest_controller_version: Some("1.2.6".into()),
        stream_id: 1,
    };
    let mut app = App::new("https://hub.felhom.eu", false, fleet);
    let theme = Theme { color: true };
    let mut term = match Terminal::new(TestBackend::new(200, 60)) {
        Ok(t) => t,
        Err(e) => panic!("test backend: {e}"),
    };
    let frame = |term: &mut Terminal<TestBackend>, app: &mut App| {
        let start = Instant::now();
        let _ = term.draw(|f| draw(f, app, &theme));
        start.elapsed()
    };

    // 1. Frames.
    for _ in 0..20 {
        frame(&mut term, &mut app);
    }
    let frames: Vec<Duration> = (0..300)
        .map(|i| {
            app.update(Msg::Tick(i));
            frame(&mut term, &mut app)
        })
        .collect();
    println!(
        "fleet frame, {CUSTOMERS} customers, 200x60: median {}  p99 {}",
        ms(percentile(frames.clone(), 0.5)),
        ms(percentile(frames, 0.99))
    );

    // 2. A filter keypress: update plus the frame it causes.
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('/'),
        KeyModifiers::NONE,
    )));
    let keys: Vec<Duration> = (0..100)
        .map(|i| {
            let key = if i % 2 == 0 {
                KeyCode::Char('1')
            } else {
                KeyCode::Backspace
            };
            let start = Instant::now();
            app.update(Msg::Key(KeyEvent::new(key, KeyModifiers::NONE)));
            let _ = frame(&mut term, &mut app);
            start.elapsed()
        })
        .collect();
    let updates: Vec<Duration> = (0..100)
        .map(|i| {
            let key = if i % 2 == 0 {
                KeyCode::Char('1')
            } else {
                KeyCode::Backspace
            };
            let start = Instant::now();
            app.update(Msg::Key(KeyEvent::new(key, KeyModifiers::NONE)));
            start.elapsed()
        })
        .collect();
    println!(
        "filter update only: median {}",
        ms(percentile(updates, 0.5))
    );
    app.update(Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));
    println!(
        "filter keypress (update + frame): median {}  p99 {}",
        ms(percentile(keys.clone(), 0.5)),
        ms(percentile(keys, 0.99))
    );

    let sorts: Vec<Duration> = (0..70)
        .map(|_| {
            let start = Instant::now();
            app.update(Msg::Key(KeyEvent::new(
                KeyCode::Char('s'),
                KeyModifiers::NONE,
            )));
            start.elapsed()
        })
        .collect();
    println!("re-sort (s): median {}", ms(percentile(sorts, 0.5)));

    // 3. Stream rows: status changes move rows within the sort.
    let rows = 10_000;
    let start = Instant::now();
    for n in 0..rows {
        let i = (n * 7919) % CUSTOMERS;
        let row = entry(i, status(i + n + 1));
        app.update(Msg::Stream(StreamMessage::Row { row }));
    }
    let per_row = start.elapsed() / rows as u32;
    let frame_cost = percentile((0..50).map(|_| frame(&mut term, &mut app)).collect(), 0.5);
    let per_second = per_row * 100 + frame_cost * 10;
    println!(
        "stream rows: {} per row; 100 rows/s with 10 frames/s: {:.1}% of a core",
        ms(per_row),
        per_second.as_secs_f64() * 100.0
    );
}
