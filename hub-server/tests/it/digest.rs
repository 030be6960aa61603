//! The operator's daily digest on the manual clock: once per local day
//! across restarts, on both DST days at 07:30 local, always sent (an empty
//! fleet too), and its text from a seeded database.

use hub_server::jobs::digest::scheduled;
use hub_server::jobs::staleness;
use hub_server::store::{DriftRow, DriftWrite};
use jiff::{SignedDuration, Timestamp};
use reqwest::Method;
use serde_json::{Value, json};

use crate::fakes::{FakeResend, RESEND_KEY};
use crate::*;

const OPERATOR: &str = "ops@felhom.eu";

async fn hub_at(dir: Arc<tempfile::TempDir>, now: &str, resend: &str) -> Hub {
    let url = resend.to_owned();
    Hub::start_at(dir, fast(), now.parse().unwrap(), move |c| {
        c.notifications.resend_base_url = url;
        c.notifications.resend_api_key = Secret(RESEND_KEY.into());
        c.notifications.operator_email = OPERATOR.into();
        c.alerting.stale_threshold = GoDuration(Duration::from_secs(60));
        c.alerting.down_threshold = GoDuration(Duration::from_secs(120));
    })
    .await
}

fn digests(resend: &FakeResend) -> Vec<Value> {
    resend
        .delivered()
        .into_iter()
        .filter(|m| {
            m.body["subject"]
                .as_str()
                .is_some_and(|s| s.starts_with("[felhom digest]"))
        })
        .map(|m| m.body)
        .collect()
}

/// Steps the clock in 10-minute steps for `hours`, running the digest's
/// schedule each time; returns the moments it queued one.
async fn walk(hub: &Hub, hours: i64) -> Vec<Timestamp> {
    let mut sent = Vec::new();
    for _ in 0..hours * 6 {
        hub.clock.advance(SignedDuration::from_mins(10));
        if scheduled(&hub.state).await.unwrap() {
            sent.push(hub.clock.now_ts());
        }
    }
    hub.drain().await;
    sent
}

#[tokio::test]
async fn one_digest_per_local_day_across_restarts_even_for_an_empty_fleet() {
    let (resend, url) = FakeResend::start().await;
    let dir = Arc::new(tempfile::tempdir().unwrap());
    // 07:00 in Budapest (CET).
    let hub = hub_at(dir.clone(), "2026-12-01T06:00:00Z", &url).await;
    assert!(!scheduled(&hub.state).await.unwrap(), "not 07:30 yet");
    let sent = walk(&hub, 1).await;
    assert_eq!(sent, ["2026-12-01T06:30:00Z".parse::<Timestamp>().unwrap()]);
    let dir = hub.stop().await;
    // A restart the same day: nothing again.
    let hub = hub_at(dir, "2026-12-01T08:00:00Z", &url).await;
    assert!(!scheduled(&hub.state).await.unwrap());
    let sent = walk(&hub, 24).await;
    assert_eq!(sent, ["2026-12-02T06:30:00Z".parse::<Timestamp>().unwrap()]);
    let d = digests(&resend);
    assert_eq!(d.len(), 2);
    assert_eq!(
        d[0]["subject"],
        "[felhom digest] all 0 nodes OK — 2026-12-01"
    );
    let text = d[0]["text"].as_str().unwrap();
    assert!(
        text.starts_with("0 nodes: none yet; 0 incidents open."),
        "{text}"
    );
    assert_eq!(
        d[1]["subject"],
        "[felhom digest] all 0 nodes OK — 2026-12-02"
    );
    hub.stop().await;
}

#[tokio::test]
async fn both_dst_days_get_one_digest_at_07_30_local() {
    let (resend, url) = FakeResend::start().await;
    // Autumn: 25 October 2026 has 25 hours in Budapest.
    let hub = hub_at(
        Arc::new(tempfile::tempdir().unwrap()),
        "2026-10-24T00:00:00Z",
        &url,
    )
    .await;
    let sent: Vec<String> = walk(&hub, 72).await.iter().map(|t| t.to_string()).collect();
    assert_eq!(
        sent,
        [
            "2026-10-24T05:30:00Z",
            "2026-10-25T06:30:00Z",
            "2026-10-26T06:30:00Z"
        ]
    );
    hub.stop().await;
    // Spring: 28 March 2027 has 23 hours.
    let hub = hub_at(
        Arc::new(tempfile::tempdir().unwrap()),
        "2027-03-27T00:00:00Z",
        &url,
    )
    .await;
    let sent: Vec<String> = walk(&hub, 72).await.iter().map(|t| t.to_string()).collect();
    assert_eq!(
        sent,
        [
            "2027-03-27T06:30:00Z",
            "2027-03-28T05:30:00Z",
            "2027-03-29T05:30:00Z"
        ]
    );
    let dates: Vec<String> = digests(&resend)
        .iter()
        .map(|d| {
            let s = d["subject"].as_str().unwrap();
            s.rsplit(' ').next().unwrap().to_owned()
        })
        .collect();
    assert_eq!(
        dates,
        [
            "2026-10-24",
            "2026-10-25",
            "2026-10-26",
            "2027-03-27",
            "2027-03-28",
            "2027-03-29"
        ]
    );
    hub.stop().await;
}

async fn report_now(hub: &Hub, id: &str) {
    let now = hub.clock.now_ts().to_string();
    let resp = hub
        .post_json("/api/v1/report", Some(KEY), &report(id, &now))
        .await;
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn the_digest_of_a_seeded_database() {
    let (resend, url) = FakeResend::start().await;
    // A customer configured eight days ago that never reported.
    let hub = hub_at(
        Arc::new(tempfile::tempdir().unwrap()),
        "2026-11-23T06:00:00Z",
        &url,
    )
    .await;
    hub.add_config("dori").await;
    hub.clock.advance(SignedDuration::from_hours(24 * 8));
    hub.add_config("anna").await;
    hub.state.set_latest_version(Some("1.9.0".into()));
    let admin = hub.admin_token("ops", false).await;
    let ro = hub.admin_token("ci", true).await;
    for id in ["anna", "bela", "cili"] {
        report_now(&hub, id).await;
    }
    // bela goes silent: down.
    for _ in 0..3 {
        hub.clock.advance(SignedDuration::from_mins(1));
        report_now(&hub, "anna").await;
        report_now(&hub, "cili").await;
        staleness::check(&hub.state).await.unwrap();
        hub.drain().await;
    }
    // cili missed its backup; anna's config drifted.
    hub.store
        .insert_event(staleness::hub_event(
            "cili",
            hub_proto::EventType::ExpectedBackupMissed,
            "No backup completed since local midnight".into(),
            json!({}),
            hub.clock.now_ts(),
        ))
        .await
        .unwrap();
    hub.drain().await;
    hub.store
        .record_drift(vec![DriftWrite {
            customer_id: "anna".into(),
            seen: None,
            row: DriftRow {
                status: Some(hub_proto::admin::DriftState::Drifted),
                next_check_at: Some(hub.clock.now_ts()),
                ..Default::default()
            },
            event: None,
        }])
        .await
        .unwrap();
    let start = hub.clock.now_ts() + SignedDuration::from_hours(3);
    let resp = hub
        .admin(
            Method::POST,
            "/maintenance",
            &admin,
            Some(
                json!({"customer_id": "anna", "kind": "once", "starts_at": start,
                        "ends_at": start + SignedDuration::from_hours(2), "reason": "disk swap"}),
            ),
        )
        .await;
    assert_eq!(resp.status(), 201);

    // The preview, with a read-only token.
    let d: Value = hub
        .admin(Method::GET, "/digest", &ro, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        d["subject"],
        "[felhom digest] 1 down · 1 warn · 1 missed backup · 1 drift — 2026-12-01"
    );
    let text = d["text"].as_str().unwrap();
    let (body, hub_part) = text.split_once("\nThe hub\n").unwrap();
    assert_eq!(
        body,
        "\
4 nodes: 1 down, 1 warn, 1 pending, 1 ok; 2 incidents open.

Open incidents (oldest first)
  bela node: open 0s (since 2026-12-01 07:03)
  cili backup: open 0s (since 2026-12-01 07:03)

The last 24 hours
  new incidents: 2: bela node, cili backup
  resolved: none
  missed backups: 1: cili
  missed database dumps: none
  failed deliveries: 0
  disabled channels: none
  skipped notifications: no_address 2

The fleet
  pending for more than 7 days: 1: dori
  versions behind the newest: 1.8.2 ×3
  drifted: 1: anna
  drift unknown: none

Maintenance in the next 24 hours
  anna: from 2026-12-01 10:03 — disk swap
"
    );
    assert!(hub_part.starts_with("  up "), "{hub_part}");
    assert!(hub_part.contains(" MB, "), "{hub_part}");
    assert!(hub_part.contains("last backup never"), "{hub_part}");
    // Nothing secret or customer-private beyond ids.
    assert!(!text.contains("api-key") && !text.contains("tunnel-tok"));

    // --send needs a full token; then it is queued and delivered.
    let resp = hub.admin(Method::POST, "/digest/send", &ro, None).await;
    assert_eq!(resp.status(), 403);
    let resp = hub.admin(Method::POST, "/digest/send", &admin, None).await;
    assert_eq!(resp.status(), 200);
    let sent: Value = resp.json().await.unwrap();
    assert_eq!(sent["sent"], true);
    hub.drain().await;
    let d = digests(&resend);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0]["to"], json!([OPERATOR]));
    assert!(d[0]["text"].as_str().unwrap().contains("drifted: 1: anna"));
    hub.stop().await;
}
