//! Fleet list, detail, history, status rules and `/healthz`.

use jiff::SignedDuration;
use serde_json::Value;

use crate::*;

#[tokio::test]
async fn healthz_answers_without_auth() {
    let hub = Hub::start().await;
    let resp = hub.get("/healthz", None).await;
    assert_eq!(resp.status(), 200);
    // Manual mode: no jobs registered, nothing overdue.
    assert_eq!(
        resp.json::<Value>().await.unwrap(),
        serde_json::json!({"status": "ok", "jobs": {}})
    );
    hub.stop().await;
}

#[tokio::test]
async fn unknown_fields_come_back_byte_for_byte() {
    let hub = Hub::start().await;
    // Odd spacing, key order and fields the hub does not know.
    let raw = r#"{"timestamp":"2026-11-27T10:00:00Z",   "customer_id": "kovacs-csalad",
  "health": "warn", "gpu": {"model": "none", "temp": [1, 2.5, null]}, "zfs_pools": [{"name": "tank", "state": "ONLINE"}],
  "system": {"hostname": "felhom-01", "future_metric": 7}}"#;
    assert_eq!(
        hub.post("/api/v1/report", Some(KEY), raw).await.status(),
        200
    );

    let detail_text = hub
        .get("/api/v1/customers/kovacs-csalad", Some(KEY))
        .await
        .text()
        .await
        .unwrap();
    assert!(detail_text.contains(raw), "{detail_text}");
    let detail: Value = serde_json::from_str(&detail_text).unwrap();
    assert_eq!(detail["latest_report"]["gpu"]["temp"][1], 2.5);
    assert_eq!(detail["hostname"], "felhom-01");
    assert_eq!(detail["status"], "warn");
    assert_eq!(detail["managed"], false);

    let history = hub
        .get(
            "/api/v1/customers/kovacs-csalad/history?period=1h",
            Some(KEY),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(history.contains(raw), "{history}");
    hub.stop().await;
}

#[tokio::test]
async fn status_follows_the_protocol_table() {
    let hub = Hub::start().await;
    hub.add_config("pending-one").await;
    let mut failing = report("failing", T0);
    failing["health"] = "fail".into();
    let mut disabled = report("disabled", T0);
    disabled["monitoring_disabled"] = true.into();
    for body in [report("fresh", T0), failing, disabled] {
        assert_eq!(
            hub.post_json("/api/v1/report", Some(KEY), &body)
                .await
                .status(),
            200
        );
    }
    let statuses = |v: Value| -> Vec<(String, String)> {
        v["customers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["customer_id"].as_str().unwrap().to_owned(),
                    c["status"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    assert_eq!(
        statuses(list(&hub).await),
        pairs(&[
            ("disabled", "disabled"),
            ("failing", "down"),
            ("fresh", "ok"),
            ("pending-one", "pending")
        ])
    );
    hub.clock.advance(SignedDuration::from_mins(31));
    let v = list(&hub).await;
    assert_eq!(statuses(v.clone())[2], ("fresh".into(), "warn".into()));
    hub.clock.advance(SignedDuration::from_mins(30));
    assert_eq!(
        statuses(list(&hub).await)[2],
        ("fresh".into(), "down".into())
    );
    // A new report brings it back.
    let resp = hub
        .post_json(
            "/api/v1/report",
            Some(KEY),
            &report("fresh", "2026-11-27T11:01:00Z"),
        )
        .await;
    assert_eq!(resp.status(), 200);
    let v = list(&hub).await;
    let fresh = &v["customers"][2];
    assert_eq!(fresh["status"], "ok");
    assert_eq!(fresh["last_report_at"], "2026-11-27T11:01:00Z");
    assert_eq!(fresh["controller_version"], "1.8.2");
    assert_eq!(fresh["hostname"], "felhom-01");
    hub.stop().await;
}

#[tokio::test]
async fn a_late_old_report_keeps_the_newest_columns_but_counts_as_alive() {
    let hub = Hub::start().await;
    let mut newer = report("c", "2026-11-27T09:45:00Z");
    newer["controller_version"] = "2.0.0".into();
    hub.post_json("/api/v1/report", Some(KEY), &newer).await;
    hub.clock.advance(SignedDuration::from_mins(45));
    let older = report("c", "2026-11-27T09:30:00Z");
    hub.post_json("/api/v1/report", Some(KEY), &older).await;
    let d: Value = hub
        .get("/api/v1/customers/c", Some(KEY))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(d["controller_version"], "2.0.0");
    assert_eq!(d["last_report_at"], "2026-11-27T09:45:00Z");
    assert_eq!(d["last_received_at"], "2026-11-27T10:45:00Z");
    assert_eq!(d["status"], "ok");
    assert_eq!(d["latest_report"]["controller_version"], "2.0.0");
    hub.stop().await;
}

#[tokio::test]
async fn history_periods_and_unknown_customers() {
    let hub = Hub::start().await;
    // One report a day for ten days, the clock following.
    let start: jiff::Timestamp = T0.parse().unwrap();
    for day in 0..10 {
        let ts = start + SignedDuration::from_hours(24 * day);
        hub.clock.set(ts);
        let body = report("h", &ts.to_string());
        assert_eq!(
            hub.post_json("/api/v1/report", Some(KEY), &body)
                .await
                .status(),
            200
        );
    }
    let count = |period: &'static str| {
        let req = hub.get_owned(format!("/api/v1/customers/h/history?period={period}"));
        async move {
            let v: Value = req.await.json().await.unwrap();
            v["reports"].as_array().unwrap().len()
        }
    };
    assert_eq!(count("1h").await, 1);
    assert_eq!(count("24h").await, 2);
    assert_eq!(count("7d").await, 8);
    assert_eq!(count("30d").await, 10);
    let resp = hub
        .get("/api/v1/customers/h/history?period=2d", Some(KEY))
        .await;
    assert_eq!(error_code(resp, 400).await, "invalid_period");
    let resp = hub
        .get("/api/v1/customers/nobody/history?period=7d", Some(KEY))
        .await;
    assert_eq!(error_code(resp, 404).await, "not_found");
    let resp = hub.get("/api/v1/customers/nobody", Some(KEY)).await;
    assert_eq!(error_code(resp, 404).await, "not_found");
    let resp = hub.get("/api/v1/customers/NOT_AN_ID", Some(KEY)).await;
    assert_eq!(error_code(resp, 400).await, "invalid_customer_id");
    hub.stop().await;
}

impl Hub {
    fn get_owned(
        &self,
        path: String,
    ) -> impl std::future::Future<Output = reqwest::Response> + 'static {
        let req = self
            .client
            .get(format!("{}{path}", self.url))
            .bearer_auth(KEY);
        async move { req.send().await.unwrap() }
    }
}

#[tokio::test]
async fn data_survives_a_restart() {
    let hub = Hub::start().await;
    let (api_key, _) = hub.add_config("kept").await;
    let raw = report("kept", T0).to_string();
    hub.post("/api/v1/report", Some(KEY), raw.clone()).await;
    let infra = r#"{"customer_id": "kept", "created_at": "2026-11-27T03:00:00Z"}"#;
    hub.post("/api/v1/infra-backup", Some(KEY), infra).await;
    let dir = hub.stop().await;

    let hub = Hub::start_in(dir, Default::default()).await;
    let d = hub
        .get("/api/v1/customers/kept", Some(KEY))
        .await
        .text()
        .await
        .unwrap();
    assert!(d.contains(&raw));
    assert!(d.contains(r#""managed":true"#), "{d}");
    let got = hub
        .get("/api/v1/infra-backup/kept", Some(&api_key))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(got, infra);
    hub.stop().await;
}

async fn list(hub: &Hub) -> Value {
    hub.get("/api/v1/customers", Some(KEY))
        .await
        .json()
        .await
        .unwrap()
}
