//! `/api/v1/config/{id}` and `/api/v1/recovery/{id}`: retrieval password,
//! no probing of ids, lockout.

use jiff::SignedDuration;
use serde_json::Value;

use crate::*;

async fn get_pw(hub: &Hub, path: &str, pw: Option<&str>) -> reqwest::Response {
    let mut req = hub.client.get(format!("{}{path}", hub.url));
    if let Some(pw) = pw {
        req = req.header("x-retrieval-password", pw);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn config_and_recovery_serve_the_generated_yaml_and_backup() {
    let hub = Hub::start().await;
    let (api_key, pw) = hub.add_config("kovacs-csalad").await;

    let resp = get_pw(&hub, "/api/v1/config/kovacs-csalad", Some(&pw)).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/yaml");
    let yaml = resp.text().await.unwrap();
    assert!(yaml.contains("kovacs-csalad"), "{yaml}");
    assert!(yaml.contains(&api_key));
    assert!(yaml.contains("https://hub.example.test"));
    assert!(yaml.contains("tunnel-tok"));

    let rec: Value = get_pw(&hub, "/api/v1/recovery/kovacs-csalad", Some(&pw))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rec["customer_id"], "kovacs-csalad");
    assert_eq!(rec["config_yaml"], yaml.as_str());
    assert_eq!(rec["has_infra_backup"], false);
    assert!(rec["infra_backup"].is_null());

    let infra = r#"{"customer_id":"kovacs-csalad","created_at":"2026-11-27T03:00:00Z","restic":{"primary_password":"rp","cross_drive_password":"rc"},"disks":[{"uuid":"u1"}]}"#;
    assert_eq!(
        hub.post("/api/v1/infra-backup", Some(&api_key), infra)
            .await
            .status(),
        201
    );
    let text = get_pw(&hub, "/api/v1/recovery/kovacs-csalad", Some(&pw))
        .await
        .text()
        .await
        .unwrap();
    assert!(text.contains(infra), "verbatim: {text}");
    let rec: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(rec["has_infra_backup"], true);
    assert_eq!(rec["infra_backup"]["restic"]["primary_password"], "rp");
    hub.stop().await;
}

#[tokio::test]
async fn wrong_password_and_unknown_customer_look_the_same() {
    let hub = Hub::start().await;
    let (api_key, _) = hub.add_config("known").await;
    hub.post_json("/api/v1/report", Some(KEY), &report("manual-only", T0))
        .await;
    for path in [
        "/api/v1/config/known",
        "/api/v1/config/nobody",
        "/api/v1/config/manual-only",
        "/api/v1/recovery/nobody",
        "/api/v1/config/BAD_ID",
    ] {
        for pw in [None, Some("wrong"), Some(api_key.as_str())] {
            let resp = get_pw(&hub, path, pw).await;
            let status = resp.status().as_u16();
            let body: Value = resp.json().await.unwrap();
            assert_eq!(
                (status, body["error"]["code"].as_str()),
                (401, Some("unauthorized")),
                "{path}"
            );
        }
        // Stay below the lockout; it has its own test.
        hub.clock.advance(SignedDuration::from_mins(16));
    }
    // The bearer keys are not retrieval passwords.
    let resp = hub
        .client
        .get(format!("{}/api/v1/config/known", hub.url))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    hub.stop().await;
}

#[tokio::test]
async fn five_failures_lock_both_endpoints_until_the_window_passes() {
    let hub = Hub::start().await;
    let (_, pw) = hub.add_config("target").await;
    for i in 0..5 {
        let path = if i % 2 == 0 {
            "/api/v1/config/target"
        } else {
            "/api/v1/recovery/target"
        };
        assert_eq!(get_pw(&hub, path, Some("guess")).await.status(), 401);
        hub.clock.advance(SignedDuration::from_secs(30));
    }
    for path in ["/api/v1/config/target", "/api/v1/recovery/target"] {
        let resp = get_pw(&hub, path, Some(&pw)).await;
        let retry: u64 = resp.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(retry > 0 && retry <= 15 * 60, "{retry}");
        assert_eq!(error_code(resp, 429).await, "too_many_attempts");
    }
    // Other customers are not affected.
    let (_, other_pw) = hub.add_config("other").await;
    assert_eq!(
        get_pw(&hub, "/api/v1/config/other", Some(&other_pw))
            .await
            .status(),
        200
    );
    // Unknown ids lock the same way, so a lockout reveals nothing.
    for _ in 0..5 {
        get_pw(&hub, "/api/v1/config/ghost", Some("guess")).await;
    }
    assert_eq!(
        get_pw(&hub, "/api/v1/config/ghost", Some("guess"))
            .await
            .status(),
        429
    );

    hub.clock.advance(SignedDuration::from_mins(15));
    assert_eq!(
        get_pw(&hub, "/api/v1/config/target", Some(&pw))
            .await
            .status(),
        200
    );
    hub.stop().await;
}

/// A lockout is stored: it holds across a restart of the hub, and a flood
/// of guesses at random ids (from many addresses) never evicts it.
#[tokio::test]
async fn a_lockout_survives_restarts_and_floods() {
    let hub = Hub::start().await;
    let (_, pw) = hub.add_config("target").await;
    for _ in 0..5 {
        assert_eq!(
            get_pw(&hub, "/api/v1/config/target", Some("guess"))
                .await
                .status(),
            401
        );
    }
    let now = hub.clock.now_ts();
    let dir = hub.stop().await;
    let hub = Hub::start_at(dir, Default::default(), now, |c| {
        // Every flood request seems to come from another address.
        c.server.trusted_proxies = vec![Cidr::parse("127.0.0.0/8").unwrap()];
    })
    .await;
    assert_eq!(
        get_pw(&hub, "/api/v1/recovery/target", Some(&pw))
            .await
            .status(),
        429,
        "still locked after a restart"
    );
    let mut flood = Vec::new();
    for i in 0..600u32 {
        let client = hub.client.clone();
        let url = format!("{}/api/v1/config/random-{i}", hub.url);
        let from = format!("203.0.{}.{}", i / 250, i % 250 + 1);
        flood.push(tokio::spawn(async move {
            client
                .get(url)
                .header("x-retrieval-password", "guess")
                .header("x-forwarded-for", from)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    for f in flood {
        assert_eq!(f.await.unwrap(), 401);
    }
    assert_eq!(
        get_pw(&hub, "/api/v1/config/target", Some(&pw))
            .await
            .status(),
        429,
        "still locked after the flood"
    );
    hub.clock.advance(SignedDuration::from_mins(15));
    assert_eq!(
        get_pw(&hub, "/api/v1/config/target", Some(&pw))
            .await
            .status(),
        200
    );
    hub.stop().await;
}

/// One address guessing across many ids is stopped after 20 failures,
/// whatever ids it tries; other addresses are not.
#[tokio::test]
async fn one_address_guessing_across_ids_is_limited() {
    let hub = Hub::start_with(
        Arc::new(tempfile::tempdir().unwrap()),
        Default::default(),
        |c| c.server.trusted_proxies = vec![Cidr::parse("127.0.0.1").unwrap()],
    )
    .await;
    let (_, pw) = hub.add_config("mine").await;
    let from = |ip: &'static str, id: String, pw: String| {
        let req = hub
            .client
            .get(format!("{}/api/v1/config/{id}", hub.url))
            .header("x-retrieval-password", pw)
            .header("x-forwarded-for", ip);
        async move { req.send().await.unwrap() }
    };
    for i in 0..20 {
        let resp = from("198.51.100.7", format!("id-{i}"), "guess".into()).await;
        assert_eq!(resp.status(), 401, "{i}");
    }
    let resp = from("198.51.100.7", "mine".into(), pw.clone()).await;
    assert_eq!(error_code(resp, 429).await, "too_many_attempts");
    // A forged X-Forwarded-For chain: the proxy's own entry (rightmost)
    // is the one that counts.
    let resp = from("10.9.9.9, 198.51.100.7", "mine".into(), pw.clone()).await;
    assert_eq!(resp.status(), 429);
    let resp = from("198.51.100.8", "mine".into(), pw.clone()).await;
    assert_eq!(resp.status(), 200);
    hub.stop().await;
}

#[test]
fn client_address_trusts_only_configured_proxies() {
    use hub_server::http::extract::client_address;
    let mut h = axum::http::HeaderMap::new();
    h.insert("x-forwarded-for", "1.2.3.4, 10.42.0.5".parse().unwrap());
    let peer = "10.42.0.9".parse().unwrap();
    let cluster = [Cidr::parse("10.42.0.0/16").unwrap()];
    assert_eq!(
        client_address(peer, &h, &cluster),
        "1.2.3.4".parse::<std::net::IpAddr>().unwrap()
    );
    // Not from a trusted proxy: the header is ignored.
    assert_eq!(client_address(peer, &h, &[]), peer);
}

/// The global report key is no master key over managed customers: it
/// never reads one's infra backup (restic passwords), and once the node
/// reported with its own key, it no longer writes for it (reports, events,
/// infra backups, preferences). Before that — adopting a node — it does.
#[tokio::test]
async fn the_global_key_stops_speaking_for_a_customer_with_its_own_key() {
    let hub = Hub::start().await;
    let (api_key, _) = hub.add_config("kovacs").await;
    let infra = |at: &str, mark: &str| {
        format!(
            r#"{{"customer_id":"kovacs","created_at":"{at}","restic":{{"primary_password":"{mark}"}},"disks":[{{"uuid":"u1"}}]}}"#
        )
    };
    let get_infra = |key: &'static str| {
        hub.client
            .get(format!("{}/api/v1/infra-backup/kovacs", hub.url))
            .bearer_auth(key)
            .send()
    };
    let t0 = hub.clock.now_ts();
    // The adoption window: the global key still reports and pushes.
    let r = hub
        .post_json(
            "/api/v1/report",
            Some(KEY),
            &report("kovacs", &t0.to_string()),
        )
        .await;
    assert_eq!(r.status(), 200);
    let r = hub
        .post(
            "/api/v1/infra-backup",
            Some(KEY),
            infra(&t0.to_string(), "g1"),
        )
        .await;
    assert_eq!(r.status(), 201);
    // But never reads a managed customer's backup.
    assert_eq!(get_infra(KEY).await.unwrap().status(), 403);
    // The node reports with its own key.
    hub.clock.advance(jiff::SignedDuration::from_mins(15));
    let t1 = hub.clock.now_ts();
    let r = hub
        .post_json(
            "/api/v1/report",
            Some(&api_key),
            &report("kovacs", &t1.to_string()),
        )
        .await;
    assert_eq!(r.status(), 200);
    // From now on the global key is refused for it, for every write.
    let ts = t1.to_string();
    let refused = [
        ("/api/v1/report", report("kovacs", &ts).to_string()),
        (
            "/api/v1/event",
            serde_json::json!({"customer_id": "kovacs", "event_type": "backup_completed",
                               "severity": "info", "message": "m"})
            .to_string(),
        ),
        ("/api/v1/infra-backup", infra(&ts, "g2")),
        (
            "/api/v1/preferences",
            serde_json::json!({"customer_id": "kovacs", "email": "x@example.hu",
                               "enabled_events": [], "cooldown_hours": 6})
            .to_string(),
        ),
    ];
    for (path, body) in &refused {
        let r = hub.post(path, Some(KEY), body.clone()).await;
        assert_eq!(r.status(), 403, "{path}");
        let r = hub.post(path, Some(&api_key), body.clone()).await;
        assert!(
            r.status().is_success(),
            "{path} with its own key: {}",
            r.status()
        );
    }
    assert_eq!(get_infra(KEY).await.unwrap().status(), 403);
    // A manual customer is the global key's as before.
    let r = hub
        .post_json("/api/v1/report", Some(KEY), &report("manual-one", &ts))
        .await;
    assert_eq!(r.status(), 200);
    let r = hub
        .post(
            "/api/v1/infra-backup",
            Some(KEY),
            infra(&ts, "m").replace("kovacs", "manual-one"),
        )
        .await;
    assert_eq!(r.status(), 201);
    // It is remembered across a restart.
    let at = hub.clock.now_ts();
    let dir = hub.stop().await;
    let hub = Hub::start_at(dir, crate::fast(), at, |_| {}).await;
    let r = hub
        .post_json("/api/v1/report", Some(KEY), &report("kovacs", &ts))
        .await;
    assert_eq!(r.status(), 403);
    hub.stop().await;
}

/// A backup dated in the future does not shadow the ones pushed after it:
/// the newest is chosen by the earlier of its date and its receipt.
#[tokio::test]
async fn a_future_dated_infra_backup_does_not_win_recovery() {
    let hub = Hub::start().await;
    let (api_key, pw) = hub.add_config("kovacs").await;
    let infra = |at: jiff::Timestamp, mark: &str| {
        format!(
            r#"{{"customer_id":"kovacs","created_at":"{at}","restic":{{"primary_password":"{mark}"}},"disks":[{{"uuid":"u1"}}]}}"#
        )
    };
    let t0 = hub.clock.now_ts();
    let future = t0 + jiff::SignedDuration::from_hours(23);
    let r = hub
        .post(
            "/api/v1/infra-backup",
            Some(&api_key),
            infra(future, "from-the-future"),
        )
        .await;
    assert_eq!(r.status(), 201);
    hub.clock.advance(jiff::SignedDuration::from_hours(1));
    let r = hub
        .post(
            "/api/v1/infra-backup",
            Some(&api_key),
            infra(hub.clock.now_ts(), "real"),
        )
        .await;
    assert_eq!(r.status(), 201);
    let rec: Value = get_pw(&hub, "/api/v1/recovery/kovacs", Some(&pw))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rec["infra_backup"]["restic"]["primary_password"], "real");
    hub.stop().await;
}

/// A successful retrieval is audited (which customer, from where), and
/// every answer that carries secrets says `no-store` and `nosniff`.
#[tokio::test]
async fn retrievals_are_audited_and_secret_answers_are_not_stored() {
    let hub = Hub::start().await;
    let (_, pw) = hub.add_config("kovacs").await;
    let full = hub.admin_token("ops", false).await;
    for path in ["/api/v1/config/kovacs", "/api/v1/recovery/kovacs"] {
        let r = get_pw(&hub, path, Some(&pw)).await;
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(r.headers()["cache-control"], "no-store", "{path}");
        assert_eq!(r.headers()["x-content-type-options"], "nosniff", "{path}");
    }
    let audit: Value = hub
        .admin(reqwest::Method::GET, "/audit?customer=kovacs", &full, None)
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<(&str, &str)> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["details"]["client"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(
        actions.contains(&("config.retrieved", "127.0.0.1")),
        "{actions:?}"
    );
    assert!(
        actions.contains(&("recovery.retrieved", "127.0.0.1")),
        "{actions:?}"
    );
    for (method, path, body) in [
        (reqwest::Method::GET, "/configs/kovacs/credentials", None),
        (reqwest::Method::GET, "/configs/kovacs/yaml", None),
        (
            reqwest::Method::POST,
            "/configs/kovacs/rotate",
            Some(serde_json::json!({"credential": "session_secret"})),
        ),
        (
            reqwest::Method::POST,
            "/configs",
            Some(serde_json::json!({"customer_id": "uj"})),
        ),
    ] {
        let r = hub.admin(method, path, &full, body).await;
        assert!(r.status().is_success(), "{path}: {}", r.status());
        assert_eq!(r.headers()["cache-control"], "no-store", "{path}");
    }
    // A read of a manual customer's infra backup with the global key is
    // audited too.
    hub.post_json("/api/v1/report", Some(KEY), &report("manual-one", T0))
        .await;
    let infra = r#"{"customer_id":"manual-one","created_at":"2026-11-27T03:00:00Z","disks":[]}"#;
    assert_eq!(
        hub.post("/api/v1/infra-backup", Some(KEY), infra)
            .await
            .status(),
        201
    );
    let r = hub.get("/api/v1/infra-backup/manual-one", Some(KEY)).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let audit: Value = hub
        .admin(
            reqwest::Method::GET,
            "/audit?customer=manual-one",
            &full,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(audit["items"][0]["action"], "infra_backup.read");
    assert_eq!(audit["items"][0]["actor"], "report-key");
    hub.stop().await;
}
