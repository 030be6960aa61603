//! `/metrics` (for admin tokens, strict OpenMetrics) and the heartbeat to
//! an outside dead man's switch (on schedule, withheld while the hub's own
//! switch is stuck), on the manual clock.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::routing::get;
use jiff::SignedDuration;
use serde_json::json;

use crate::*;

/// Parses `text` with prometheus-client's strict OpenMetrics parser (in
/// Python); returns the samples as `name{labels} value` lines.
fn strict_parse(text: &str) -> Option<Vec<String>> {
    let script = r#"
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        labels = ",".join(f'{k}="{v}"' for k, v in sorted(s.labels.items()))
        print(f"{s.name}{{{labels}}} {float(s.value)}")
"#;
    let have = std::process::Command::new("python3")
        .args(["-c", "import prometheus_client"])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !tool_available(
        have,
        "prometheus-client for Python is missing (pip install prometheus-client)",
    ) {
        return None;
    }
    use std::io::Write;
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "not valid OpenMetrics: {}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect(),
    )
}

#[tokio::test]
async fn metrics_need_a_token_and_are_strict_openmetrics() {
    let hub = Hub::start().await;
    hub.add_config("pending-one").await;
    for (i, id) in ["a", "b", "c"].iter().enumerate() {
        let mut r = report(id, T0);
        if i == 2 {
            r["health"] = "warn".into();
        }
        assert_eq!(
            hub.post_json("/api/v1/report", Some(KEY), &r)
                .await
                .status(),
            200
        );
    }
    let event = json!({"customer_id": "a", "event_type": "backup_failed", "severity": "error",
                       "message": "restic exited 1", "event_id": "e-1"});
    for _ in 0..2 {
        hub.post_json("/api/v1/event", Some(KEY), &event).await;
    }
    // No token, the report key, a bad token: refused.
    assert_eq!(hub.get("/metrics", None).await.status(), 401);
    assert_eq!(hub.get("/metrics", Some(KEY)).await.status(), 401);
    assert_eq!(hub.get("/metrics", Some("hubadm_nope")).await.status(), 401);
    let ro = hub.admin_token("prometheus", true).await;
    let resp = hub.get("/metrics", Some(&ro)).await;
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let text = resp.text().await.unwrap();
    assert!(text.ends_with("# EOF\n"));
    let Some(samples) = strict_parse(&text) else {
        return;
    };
    let has = |line: &str| samples.iter().any(|s| s == line);
    for line in [
        "hub_reports_ingested_total{} 3.0",
        "hub_events_ingested_total{} 1.0",
        r#"hub_customers{status="ok"} 2.0"#,
        r#"hub_customers{status="warn"} 1.0"#,
        r#"hub_customers{status="pending"} 1.0"#,
        r#"hub_customers{status="down"} 0.0"#,
        "hub_outbox_depth{} 1.0",
    ] {
        assert!(has(line), "{line} missing from {samples:#?}");
    }
    for name in [
        "hub_http_requests_total{",
        "hub_http_request_duration_seconds_bucket{",
        "hub_database_bytes{}",
        "hub_wal_bytes{}",
        "hub_wal_peak_bytes{}",
        "hub_poisoned_locks{}",
        "hub_last_backup_timestamp_seconds{}",
        "hub_outbox_oldest_age_seconds{}",
        "hub_deliveries_pending{}",
    ] {
        assert!(
            samples.iter().any(|s| s.starts_with(name)),
            "{name} missing"
        );
    }
    // Routes, never paths: a customer id is no label value.
    assert!(!text.contains("/api/v1/customers/a\""));
    hub.stop().await;
}

/// A loopback double of an outside dead man's switch: counts pings.
async fn ping_counter() -> (String, Arc<Mutex<usize>>) {
    let hits = Arc::new(Mutex::new(0));
    let h = hits.clone();
    let app = Router::new().route(
        "/ping/{check}",
        get(move || {
            let h = h.clone();
            async move {
                *h.lock().unwrap() += 1;
                "OK"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/ping/hub-check-uuid",
        listener.local_addr().unwrap()
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, hits)
}

#[tokio::test]
async fn the_heartbeat_beats_on_schedule_and_stops_while_the_switch_is_stuck() {
    use hub_server::jobs::heartbeat::beat;
    let (url, hits) = ping_counter().await;
    let hub = Hub::start_with(
        Arc::new(tempfile::tempdir().unwrap()),
        crate::fast(),
        move |c| {
            c.alerting.heartbeat_url = Secret(url);
            c.alerting.heartbeat_interval = GoDuration(std::time::Duration::from_secs(300));
        },
    )
    .await;
    let st = &hub.state;
    let min = |m| SignedDuration::from_mins(m);
    st.jobs.register(
        "staleness",
        std::time::Duration::from_secs(60),
        hub.clock.now_ts(),
    );
    st.jobs.succeeded("staleness", hub.clock.now_ts());
    assert!(beat(st).await.unwrap(), "the first beat");
    assert_eq!(*hits.lock().unwrap(), 1);
    // Every 5 minutes on the hub's clock, not more often.
    for (advance, sent) in [
        (min(1), false),
        (min(3), false),
        (min(1), true),
        (min(2), false),
    ] {
        hub.clock.advance(advance);
        st.jobs.succeeded("staleness", hub.clock.now_ts());
        assert_eq!(beat(st).await.unwrap(), sent, "after {advance}");
    }
    assert_eq!(*hits.lock().unwrap(), 2);
    // The dead man's switch stops running: overdue after twice its period
    // and a minute; from then on no heartbeat however long it lasts.
    let mut stuck = 0;
    for _ in 0..12 {
        hub.clock.advance(min(5));
        let before = *hits.lock().unwrap();
        let r = beat(st).await;
        if st.jobs.overdue(hub.clock.now_ts()).is_empty() {
            continue;
        }
        stuck += 1;
        let err = r.unwrap_err().to_string();
        assert!(err.contains("staleness"), "{err}");
        assert!(
            !err.contains("hub-check-uuid"),
            "the URL is a secret: {err}"
        );
        assert_eq!(*hits.lock().unwrap(), before, "a beat while stuck");
    }
    assert!(stuck >= 11, "{stuck} stuck rounds");
    let during = *hits.lock().unwrap();
    // It runs again: the heartbeat resumes at once.
    st.jobs.succeeded("staleness", hub.clock.now_ts());
    assert!(beat(st).await.unwrap());
    assert_eq!(*hits.lock().unwrap(), during + 1);
    // A stuck outbox withholds it too.
    hub.post_json(
        "/api/v1/event",
        Some(KEY),
        &json!({"customer_id": "a", "event_type": "backup_failed", "severity": "error",
                "message": "m"}),
    )
    .await;
    hub.clock.advance(min(15));
    st.jobs.succeeded("staleness", hub.clock.now_ts());
    let err = beat(st).await.unwrap_err().to_string();
    assert!(err.contains("outbox"), "{err}");
    hub.drain().await;
    assert!(beat(st).await.unwrap());
    hub.stop().await;
}
