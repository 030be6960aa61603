//! Two hubs on one database at once (two stores over one SQLite file,
//! each with its own writer): every transition is a compare-and-set, so
//! whichever commits first announces it and the other changes nothing.
//! The same barrier-started races the PostgreSQL replicas will run.

use std::sync::Arc;

use hub_proto::admin::DriftState;
use hub_proto::{EventType, Severity};
use hub_server::jobs::{lease_ttl, staleness, take_turn};
use hub_server::store::{DriftRow, DriftWrite, NewEvent, NodeState, NodeTransition};
use jiff::SignedDuration;
use reqwest::Method;
use serde_json::Value;
use tokio::sync::Barrier;

use crate::*;

fn fast_switch(c: &mut Config) {
    c.alerting.stale_threshold = GoDuration(Duration::from_secs(60));
    c.alerting.down_threshold = GoDuration(Duration::from_secs(120));
}

/// Two hubs on one data dir.
async fn pair() -> (Hub, Hub) {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let a = Hub::start_with(dir.clone(), fast(), fast_switch).await;
    let b = Hub::start_with(dir, fast(), fast_switch).await;
    (a, b)
}

/// The hub events of `customer` by type, as the admin API lists them.
async fn events(hub: &Hub, customer: &str, event_type: &str) -> usize {
    static ASKED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = ASKED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let token = hub.admin_token(&format!("ro-{customer}-{n}"), true).await;
    let v: Value = hub
        .admin(
            Method::GET,
            &format!("/events?customer={customer}&limit=500"),
            &token,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event_type"] == event_type)
        .count()
}

/// A hub event of type `t` for kovacs at `at`.
fn kovacs_event(t: EventType, at: jiff::Timestamp) -> NewEvent {
    NewEvent {
        customer_id: "kovacs".into(),
        event_type: t,
        severity: Severity::Warning,
        message: t.as_str().into(),
        details: None,
        occurred_at: at,
        received_at: at,
        from_hub: true,
        event_id: None,
    }
}

/// Both hubs' dispatchers at once, started by a barrier.
async fn drain_both(a: &Hub, b: &Hub) {
    let barrier = Barrier::new(2);
    tokio::join!(
        async {
            barrier.wait().await;
            a.drain().await
        },
        async {
            barrier.wait().await;
            b.drain().await
        }
    );
}

async fn report_to(hub: &Hub, id: &str) {
    let now = hub.clock.now_ts().to_string();
    let resp = hub
        .post_json("/api/v1/report", Some(KEY), &report(id, &now))
        .await;
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn two_switches_at_once_record_each_transition_once() {
    let (a, b) = pair().await;
    report_to(&a, "kovacs").await;
    let stores = [a.store.clone(), b.store.clone()];
    let now = a.clock.now_ts();
    for (from, to, t) in [
        (NodeState::Ok, NodeState::Stale, EventType::NodeStale),
        (NodeState::Stale, NodeState::Down, EventType::NodeDown),
        (NodeState::Down, NodeState::Ok, EventType::NodeRecovered),
    ] {
        let barrier = Arc::new(Barrier::new(2));
        let runs = stores.iter().map(|s| {
            let (s, barrier) = (s.clone(), barrier.clone());
            let event = kovacs_event(t, now);
            tokio::spawn(async move {
                barrier.wait().await;
                s.set_node_states(
                    vec![NodeTransition {
                        customer_id: "kovacs".into(),
                        from,
                        to,
                        event: Some(event),
                    }],
                    now,
                )
                .await
                .unwrap()
            })
        });
        let mut won = 0;
        for r in futures_util::future::join_all(runs).await {
            won += r.unwrap().iter().filter(|id| id.is_some()).count();
        }
        assert_eq!(won, 1, "{t:?}: one writer wins");
        assert_eq!(events(&a, "kovacs", t.as_str()).await, 1, "{t:?}");
        assert_eq!(
            b.store
                .node_state("kovacs".into())
                .await
                .unwrap()
                .map(|s| s.0),
            Some(to)
        );
    }
    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn two_dead_mans_switches_on_one_database_send_one_node_down() {
    let (a, b) = pair().await;
    for id in ["kovacs", "szabo"] {
        report_to(&a, id).await;
    }
    // 90 s of silence (stale), then 150 s (down): both switches pass at
    // once each time.
    for (step, kind) in [(90, "node_stale"), (60, "node_down")] {
        for h in [&a, &b] {
            h.clock.advance(SignedDuration::from_secs(step));
        }
        let barrier = Arc::new(Barrier::new(2));
        let states = [a.state.clone(), b.state.clone()];
        let runs = states.map(|st| {
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                staleness::check(&st).await.unwrap()
            })
        });
        futures_util::future::join_all(runs).await;
        for id in ["kovacs", "szabo"] {
            assert_eq!(events(&a, id, kind).await, 1, "{id} {kind}");
        }
    }
    // And the outbox holds one entry per event: one email each.
    a.drain().await;
    b.drain().await;
    let ops: Vec<Value> = a
        .admin(
            Method::GET,
            "/notifications?limit=100",
            &a.admin_token("ro", true).await,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let down = ops
        .iter()
        .filter(|n| n["event_type"] == "node_down" && n["channel"] == "operator")
        .count();
    assert_eq!(down, 2, "{ops:?}");
    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn two_hubs_starting_together_agree_on_one_daily_run_and_one_instance_id() {
    let (a, b) = pair().await;
    let barrier = Arc::new(Barrier::new(2));
    let now = a.clock.now_ts();
    let runs = [a.store.clone(), b.store.clone()].map(|s| {
        let barrier = barrier.clone();
        tokio::spawn(async move {
            barrier.wait().await;
            let ran = s
                .complete_daily_job("backup_check", "2026-11-27".into(), Vec::new(), now)
                .await
                .unwrap()
                .is_some();
            let id = s
                .state_or_insert("test_instance", format!("{:p}", &s), now)
                .await
                .unwrap();
            (ran, id)
        })
    });
    let out: Vec<(bool, String)> = futures_util::future::join_all(runs)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(out.iter().filter(|o| o.0).count(), 1, "{out:?}");
    assert_eq!(out[0].1, out[1].1, "one value for both");
    // A new day runs once more.
    let again = a
        .store
        .complete_daily_job("backup_check", "2026-11-28".into(), Vec::new(), now)
        .await
        .unwrap();
    assert!(again.is_some());
    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn two_dispatchers_over_five_hundred_entries_decide_each_once() {
    let (a, b) = pair().await;
    for i in 0..50 {
        report_to(&a, &format!("c{i:02}")).await;
    }
    // 500 events, ten per customer, each an outbox entry.
    for n in 0..10 {
        for i in 0..50 {
            let body = serde_json::json!({"customer_id": format!("c{i:02}"),
                "event_type": "backup_failed", "severity": "error",
                "message": format!("restic exited {n}")});
            let resp = a.post_json("/api/v1/event", Some(KEY), &body).await;
            assert_eq!(resp.status(), 201);
        }
    }
    assert_eq!(a.store.outbox_len().await.unwrap(), 500);
    // Both at once; their writes meet in the database.
    drain_both(&a, &b).await;
    assert_eq!(b.store.outbox_len().await.unwrap(), 0);
    // One operator decision (sent or skipped) per event, never two.
    let (rows, events): (i64, i64) = a
        .store
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*), count(DISTINCT event) FROM notification_log \
                 WHERE channel = 'operator' AND event IS NOT NULL",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .await
        .unwrap();
    let queued: i64 = a
        .store
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM deliveries WHERE channel = 'operator'",
                [],
                |r| r.get(0),
            )?)
        })
        .await
        .unwrap();
    assert_eq!(
        rows + queued,
        500,
        "{rows} logged + {queued} queued for 500 entries"
    );
    assert_eq!(events + queued, 500);
    a.stop().await;
    b.stop().await;
}

/// Two hubs on one data dir, both emailing the operator through `resend`.
async fn mailing_pair(resend: &str) -> (Hub, Hub) {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let tweak = |url: String| {
        move |c: &mut Config| {
            fast_switch(c);
            c.notifications.resend_base_url = url;
            c.notifications.resend_api_key = Secret(crate::fakes::RESEND_KEY.into());
            c.notifications.operator_email = "ops@felhom.eu".into();
        }
    };
    let a = Hub::start_with(dir.clone(), fast(), tweak(resend.to_owned())).await;
    let b = Hub::start_with(dir, fast(), tweak(resend.to_owned())).await;
    (a, b)
}

async fn backup_failed(hub: &Hub, customer: &str, message: &str) {
    let body = serde_json::json!({"customer_id": customer, "event_type": "backup_failed",
        "severity": "error", "message": message});
    let resp = hub.post_json("/api/v1/event", Some(KEY), &body).await;
    assert_eq!(resp.status(), 201);
}

fn advance(hubs: [&Hub; 2], d: SignedDuration) {
    for h in hubs {
        h.clock.advance(d);
    }
}

#[tokio::test]
async fn a_due_email_is_sent_by_one_dispatcher_and_a_dead_senders_only_after_its_lease() {
    let (resend, url) = crate::fakes::FakeResend::start().await;
    let (a, b) = mailing_pair(&url).await;
    report_to(&a, "kovacs").await;
    report_to(&a, "szabo").await;
    // Queued while Resend is down (decided, one failed attempt).
    resend.set_down(true);
    backup_failed(&a, "kovacs", "restic exited 1").await;
    a.drain().await;
    resend.set_down(false);
    let before = resend.attempts().len();
    advance([&a, &b], SignedDuration::from_mins(30));
    drain_both(&a, &b).await;
    let sent = resend.attempts()[before..].to_vec();
    assert_eq!(sent.len(), 1, "one send for one due email: {sent:?}");
    assert_eq!(resend.delivered().len(), 1);

    // A sender that takes an email and dies: nobody sends it during the
    // lease; after it, the other hub sends it once, under the same key.
    resend.set_down(true);
    backup_failed(&a, "szabo", "restic exited 2").await;
    a.drain().await;
    resend.set_down(false);
    advance([&a, &b], SignedDuration::from_mins(30));
    let now = a.clock.now_ts();
    let lease = hub_server::notify::DELIVERY_LEASE;
    let held = a.store.lease_deliveries(now, 64, lease).await.unwrap();
    assert_eq!(held.len(), 1, "{held:?}");
    let before = resend.attempts().len();
    b.drain().await;
    advance(
        [&a, &b],
        SignedDuration::try_from(lease).unwrap() - SignedDuration::from_secs(1),
    );
    b.drain().await;
    assert_eq!(resend.attempts().len(), before, "held by its lease");
    advance([&a, &b], SignedDuration::from_secs(2));
    b.drain().await;
    let sent = resend.attempts()[before..].to_vec();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].idempotency_key, held[0].idempotency_key);
    assert_eq!(resend.delivered().len(), 2);
    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn a_replica_starting_while_another_watches_grants_no_new_grace() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let a = Hub::start_with(dir.clone(), fast(), fast_switch).await;
    report_to(&a, "kovacs").await;
    a.clock.advance(SignedDuration::from_secs(50));
    staleness::check(&a.state).await.unwrap();
    // B starts a minute in while A watches: it joins A's watch.
    let t = a.clock.now_ts() + SignedDuration::from_secs(10);
    let b = Hub::start_at(dir.clone(), fast(), t, fast_switch).await;
    assert_eq!(b.state.watching_since, a.state.watching_since);
    // 150 s of silence: down by B alone, with no grace from B's start.
    b.clock.advance(SignedDuration::from_secs(90));
    staleness::check(&b.state).await.unwrap();
    assert_eq!(
        b.store
            .node_state("kovacs".into())
            .await
            .unwrap()
            .map(|s| s.0),
        Some(NodeState::Down)
    );
    // Both stop; the next lone start is a new watch with its grace.
    a.stop().await;
    let dir = b.stop().await;
    let t = t + SignedDuration::from_mins(10);
    let c = Hub::start_at(dir, fast(), t, fast_switch).await;
    assert_eq!(c.state.watching_since, t);
    report_to(&c, "szabo").await;
    c.clock.advance(SignedDuration::from_secs(1));
    staleness::check(&c.state).await.unwrap();
    assert_eq!(c.store.node_state("szabo".into()).await.unwrap(), None);
    c.stop().await;
}

#[tokio::test]
async fn a_hub_that_died_counts_as_watching_only_within_the_alive_window() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let a = Hub::start_with(dir.clone(), fast(), fast_switch).await;
    staleness::check(&a.state).await.unwrap();
    let since = a.state.watching_since;
    // A vanishes without signing off (its row stays, as after kill -9).
    let window = hub_server::jobs::staleness::alive_window(&a.state.config.alerting);
    let window = SignedDuration::try_from(window).unwrap();
    let t = a.clock.now_ts();
    let b = Hub::start_at(dir.clone(), fast(), t + window, fast_switch).await;
    assert_eq!(b.state.watching_since, since, "seen within the window");
    let c = Hub::start_at(
        dir.clone(),
        fast(),
        t + window + window + SignedDuration::from_secs(1),
        fast_switch,
    )
    .await;
    assert_eq!(
        c.state.watching_since,
        t + window + window + SignedDuration::from_secs(1),
        "B joined at t+window and was last seen then: gone for longer"
    );
    drop(a);
    b.stop().await;
    c.stop().await;
}

/// One tick of the registry job on `hub`: whether it runs the job.
async fn turn(hub: &Hub, period: Duration) -> bool {
    take_turn(&hub.state, "registry", period).await.unwrap()
}

#[tokio::test]
async fn each_periodic_job_runs_on_one_hub_and_moves_when_its_holder_dies_or_stops() {
    let (a, b) = pair().await;
    let period = Duration::from_secs(60);
    let barrier = Barrier::new(2);
    let (ta, tb) = tokio::join!(
        async {
            barrier.wait().await;
            turn(&a, period).await
        },
        async {
            barrier.wait().await;
            turn(&b, period).await
        }
    );
    assert!(ta != tb, "exactly one hub takes the job: {ta} {tb}");
    let (holder, standby) = if ta { (a, b) } else { (b, a) };
    // The holder renews on each tick; the other stands by.
    for _ in 0..3 {
        advance([&holder, &standby], SignedDuration::from_secs(60));
        assert!(turn(&holder, period).await);
        assert!(!turn(&standby, period).await);
    }
    // The holder stops ticking (killed): the job stays with it until its
    // lease runs out, then moves, and the old holder stands by.
    let ttl = SignedDuration::try_from(lease_ttl(period)).unwrap();
    advance([&holder, &standby], ttl - SignedDuration::from_secs(1));
    assert!(!turn(&standby, period).await);
    advance([&holder, &standby], SignedDuration::from_secs(2));
    assert!(turn(&standby, period).await);
    assert!(!turn(&holder, period).await);
    // A graceful stop gives the job back at once.
    standby.stop().await;
    assert!(turn(&holder, period).await);
    holder.stop().await;
}

#[tokio::test]
async fn two_drift_checks_of_one_customer_record_one_verdict_and_one_event() {
    let (a, b) = pair().await;
    report_to(&a, "kovacs").await;
    let now = a.clock.now_ts();
    let mut seen: Option<DriftRow> = None;
    for (round, (state, t)) in [
        (DriftState::Drifted, EventType::ConfigDrift),
        (DriftState::InSync, EventType::ConfigDriftResolved),
    ]
    .into_iter()
    .enumerate()
    {
        let checked = now + SignedDuration::from_mins(10 * (round as i64 + 1));
        let row = DriftRow {
            status: Some(state),
            hash: Some(format!("h{round}")),
            consecutive: 2,
            last_checked_at: Some(checked),
            next_check_at: Some(checked + SignedDuration::from_mins(10)),
            ..Default::default()
        };
        let write = DriftWrite {
            customer_id: "kovacs".into(),
            seen: seen.clone(),
            row: row.clone(),
            event: Some(kovacs_event(t, checked)),
        };
        let barrier = Arc::new(Barrier::new(2));
        let runs = [a.store.clone(), b.store.clone()].map(|s| {
            let (write, barrier) = (write.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                s.record_drift(vec![write]).await.unwrap()
            })
        });
        let won: usize = futures_util::future::join_all(runs)
            .await
            .into_iter()
            .map(|r| r.unwrap())
            .sum();
        assert_eq!(won, 1, "{t:?}: one check's verdict is recorded");
        assert_eq!(events(&a, "kovacs", t.as_str()).await, 1, "{t:?}");
        seen = Some(row);
    }
    // A verdict from a stale read (as if no check had run) changes nothing.
    let t = EventType::ConfigDrift;
    let stale = DriftWrite {
        customer_id: "kovacs".into(),
        seen: None,
        row: DriftRow::default(),
        event: Some(kovacs_event(t, now)),
    };
    assert_eq!(a.store.record_drift(vec![stale]).await.unwrap(), 0);
    assert_eq!(events(&a, "kovacs", t.as_str()).await, 1);
    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn two_dispatchers_with_a_due_reminder_send_it_once() {
    let (resend, url) = crate::fakes::FakeResend::start().await;
    let (a, b) = mailing_pair(&url).await;
    report_to(&a, "kovacs").await;
    backup_failed(&a, "kovacs", "restic exited 1").await;
    a.drain().await;
    assert_eq!(resend.attempts().len(), 1, "the backup_failed email");
    advance(
        [&a, &b],
        SignedDuration::from_hours(24) + SignedDuration::from_mins(1),
    );
    drain_both(&a, &b).await;
    let sent = resend.attempts()[1..].to_vec();
    assert_eq!(sent.len(), 1, "one reminder: {sent:?}");
    let token = a.admin_token("ops-reminder", true).await;
    let incidents: Value = a
        .admin(Method::GET, "/incidents?customer=kovacs", &token, None)
        .await
        .json()
        .await
        .unwrap();
    let open = &incidents["incidents"][0];
    assert_eq!(open["reminders_sent"], 1, "{incidents}");
    a.stop().await;
    b.stop().await;
}
