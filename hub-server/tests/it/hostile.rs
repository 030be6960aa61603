//! Hostile and odd input: every body the drills threw at the hub is either
//! refused with a 400 that stores nothing, or accepted and readable back —
//! and no read ever answers 500 because of one stored row.

use reqwest::Method;
use serde_json::{Value, json};

use crate::*;

/// Every read a controller, a recovering node or the operator makes about
/// `id`; none may fail with a server error.
async fn read_everything(hub: &Hub, id: &str, password: &str, admin: &str) {
    for path in [
        "/api/v1/customers".to_owned(),
        format!("/api/v1/customers/{id}"),
        format!("/api/v1/customers/{id}/history?period=90d"),
        format!("/api/v1/infra-backup/{id}"),
    ] {
        let status = hub.get(&path, Some(KEY)).await.status().as_u16();
        assert!(status < 500, "{path}: {status}");
    }
    for path in [
        format!("/api/v1/config/{id}"),
        format!("/api/v1/recovery/{id}"),
    ] {
        let status = hub
            .client
            .get(format!("{}{path}", hub.url))
            .header("x-retrieval-password", password)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        assert!(status < 500, "{path}: {status}");
    }
    for path in [
        "/fleet".to_owned(),
        format!("/customers/{id}"),
        format!("/customers/{id}/history?period=7d"),
        format!("/events?customer={id}"),
        "/notifications".to_owned(),
        "/audit".to_owned(),
        "/versions".to_owned(),
    ] {
        let status = hub
            .admin(Method::GET, &path, admin, None)
            .await
            .status()
            .as_u16();
        assert!(status < 500, "admin {path}: {status}");
    }
}

#[tokio::test]
async fn trailing_bytes_and_repeated_headers_are_refused_and_store_nothing() {
    let hub = Hub::start().await;
    let (api_key, password) = hub.add_config("poison").await;
    let admin = hub.admin_token("ops", false).await;
    let good = report("poison", T0).to_string();
    let event = json!({"customer_id": "poison", "event_type": "backup_failed",
                       "severity": "error", "message": "m"})
    .to_string();
    let infra = json!({"customer_id": "poison", "created_at": T0,
                       "restic": {"primary_password": "p"}})
    .to_string();
    let prefs = json!({"customer_id": "poison", "email": "a@b.hu"}).to_string();
    let notify = json!({"customer_id": "poison", "subject": "s", "message": "m"}).to_string();
    let mut cases: Vec<(&str, String, &str)> = Vec::new();
    for (path, body) in [
        ("/api/v1/report", &good),
        ("/api/v1/event", &event),
        ("/api/v1/infra-backup", &infra),
        ("/api/v1/preferences", &prefs),
        ("/api/v1/notify", &notify),
    ] {
        cases.push((path, format!("{body}xyz"), "invalid_json"));
        cases.push((path, format!("{body}{body}"), "invalid_json"));
        cases.push((path, format!("{body} 1"), "invalid_json"));
        cases.push((path, format!("{body}\u{0}"), "invalid_json"));
        cases.push((path, body[..body.len() - 1].to_owned(), "malformed_json"));
    }
    for (path, body, code) in &cases {
        let resp = hub.post(path, Some(KEY), body.clone()).await;
        assert_eq!(error_code(resp, 400).await, *code, "{path} {body}");
    }
    // Bytes that are not UTF-8, even inside a field the hub does not read
    // (found by fuzzing: such a body was stored and could not be read).
    let mut latin1 = good.clone().into_bytes();
    let at = good.find("\"last_backup_at\"").unwrap();
    latin1.splice(at + 1..at + 1, b"x_\xf1".iter().copied());
    let mut nested = report("poison", T0);
    nested["backup"]["note"] = "PLACEHOLDER".into();
    let nested = nested
        .to_string()
        .replace("PLACEHOLDER", "caf\u{e9}")
        .into_bytes();
    let mut nested_latin1 = nested.clone();
    let pos = nested.windows(2).position(|w| w == "é".as_bytes()).unwrap();
    nested_latin1.splice(pos..pos + 2, [0xe9]);
    for body in [latin1, nested_latin1] {
        let resp = hub.post("/api/v1/report", Some(KEY), body).await;
        assert_eq!(error_code(resp, 400).await, "malformed_json");
    }
    // Whitespace after the value is fine.
    let resp = hub
        .post("/api/v1/report", Some(KEY), format!("{good}\r\n \t"))
        .await;
    assert_eq!(resp.status(), 200);
    let v: Value = hub
        .get("/api/v1/customers/poison/history?period=24h", Some(KEY))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["reports"].as_array().unwrap().len(), 1);
    // (Its own key: the global one never reads a managed customer's.)
    assert_eq!(
        hub.get("/api/v1/infra-backup/poison", Some(&api_key))
            .await
            .status(),
        404
    );
    assert_eq!(hub.store.event_count("poison".into()).await.unwrap(), 0);
    assert_eq!(hub.store.outbox_len().await.unwrap(), 0);

    // Two Authorization headers (even two valid ones) are refused: proxies
    // and servers disagree on which one counts.
    for (method, path) in [
        (Method::POST, "/api/v1/report"),
        (Method::GET, "/api/admin/v1/fleet"),
    ] {
        let resp = hub
            .client
            .request(method, format!("{}{path}", hub.url))
            .header("authorization", format!("Bearer {KEY}"))
            .header("authorization", format!("Bearer {admin}"))
            .body(report("dup", T0).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(resp, 400).await, "bad_request", "{path}");
    }
    let resp = hub
        .client
        .get(format!("{}/api/v1/config/poison", hub.url))
        .header("x-retrieval-password", &password)
        .header("x-retrieval-password", &password)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(resp, 400).await, "bad_request");
    assert_eq!(fleet_len(&hub).await, 1);
    read_everything(&hub, "poison", &password, &admin).await;
    hub.stop().await;
}

#[tokio::test]
async fn implausible_timestamps_are_refused() {
    let hub = Hub::start().await;
    for ts in [
        "0001-01-01T00:00:00Z",
        "1999-12-31T23:59:59Z",
        "2026-11-28T10:00:01Z",
    ] {
        let resp = hub
            .post_json("/api/v1/report", Some(KEY), &report("a", ts))
            .await;
        assert_eq!(error_code(resp, 400).await, "invalid_field", "{ts}");
        let event = json!({"customer_id": "a", "event_type": "backup_failed",
                           "severity": "error", "message": "m", "occurred_at": ts});
        let resp = hub.post_json("/api/v1/event", Some(KEY), &event).await;
        assert_eq!(error_code(resp, 400).await, "invalid_field", "{ts}");
        let infra = json!({"customer_id": "a", "created_at": ts});
        let resp = hub
            .post_json("/api/v1/infra-backup", Some(KEY), &infra)
            .await;
        assert_eq!(error_code(resp, 400).await, "invalid_field", "{ts}");
    }
    // A node's clock a little ahead is fine.
    let resp = hub
        .post_json(
            "/api/v1/report",
            Some(KEY),
            &report("a", "2026-11-28T09:00:00Z"),
        )
        .await;
    assert_eq!(resp.status(), 200);
    hub.stop().await;
}

#[tokio::test]
async fn what_go_controllers_send_is_accepted_and_read_back() {
    let hub = Hub::start().await;
    let mut r = report("go-node", T0);
    r["containers"] = Value::Null;
    r["storage"] = Value::Null;
    r["checks"] = Value::Null;
    r["system"]["uptime_seconds"] = json!(864000.0);
    r["system"]["memory_total_bytes"] = json!(8.208e9);
    r["system"]["load_avg"] = Value::Null;
    r["backup"]["snapshot_count"] = json!(42.0);
    r["monitoring_disabled"] = Value::Null;
    let resp = hub.post_json("/api/v1/report", Some(KEY), &r).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    // Stored verbatim: the nulls and floats come back as sent.
    let v: Value = hub
        .get("/api/v1/customers/go-node", Some(KEY))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["latest_report"]["containers"], Value::Null);
    assert_eq!(v["latest_report"]["system"]["uptime_seconds"], 864000.0);
    assert_eq!(v["status"], "ok");

    let e = json!({"customer_id": "go-node", "event_type": "backup_failed", "severity": "error",
                   "message": "restic failed", "event_id": "",
                   "details_json": "{\"repo\":\"/mnt/hdd1/restic\"}"});
    for expected in [201, 201] {
        // `event_id: ""` is no id: both are stored, not deduplicated.
        let resp = hub.post_json("/api/v1/event", Some(KEY), &e).await;
        assert_eq!(resp.status(), expected);
    }
    let admin = hub.admin_token("ops", true).await;
    let page: Value = hub
        .admin(Method::GET, "/events?customer=go-node", &admin, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert_eq!(page["items"][0]["details"]["repo"], "/mnt/hdd1/restic");

    let prefs = json!({"customer_id": "go-node", "email": "a@b.hu",
                       "enabled_events": null, "cooldown_hours": 6.0});
    let resp = hub
        .post_json("/api/v1/preferences", Some(KEY), &prefs)
        .await;
    assert_eq!(resp.status(), 200);
    let infra = json!({"customer_id": "go-node", "created_at": T0, "disks": null,
                       "bind_mounts": null, "stacks": null});
    let resp = hub
        .post_json("/api/v1/infra-backup", Some(KEY), &infra)
        .await;
    assert_eq!(resp.status(), 201);

    // Still strict where Go would not produce it.
    for (field, value) in [
        ("uptime_seconds", json!(1.5)),
        ("uptime_seconds", json!(-1)),
        ("uptime_seconds", json!("10")),
    ] {
        let mut bad = report("go-node", "2026-11-27T10:05:00Z");
        bad["system"][field] = value.clone();
        let resp = hub.post_json("/api/v1/report", Some(KEY), &bad).await;
        assert_eq!(error_code(resp, 400).await, "invalid_field", "{value}");
    }
    hub.stop().await;
}

/// Rows an older hub stored with trailing bytes (or damaged on disk) are
/// skipped by reads instead of failing them, and recovery falls back to
/// the newest readable infra backup.
#[tokio::test]
async fn poisoned_rows_do_not_break_reads_or_recovery() {
    use hub_server::store::NewReport;
    let hub = Hub::start().await;
    let (_, password) = hub.add_config("poison").await;
    let admin = hub.admin_token("ops", true).await;
    let good_infra = json!({"customer_id": "poison", "created_at": T0,
                            "restic": {"primary_password": "restic-pw-1"}});
    let resp = hub
        .post_json("/api/v1/infra-backup", Some(KEY), &good_infra)
        .await;
    assert_eq!(resp.status(), 201);
    let later: jiff::Timestamp = "2026-11-27T11:00:00Z".parse().unwrap();
    let mut bad = good_infra.to_string().into_bytes();
    bad.extend_from_slice(b"xyz");
    hub.store
        .insert_infra_backup("poison".into(), later, later, bad)
        .await
        .unwrap();
    for (ts, body) in [
        (T0, format!("{}", report("poison", T0))),
        (
            "2026-11-27T10:15:00Z",
            format!("{}xyz", report("poison", T0)),
        ),
    ] {
        let ts: jiff::Timestamp = ts.parse().unwrap();
        let (dict, packed) = hub.store.codec().compress_report(body.as_bytes()).unwrap();
        hub.store
            .insert_report(NewReport {
                customer_id: "poison".into(),
                timestamp: ts,
                received_at: ts,
                health: hub_proto::Health::Ok,
                monitoring_disabled: false,
                controller_version: None,
                controller_url: None,
                hostname: None,
                signals: Default::default(),
                dict,
                body: packed,
                own_key: None,
            })
            .await
            .unwrap();
    }
    read_everything(&hub, "poison", &password, &admin).await;
    let v: Value = hub
        .get("/api/v1/customers/poison/history?period=24h", Some(KEY))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["reports"].as_array().unwrap().len(), 1);
    let v: Value = hub
        .get("/api/v1/customers/poison", Some(KEY))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["latest_report"], Value::Null);
    let rec: Value = hub
        .client
        .get(format!("{}/api/v1/recovery/poison", hub.url))
        .header("x-retrieval-password", &password)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rec["has_infra_backup"], true);
    assert_eq!(
        rec["infra_backup"]["restic"]["primary_password"],
        "restic-pw-1"
    );
    hub.stop().await;
}
