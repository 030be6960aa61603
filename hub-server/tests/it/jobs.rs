//! Background jobs driven by hand with a manual clock: the dead man's
//! switch, the backup deadline (ordinary and DST days), pruning, the
//! registry check and the template refresh.

use hub_proto::EventType;
use hub_server::jobs::{daily, registry, staleness, template};
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use crate::fakes::{FakeRegistry, FakeTemplate, REG_PASS, REG_USER};
use crate::*;

async fn types(hub: &Hub, customer: &str) -> Vec<EventType> {
    let mut v: Vec<EventType> = hub
        .store
        .recent_events(customer.into(), 100)
        .await
        .unwrap()
        .iter()
        .map(|e| e.event_type)
        .collect();
    v.reverse();
    v
}

async fn report_now(hub: &Hub, customer: &str) {
    let ts = hub.clock.now_ts().to_string();
    let resp = hub
        .post_json("/api/v1/report", Some(KEY), &report(customer, &ts))
        .await;
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn staleness_emits_one_event_per_transition() {
    let hub = Hub::start().await;
    report_now(&hub, "n1").await;
    let step = |mins: i64| hub.clock.advance(SignedDuration::from_mins(mins));
    use EventType::*;

    assert_eq!(staleness::check(&hub.state).await.unwrap(), 0);
    step(31);
    assert_eq!(staleness::check(&hub.state).await.unwrap(), 1);
    assert_eq!(types(&hub, "n1").await, vec![NodeStale]);
    step(5);
    assert_eq!(
        staleness::check(&hub.state).await.unwrap(),
        0,
        "no repeat per check"
    );
    step(25);
    staleness::check(&hub.state).await.unwrap();
    assert_eq!(types(&hub, "n1").await, vec![NodeStale, NodeDown]);
    for _ in 0..5 {
        step(60);
        staleness::check(&hub.state).await.unwrap();
    }
    assert_eq!(types(&hub, "n1").await, vec![NodeStale, NodeDown]);

    // A restart neither repeats nor misses: state is in the database.
    let dir = hub.stop().await;
    let at = T0.parse::<Timestamp>().unwrap() + SignedDuration::from_hours(7);
    let hub = Hub::start_at(dir, Default::default(), at, |_| {}).await;
    staleness::check(&hub.state).await.unwrap();
    assert_eq!(types(&hub, "n1").await, vec![NodeStale, NodeDown]);

    report_now(&hub, "n1").await;
    staleness::check(&hub.state).await.unwrap();
    staleness::check(&hub.state).await.unwrap();
    assert_eq!(
        types(&hub, "n1").await,
        vec![NodeStale, NodeDown, NodeRecovered]
    );
    let ev = &hub.store.recent_events("n1".into(), 1).await.unwrap()[0];
    assert_eq!(ev.details.as_deref(), Some(r#"{"previous":"down"}"#));
    hub.stop().await;
}

#[tokio::test]
async fn a_jump_straight_past_down_wakes_once_and_recovery_from_stale_is_announced() {
    let hub = Hub::start().await;
    report_now(&hub, "jump").await;
    report_now(&hub, "blip").await;
    hub.clock.advance(SignedDuration::from_mins(31));
    report_now(&hub, "jump").await; // jump stays fresh for now
    staleness::check(&hub.state).await.unwrap();
    assert_eq!(types(&hub, "blip").await, vec![EventType::NodeStale]);
    report_now(&hub, "blip").await;
    staleness::check(&hub.state).await.unwrap();
    assert_eq!(
        types(&hub, "blip").await,
        vec![EventType::NodeStale, EventType::NodeRecovered]
    );

    hub.clock.advance(SignedDuration::from_mins(90));
    staleness::check(&hub.state).await.unwrap();
    assert_eq!(types(&hub, "jump").await, vec![EventType::NodeDown]);
    hub.stop().await;
}

#[tokio::test]
async fn blocked_pending_and_disabled_customers_are_not_watched() {
    let hub = Hub::start().await;
    hub.add_config("pending").await;
    report_now(&hub, "blocked").await;
    hub.store.set_blocked("blocked".into(), true).await.unwrap();
    let mut off = report("off", T0);
    off["monitoring_disabled"] = true.into();
    hub.post_json("/api/v1/report", Some(KEY), &off).await;
    hub.clock.advance(SignedDuration::from_hours(3));
    assert_eq!(staleness::check(&hub.state).await.unwrap(), 0);
    for c in ["pending", "blocked", "off"] {
        assert!(types(&hub, c).await.is_empty(), "{c}");
    }
    hub.stop().await;
}

#[tokio::test]
async fn after_a_hub_outage_nodes_get_a_full_threshold_to_check_in() {
    let hub = Hub::start().await;
    report_now(&hub, "n").await;
    let dir = hub.stop().await;
    // The hub was down for five hours.
    let later = T0.parse::<Timestamp>().unwrap() + SignedDuration::from_hours(5);
    let hub = Hub::start_at(dir, Default::default(), later, |_| {}).await;
    staleness::check(&hub.state).await.unwrap();
    hub.clock.advance(SignedDuration::from_mins(20));
    staleness::check(&hub.state).await.unwrap();
    assert!(types(&hub, "n").await.is_empty());
    hub.clock.advance(SignedDuration::from_mins(45));
    staleness::check(&hub.state).await.unwrap();
    assert_eq!(types(&hub, "n").await, vec![EventType::NodeDown]);
    hub.stop().await;
}

/// Runs the deadline scenario for one local day: `now` is just before the
/// deadline; `inside`/`outside` are just after/before local midnight.
async fn deadline_day(before_deadline: &str, after_deadline: &str, inside: &str, outside: &str) {
    let hub = Hub::start_at(
        Arc::new(tempfile::tempdir().unwrap()),
        Default::default(),
        before_deadline.parse().unwrap(),
        |_| {},
    )
    .await;
    for c in ["early-bird", "late", "silent"] {
        report_now(&hub, c).await;
    }
    let ev = |c: &str, t: &str, at: &str| json!({"customer_id": c, "event_type": t, "severity": "info", "message": "ok", "occurred_at": at});
    for body in [
        ev("early-bird", "backup_completed", inside),
        ev("early-bird", "dbdump_completed", inside),
        ev("late", "backup_completed", outside),
        ev("late", "dbdump_completed", inside),
    ] {
        assert_eq!(
            hub.post_json("/api/v1/event", Some(KEY), &body)
                .await
                .status(),
            201
        );
    }
    assert!(
        !daily::backup_deadline(&hub.state).await.unwrap(),
        "not due before the deadline"
    );
    hub.clock.set(after_deadline.parse().unwrap());
    assert!(daily::backup_deadline(&hub.state).await.unwrap());
    assert!(
        !daily::backup_deadline(&hub.state).await.unwrap(),
        "once per day"
    );
    use EventType::*;
    let missed = |c: &'static str| {
        let hub = &hub;
        async move {
            types(hub, c)
                .await
                .into_iter()
                .filter(|t| matches!(t, ExpectedBackupMissed | ExpectedDbdumpMissed))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(missed("early-bird").await, vec![]);
    assert_eq!(missed("late").await, vec![ExpectedBackupMissed]);
    assert_eq!(
        missed("silent").await,
        vec![ExpectedBackupMissed, ExpectedDbdumpMissed]
    );
    // Across a restart it still does not run twice that day.
    let dir = hub.stop().await;
    let hub = Hub::start_at(
        dir,
        Default::default(),
        after_deadline.parse().unwrap(),
        |_| {},
    )
    .await;
    assert!(!daily::backup_deadline(&hub.state).await.unwrap());
    hub.stop().await;
}

#[tokio::test]
async fn backup_deadline_on_an_ordinary_day() {
    // 27 Nov (CET, UTC+1): midnight 23:00Z, deadline 05:00 local = 04:00Z.
    deadline_day(
        "2026-11-27T03:59:00Z",
        "2026-11-27T04:00:00Z",
        "2026-11-26T23:30:00Z",
        "2026-11-26T22:30:00Z",
    )
    .await;
}

#[tokio::test]
async fn backup_deadline_on_the_spring_dst_day() {
    // 29 Mar 2026: midnight is CET (23:00Z on the 28th), 05:00 is CEST (03:00Z).
    deadline_day(
        "2026-03-29T02:59:00Z",
        "2026-03-29T03:00:00Z",
        "2026-03-28T23:30:00Z",
        "2026-03-28T22:30:00Z",
    )
    .await;
}

#[tokio::test]
async fn backup_deadline_on_the_autumn_dst_day() {
    // 25 Oct 2026: midnight is CEST (22:00Z on the 24th), 05:00 is CET (04:00Z).
    deadline_day(
        "2026-10-25T03:59:00Z",
        "2026-10-25T04:00:00Z",
        "2026-10-24T22:30:00Z",
        "2026-10-24T21:30:00Z",
    )
    .await;
}

#[tokio::test]
async fn prune_keeps_each_customers_newest_report() {
    let start: Timestamp = "2026-06-01T10:00:00Z".parse().unwrap();
    let hub = Hub::start_at(
        Arc::new(tempfile::tempdir().unwrap()),
        Default::default(),
        start,
        |c| c.retention.max_days = 30,
    )
    .await;
    // "old" reports 40 days ago, then goes quiet; "busy" reports daily.
    report_now(&hub, "old").await;
    for day in 0..40 {
        let body = json!({"customer_id": "busy", "event_type": "backup_completed", "severity": "info", "message": "m"});
        hub.post_json("/api/v1/event", Some(KEY), &body).await;
        report_now(&hub, "busy").await;
        hub.clock.advance(SignedDuration::from_hours(24));
        let _ = day;
    }
    hub.drain().await;
    let count = |c: &'static str| {
        let req = hub.get_path(format!("/api/v1/customers/{c}/history?period=90d"));
        async move { req.await["reports"].as_array().unwrap().len() }
    };
    assert_eq!(count("old").await, 1);
    assert_eq!(count("busy").await, 40);
    // The clock is at 10:00 UTC = 12:00 local: past 04:30, due.
    let pruned = daily::prune(&hub.state).await.unwrap().expect("due");
    assert_eq!(pruned.reports, 10);
    assert_eq!(pruned.events, 10);
    assert_eq!(count("old").await, 1, "the newest report survives any age");
    assert_eq!(count("busy").await, 30);
    assert_eq!(hub.store.event_count("busy".into()).await.unwrap(), 30);
    assert!(
        daily::prune(&hub.state).await.unwrap().is_none(),
        "once per day"
    );
    hub.stop().await;
}

impl Hub {
    fn get_path(&self, path: String) -> impl std::future::Future<Output = Value> + 'static {
        let req = self
            .client
            .get(format!("{}{path}", self.url))
            .bearer_auth(KEY);
        async move { req.send().await.unwrap().json().await.unwrap() }
    }
}

#[tokio::test]
async fn registry_check_follows_the_token_challenge_and_marks_updates() {
    let base = FakeRegistry::start().await;
    let image = format!("{base}/admin/felhom-controller");
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let hub = Hub::start_with(dir.clone(), Default::default(), |c| {
        c.registry.image = image.clone();
        c.registry.username = REG_USER.into();
        c.registry.token = Secret(REG_PASS.into());
    })
    .await;
    report_now(&hub, "old-controller").await;
    let mut current = report("current", T0);
    current["controller_version"] = "1.10.0".into();
    hub.post_json("/api/v1/report", Some(KEY), &current).await;

    assert_eq!(registry::check(&hub.state).await.unwrap(), "1.10.0");
    let v: Value = hub
        .get("/api/v1/customers", Some(KEY))
        .await
        .json()
        .await
        .unwrap();
    let marks: Vec<(String, bool)> = v["customers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["customer_id"].as_str().unwrap().to_owned(),
                c["update_available"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        marks,
        vec![("current".into(), false), ("old-controller".into(), true)]
    );
    let d: Value = hub
        .get("/api/v1/customers/old-controller", Some(KEY))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(d["update_available"], true);

    // Persisted: known after a restart before the next check.
    let dir = hub.stop().await;
    let hub = Hub::start_in(dir, Default::default()).await;
    assert_eq!(hub.state.latest_version().as_deref(), Some("1.10.0"));
    hub.stop().await;

    // Wrong credentials: a clear error, nothing changes.
    let hub = Hub::start_with(
        Arc::new(tempfile::tempdir().unwrap()),
        Default::default(),
        |c| {
            c.registry.image = image.clone();
            c.registry.username = REG_USER.into();
            c.registry.token = Secret("wrong".into());
        },
    )
    .await;
    let err = registry::check(&hub.state).await.unwrap_err().to_string();
    assert!(err.contains("token") && !err.contains("wrong"), "{err}");
    assert_eq!(hub.state.latest_version(), None);
    hub.stop().await;
}

#[tokio::test]
async fn template_refresh_keeps_the_last_good_template() {
    let (fake, url) = FakeTemplate::start(
        "customer:\n  id: \"\"\nhub:\n  url: \"\"\nnew_section:\n  enabled: true\n",
    )
    .await;
    let hub = Hub::start_with(
        Arc::new(tempfile::tempdir().unwrap()),
        Default::default(),
        |c| {
            c.registry.template_url = url.clone();
        },
    )
    .await;
    let (_, pw) = hub.add_config("t").await;
    let yaml = |hub: &Hub| {
        let req = hub
            .client
            .get(format!("{}/api/v1/config/t", hub.url))
            .header("x-retrieval-password", pw.clone());
        async move { req.send().await.unwrap().text().await.unwrap() }
    };
    assert!(
        !yaml(&hub).await.contains("new_section"),
        "bundled template first"
    );
    template::refresh(&hub.state).await.unwrap();
    assert!(yaml(&hub).await.contains("new_section"));

    for bad in ["- not\n- a mapping\n", "key: [unclosed\n"] {
        fake.set(bad);
        assert!(template::refresh(&hub.state).await.is_err());
        assert!(yaml(&hub).await.contains("new_section"), "last good kept");
    }
    let dir = hub.stop().await;
    let hub = Hub::start_in(dir, Default::default()).await;
    assert!(
        yaml(&hub).await.contains("new_section"),
        "persisted across restart"
    );
    hub.stop().await;
}

/// A job whose run panics is logged and recorded as a failed run, keeps
/// its schedule, and shows as overdue in /healthz and the status view.
#[tokio::test(start_paused = true)]
async fn a_panicking_job_is_recorded_and_keeps_its_schedule() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let hub = Hub::start().await;
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = runs.clone();
    let task = hub_server::jobs::every(
        &hub.state,
        &stop_rx,
        std::time::Duration::from_secs(60),
        "boom",
        move |_| {
            let counted = counted.clone();
            async move {
                if counted.fetch_add(1, Ordering::SeqCst) < usize::MAX {
                    panic!("boom");
                }
                Ok(String::new())
            }
        },
    );
    // Each tick first takes the job's lease (a store write), during which
    // paused time runs on: wait for the runs, not for an amount of time.
    let real = std::time::Instant::now();
    while runs.load(Ordering::SeqCst) < 4 {
        assert!(
            real.elapsed() < std::time::Duration::from_secs(60),
            "it stopped running"
        );
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
    stop.send(true).unwrap();
    task.await.unwrap();
    let ran = runs.load(Ordering::SeqCst);
    // Real time again: /healthz bounds its database ping with a timeout,
    // which paused time would fire while the reader thread answers.
    tokio::time::resume();
    hub.clock.advance(SignedDuration::from_mins(4));
    let health: Value = hub.get("/healthz", None).await.json().await.unwrap();
    assert_eq!(health["status"], "degraded");
    assert_eq!(health["jobs"]["boom"], "overdue");
    let admin = hub.admin_token("ops", true).await;
    let status: Value = hub
        .admin(reqwest::Method::GET, "/status", &admin, None)
        .await
        .json()
        .await
        .unwrap();
    let boom = status["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["name"] == "boom")
        .unwrap()
        .clone();
    // The stop may have cut the last run short before it was recorded.
    let failures = boom["failures"].as_u64().unwrap();
    assert!(
        failures >= 4 && failures <= ran as u64,
        "{failures} of {ran}"
    );
    assert_eq!(boom["last_error"], "panicked");
    assert_eq!(boom["overdue"], true);
    hub.stop().await;
}
