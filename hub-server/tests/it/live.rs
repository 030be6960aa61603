//! The live fleet model and the admin stream: rows as in the list, ids a
//! reconnecting client resumes from, resets for those too late or too
//! slow, keep-alives for long-lived streams, compression, and the model
//! always equal to what the database says.

use std::time::Duration;

use hub_server::live::StatusView;
use hub_server::store::NewCustomerConfig;
use proptest::prelude::*;
use reqwest::Method;
use serde_json::{Value, json};

use crate::*;

/// One SSE message: id, event name, data.
type Message = (Option<u64>, String, Value);

/// Reads `want` messages (comments counted apart) within 5 s.
async fn read_messages(resp: &mut reqwest::Response, want: usize) -> (Vec<Message>, usize) {
    let mut buf = String::new();
    let mut out = Vec::new();
    let mut comments = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while out.len() < want {
        let chunk = tokio::time::timeout_at(deadline, resp.chunk())
            .await
            .expect("stream message in time")
            .unwrap()
            .expect("stream still open");
        buf.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            let (mut id, mut name, mut data) = (None, String::new(), String::new());
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("id:") {
                    id = v.trim().parse().ok();
                } else if let Some(v) = line.strip_prefix("event:") {
                    name = v.trim().to_owned();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim());
                } else if line.starts_with(':') {
                    comments += 1;
                }
            }
            if !name.is_empty() {
                out.push((id, name, serde_json::from_str(&data).unwrap_or(Value::Null)));
            }
        }
    }
    (out, comments)
}

async fn stream(hub: &Hub, token: &str, last: Option<u64>) -> reqwest::Response {
    let mut req = hub
        .client
        .get(format!("{}/api/admin/v1/stream", hub.url))
        .bearer_auth(token);
    if let Some(id) = last {
        req = req.header("last-event-id", id.to_string());
    }
    let resp = req.send().await.unwrap();
    assert_eq!(resp.status(), 200);
    resp
}

async fn fleet(hub: &Hub, token: &str) -> Value {
    hub.admin(Method::GET, "/fleet?all=true", token, None)
        .await
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_stream_carries_whole_rows_events_and_actions() {
    let hub = Hub::start().await;
    let ro = hub.admin_token("tui", true).await;
    let full = hub.admin_token("ops", false).await;
    assert_eq!(
        hub.admin(Method::GET, "/stream", "nope", None)
            .await
            .status(),
        401
    );
    let mut resp = stream(&hub, &ro, None).await;
    assert_eq!(resp.headers()["content-type"], "text/event-stream");

    // Each change is read as it happens: rows are shown with the status
    // of the moment they are sent.
    let mut got = Vec::new();
    hub.post_json("/api/v1/report", Some(KEY), &report("s", T0))
        .await;
    got.extend(read_messages(&mut resp, 1).await.0);
    let e = json!({"customer_id": "s", "event_type": "disk_missing", "severity": "error", "message": "hdd1 gone"});
    hub.post_json("/api/v1/event", Some(KEY), &e).await;
    got.extend(read_messages(&mut resp, 2).await.0);
    hub.admin(Method::POST, "/customers/s/block", &full, None)
        .await;
    got.extend(read_messages(&mut resp, 2).await.0);
    hub.clock.advance(jiff::SignedDuration::from_hours(2));
    hub.admin(Method::POST, "/customers/s/unblock", &full, None)
        .await;
    got.extend(read_messages(&mut resp, 2).await.0);
    hub_server::jobs::staleness::check(&hub.state)
        .await
        .unwrap();
    got.extend(read_messages(&mut resp, 2).await.0);

    let kinds: Vec<&str> = got.iter().map(|(_, k, _)| k.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "row", "event", "row", "row", "action", "row", "action", "event", "row"
        ]
    );
    let ids: Vec<u64> = got.iter().map(|(id, _, _)| id.unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[1] == w[0] + 1), "{ids:?}");
    // A row message is the fleet list's object.
    assert_eq!(got[0].2["row"]["customer_id"], "s");
    assert_eq!(got[0].2["row"]["status"], "ok");
    assert_eq!(got[1].2["event"]["message"], "hdd1 gone");
    assert_eq!(got[2].2["row"]["errors_24h"], 1);
    assert_eq!(got[3].2["row"]["status"], "blocked");
    assert_eq!(got[4].2["action"], "customer.block");
    assert_eq!(got[4].2["actor"], "token:ops");
    assert_eq!(got[7].2["event"]["event_type"], "node_down");
    assert_eq!(got[8].2["row"]["status"], "down");
    let listed = fleet(&hub, &ro).await;
    assert_eq!(listed["customers"][0], got[8].2["row"]);
    assert_eq!(listed["stream_id"], got[8].0.unwrap());
    hub.stop().await;
}

#[tokio::test]
async fn a_reconnect_with_last_event_id_loses_nothing() {
    let hub = Hub::start().await;
    let ro = hub.admin_token("tui", true).await;
    let mut first = stream(&hub, &ro, None).await;
    hub.post_json("/api/v1/report", Some(KEY), &report("a", T0))
        .await;
    let (got, _) = read_messages(&mut first, 1).await;
    let last = got[0].0.unwrap();
    drop(first);
    // What happens while the client is away.
    for (i, id) in ["b", "c", "a"].iter().enumerate() {
        let ts = format!("2026-11-27T10:0{}:00Z", i + 1);
        hub.post_json("/api/v1/report", Some(KEY), &report(id, &ts))
            .await;
    }
    let mut again = stream(&hub, &ro, Some(last)).await;
    hub.post_json(
        "/api/v1/report",
        Some(KEY),
        &report("d", "2026-11-27T10:05:00Z"),
    )
    .await;
    let (got, _) = read_messages(&mut again, 4).await;
    let seen: Vec<(u64, String)> = got
        .iter()
        .map(|(id, _, v)| {
            (
                id.unwrap(),
                v["row"]["customer_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (last + 1, "b".to_owned()),
            (last + 2, "c".to_owned()),
            (last + 3, "a".to_owned()),
            (last + 4, "d".to_owned())
        ]
    );
    // An id no longer kept (or from before a restart): one reset first.
    let mut stale = stream(&hub, &ro, Some(1)).await;
    let (got, _) = read_messages(&mut stale, 1).await;
    assert_eq!(got[0].1, "reset");
    assert_eq!(got[0].0, None);
    // An id above ours (another replica's epoch): a reset, and then every
    // new message, not only those numbered above the foreign id.
    let mut foreign = stream(&hub, &ro, Some(u64::MAX - 1)).await;
    hub.post_json(
        "/api/v1/report",
        Some(KEY),
        &report("e", "2026-11-27T10:06:00Z"),
    )
    .await;
    let (got, _) = read_messages(&mut foreign, 2).await;
    assert_eq!(got[0].1, "reset");
    assert_eq!(got[1].2["row"]["customer_id"], "e", "{got:?}");
    hub.stop().await;
}

#[tokio::test]
async fn an_idle_stream_stays_open_with_keepalive_comments() {
    STREAM_KEEPALIVE.with(|k| k.set(Duration::from_millis(50)));
    let hub = Hub::start().await;
    let ro = hub.admin_token("tui", true).await;
    let mut resp = stream(&hub, &ro, None).await;
    // Twenty keep-alives, then a message still arrives on the same stream.
    let mut comments = 0;
    let mut buf = Vec::new();
    while comments < 20 {
        let chunk = tokio::time::timeout(Duration::from_secs(5), resp.chunk())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        buf.extend_from_slice(&chunk);
        comments = String::from_utf8_lossy(&buf)
            .matches(": keep-alive")
            .count();
    }
    hub.post_json("/api/v1/report", Some(KEY), &report("late", T0))
        .await;
    let (got, _) = read_messages(&mut resp, 1).await;
    assert_eq!(got[0].2["row"]["customer_id"], "late");
    hub.stop().await;
}

#[tokio::test]
async fn a_slow_client_is_told_to_reset_and_ingest_does_not_wait() {
    let hub = Hub::start_with_live(hub_server::live::Live::with_new_epoch(8)).await;
    let ro = hub.admin_token("tui", true).await;
    // A client that reads nothing, with a small receive window.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let addr: std::net::SocketAddr = hub.url.trim_start_matches("http://").parse().unwrap();
    let mut slow = socket.connect(addr).await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    slow.write_all(
        format!(
            "GET /api/admin/v1/stream HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer {ro}\r\n\r\n"
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    // Ingest goes on at full speed meanwhile.
    let start = std::time::Instant::now();
    let base: jiff::Timestamp = T0.parse().unwrap();
    for round in 0..30 {
        let sends = (0..100).map(|i| {
            let ts = base + jiff::SignedDuration::from_secs(round * 100 + i);
            let mut r = report(&format!("n{i:03}"), &ts.to_string());
            r["padding"] = "x".repeat(2000).into();
            hub.post("/api/v1/report", Some(KEY), r.to_string())
        });
        for resp in futures_util::future::join_all(sends).await {
            assert_eq!(resp.status(), 200);
        }
    }
    let ingest = start.elapsed();
    // The slow client, reading at last, finds a reset in its stream.
    let mut text = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !String::from_utf8_lossy(&text).contains("event: reset") {
        let n = tokio::time::timeout_at(deadline, slow.read(&mut buf))
            .await
            .expect("a reset in time")
            .unwrap();
        assert!(n > 0, "stream closed without a reset");
        text.extend_from_slice(&buf[..n]);
    }
    assert!(ingest < Duration::from_secs(60), "{ingest:?}");
    hub.stop().await;
}

#[tokio::test]
async fn lists_are_compressed_when_the_client_accepts_it() {
    let hub = Hub::start().await;
    let ro = hub.admin_token("ci", true).await;
    for i in 0..300 {
        hub.post_json(
            "/api/v1/report",
            Some(KEY),
            &report(&format!("c{i:03}"), T0),
        )
        .await;
    }
    // A client that leaves bodies as sent (reqwest decodes and drops
    // Content-Encoding when its decompression features are on, as they
    // are when hubctl is built alongside).
    let raw_client = reqwest::Client::builder()
        .no_gzip()
        .no_brotli()
        .no_zstd()
        .no_deflate()
        .build()
        .unwrap();
    let plain = raw_client
        .get(format!("{}/api/admin/v1/fleet", hub.url))
        .bearer_auth(&ro)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let plain: Value = serde_json::from_slice(&plain).unwrap();
    for enc in ["zstd", "br", "gzip"] {
        let resp = raw_client
            .get(format!("{}/api/admin/v1/fleet", hub.url))
            .bearer_auth(&ro)
            .header("accept-encoding", enc)
            .send()
            .await
            .unwrap();
        assert_eq!(
            resp.headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap()),
            Some(enc),
            "{:?}",
            resp.headers()
        );
        assert_eq!(resp.headers()["vary"], "accept-encoding");
        let body = resp.bytes().await.unwrap();
        let raw = match enc {
            "zstd" => zstd::decode_all(&body[..]).unwrap(),
            "gzip" => {
                use std::io::Read;
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(&body[..])
                    .read_to_end(&mut out)
                    .unwrap();
                out
            }
            _ => {
                let mut out = Vec::new();
                brotli::BrotliDecompress(&mut &body[..], &mut out).unwrap();
                out
            }
        };
        assert!(
            body.len() * 5 < raw.len(),
            "{enc}: {} of {}",
            body.len(),
            raw.len()
        );
        let decoded: Value = serde_json::from_slice(&raw).unwrap();
        assert_eq!(decoded, plain, "{enc}");
    }
    // Other large answers are compressed too.
    let resp = raw_client
        .get(format!("{}/api/v1/customers", hub.url))
        .bearer_auth(KEY)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["content-encoding"], "gzip");
    hub.stop().await;
}

/// One step of the random walk of the model test.
#[derive(Debug, Clone)]
enum Op {
    Report { who: u8, minutes: u16, health: u8 },
    Event { who: u8, severity: u8, minutes: u16 },
    Config { who: u8, name: u8 },
    DeleteConfig { who: u8 },
    Block { who: u8, blocked: bool },
    Advance { minutes: u16 },
    Prune { days: u8 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u8..6, 0u16..3000, 0u8..3).prop_map(|(who, minutes, health)| Op::Report { who, minutes, health }),
        3 => (0u8..6, 0u8..3, 0u16..3000).prop_map(|(who, severity, minutes)| Op::Event { who, severity, minutes }),
        1 => (0u8..6, 0u8..3).prop_map(|(who, name)| Op::Config { who, name }),
        1 => (0u8..6).prop_map(|who| Op::DeleteConfig { who }),
        1 => (0u8..6, any::<bool>()).prop_map(|(who, blocked)| Op::Block { who, blocked }),
        1 => (0u16..2000).prop_map(|minutes| Op::Advance { minutes }),
        1 => (1u8..3).prop_map(|days| Op::Prune { days }),
    ]
}

async fn run_ops(ops: Vec<Op>) -> Result<(), TestCaseError> {
    use hub_proto::{EventType, Health, Severity};
    use hub_server::store::{NewEvent, NewReport};
    let dir = tempfile::tempdir().unwrap();
    let store = crate::open_store(
        dir.path(),
        StoreOptions {
            synchronous_full: false,
            ..Default::default()
        },
    )
    .unwrap();
    let live = std::sync::Arc::new(hub_server::live::Live::new(1, 1024));
    store.attach(live.clone()).await.unwrap();
    let t0: jiff::Timestamp = T0.parse().unwrap();
    let mut now = t0;
    let id = |who: u8| format!("c{who}");
    for op in ops {
        match op {
            Op::Report {
                who,
                minutes,
                health,
            } => {
                let ts = t0 + jiff::SignedDuration::from_mins(i64::from(minutes));
                let body = report(&id(who), &ts.to_string()).to_string();
                let (dict, packed) = store.codec().compress_report(body.as_bytes()).unwrap();
                store
                    .insert_report(NewReport {
                        customer_id: id(who),
                        timestamp: ts,
                        received_at: now,
                        health: [Health::Ok, Health::Warn, Health::Fail][usize::from(health)],
                        monitoring_disabled: health == 2 && who % 2 == 0,
                        controller_version: Some(format!("1.{who}.0")),
                        controller_url: Some(format!("https://{}.example", id(who))),
                        hostname: Some(format!("host-{minutes}")),
                        signals: Default::default(),
                        dict,
                        body: packed,
                        own_key: None,
                    })
                    .await
                    .unwrap();
            }
            Op::Event {
                who,
                severity,
                minutes,
            } => {
                let severity =
                    [Severity::Info, Severity::Warning, Severity::Error][usize::from(severity)];
                store
                    .insert_event(NewEvent {
                        customer_id: id(who),
                        event_type: EventType::DiskSpaceLow,
                        severity,
                        message: "m".into(),
                        details: None,
                        occurred_at: t0 + jiff::SignedDuration::from_mins(i64::from(minutes)),
                        received_at: now,
                        from_hub: false,
                        event_id: None,
                    })
                    .await
                    .unwrap();
            }
            Op::Config { who, name } => {
                let cfg = hub_proto::admin::CustomerConfig {
                    customer_id: id(who),
                    display_name: format!("Name {name}"),
                    ..Default::default()
                };
                let inserted = store
                    .insert_customer_config(
                        NewCustomerConfig {
                            config: cfg.clone(),
                            api_key: format!("key-{who}-{name}-{}", now.as_millisecond()),
                            retrieval_password: "pw".into(),
                            session_secret: "s".into(),
                        },
                        now,
                    )
                    .await
                    .unwrap();
                if !inserted {
                    store.update_config_document(cfg, now).await.unwrap();
                }
            }
            Op::DeleteConfig { who } => {
                store.delete_config(id(who)).await.unwrap();
            }
            Op::Block { who, blocked } => {
                store.set_blocked(id(who), blocked).await.unwrap();
            }
            Op::Advance { minutes } => {
                now += jiff::SignedDuration::from_mins(i64::from(minutes));
            }
            Op::Prune { days } => {
                store
                    .prune(now - jiff::SignedDuration::from_hours(24 * i64::from(days)))
                    .await
                    .unwrap();
            }
        }
    }
    let view = StatusView {
        now,
        thresholds: hub_proto::StatusThresholds {
            stale: Duration::from_secs(1800),
            down: Duration::from_secs(3600),
        },
        latest: Some((1, 3, 0)),
        tz: jiff::tz::TimeZone::UTC,
        maintenance: Default::default(),
    };
    let entries = |rows: Vec<hub_server::live::Row>| -> Vec<Value> {
        rows.iter()
            .filter(|r| r.listed())
            .map(|r| serde_json::to_value(r.entry(&view)).unwrap())
            .collect()
    };
    let model = entries(live.rows());
    let database = entries(
        store
            .fleet_from_database()
            .await
            .unwrap()
            .into_iter()
            .map(hub_server::live::Row::from_record)
            .collect(),
    );
    store.close().await;
    prop_assert_eq!(model, database);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// The in-memory fleet equals the one recomputed from the database
    /// after any sequence of reports, events, config changes, blocks,
    /// prunes and passing time.
    #[test]
    fn the_model_equals_the_database_after_random_operations(ops in prop::collection::vec(op(), 1..40)) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(run_ops(ops))?;
    }
}
