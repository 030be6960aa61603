#![allow(clippy::unwrap_used)]
use super::*;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

#[test]
fn a_window_for_a_duration_starts_at_the_hubs_now() {
    let now = ts("2026-11-27T10:00:00Z");
    let w = NewMaintenance {
        customer_id: None,
        kind: WindowKind::Once,
        starts_at: None,
        ends_at: None,
        start_time: None,
        duration_s: Some(7200),
        weekdays: vec![],
        timezone: String::new(),
        reason: "r".into(),
    };
    let a = w.clone().anchored(now);
    assert_eq!(a.starts_at, Some(now));
    assert_eq!(a.ends_at, Some(ts("2026-11-27T12:00:00Z")));
    assert_eq!(a.duration_s, None);
    assert!(
        a.validate(now, SignedDuration::from_hours(168), "UTC")
            .is_ok()
    );
    // Without anchoring it is incomplete; a daily window is left alone.
    assert!(
        w.validate(now, SignedDuration::from_hours(168), "UTC")
            .is_err()
    );
    let daily = NewMaintenance {
        kind: WindowKind::Daily,
        start_time: Some("02:00".into()),
        ..w
    };
    assert_eq!(daily.clone().anchored(now), daily);
}

fn recurring(kind: WindowKind, start: &str, secs: i64, days: &[&str]) -> MaintenanceWindow {
    MaintenanceWindow {
        id: 1,
        customer_id: None,
        kind,
        starts_at: None,
        ends_at: None,
        start_time: Some(start.into()),
        duration_s: Some(secs),
        weekdays: days.iter().map(|d| d.to_string()).collect(),
        timezone: "Europe/Budapest".into(),
        reason: "r".into(),
        created_by: "t".into(),
        created_at: ts("2026-01-01T00:00:00Z"),
        ended_at: None,
        active_until: None,
        next_start: None,
    }
}

/// (window, instant, expected active occurrence as (start, end) in UTC).
#[test]
fn windows_across_dst_midnight_and_weekdays() {
    use WindowKind::*;
    let h = 3600;
    type Case = (
        MaintenanceWindow,
        &'static str,
        Option<(&'static str, &'static str)>,
    );
    let cases: Vec<Case> = vec![
        // Winter (CET, +01): 02:00 local is 01:00Z.
        (
            recurring(Daily, "02:00", h, &[]),
            "2026-12-01T01:30:00Z",
            Some(("2026-12-01T01:00:00Z", "2026-12-01T02:00:00Z")),
        ),
        (
            recurring(Daily, "02:00", h, &[]),
            "2026-12-01T02:00:00Z",
            None,
        ),
        (
            recurring(Daily, "02:00", h, &[]),
            "2026-12-01T00:59:59Z",
            None,
        ),
        // Summer (CEST, +02): 02:00 local is 00:00Z.
        (
            recurring(Daily, "02:00", h, &[]),
            "2026-07-01T00:30:00Z",
            Some(("2026-07-01T00:00:00Z", "2026-07-01T01:00:00Z")),
        ),
        // 29 March 2026: 02:30 does not exist; it starts at 03:30 CEST (01:30Z).
        (
            recurring(Daily, "02:30", h, &[]),
            "2026-03-29T01:29:00Z",
            None,
        ),
        (
            recurring(Daily, "02:30", h, &[]),
            "2026-03-29T01:30:00Z",
            Some(("2026-03-29T01:30:00Z", "2026-03-29T02:30:00Z")),
        ),
        // 25 October 2026: 02:30 occurs twice; the first (CEST, 00:30Z) counts.
        (
            recurring(Daily, "02:30", h, &[]),
            "2026-10-25T00:45:00Z",
            Some(("2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z")),
        ),
        (
            recurring(Daily, "02:30", h, &[]),
            "2026-10-25T01:45:00Z",
            None,
        ),
        // A window over the DST change lasts its real duration: 01:00 CET + 3 h.
        (
            recurring(Daily, "01:00", 3 * h, &[]),
            "2026-03-29T02:30:00Z",
            Some(("2026-03-29T00:00:00Z", "2026-03-29T03:00:00Z")),
        ),
        // Crossing midnight: Sunday 23:00 + 2 h is active on Monday 00:30.
        (
            recurring(Weekly, "23:00", 2 * h, &["sun"]),
            "2026-12-06T23:30:00Z",
            Some(("2026-12-06T22:00:00Z", "2026-12-07T00:00:00Z")),
        ),
        (
            recurring(Weekly, "23:00", 2 * h, &["sun"]),
            "2026-12-07T00:00:00Z",
            None,
        ),
        // 2026-12-07 is a Monday: a Sunday-only window is not active Monday 23:30.
        (
            recurring(Weekly, "23:00", 2 * h, &["sun"]),
            "2026-12-07T22:30:00Z",
            None,
        ),
        (
            recurring(Weekly, "02:00", h, &["sun", "wed"]),
            "2026-12-09T01:10:00Z",
            Some(("2026-12-09T01:00:00Z", "2026-12-09T02:00:00Z")),
        ),
        (
            recurring(Weekly, "02:00", h, &["sun", "wed"]),
            "2026-12-08T01:10:00Z",
            None,
        ),
        // A 24 h daily window is always active.
        (
            recurring(Daily, "00:00", 24 * h, &[]),
            "2026-12-08T22:59:59Z",
            Some(("2026-12-07T23:00:00Z", "2026-12-08T23:00:00Z")),
        ),
    ];
    for (i, (w, at, want)) in cases.into_iter().enumerate() {
        let got = w.active_at(ts(at));
        assert_eq!(got, want.map(|(s, e)| (ts(s), ts(e))), "case {i}: {at}");
    }
}

#[test]
fn once_windows_end_early_and_say_what_is_next() {
    let mut w = recurring(WindowKind::Once, "00:00", 1, &[]);
    (w.start_time, w.duration_s) = (None, None);
    w.starts_at = Some(ts("2026-12-01T10:00:00Z"));
    w.ends_at = Some(ts("2026-12-01T12:00:00Z"));
    assert_eq!(w.next_start(ts("2026-12-01T09:00:00Z")), w.starts_at);
    assert!(w.active_at(ts("2026-12-01T11:00:00Z")).is_some());
    w.ended_at = Some(ts("2026-12-01T10:30:00Z"));
    assert_eq!(
        w.active_at(ts("2026-12-01T10:15:00Z")),
        Some((ts("2026-12-01T10:00:00Z"), ts("2026-12-01T10:30:00Z")))
    );
    assert_eq!(w.active_at(ts("2026-12-01T11:00:00Z")), None);
    let daily = recurring(WindowKind::Daily, "02:00", 3600, &[]);
    assert_eq!(
        daily.next_start(ts("2026-12-01T03:00:00Z")),
        Some(ts("2026-12-02T01:00:00Z"))
    );
    // Customer A's window never covers B; a fleet window covers all.
    let mut a = daily.clone();
    a.customer_id = Some("a".into());
    assert!(a.covers("a") && !a.covers("b") && daily.covers("b"));
    let at = ts("2026-12-01T01:30:00Z");
    assert!(active_window(std::slice::from_ref(&a), "b", at).is_none());
    assert_eq!(
        active_window(&[a, daily], "a", at).map(|(_, e)| e),
        Some(ts("2026-12-01T02:00:00Z"))
    );
}

#[test]
fn new_windows_are_checked() {
    let now = ts("2026-12-01T10:00:00Z");
    let week = SignedDuration::from_hours(24 * 7);
    let once = |from: &str, until: &str| NewMaintenance {
        customer_id: Some("c1".into()),
        kind: WindowKind::Once,
        starts_at: Some(ts(from)),
        ends_at: Some(ts(until)),
        start_time: None,
        duration_s: None,
        weekdays: vec![],
        timezone: String::new(),
        reason: "disk swap".into(),
    };
    let ok = once("2026-12-01T10:00:00Z", "2026-12-01T12:00:00Z");
    assert!(ok.validate(now, week, "Europe/Budapest").is_ok());
    let field = |m: &NewMaintenance| m.validate(now, week, "Europe/Budapest").unwrap_err().field;
    assert_eq!(
        field(&once("2026-12-01T10:00:00Z", "2026-12-09T10:00:00Z")),
        "ends_at"
    );
    assert_eq!(
        field(&once("2026-12-01T08:00:00Z", "2026-12-01T09:00:00Z")),
        "ends_at"
    );
    let mut m = ok.clone();
    m.reason = " ".into();
    assert_eq!(field(&m), "reason");
    let mut m = ok.clone();
    m.timezone = "Mars/Olympus".into();
    assert_eq!(field(&m), "timezone");
    let weekly = NewMaintenance {
        kind: WindowKind::Weekly,
        starts_at: None,
        ends_at: None,
        start_time: Some("02:00".into()),
        duration_s: Some(3600),
        weekdays: vec!["sun".into(), "wed".into()],
        ..ok.clone()
    };
    assert!(weekly.validate(now, week, "Europe/Budapest").is_ok());
    let mut m = weekly.clone();
    m.weekdays = vec!["sunday".into()];
    assert_eq!(field(&m), "weekdays");
    let mut m = weekly.clone();
    m.duration_s = Some(25 * 3600);
    assert_eq!(field(&m), "duration_s");
    let mut m = weekly.clone();
    m.start_time = Some("2:00".into());
    assert_eq!(field(&m), "start_time");
    let mut m = weekly;
    m.kind = WindowKind::Daily;
    assert_eq!(field(&m), "weekdays");
}
