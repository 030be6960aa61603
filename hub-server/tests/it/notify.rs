//! The notification pipeline against a fake Resend on loopback.

use hub_proto::admin::NotificationRecord as LogRow;
use hub_server::jobs::staleness;
use jiff::SignedDuration;
use serde_json::{Value, json};

use crate::fakes::{FakeResend, RESEND_KEY};
use crate::*;

const OPERATOR: &str = "ops@felhom.eu";

async fn hub_with_resend() -> (Hub, FakeResend) {
    hub_with_resend_and(|_| {}).await
}

/// A hub that mails the operator through a fake Resend, with `tweak` on
/// top of that configuration.
async fn hub_with_resend_and(tweak: impl FnOnce(&mut Config)) -> (Hub, FakeResend) {
    let (fake, url) = FakeResend::start().await;
    let hub = Hub::start_with(
        Arc::new(tempfile::tempdir().unwrap()),
        Default::default(),
        |c| {
            c.notifications.resend_base_url = url.clone();
            c.notifications.resend_api_key = Secret(RESEND_KEY.into());
            c.notifications.operator_email = OPERATOR.into();
            tweak(c);
        },
    )
    .await;
    (hub, fake)
}

fn event(customer: &str, t: &str, severity: &str) -> Value {
    json!({"customer_id": customer, "event_type": t, "severity": severity, "message": format!("{t} happened")})
}

/// The log in event order, the operator's row before the customer's:
/// skips are logged when decided and sends when delivered, so raw log
/// order mixes them.
async fn log(hub: &Hub) -> Vec<LogRow> {
    let mut rows = hub.store.notification_log_for(None, 1000).await.unwrap();
    rows.reverse();
    rows.sort_by_key(|r| (r.event.unwrap_or(i64::MAX), r.channel == "customer"));
    rows
}

async fn operator_log(hub: &Hub) -> Vec<LogRow> {
    let mut rows = log(hub).await;
    rows.retain(|r| r.channel == "operator");
    rows
}

fn summary(rows: &[LogRow]) -> Vec<(String, String, String, String)> {
    rows.iter()
        .map(|r| {
            (
                r.channel.clone(),
                r.event_type.clone(),
                r.outcome.clone(),
                r.reason.clone(),
            )
        })
        .collect()
}

fn row(channel: &str, t: &str, outcome: &str, reason: &str) -> (String, String, String, String) {
    (channel.into(), t.into(), outcome.into(), reason.into())
}

#[tokio::test]
async fn operator_gets_warnings_and_errors_once_per_cooldown() {
    let (hub, resend) = hub_with_resend().await;
    for body in [
        event("c1", "backup_completed", "info"),
        event("c1", "backup_failed", "error"),
        event("c1", "backup_failed", "error"),
        event("c1", "container_unhealthy", "warning"),
    ] {
        assert_eq!(
            hub.post_json("/api/v1/event", Some(KEY), &body)
                .await
                .status(),
            201
        );
    }
    assert_eq!(hub.drain().await, 4);
    let rows = log(&hub).await;
    assert_eq!(
        summary(&rows),
        vec![
            row("operator", "backup_failed", "sent", ""),
            // backup_failed is customer-facing: a decision for that channel too.
            row("customer", "backup_failed", "skipped", "no_address"),
            // The backup incident is open and told: reminders say it again.
            row("operator", "backup_failed", "skipped", "open_incident"),
            row("customer", "backup_failed", "skipped", "open_incident"),
            row("operator", "container_unhealthy", "sent", ""),
        ]
    );
    let sent = resend.delivered();
    assert_eq!(sent.len(), 2);
    let mail = &sent[0].body;
    assert_eq!(mail["to"], json!([OPERATOR]));
    assert_eq!(mail["from"], "monitoring@felhom.eu");
    assert_eq!(mail["subject"], "[felhom ERROR] c1: backup failed");
    assert!(
        mail["text"]
            .as_str()
            .unwrap()
            .contains("backup_failed happened")
    );
    assert!(
        mail["html"]
            .as_str()
            .unwrap()
            .contains("https://hub.example.test/customers/c1")
    );
    assert_eq!(rows[0].provider_id.as_deref(), Some("email-1"));
    assert_eq!(rows[0].recipient, OPERATOR);

    // After the cooldown a failure of the still open incident is not news…
    hub.clock.advance(SignedDuration::from_mins(61));
    hub.post_json(
        "/api/v1/event",
        Some(KEY),
        &event("c1", "backup_failed", "error"),
    )
    .await;
    hub.drain().await;
    assert_eq!(resend.delivered().len(), 2);
    // …a warning of another kind is sent again after its cooldown, and a
    // failure after a success opens a new incident, told at once.
    for body in [
        event("c1", "container_unhealthy", "warning"),
        event("c1", "backup_completed", "info"),
        event("c1", "backup_failed", "error"),
    ] {
        hub.post_json("/api/v1/event", Some(KEY), &body).await;
    }
    hub.drain().await;
    let subjects: Vec<String> = resend
        .delivered()
        .iter()
        .map(|m| m.body["subject"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(subjects.len(), 5, "{subjects:?}");
    assert!(subjects[3].contains("backup works again"), "{subjects:?}");
    assert!(subjects[4].contains("backup failed"), "{subjects:?}");
    hub.stop().await;
}

#[tokio::test]
async fn customers_get_hungarian_mail_for_what_they_enabled() {
    let (hub, resend) = hub_with_resend().await;
    let prefs = json!({"customer_id": "kovacs", "email": "kovacs@example.hu", "enabled_events": ["backup_failed", "disk_space_low"], "cooldown_hours": 2});
    assert_eq!(
        hub.post_json("/api/v1/preferences", Some(KEY), &prefs)
            .await
            .status(),
        200
    );
    for body in [
        event("kovacs", "backup_failed", "error"),
        event("kovacs", "dbdump_failed", "error"),
        event("kovacs", "backup_failed", "error"),
    ] {
        hub.post_json("/api/v1/event", Some(KEY), &body).await;
    }
    hub.drain().await;
    let customer_rows: Vec<_> = summary(&log(&hub).await)
        .into_iter()
        .filter(|r| r.0 == "customer")
        .collect();
    assert_eq!(
        customer_rows,
        vec![
            row("customer", "backup_failed", "sent", ""),
            row("customer", "dbdump_failed", "skipped", "disabled"),
            row("customer", "backup_failed", "skipped", "open_incident"),
        ]
    );
    let to_customer: Vec<_> = resend
        .delivered()
        .into_iter()
        .filter(|m| m.body["to"] == json!(["kovacs@example.hu"]))
        .collect();
    assert_eq!(to_customer.len(), 1);
    let m = &to_customer[0].body;
    assert!(
        m["subject"]
            .as_str()
            .unwrap()
            .contains("Nem sikerült a biztonsági mentés"),
        "{m}"
    );
    assert!(m["text"].as_str().unwrap().starts_with("Kedves Ügyfelünk!"));
    assert!(m["text"].as_str().unwrap().contains("kovacs"));

    // A success closes the incident: the customer, told of the failure, is
    // told it is over (paired, whatever the preferences); the next failure
    // is a new incident and news, cooldown or not.
    hub.clock.advance(SignedDuration::from_mins(30));
    for body in [
        event("kovacs", "backup_completed", "info"),
        event("kovacs", "backup_failed", "error"),
    ] {
        hub.post_json("/api/v1/event", Some(KEY), &body).await;
    }
    hub.drain().await;
    let subjects: Vec<String> = resend
        .delivered()
        .into_iter()
        .filter(|m| m.body["to"] == json!(["kovacs@example.hu"]))
        .map(|m| m.body["subject"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(subjects.len(), 3, "{subjects:?}");
    assert!(subjects[1].contains("ismét sikeres"), "{subjects:?}");
    assert!(subjects[2].contains("Nem sikerült a biztonsági mentés"));
    hub.stop().await;
}

#[tokio::test]
async fn blocked_customers_are_logged_not_mailed() {
    let (hub, resend) = hub_with_resend().await;
    let prefs =
        json!({"customer_id": "b", "email": "b@example.hu", "enabled_events": ["backup_failed"]});
    hub.post_json("/api/v1/preferences", Some(KEY), &prefs)
        .await;
    hub.store.set_blocked("b".into(), true).await.unwrap();
    hub.post_json(
        "/api/v1/event",
        Some(KEY),
        &event("b", "backup_failed", "error"),
    )
    .await;
    let n = json!({"customer_id": "b", "subject": "Legacy", "message": "m"});
    assert_eq!(
        hub.post_json("/api/v1/notify", Some(KEY), &n)
            .await
            .status(),
        202
    );
    hub.drain().await;
    assert_eq!(
        summary(&log(&hub).await),
        vec![
            row("operator", "backup_failed", "skipped", "blocked"),
            row("customer", "backup_failed", "skipped", "blocked"),
            row("operator", "legacy_notify", "skipped", "blocked"),
        ]
    );
    assert!(resend.attempts().is_empty());
    hub.stop().await;
}

#[tokio::test]
async fn legacy_notify_relays_one_operator_email() {
    let (hub, resend) = hub_with_resend().await;
    let n = json!({"customer_id": "old", "subject": "Disk almost full", "message": "92% used", "severity": "warning"});
    hub.post_json("/api/v1/notify", Some(KEY), &n).await;
    hub.drain().await;
    let sent = resend.delivered();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].body["subject"],
        "[felhom WARNING] old: Disk almost full"
    );
    assert!(sent[0].body["text"].as_str().unwrap().contains("92% used"));
    assert_eq!(
        summary(&log(&hub).await),
        vec![row("operator", "legacy_notify", "sent", "")]
    );
    hub.stop().await;
}

#[tokio::test]
async fn retries_transient_failures_later_with_one_idempotency_key() {
    let (hub, resend) = hub_with_resend().await;
    resend.fail_next(503, None);
    resend.fail_next(429, Some(120));
    hub.post_json(
        "/api/v1/event",
        Some(KEY),
        &event("r", "disk_missing", "error"),
    )
    .await;
    hub.drain().await;
    assert_eq!(resend.attempts().len(), 1, "one attempt per round");
    // The backoff (10 s) has not passed: nothing is sent.
    hub.clock.advance(SignedDuration::from_secs(9));
    hub.drain().await;
    assert_eq!(resend.attempts().len(), 1);
    hub.clock.advance(SignedDuration::from_secs(1));
    hub.drain().await;
    assert_eq!(resend.attempts().len(), 2);
    // The 429 said `retry-after: 120`: honoured over the 20 s backoff.
    hub.clock.advance(SignedDuration::from_secs(119));
    hub.drain().await;
    assert_eq!(resend.attempts().len(), 2);
    hub.clock.advance(SignedDuration::from_secs(1));
    hub.drain().await;
    let attempts = resend.attempts();
    assert_eq!(attempts.len(), 3);
    assert!(
        attempts
            .iter()
            .all(|a| a.idempotency_key == attempts[0].idempotency_key)
    );
    assert!(!attempts[0].idempotency_key.is_empty());
    assert_eq!(resend.delivered().len(), 1);
    let rows = operator_log(&hub).await;
    assert_eq!((rows[0].outcome.as_str(), rows[0].attempts), ("sent", 3));

    // Other 4xx: no retry, logged as failed with Resend's name and message.
    resend.fail_next(422, None);
    hub.clock.advance(SignedDuration::from_hours(2));
    hub.post_json(
        "/api/v1/event",
        Some(KEY),
        &event("r", "disk_missing", "error"),
    )
    .await;
    hub.drain().await;
    hub.clock.advance(SignedDuration::from_hours(1));
    hub.drain().await;
    assert_eq!(resend.attempts().len(), 4);
    let last = log(&hub)
        .await
        .into_iter()
        .rfind(|r| r.channel == "operator")
        .unwrap();
    assert_eq!(last.outcome, "failed");
    assert!(
        last.reason.contains("422") && last.reason.contains("canned_failure"),
        "{}",
        last.reason
    );
    assert_eq!(hub.store.outbox_len().await.unwrap(), 0);
    hub.stop().await;
}

#[test]
fn backoff_doubles_to_a_cap() {
    use hub_server::notify::backoff;
    let secs: Vec<u64> = (1..=8).map(|n| backoff(n).as_secs()).collect();
    assert_eq!(secs, [10, 20, 40, 80, 160, 300, 300, 300]);
    assert_eq!(backoff(u32::MAX).as_secs(), 300);
}

/// The target of issue #8: a two-hour Resend outage, with a restart in the
/// middle, and afterwards every email arrives exactly once. One failing
/// email never holds up the others, and the retry window is respected.
#[tokio::test]
async fn a_two_hour_outage_delivers_every_email_exactly_once() {
    let (fake, url) = FakeResend::start().await;
    let tweak = |c: &mut Config| {
        c.notifications.resend_base_url = url.clone();
        c.notifications.resend_api_key = Secret(RESEND_KEY.into());
        c.notifications.operator_email = OPERATOR.into();
    };
    let hub = Hub::start_with(
        Arc::new(tempfile::tempdir().unwrap()),
        Default::default(),
        tweak,
    )
    .await;
    fake.set_down(true);
    for i in 0..10 {
        hub.post_json(
            "/api/v1/event",
            Some(KEY),
            &event(&format!("c{i}"), "disk_missing", "error"),
        )
        .await;
    }
    // A minute of rounds, then a restart, then the rest of two hours.
    let mut hub = Some(hub);
    for minute in 0..120 {
        let h = hub.as_ref().unwrap();
        h.drain().await;
        h.clock.advance(SignedDuration::from_mins(1));
        if minute == 60 {
            let now = h.clock.now_ts();
            let dir = hub.take().unwrap().stop().await;
            hub = Some(Hub::start_at(dir, Default::default(), now, tweak).await);
        }
    }
    let hub = hub.unwrap();
    assert!(fake.delivered().is_empty());
    let attempts_during = fake.attempts().len();
    // Backoff capped at 5 minutes: about 120 / 5 attempts each, not 120.
    assert!(
        (10 * 20..=10 * 32).contains(&attempts_during),
        "{attempts_during} attempts in two hours"
    );
    assert_eq!(hub.store.pending_deliveries().await.unwrap().0, 10);
    fake.set_down(false);
    hub.clock.advance(SignedDuration::from_mins(5));
    hub.drain().await;
    let delivered = fake.delivered();
    assert_eq!(delivered.len(), 10);
    let mut keys: Vec<_> = delivered
        .iter()
        .map(|d| d.idempotency_key.clone())
        .collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 10, "each email once");
    let sent = log(&hub)
        .await
        .into_iter()
        .filter(|r| r.outcome == "sent")
        .count();
    assert_eq!(sent, 10);
    // Nothing more to send, ever.
    hub.clock.advance(SignedDuration::from_hours(30));
    hub.drain().await;
    assert_eq!(fake.delivered().len(), 10);
    assert_eq!(hub.store.pending_deliveries().await.unwrap().0, 0);
    hub.stop().await;
}

#[tokio::test]
async fn an_email_is_given_up_only_after_the_retry_window() {
    let (hub, resend) = hub_with_resend().await;
    resend.set_down(true);
    hub.post_json(
        "/api/v1/event",
        Some(KEY),
        &event("w", "disk_missing", "error"),
    )
    .await;
    for _ in 0..(23 * 12) {
        hub.drain().await;
        hub.clock.advance(SignedDuration::from_mins(5));
    }
    assert!(
        operator_log(&hub).await.is_empty(),
        "still trying after 23 h"
    );
    for _ in 0..(2 * 12) {
        hub.drain().await;
        hub.clock.advance(SignedDuration::from_mins(5));
    }
    let rows = operator_log(&hub).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].outcome, "failed");
    assert!(
        rows[0].reason.starts_with("gave up after") && rows[0].reason.contains("over 1d"),
        "{}",
        rows[0].reason
    );
    assert_eq!(hub.store.pending_deliveries().await.unwrap().0, 0);
    hub.stop().await;
}

/// A second event of the same kind while the first email waits out an
/// outage is inside the cooldown: the operator is not woken twice.
#[tokio::test]
async fn a_queued_email_counts_for_the_cooldown() {
    let (hub, resend) = hub_with_resend().await;
    resend.set_down(true);
    for _ in 0..2 {
        hub.post_json(
            "/api/v1/event",
            Some(KEY),
            &event("q", "disk_missing", "error"),
        )
        .await;
        hub.drain().await;
        hub.clock.advance(SignedDuration::from_mins(10));
    }
    resend.set_down(false);
    hub.clock.advance(SignedDuration::from_mins(5));
    hub.drain().await;
    assert_eq!(resend.delivered().len(), 1);
    let reasons: Vec<String> = log(&hub).await.into_iter().map(|r| r.reason).collect();
    assert!(reasons.contains(&"cooldown".to_owned()), "{reasons:?}");
    hub.stop().await;
}

#[tokio::test]
async fn a_restart_resumes_pending_sends() {
    let (fake, url) = FakeResend::start().await;
    let tweak = |c: &mut Config| {
        c.notifications.resend_base_url = url.clone();
        c.notifications.resend_api_key = Secret(RESEND_KEY.into());
        c.notifications.operator_email = OPERATOR.into();
    };
    let hub = Hub::start_with(
        Arc::new(tempfile::tempdir().unwrap()),
        Default::default(),
        tweak,
    )
    .await;
    // Accepted (committed) but not yet dispatched when the hub stops.
    hub.post_json(
        "/api/v1/event",
        Some(KEY),
        &event("p", "restore_failed", "error"),
    )
    .await;
    assert_eq!(hub.store.outbox_len().await.unwrap(), 1);
    let dir = hub.stop().await;
    assert!(fake.attempts().is_empty());

    let hub = Hub::start_with(dir, Default::default(), tweak).await;
    assert_eq!(hub.drain().await, 1);
    assert_eq!(fake.delivered().len(), 1);
    assert_eq!(hub.store.outbox_len().await.unwrap(), 0);
    hub.stop().await;
}

#[tokio::test]
async fn a_dead_node_wakes_the_operator_exactly_once() {
    let (hub, resend) = hub_with_resend().await;
    let prefs = json!({"customer_id": "dead", "email": "dead@example.hu", "enabled_events": ["node_down", "node_recovered"]});
    hub.post_json("/api/v1/preferences", Some(KEY), &prefs)
        .await;
    hub.post_json("/api/v1/report", Some(KEY), &report("dead", T0))
        .await;
    for _ in 0..12 {
        hub.clock.advance(SignedDuration::from_mins(10));
        staleness::check(&hub.state).await.unwrap();
        hub.drain().await;
    }
    let to = |addr: &str| {
        resend
            .delivered()
            .into_iter()
            .filter(|m| m.body["to"] == json!([addr]))
            .map(|m| m.body["subject"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let ops = to(OPERATOR);
    assert_eq!(ops.len(), 2, "{ops:?}");
    assert!(
        ops[0].contains("node is stale") && ops[1].contains("node is DOWN"),
        "{ops:?}"
    );
    let customer = to("dead@example.hu");
    assert_eq!(customer.len(), 1);
    assert!(customer[0].contains("nem jelentkezik"));

    let now = hub.clock.now_ts().to_string();
    hub.post_json("/api/v1/report", Some(KEY), &report("dead", &now))
        .await;
    staleness::check(&hub.state).await.unwrap();
    hub.drain().await;
    // The recovery waits out alerting.resolve_hold (15m).
    assert_eq!(to("dead@example.hu").len(), 1);
    hub.clock.advance(SignedDuration::from_mins(15));
    hub.drain().await;
    let customer = to("dead@example.hu");
    assert_eq!(customer.len(), 2);
    assert!(customer[1].contains("ismét elérhető"));
    // The operator got the down, so the operator gets the recovered, with
    // how long it took.
    let ops = to(OPERATOR);
    assert_eq!(ops.len(), 3, "{ops:?}");
    assert!(ops[2].contains("node recovered after 50m"), "{ops:?}");
    hub.stop().await;
}

#[tokio::test]
async fn ingest_never_waits_for_email() {
    // Resend points at a port nobody listens on; the event is still 201 at
    // once because sending happens later, from the outbox.
    let hub = Hub::start_with(
        Arc::new(tempfile::tempdir().unwrap()),
        Default::default(),
        |c| {
            c.notifications.resend_api_key = Secret(RESEND_KEY.into());
            c.notifications.operator_email = OPERATOR.into();
        },
    )
    .await;
    let resp = hub
        .post_json(
            "/api/v1/event",
            Some(KEY),
            &event("x", "backup_failed", "error"),
        )
        .await;
    assert_eq!(resp.status(), 201);
    assert_eq!(hub.store.outbox_len().await.unwrap(), 1);
    hub.drain().await;
    // Deferred, not lost: the email waits for Resend to be reachable.
    assert!(operator_log(&hub).await.is_empty());
    assert_eq!(hub.store.pending_deliveries().await.unwrap().0, 1);
    hub.stop().await;
}

#[tokio::test]
async fn the_operators_link_opens_the_dashboard_where_it_is_served() {
    // The cluster serves the dashboard on an internal host: the email's
    // link goes there, not to the controllers' public URL.
    let (hub, fake) = hub_with_resend_and(|c| {
        c.server.dashboard_url = "https://hub-admin.example.test/".into();
    })
    .await;
    let body = event("c1", "backup_failed", "error");
    let resp = hub.post_json("/api/v1/event", Some(KEY), &body).await;
    assert_eq!(resp.status(), 201);
    assert_eq!(hub.drain().await, 1);
    let sent = fake.delivered();
    assert_eq!(sent.len(), 1);
    let html = sent[0].body["html"].as_str().unwrap();
    assert!(
        html.contains("https://hub-admin.example.test/customers/c1"),
        "{html}"
    );
    assert!(!html.contains("https://hub.example.test/"), "{html}");
    hub.stop().await;
}
