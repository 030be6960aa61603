//! Reports, events, infra backups, preferences and the legacy relay.

use serde_json::{Value, json};

use crate::*;

#[tokio::test]
async fn report_is_stored_and_a_retry_is_stored_once() {
    let hub = Hub::start().await;
    let body = report("kovacs-csalad", T0);
    for _ in 0..2 {
        let resp = hub.post_json("/api/v1/report", Some(KEY), &body).await;
        assert_eq!(resp.status(), 200);
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v, json!({"status": "ok", "customer_blocked": false}));
    }
    let h: Value = hub
        .get(
            "/api/v1/customers/kovacs-csalad/history?period=24h",
            Some(KEY),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(h["reports"].as_array().unwrap().len(), 1);
    hub.stop().await;
}

#[tokio::test]
async fn credentials_are_required() {
    let hub = Hub::start().await;
    let body = report("a", T0);
    for key in [None, Some("wrong"), Some("")] {
        let resp = hub.post_json("/api/v1/report", key, &body).await;
        assert_eq!(error_code(resp, 401).await, "unauthorized");
    }
    let resp = hub
        .client
        .post(format!("{}/api/v1/report", hub.url))
        .header("authorization", format!("Basic {KEY}"))
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(fleet_len(&hub).await, 0);
    hub.stop().await;
}

#[tokio::test]
async fn bad_reports_are_rejected_and_store_nothing() {
    let hub = Hub::start().await;
    let mut missing = report("a", T0);
    missing.as_object_mut().unwrap().remove("health");
    let mut bad_health = report("a", T0);
    bad_health["health"] = "great".into();
    let mut bad_ts = report("a", T0);
    bad_ts["timestamp"] = "yesterday".into();
    let bad_id = report("Not_Valid", T0);
    let mut bad_url = report("a", T0);
    bad_url["controller_url"] = "ftp://x".into();
    let mut wrong_type = report("a", T0);
    wrong_type["storage"] = "lots".into();
    let cases: Vec<(String, &str)> = vec![
        ("{not json".into(), "malformed_json"),
        ("".into(), "malformed_json"),
        ("[]".into(), "invalid_field"),
        (missing.to_string(), "invalid_field"),
        (bad_health.to_string(), "invalid_field"),
        (bad_ts.to_string(), "invalid_field"),
        (bad_id.to_string(), "invalid_customer_id"),
        (bad_url.to_string(), "invalid_field"),
        (wrong_type.to_string(), "invalid_field"),
    ];
    for (body, code) in cases {
        let resp = hub.post("/api/v1/report", Some(KEY), body.clone()).await;
        assert_eq!(error_code(resp, 400).await, code, "{body}");
    }
    assert_eq!(fleet_len(&hub).await, 0);
    hub.stop().await;
}

#[tokio::test]
async fn oversized_bodies_get_413_and_store_nothing() {
    let hub = Hub::start().await;
    let mut big = report("a", T0);
    big["padding"] = "x".repeat(1024 * 1024).into();
    let resp = hub.post_json("/api/v1/report", Some(KEY), &big).await;
    assert_eq!(error_code(resp, 413).await, "payload_too_large");
    assert_eq!(fleet_len(&hub).await, 0);

    // Infra backups may be up to 8 MiB...
    let mut infra = json!({"customer_id": "a", "created_at": T0});
    infra["settings_json_b64"] = "A".repeat(3 * 1024 * 1024).into();
    let resp = hub
        .post_json("/api/v1/infra-backup", Some(KEY), &infra)
        .await;
    assert_eq!(resp.status(), 201);
    // ...but not more.
    infra["settings_json_b64"] = "A".repeat(8 * 1024 * 1024).into();
    let resp = hub
        .post_json("/api/v1/infra-backup", Some(KEY), &infra)
        .await;
    assert_eq!(error_code(resp, 413).await, "payload_too_large");
    hub.stop().await;
}

#[tokio::test]
async fn per_customer_key_is_bound_to_its_customer() {
    let hub = Hub::start().await;
    let (key_a, _) = hub.add_config("cust-a").await;
    hub.add_config("cust-b").await;

    let resp = hub
        .post_json("/api/v1/report", Some(&key_a), &report("cust-a", T0))
        .await;
    assert_eq!(resp.status(), 200);

    // Writing for another customer: 403, nothing stored.
    let resp = hub
        .post_json("/api/v1/report", Some(&key_a), &report("cust-b", T0))
        .await;
    assert_eq!(error_code(resp, 403).await, "forbidden");
    let ev = json!({"customer_id": "cust-b", "event_type": "backup_failed", "severity": "error", "message": "x"});
    let resp = hub.post_json("/api/v1/event", Some(&key_a), &ev).await;
    assert_eq!(resp.status(), 403);
    assert_eq!(hub.store.event_count("cust-b".into()).await.unwrap(), 0);
    let infra = json!({"customer_id": "cust-b", "created_at": T0});
    assert_eq!(
        hub.post_json("/api/v1/infra-backup", Some(&key_a), &infra)
            .await
            .status(),
        403
    );
    let prefs = json!({"customer_id": "cust-b", "email": "b@example.hu", "enabled_events": []});
    assert_eq!(
        hub.post_json("/api/v1/preferences", Some(&key_a), &prefs)
            .await
            .status(),
        403
    );

    // Reading another customer or the fleet: 403.
    for path in [
        "/api/v1/customers",
        "/api/v1/customers/cust-b",
        "/api/v1/customers/cust-b/history?period=7d",
        "/api/v1/infra-backup/cust-b",
    ] {
        assert_eq!(hub.get(path, Some(&key_a)).await.status(), 403, "{path}");
    }
    // Its own detail works.
    assert_eq!(
        hub.get("/api/v1/customers/cust-a", Some(&key_a))
            .await
            .status(),
        200
    );
    let b: Value = hub
        .get("/api/v1/customers/cust-b", Some(KEY))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(b["status"], "pending");
    assert!(b["latest_report"].is_null());
    hub.stop().await;
}

#[tokio::test]
async fn events_are_idempotent_by_event_id() {
    let hub = Hub::start().await;
    let ev = json!({"customer_id": "kovacs-csalad", "event_type": "backup_failed", "severity": "error",
        "message": "restic exited with status 1", "details": {"repo": "/mnt/hdd1/restic"},
        "occurred_at": "2026-11-27T02:10:00Z", "event_id": "0f8e2c1a"});
    let resp = hub.post_json("/api/v1/event", Some(KEY), &ev).await;
    assert_eq!(resp.status(), 201);
    let first: Value = resp.json().await.unwrap();
    let resp = hub.post_json("/api/v1/event", Some(KEY), &ev).await;
    assert_eq!(resp.status(), 200);
    let again: Value = resp.json().await.unwrap();
    assert_eq!(first, again);
    // Without event_id every post is a new event.
    let mut plain = ev.clone();
    plain.as_object_mut().unwrap().remove("event_id");
    let resp = hub.post_json("/api/v1/event", Some(KEY), &plain).await;
    assert_eq!(resp.status(), 201);
    let third: Value = resp.json().await.unwrap();
    assert_ne!(third["id"], first["id"]);
    assert_eq!(
        hub.store.event_count("kovacs-csalad".into()).await.unwrap(),
        2
    );
    hub.stop().await;
}

#[tokio::test]
async fn bad_events_are_rejected() {
    let hub = Hub::start().await;
    let base = json!({"customer_id": "a", "event_type": "backup_failed", "severity": "error", "message": "m"});
    let with = |k: &str, v: Value| {
        let mut e = base.clone();
        e[k] = v;
        e
    };
    let mut no_message = base.clone();
    no_message.as_object_mut().unwrap().remove("message");
    let cases = [
        (with("event_type", "made_up".into()), "invalid_event_type"),
        (with("event_type", "node_down".into()), "invalid_event_type"),
        (with("severity", "fatal".into()), "invalid_severity"),
        (with("details", json!([1, 2])), "invalid_field"),
        (with("event_id", "x".repeat(65).into()), "invalid_field"),
        (with("occurred_at", "soon".into()), "invalid_field"),
        (no_message, "invalid_field"),
    ];
    for (body, code) in cases {
        let resp = hub.post_json("/api/v1/event", Some(KEY), &body).await;
        assert_eq!(error_code(resp, 400).await, code, "{body}");
    }
    assert_eq!(hub.store.event_count("a".into()).await.unwrap(), 0);
    hub.stop().await;
}

#[tokio::test]
async fn infra_backup_comes_back_verbatim_newest_first() {
    let hub = Hub::start().await;
    assert_eq!(
        error_code(
            hub.get("/api/v1/infra-backup/kovacs-csalad", Some(KEY))
                .await,
            404
        )
        .await,
        "not_found"
    );
    let older = r#"{"customer_id": "kovacs-csalad", "created_at": "2026-11-26T03:00:00Z", "restic": {"primary_password": "old"}}"#;
    let newer = r#"{"customer_id":"kovacs-csalad","created_at":"2026-11-27T03:00:00Z",
 "controller_yaml_b64": "Y3VzdG9tZXI6", "disks": [{"uuid": "1b2c", "label": "hdd1", "mount_point": "/mnt/hdd1", "fs_type": "ext4", "fstab_options": "defaults,nofail"}],
 "restic": {"primary_password": "p1", "cross_drive_password": "p2"}, "future_field": {"kept": true}}"#;
    for body in [newer, older] {
        assert_eq!(
            hub.post("/api/v1/infra-backup", Some(KEY), body)
                .await
                .status(),
            201
        );
    }
    let resp = hub
        .get("/api/v1/infra-backup/kovacs-csalad", Some(KEY))
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.text().await.unwrap(), newer);
    hub.stop().await;
}

#[tokio::test]
async fn preferences_and_legacy_notify() {
    let hub = Hub::start().await;
    let prefs = json!({"customer_id": "kovacs-csalad", "email": "ugyfel@example.hu",
        "enabled_events": ["backup_failed", "node_down"], "cooldown_hours": 6});
    let resp = hub
        .post_json("/api/v1/preferences", Some(KEY), &prefs)
        .await;
    assert_eq!(resp.status(), 200);
    let stored = hub
        .store
        .preferences("kovacs-csalad".into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.cooldown_hours, Some(6));
    assert_eq!(stored.enabled_events.len(), 2);

    let mut bad = prefs.clone();
    bad["enabled_events"] = json!(["node_stale"]);
    assert_eq!(
        error_code(
            hub.post_json("/api/v1/preferences", Some(KEY), &bad).await,
            400
        )
        .await,
        "invalid_field"
    );
    let mut bad = prefs.clone();
    bad["cooldown_hours"] = 0.into();
    assert_eq!(
        hub.post_json("/api/v1/preferences", Some(KEY), &bad)
            .await
            .status(),
        400
    );
    // Rejected updates changed nothing.
    let stored = hub
        .store
        .preferences("kovacs-csalad".into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.cooldown_hours, Some(6));

    let n = json!({"customer_id": "kovacs-csalad", "subject": "Disk", "message": "full", "severity": "warning"});
    let resp = hub.post_json("/api/v1/notify", Some(KEY), &n).await;
    assert_eq!(resp.status(), 202);
    let bad = json!({"customer_id": "kovacs-csalad", "subject": "", "message": "m"});
    assert_eq!(
        hub.post_json("/api/v1/notify", Some(KEY), &bad)
            .await
            .status(),
        400
    );
    hub.stop().await;
}

#[tokio::test]
async fn blocked_customer_reports_are_stored_and_flagged() {
    let hub = Hub::start().await;
    hub.add_config("blocked-one").await;
    assert!(
        hub.store
            .set_blocked("blocked-one".into(), true)
            .await
            .unwrap()
    );
    let resp = hub
        .post_json("/api/v1/report", Some(KEY), &report("blocked-one", T0))
        .await;
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["customer_blocked"], true);
    let d: Value = hub
        .get("/api/v1/customers/blocked-one", Some(KEY))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(d["status"], "blocked");
    assert!(d["latest_report"].is_object());
    hub.stop().await;
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json() {
    let hub = Hub::start().await;
    assert_eq!(
        error_code(hub.get("/api/v1/nope", Some(KEY)).await, 404).await,
        "not_found"
    );
    let resp = hub.get("/api/v1/report", Some(KEY)).await;
    assert_eq!(resp.status(), 405);
    let v: Value = resp.json().await.unwrap();
    assert!(v["error"]["code"].is_string());
    hub.stop().await;
}
