//! The incident rules end to end, on the manual clock at their real
//! lengths, asserting what the Resend double received (by idempotency
//! key): hub-made events (the dead man's switch) and controller-pushed
//! ones (`POST /api/v1/event`) go through the same rules.

use hub_server::jobs::staleness;
use jiff::{SignedDuration, Timestamp};
use reqwest::Method;
use serde_json::{Value, json};

use crate::fakes::{FakeResend, RESEND_KEY};
use crate::*;

const OPERATOR: &str = "ops@felhom.eu";

/// Short thresholds (a node is down after 2 minutes of silence) so a
/// cycle fits in minutes; every incident rule keeps its default.
fn fast_switch(c: &mut Config) {
    c.alerting.stale_threshold = GoDuration(Duration::from_secs(60));
    c.alerting.down_threshold = GoDuration(Duration::from_secs(120));
}

async fn hub_at(
    dir: Arc<tempfile::TempDir>,
    now: Timestamp,
    url: &str,
    tweak: fn(&mut Config),
) -> Hub {
    let url = url.to_owned();
    Hub::start_at(dir, Default::default(), now, move |c| {
        c.notifications.resend_base_url = url;
        c.notifications.resend_api_key = Secret(RESEND_KEY.into());
        c.notifications.operator_email = OPERATOR.into();
        tweak(c);
    })
    .await
}

async fn hub(tweak: fn(&mut Config)) -> (Hub, FakeResend, String) {
    let (fake, url) = FakeResend::start().await;
    let hub = hub_at(
        Arc::new(tempfile::tempdir().unwrap()),
        T0.parse().unwrap(),
        &url,
        tweak,
    )
    .await;
    (hub, fake, url)
}

/// (idempotency key, subject) of every email to `to`, in order.
fn mails(resend: &FakeResend, to: &str) -> Vec<(String, String)> {
    resend
        .delivered()
        .into_iter()
        .filter(|m| m.body["to"] == json!([to]))
        .map(|m| {
            (
                m.idempotency_key,
                m.body["subject"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn subjects(resend: &FakeResend, to: &str) -> Vec<String> {
    mails(resend, to).into_iter().map(|m| m.1).collect()
}

fn customer_mail(id: &str) -> String {
    format!("{id}@example.hu")
}

/// A customer who wants to hear about everything the incidents cover.
async fn subscribe(hub: &Hub, id: &str) {
    let prefs = json!({"customer_id": id, "email": customer_mail(id),
        "enabled_events": ["node_down", "node_recovered", "backup_failed"]});
    assert_eq!(
        hub.post_json("/api/v1/preferences", Some(KEY), &prefs)
            .await
            .status(),
        200
    );
}

async fn report_now(hub: &Hub, id: &str) {
    let now = hub.clock.now_ts().to_string();
    let resp = hub
        .post_json("/api/v1/report", Some(KEY), &report(id, &now))
        .await;
    assert_eq!(resp.status(), 200);
}

async fn push(hub: &Hub, id: &str, t: &str, severity: &str) {
    let body = json!({"customer_id": id, "event_type": t, "severity": severity,
        "message": format!("{t} happened")});
    assert_eq!(
        hub.post_json("/api/v1/event", Some(KEY), &body)
            .await
            .status(),
        201
    );
}

/// Moves the clock, runs the switch and the dispatcher.
async fn step(hub: &Hub, d: SignedDuration) {
    hub.clock.advance(d);
    staleness::check(&hub.state).await.unwrap();
    hub.drain().await;
}

/// `mins` minutes of `ids` reporting every minute.
async fn up(hub: &Hub, ids: &[&str], mins: usize) {
    for _ in 0..mins {
        hub.clock.advance(SignedDuration::from_secs(60));
        for id in ids {
            report_now(hub, id).await;
        }
        staleness::check(&hub.state).await.unwrap();
        hub.drain().await;
    }
}

async fn window(hub: &Hub, token: &str, body: Value) -> Value {
    let resp = hub
        .admin(Method::POST, "/maintenance", token, Some(body))
        .await;
    assert_eq!(resp.status(), 201);
    resp.json().await.unwrap()
}

fn at(hub: &Hub, d: SignedDuration) -> String {
    hub.clock.now_ts().checked_add(d).unwrap().to_string()
}

#[tokio::test]
async fn reminders_come_daily_three_times_and_survive_a_restart() {
    let (hub, resend, url) = hub(|_| {}).await;
    // Controller-pushed.
    push(&hub, "r1", "backup_failed", "error").await;
    hub.drain().await;
    assert_eq!(subjects(&resend, OPERATOR).len(), 1);

    step(&hub, SignedDuration::from_hours(24)).await;
    let s = subjects(&resend, OPERATOR);
    assert_eq!(s.len(), 2, "{s:?}");
    assert!(
        s[1].starts_with("Reminder: r1 backup failing for 1d"),
        "{s:?}"
    );

    // A restart between reminders neither repeats nor skips one.
    hub.clock.advance(SignedDuration::from_hours(6));
    let now = hub.clock.now_ts();
    let dir = hub.stop().await;
    let hub = hub_at(dir, now, &url, |_| {}).await;
    hub.drain().await;
    assert_eq!(subjects(&resend, OPERATOR).len(), 2);
    step(&hub, SignedDuration::from_hours(18)).await;
    hub.drain().await;
    step(&hub, SignedDuration::from_hours(24)).await;
    step(&hub, SignedDuration::from_hours(24)).await;
    step(&hub, SignedDuration::from_hours(24)).await;
    let m = mails(&resend, OPERATOR);
    let s: Vec<&str> = m.iter().map(|m| m.1.as_str()).collect();
    assert_eq!(s.len(), 4, "three reminders, then none: {s:?}");
    assert!(
        s[2].starts_with("Reminder: r1 backup failing for 2d"),
        "{s:?}"
    );
    assert!(
        s[3].starts_with("Reminder: r1 backup failing for 3d"),
        "{s:?}"
    );
    let mut keys: Vec<&str> = m.iter().map(|m| m.0.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), 4, "every email its own key");
    hub.stop().await;
}

#[tokio::test]
async fn a_reminder_due_inside_a_window_is_sent_after_it() {
    let (hub, resend, _) = hub(|_| {}).await;
    let token = hub.admin_token("ops", false).await;
    push(&hub, "w1", "backup_failed", "error").await;
    hub.drain().await;
    hub.clock.advance(SignedDuration::from_hours(23));
    window(
        &hub,
        &token,
        json!({"customer_id": "w1", "kind": "once", "starts_at": at(&hub, SignedDuration::ZERO),
               "ends_at": at(&hub, SignedDuration::from_hours(2)), "reason": "disk swap"}),
    )
    .await;
    step(&hub, SignedDuration::from_hours(1)).await;
    step(&hub, SignedDuration::from_mins(59)).await;
    assert_eq!(
        subjects(&resend, OPERATOR).len(),
        1,
        "held inside the window"
    );
    step(&hub, SignedDuration::from_mins(2)).await;
    let s = subjects(&resend, OPERATOR);
    assert_eq!(s.len(), 2, "{s:?}");
    assert!(s[1].starts_with("Reminder: w1 backup failing"), "{s:?}");
    hub.stop().await;
}

#[tokio::test]
async fn a_told_down_gets_its_recovered_with_the_duration() {
    let (hub, resend, _) = hub(fast_switch).await;
    subscribe(&hub, "d1").await;
    report_now(&hub, "d1").await;
    // Hub-made: silent for 3 minutes, then down for an hour.
    step(&hub, SignedDuration::from_mins(3)).await;
    step(&hub, SignedDuration::from_mins(60)).await;
    report_now(&hub, "d1").await;
    step(&hub, SignedDuration::from_secs(1)).await;
    assert_eq!(
        subjects(&resend, OPERATOR).len(),
        1,
        "waits out resolve_hold"
    );
    up(&hub, &["d1"], 15).await;
    let ops = mails(&resend, OPERATOR);
    assert_eq!(ops.len(), 2, "{ops:?}");
    assert!(ops[0].1.contains("node is DOWN"), "{ops:?}");
    assert!(ops[1].1.contains("d1: node recovered after 1h"), "{ops:?}");
    assert!(ops[1].0.ends_with("-resolved-operator"), "{ops:?}");
    let cust = subjects(&resend, &customer_mail("d1"));
    assert_eq!(cust.len(), 2, "{cust:?}");
    assert!(cust[1].contains("ismét elérhető"), "{cust:?}");
    let resp = hub
        .admin(
            Method::GET,
            "/incidents?customer=d1",
            &hub.admin_token("ro", true).await,
            None,
        )
        .await;
    let v: Value = resp.json().await.unwrap();
    let inc = &v["incidents"][0];
    assert_eq!(inc["family"], "node");
    assert!(inc["resolved_at"].is_string(), "{v}");
    assert!(inc["notified_operator_at"].is_string(), "{v}");
    hub.stop().await;
}

#[tokio::test]
async fn a_down_held_by_maintenance_gets_no_recovered() {
    let (hub, resend, _) = hub(fast_switch).await;
    let token = hub.admin_token("ops", false).await;
    subscribe(&hub, "m1").await;
    report_now(&hub, "m1").await;
    window(
        &hub,
        &token,
        json!({"customer_id": "m1", "kind": "once", "starts_at": at(&hub, SignedDuration::ZERO),
               "ends_at": at(&hub, SignedDuration::from_hours(1)), "reason": "kernel update"}),
    )
    .await;
    step(&hub, SignedDuration::from_mins(3)).await;
    // Controller-pushed, inside the window too.
    push(&hub, "m1", "backup_failed", "error").await;
    step(&hub, SignedDuration::from_mins(10)).await;
    push(&hub, "m1", "backup_completed", "info").await;
    up(&hub, &["m1"], 150).await;
    assert!(
        resend.delivered().is_empty(),
        "{:?}",
        subjects(&resend, OPERATOR)
    );
    let log = hub.store.notification_log_for(None, 100).await.unwrap();
    assert!(
        log.iter()
            .any(|r| r.event_type == "node_down" && r.reason == "maintenance"),
        "{log:?}"
    );
    hub.stop().await;
}

#[tokio::test]
async fn still_down_after_maintenance_is_told_once_after_the_grace() {
    let (hub, resend, _) = hub(fast_switch).await;
    let token = hub.admin_token("ops", false).await;
    subscribe(&hub, "g1").await;
    report_now(&hub, "g1").await;
    window(
        &hub,
        &token,
        json!({"customer_id": "g1", "kind": "once", "starts_at": at(&hub, SignedDuration::ZERO),
               "ends_at": at(&hub, SignedDuration::from_mins(30)), "reason": "kernel update"}),
    )
    .await;
    // Down inside the window; the window ends; the grace (20m) passes.
    step(&hub, SignedDuration::from_mins(3)).await;
    step(&hub, SignedDuration::from_mins(27)).await;
    step(&hub, SignedDuration::from_mins(19)).await;
    assert!(resend.delivered().is_empty());
    step(&hub, SignedDuration::from_mins(2)).await;
    step(&hub, SignedDuration::from_mins(30)).await;
    let ops = subjects(&resend, OPERATOR);
    assert_eq!(ops.len(), 1, "{ops:?}");
    assert!(
        ops[0].contains("after maintenance 'kernel update'"),
        "{ops:?}"
    );
    let text = resend.delivered()[0].body["text"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(text.contains("ended at 11:30"), "{text}");
    let cust = subjects(&resend, &customer_mail("g1"));
    assert_eq!(cust.len(), 1, "{cust:?}");
    // It was told, so its recovery is told too.
    up(&hub, &["g1"], 16).await;
    let ops = subjects(&resend, OPERATOR);
    assert_eq!(ops.len(), 2, "{ops:?}");
    assert!(ops[1].contains("node recovered"), "{ops:?}");
    hub.stop().await;
}

#[tokio::test]
async fn down_again_within_the_resolve_hold_sends_nothing_extra() {
    let (hub, resend, _) = hub(fast_switch).await;
    subscribe(&hub, "f1").await;
    report_now(&hub, "f1").await;
    step(&hub, SignedDuration::from_mins(3)).await;
    report_now(&hub, "f1").await;
    step(&hub, SignedDuration::from_secs(1)).await;
    // Silent again 5 minutes into the 15-minute hold.
    step(&hub, SignedDuration::from_mins(1)).await;
    step(&hub, SignedDuration::from_mins(4)).await;
    up(&hub, &["f1"], 16).await;
    let ops = subjects(&resend, OPERATOR);
    assert_eq!(ops.len(), 2, "one down, one recovered: {ops:?}");
    assert!(ops[0].contains("node is DOWN") && ops[1].contains("node recovered"));
    assert_eq!(subjects(&resend, &customer_mail("f1")).len(), 2);
    let log = hub.store.notification_log_for(None, 100).await.unwrap();
    assert!(
        log.iter()
            .any(|r| r.event_type == "node_down" && r.reason == "resolve_hold"),
        "{log:?}"
    );
    hub.stop().await;
}

#[tokio::test]
async fn a_hundred_due_reminders_make_one_email() {
    let (hub, resend, _) = hub(|_| {}).await;
    for i in 0..100 {
        let id = format!("n{i:03}");
        push(&hub, &id, "backup_failed", "error").await;
    }
    hub.drain().await;
    assert_eq!(resend.delivered().len(), 100);
    step(&hub, SignedDuration::from_hours(24)).await;
    let s = subjects(&resend, OPERATOR);
    assert_eq!(s.len(), 101);
    assert!(
        s[100].starts_with("Reminder: 100 incidents still open"),
        "{}",
        s[100]
    );
    let text = resend.delivered()[100].body["text"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(text.matches("backup failing for 1d").count(), 100);
    hub.stop().await;
}

#[tokio::test]
async fn the_node_being_down_holds_its_other_news_on_both_paths() {
    let (hub, resend, _) = hub(fast_switch).await;
    subscribe(&hub, "i1").await;
    report_now(&hub, "i1").await;
    step(&hub, SignedDuration::from_mins(3)).await;
    // Controller-pushed while the node is down.
    push(&hub, "i1", "backup_failed", "error").await;
    push(&hub, "i1", "container_unhealthy", "warning").await;
    hub.drain().await;
    assert_eq!(subjects(&resend, OPERATOR).len(), 1);
    up(&hub, &["i1"], 16).await;
    let m = resend.delivered();
    let recovered = m
        .iter()
        .find(|m| {
            m.body["subject"]
                .as_str()
                .unwrap()
                .contains("node recovered")
        })
        .unwrap();
    let text = recovered.body["text"].as_str().unwrap();
    assert!(
        text.contains("backup_failed ×1") && text.contains("container_unhealthy ×1"),
        "{text}"
    );
    let log = hub.store.notification_log_for(None, 100).await.unwrap();
    let inhibited: Vec<_> = log
        .iter()
        .filter(|r| r.reason == "inhibited")
        .map(|r| (r.channel.as_str(), r.event_type.as_str()))
        .collect();
    assert!(
        inhibited.contains(&("operator", "backup_failed")),
        "{inhibited:?}"
    );
    assert!(
        inhibited.contains(&("customer", "backup_failed")),
        "{inhibited:?}"
    );
    // The backup incident it held, still open, is told once the node is
    // back.
    up(&hub, &["i1"], 1).await;
    let s = subjects(&resend, OPERATOR);
    assert!(
        s.iter()
            .any(|s| s.contains("i1: backup still failing after its node's outage")),
        "{s:?}"
    );
    hub.stop().await;
}

async fn fleet(hub: &Hub, n: usize) -> Vec<String> {
    let ids: Vec<String> = (0..n).map(|i| format!("m{i}")).collect();
    for id in &ids {
        subscribe(hub, id).await;
        report_now(hub, id).await;
    }
    ids
}

#[tokio::test]
async fn eight_of_eight_silent_is_one_mass_outage_email_and_nothing_for_customers() {
    let (hub, resend, _) = hub(fast_switch).await;
    let ids = fleet(&hub, 8).await;
    step(&hub, SignedDuration::from_secs(61)).await;
    step(&hub, SignedDuration::from_mins(2)).await;
    step(&hub, SignedDuration::from_mins(30)).await;
    let s = subjects(&resend, OPERATOR);
    assert_eq!(s.len(), 1, "{s:?}");
    assert!(
        s[0].contains("Mass outage: 8 of 8 nodes silent since 11:00"),
        "{s:?}"
    );
    // Seven come back; one stays down past the grace.
    let seven: Vec<&str> = ids[..7].iter().map(String::as_str).collect();
    up(&hub, &seven, 19).await;
    let s = subjects(&resend, OPERATOR);
    assert_eq!(s.len(), 2, "{s:?}");
    assert!(s[1].contains("Mass outage over"), "{s:?}");
    for id in &ids[..7] {
        assert!(subjects(&resend, &customer_mail(id)).is_empty());
    }
    up(&hub, &seven, 2).await;
    let s = subjects(&resend, OPERATOR);
    assert_eq!(s.len(), 3, "{s:?}");
    assert!(
        s[2].contains("m7: still down after the mass outage"),
        "{s:?}"
    );
    assert_eq!(subjects(&resend, &customer_mail("m7")).len(), 1);
    let log = hub.store.notification_log_for(None, 500).await.unwrap();
    assert!(
        log.iter()
            .any(|r| r.reason == "mass_outage" && r.channel == "customer")
    );
    hub.stop().await;
}

#[tokio::test]
async fn two_of_eight_silent_is_the_normal_flow() {
    let (hub, resend, _) = hub(fast_switch).await;
    let ids = fleet(&hub, 8).await;
    // Six keep reporting.
    for _ in 0..3 {
        hub.clock.advance(SignedDuration::from_secs(50));
        for id in &ids[2..] {
            report_now(&hub, id).await;
        }
        staleness::check(&hub.state).await.unwrap();
        hub.drain().await;
    }
    let s = subjects(&resend, OPERATOR);
    assert!(!s.iter().any(|s| s.contains("Mass outage")), "{s:?}");
    assert_eq!(
        s.iter().filter(|s| s.contains("node is DOWN")).count(),
        2,
        "{s:?}"
    );
    assert_eq!(subjects(&resend, &customer_mail("m0")).len(), 1);
    assert_eq!(subjects(&resend, &customer_mail("m1")).len(), 1);
    hub.stop().await;
}

/// `n` down/up cycles of 24 minutes: 3 minutes silent (down), then a
/// report, and reports for a few minutes (up less than the resolve hold).
async fn flap(hub: &Hub, id: &str, n: usize) {
    for _ in 0..n {
        step(hub, SignedDuration::from_mins(3)).await;
        step(hub, SignedDuration::from_mins(11)).await;
        report_now(hub, id).await;
        step(hub, SignedDuration::from_secs(1)).await;
        for _ in 0..9 {
            hub.clock.advance(SignedDuration::from_secs(59));
            report_now(hub, id).await;
        }
        hub.drain().await;
    }
}

#[tokio::test]
async fn five_cycles_in_two_hours_are_one_down_one_flapping_one_stable() {
    let (hub, resend, _) = hub(fast_switch).await;
    subscribe(&hub, "fl").await;
    report_now(&hub, "fl").await;
    flap(&hub, "fl", 5).await;
    let s = subjects(&resend, OPERATOR);
    assert_eq!(s.len(), 2, "{s:?}");
    assert!(
        s[0].contains("node is DOWN") && s[1].contains("flapping"),
        "{s:?}"
    );
    // Stable for an hour (reporting every minute).
    for _ in 0..61 {
        hub.clock.advance(SignedDuration::from_secs(60));
        report_now(&hub, "fl").await;
        staleness::check(&hub.state).await.unwrap();
        hub.drain().await;
    }
    let s = subjects(&resend, OPERATOR);
    assert_eq!(s.len(), 3, "{s:?}");
    assert!(
        s[2].contains("stable again after 5 down/up cycles"),
        "{s:?}"
    );
    let c = subjects(&resend, &customer_mail("fl"));
    assert_eq!(c.len(), 2, "the first down and its recovery: {c:?}");
    assert!(c[1].contains("ismét elérhető"), "{c:?}");
    hub.stop().await;
}

#[tokio::test]
async fn three_cycles_are_the_normal_flow() {
    let (hub, resend, _) = hub(fast_switch).await;
    subscribe(&hub, "f3").await;
    report_now(&hub, "f3").await;
    flap(&hub, "f3", 3).await;
    for _ in 0..20 {
        hub.clock.advance(SignedDuration::from_secs(60));
        report_now(&hub, "f3").await;
        staleness::check(&hub.state).await.unwrap();
        hub.drain().await;
    }
    let s = subjects(&resend, OPERATOR);
    assert_eq!(s.len(), 2, "{s:?}");
    assert!(
        s[0].contains("node is DOWN") && s[1].contains("node recovered"),
        "{s:?}"
    );
    assert!(!s.iter().any(|s| s.contains("flapping")));
    hub.stop().await;
}
