//! The live model's own rules: replay, lag, JSON splicing, late reports.

#![allow(clippy::unwrap_used)]
use super::*;
use hub_proto::{Health, StatusThresholds};
use jiff::Timestamp;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn report(id: &str, t: &str, health: Health) -> Change {
    Change::Report {
        customer_id: id.into(),
        timestamp: ts(t),
        received_at: ts(t),
        health,
        monitoring_disabled: false,
        controller_version: Some("1.8.2".into()),
        controller_url: None,
        hostname: Some("h".into()),
        signals: Default::default(),
        own_key: false,
    }
}

#[test]
fn reconnecting_subscribers_get_what_they_missed_or_a_reset() {
    let live = Live::new(100, SUBSCRIBER_BUFFER);
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
fn an_id_from_another_hub_behind_the_service_is_a_reset_not_a_replay() {
    // Two hubs started a moment apart, the first busier: with ids counted
    // from the start time, the first's newest id fell inside the second's
    // ring and a client moving over was replayed from a foreign position.
    let a = Live::with_new_epoch(8);
    let mut b = Live::with_new_epoch(8);
    while b.last_id() >> EPOCH_SHIFT == a.last_id() >> EPOCH_SHIFT {
        b = Live::with_new_epoch(8);
    }
    for i in 0..1000 {
        a.publish(Msg::Removed(format!("a{i}")));
    }
    for i in 0..2000 {
        b.publish(Msg::Removed(format!("b{i}")));
    }
    assert!(
        !a.subscribe(Some(a.last_id() - 1)).reset,
        "its own hub replays"
    );
    let moved = b.subscribe(Some(a.last_id()));
    assert!(moved.reset && moved.replay.is_empty());
    // Nor does an id of a hub that ran before a restart resume anything.
    let restarted = Live::with_new_epoch(8);
    restarted.publish(Msg::Removed("x".into()));
    assert!(restarted.subscribe(Some(b.last_id())).reset);
}

#[test]
fn a_subscriber_that_does_not_read_falls_behind_without_holding_anyone() {
    let live = Live::new(1, 8);
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
    let live = Live::new(1, SUBSCRIBER_BUFFER);
    live.apply(vec![
        report("a", "2026-11-27T10:00:00Z", Health::Warn),
        Change::Config {
            customer_id: "a".into(),
            display_name: "Kovács \"család\"".into(),
        },
        Change::Config {
            customer_id: "b".into(),
            display_name: String::new(),
        },
        Change::Event(EventRecord {
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
        tz: jiff::tz::TimeZone::UTC,
        maintenance: Default::default(),
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
    let live = Live::new(1, SUBSCRIBER_BUFFER);
    live.apply(vec![report("a", "2026-11-27T10:15:00Z", Health::Warn)]);
    live.apply(vec![Change::Report {
        customer_id: "a".into(),
        timestamp: ts("2026-11-27T10:00:00Z"),
        received_at: ts("2026-11-27T10:20:00Z"),
        health: Health::Ok,
        monitoring_disabled: false,
        controller_version: None,
        controller_url: None,
        hostname: None,
        signals: Default::default(),
        own_key: false,
    }]);
    let row = live.row("a").unwrap();
    assert_eq!(row.health, Some(Health::Warn));
    assert_eq!(row.last_received_at, Some(ts("2026-11-27T10:20:00Z")));
}

#[test]
fn a_poisoned_model_still_follows_the_database() {
    let live = std::sync::Arc::new(Live::new(1, SUBSCRIBER_BUFFER));
    let l2 = live.clone();
    let _ = std::thread::spawn(move || {
        let _held = l2.rows.write();
        panic!("a reader of the model panicked");
    })
    .join();
    live.apply(vec![report("a", "2026-11-27T10:00:00Z", Health::Ok)]);
    assert!(live.row("a").is_some(), "the change was dropped");
    assert!(crate::sync::poisoned_locks() >= 1);
}
