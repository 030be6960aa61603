//! The admin API, with every controller action run against the simulator
//! over real HTTP on loopback.

use std::sync::Arc;

use hub_server::clock::Clock;
use hub_sim::{Behaviour, Fleet, Node, node_url};
use reqwest::Method;
use serde_json::{Value, json};

use crate::*;

const GET: Method = Method::GET;
const POST: Method = Method::POST;
const PUT: Method = Method::PUT;
const DELETE: Method = Method::DELETE;

pub(crate) async fn start_sim() -> (Fleet, String) {
    let fleet = Fleet::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = hub_sim::router(fleet.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (fleet, base)
}

pub(crate) fn config(id: &str) -> Value {
    json!({"customer_id": id, "display_name": "Kovács család", "domain": format!("{id}.felhom.eu"),
           "contact_email": "kovacs@example.hu", "tokens": {"tunnel": "tun-secret", "dns": "dns-secret"},
           "monitoring": {"disk_space_warning_percent": 80}, "settings": {"backup": {"keep_daily": 14}}})
}

/// A managed customer whose simulated node reported with its own key.
pub(crate) async fn managed_node(hub: &Hub, full: &str, id: &str) -> (Arc<Node>, Fleet, Value) {
    let resp = hub.admin(POST, "/configs", full, Some(config(id))).await;
    assert_eq!(resp.status(), 201);
    let creds: Value = resp.json().await.unwrap();
    let (fleet, base) = start_sim().await;
    let node = Node::new(id, creds["api_key"].as_str().unwrap());
    fleet.add(node.clone());
    let client = hub_sim::HubClient {
        http: reqwest::Client::new(),
        hub: hub.url.clone(),
        global_key: None,
    };
    assert_eq!(
        client
            .report_at(&node, &node_url(&base, id), hub.clock.now())
            .await
            .unwrap(),
        Some(200)
    );
    (node, fleet, creds)
}

pub(crate) async fn audit_actions(hub: &Hub, token: &str, id: &str) -> Vec<(String, String)> {
    let v: Value = hub
        .admin(GET, &format!("/audit?customer={id}"), token, None)
        .await
        .json()
        .await
        .unwrap();
    let mut out: Vec<(String, String)> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    out.reverse();
    out
}

#[tokio::test]
async fn tokens_gate_the_admin_api() {
    let hub = Hub::start().await;
    let full = hub.admin_token("ops", false).await;
    let ro = hub.admin_token("ci", true).await;
    assert_eq!(
        error_code(hub.admin(GET, "/fleet", "nope", None).await, 401).await,
        "unauthorized"
    );
    // The report key is not an admin token.
    assert_eq!(hub.admin(GET, "/fleet", KEY, None).await.status(), 401);
    assert_eq!(hub.admin(GET, "/fleet", &ro, None).await.status(), 200);
    let resp = hub.admin(POST, "/configs", &ro, Some(config("c"))).await;
    assert_eq!(error_code(resp, 403).await, "forbidden");
    assert_eq!(
        hub.admin(POST, "/configs", &full, Some(config("c")))
            .await
            .status(),
        201
    );
    // Read-only tokens read configs (redacted) but no secrets.
    let cfg: Value = hub
        .admin(GET, "/configs/c", &ro, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cfg["tokens"]["tunnel"], "<redacted>");
    assert_eq!(
        hub.admin(GET, "/configs/c/credentials", &ro, None)
            .await
            .status(),
        403
    );
    assert_eq!(
        hub.admin(GET, "/configs/c/yaml", &ro, None).await.status(),
        403
    );
    assert_eq!(
        hub.admin(GET, "/configs/c/credentials", &full, None)
            .await
            .status(),
        200
    );
    // Revoked tokens stop working at once.
    assert!(hub.store.revoke_admin_token("ci".into()).await.unwrap());
    assert_eq!(hub.admin(GET, "/fleet", &ro, None).await.status(), 401);
    hub.stop().await;
}

#[tokio::test]
async fn configs_are_created_edited_and_served_to_the_node() {
    let hub = Hub::start().await;
    let full = hub.admin_token("ops", false).await;
    let resp = hub
        .admin(POST, "/configs", &full, Some(config("kovacs")))
        .await;
    assert_eq!(resp.status(), 201);
    let creds: Value = resp.json().await.unwrap();
    for k in ["api_key", "retrieval_password", "session_secret"] {
        assert!(
            creds[k].as_str().unwrap().len() >= 32,
            "{k} has at least 128 bits"
        );
    }
    assert_eq!(creds["tokens"]["tunnel"], "tun-secret");
    assert_eq!(
        error_code(
            hub.admin(POST, "/configs", &full, Some(config("kovacs")))
                .await,
            409
        )
        .await,
        "conflict"
    );
    let mut bad = config("bad");
    bad["contact_email"] = "nope".into();
    assert_eq!(
        hub.admin(POST, "/configs", &full, Some(bad)).await.status(),
        400
    );
    let mut unknown = config("bad");
    unknown["surprise"] = 1.into();
    assert_eq!(
        hub.admin(POST, "/configs", &full, Some(unknown))
            .await
            .status(),
        400
    );

    // The node fetches its generated config with its retrieval password.
    let yaml = hub
        .client
        .get(format!("{}/api/v1/config/kovacs", hub.url))
        .header(
            "x-retrieval-password",
            creds["retrieval_password"].as_str().unwrap(),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let v = hub_server::controller_yaml::parse_yaml(&yaml).unwrap();
    assert_eq!(v["tunnel"]["token"], "tun-secret");
    assert_eq!(v["dns"]["token"], "dns-secret");
    assert_eq!(v["monitoring"]["disk_space_warning_percent"], 80);
    assert_eq!(v["monitoring"]["disk_space_critical_percent"], 95);
    assert_eq!(v["backup"]["keep_daily"], 14);
    assert_eq!(v["hub"]["api_key"], creds["api_key"]);
    let admin_yaml = hub
        .admin(GET, "/configs/kovacs/yaml", &full, None)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(admin_yaml, yaml);

    // Edit through the redacted view: tokens sent back redacted are kept.
    let mut view: Value = hub
        .admin(GET, "/configs/kovacs", &full, None)
        .await
        .json()
        .await
        .unwrap();
    view["display_name"] = "Kovács Péter".into();
    view["tokens"]["dns"] = "dns-new".into();
    let resp = hub
        .admin(PUT, "/configs/kovacs", &full, Some(view.clone()))
        .await;
    assert_eq!(resp.status(), 200);
    let c: Value = hub
        .admin(GET, "/configs/kovacs/credentials", &full, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        c["tokens"],
        json!({"dns": "dns-new", "tunnel": "tun-secret"})
    );
    view["tokens"]["brand_new"] = "<redacted>".into();
    assert_eq!(
        hub.admin(PUT, "/configs/kovacs", &full, Some(view.clone()))
            .await
            .status(),
        400
    );
    assert_eq!(
        hub.admin(PUT, "/configs/other", &full, Some(view))
            .await
            .status(),
        400
    );

    assert_eq!(
        audit_actions(&hub, &full, "kovacs").await,
        vec![
            ("config.create".into(), "ok".into()),
            (
                "config.create".into(),
                "error: `kovacs` already has a config".into()
            ),
            ("config.retrieved".into(), "ok".into()),
            ("config.yaml_read".into(), "ok".into()),
            ("config.update".into(), "ok".into()),
            ("credentials.reveal".into(), "ok".into()),
            (
                "config.update".into(),
                "error: tokens: `brand_new` is new and needs a real value".into()
            ),
        ]
    );
    let entry: Value = hub
        .admin(GET, "/audit?limit=1", &full, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(entry["items"][0]["actor"], "token:ops");
    hub.stop().await;
}

#[tokio::test]
async fn rotate_block_delete_and_adopt() {
    let hub = Hub::start().await;
    let full = hub.admin_token("ops", false).await;
    let (node, _fleet, creds) = managed_node(&hub, &full, "rot").await;
    let old_key = creds["api_key"].as_str().unwrap().to_owned();
    let resp = hub
        .admin(
            POST,
            "/configs/rot/rotate",
            &full,
            Some(json!({"credential": "api_key"})),
        )
        .await;
    let new: Value = resp.json().await.unwrap();
    let new_key = new["api_key"].as_str().unwrap().to_owned();
    assert_ne!(new_key, old_key);
    // The retrieval password is kept only as a digest: not shown again,
    // except by its own rotation, after which only the new one works.
    assert_eq!(new["retrieval_password"], Value::Null);
    let rotated: Value = hub
        .admin(
            POST,
            "/configs/rot/rotate",
            &full,
            Some(json!({"credential": "retrieval_password"})),
        )
        .await
        .json()
        .await
        .unwrap();
    let new_pw = rotated["retrieval_password"].as_str().unwrap().to_owned();
    assert_ne!(Some(new_pw.as_str()), creds["retrieval_password"].as_str());
    for (pw, status) in [
        (creds["retrieval_password"].as_str().unwrap(), 401),
        (new_pw.as_str(), 200),
    ] {
        let r = hub
            .client
            .get(format!("{}/api/v1/config/rot", hub.url))
            .header("x-retrieval-password", pw)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), status);
    }
    // The node still holds the old key: it keeps working until the node
    // reports with the new one...
    assert_eq!(
        hub.post_json("/api/v1/report", Some(&old_key), &report("rot", T0))
            .await
            .status(),
        200
    );
    assert_eq!(
        hub.post_json(
            "/api/v1/report",
            Some(&new_key),
            &report("rot", "2026-11-27T10:01:00Z")
        )
        .await
        .status(),
        200
    );
    // ...and not after.
    assert_eq!(
        hub.post_json(
            "/api/v1/report",
            Some(&old_key),
            &report("rot", "2026-11-27T10:02:00Z")
        )
        .await
        .status(),
        401
    );
    let _ = node;

    // Block: hidden from the fleet by default, reports still stored.
    assert_eq!(
        hub.admin(POST, "/customers/rot/block", &full, None)
            .await
            .status(),
        200
    );
    let ids = |v: Value| -> Vec<String> {
        v["customers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["customer_id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(
        ids(hub
            .admin(GET, "/fleet", &full, None)
            .await
            .json()
            .await
            .unwrap())
        .is_empty()
    );
    assert_eq!(
        ids(hub
            .admin(GET, "/fleet?all=true", &full, None)
            .await
            .json()
            .await
            .unwrap()),
        vec!["rot"]
    );
    let r: Value = hub
        .post_json(
            "/api/v1/report",
            Some(&new_key),
            &report("rot", "2026-11-27T10:15:00Z"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(r["customer_blocked"], true);
    assert_eq!(
        hub.admin(POST, "/customers/rot/unblock", &full, None)
            .await
            .status(),
        200
    );
    assert_eq!(
        hub.admin(POST, "/customers/ghost/block", &full, None)
            .await
            .status(),
        404
    );

    // Delete: the customer keeps reporting and shows as manual; adopt
    // makes it managed again from its newest report.
    assert_eq!(
        hub.admin(DELETE, "/configs/rot", &full, None)
            .await
            .status(),
        200
    );
    let f: Value = hub
        .admin(GET, "/fleet?managed=false", &full, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ids(f), vec!["rot"]);
    let resp = hub.admin(POST, "/customers/rot/adopt", &full, None).await;
    assert_eq!(resp.status(), 201);
    let cfg: Value = hub
        .admin(GET, "/configs/rot", &full, None)
        .await
        .json()
        .await
        .unwrap();
    // From the newest report (10:15), not the simulator's first one (10:00).
    assert_eq!(cfg["domain"], "rot.felhom.eu");
    assert_eq!(cfg["display_name"], "felhom-01");
    assert_eq!(
        hub.admin(POST, "/customers/rot/adopt", &full, None)
            .await
            .status(),
        409
    );
    assert_eq!(
        hub.admin(POST, "/customers/never/adopt", &full, None)
            .await
            .status(),
        404
    );
    let actions: Vec<String> = audit_actions(&hub, &full, "rot")
        .await
        .into_iter()
        .map(|a| a.0)
        .collect();
    for a in [
        "credentials.rotate",
        "customer.block",
        "customer.unblock",
        "config.delete",
        "customer.adopt",
    ] {
        assert!(
            actions.contains(&a.to_owned()),
            "{a} missing from {actions:?}"
        );
    }
    hub.stop().await;
}

#[tokio::test]
async fn push_diff_pull_and_update_against_the_simulator() {
    let hub = Hub::start().await;
    let full = hub.admin_token("ops", false).await;
    let ro = hub.admin_token("ci", true).await;
    let (node, _fleet, _) = managed_node(&hub, &full, "live").await;

    // Before a push the live config differs.
    let d: Value = hub
        .admin(GET, "/customers/live/diff", &ro, None)
        .await
        .json()
        .await
        .unwrap();
    assert!(!d["differences"].as_array().unwrap().is_empty());
    // A read-only token sees that secrets differ, never the secrets.
    let text = d.to_string();
    for secret in ["tun-secret", "dns-secret", node.api_key().as_str()] {
        assert!(!text.contains(secret), "{secret} in the diff");
    }
    assert!(text.contains("\"tunnel.token\""));
    assert!(d["unified"].as_str().unwrap().contains("+"));

    assert_eq!(
        hub.admin(POST, "/customers/live/push", &ro, None)
            .await
            .status(),
        403
    );
    assert_eq!(
        hub.admin(POST, "/customers/live/push", &full, None)
            .await
            .status(),
        200
    );
    let generated = hub
        .admin(GET, "/configs/live/yaml", &full, None)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(node.live_config(), generated);
    let d: Value = hub
        .admin(GET, "/customers/live/diff", &ro, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(d["differences"], json!([]));

    // The operator changes something on the node; diff shows it by path.
    let edited = generated.replace("Kovács család", "Kovács Péter").replace(
        "disk_space_critical_percent: 95",
        "disk_space_critical_percent: 97",
    );
    node.set_live_config(&edited);
    let d: Value = hub
        .admin(GET, "/customers/live/diff", &ro, None)
        .await
        .json()
        .await
        .unwrap();
    let paths: Vec<&str> = d["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        vec!["customer.name", "monitoring.disk_space_critical_percent"]
    );

    // Pull takes identity and overrides into the stored config.
    let pulled: Value = hub
        .admin(POST, "/customers/live/pull", &full, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(pulled["display_name"], "Kovács Péter");
    assert_eq!(pulled["monitoring"]["disk_space_critical_percent"], 97);
    assert_eq!(pulled["monitoring"]["disk_space_warning_percent"], 80);
    let d: Value = hub
        .admin(GET, "/customers/live/diff", &ro, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(d["differences"], json!([]));

    // Update.
    let resp = hub
        .admin(
            POST,
            "/customers/live/update",
            &full,
            Some(json!({"version": "1.9.0"})),
        )
        .await;
    assert_eq!(resp.status(), 202);
    assert_eq!(
        hub.admin(POST, "/customers/live/update", &full, Some(json!({})))
            .await
            .status(),
        202
    );
    assert_eq!(node.updates(), vec!["1.9.0", "latest"]);
    let resp = hub
        .admin(
            POST,
            "/customers/live/update",
            &full,
            Some(json!({"version": "newest"})),
        )
        .await;
    assert_eq!(error_code(resp, 400).await, "invalid_field");
    hub.stop().await;
}

#[tokio::test]
async fn controller_failures_come_back_clearly_and_change_nothing() {
    let hub = Hub::start().await;
    let full = hub.admin_token("ops", false).await;
    let (node, _fleet, _) = managed_node(&hub, &full, "flaky").await;
    let before: Value = hub
        .admin(GET, "/configs/flaky", &full, None)
        .await
        .json()
        .await
        .unwrap();

    node.set_behaviour(Behaviour {
        fail_api: Some(500),
        ..Default::default()
    });
    for (method, path) in [
        (POST, "/customers/flaky/push"),
        (POST, "/customers/flaky/pull"),
        (GET, "/customers/flaky/diff"),
    ] {
        let resp = hub.admin(method, path, &full, None).await;
        assert_eq!(resp.status(), 502, "{path}");
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["error"]["code"], "controller_error");
        assert!(
            v["error"]["message"].as_str().unwrap().contains("HTTP 500"),
            "{v}"
        );
    }
    let resp = hub
        .admin(
            POST,
            "/customers/flaky/update",
            &full,
            Some(json!({"version": "latest"})),
        )
        .await;
    assert_eq!(resp.status(), 502);

    // A controller slower than the timeout.
    node.set_behaviour(Behaviour {
        slow: std::time::Duration::from_millis(1500),
        ..Default::default()
    });
    let v: Value = hub
        .admin(POST, "/customers/flaky/push", &full, None)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("timed out after 500 ms"),
        "{v}"
    );

    // A node that answers with something that is not YAML: pull changes nothing.
    node.set_behaviour(Behaviour::default());
    node.set_live_config("customer: [unclosed\n");
    let resp = hub.admin(POST, "/customers/flaky/pull", &full, None).await;
    let v: Value = resp.json().await.unwrap();
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not valid YAML"),
        "{v}"
    );
    let after: Value = hub
        .admin(GET, "/configs/flaky", &full, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(before, after);
    assert_eq!(node.updates(), Vec::<String>::new());

    // A node that never learned a rotated key, once the grace is over:
    // the controller's 401, reported as such.
    let (_, _fleet2, _) = managed_node(&hub, &full, "rekeyed").await;
    hub.admin(
        POST,
        "/configs/rekeyed/rotate",
        &full,
        Some(json!({"credential": "api_key"})),
    )
    .await;
    hub.clock
        .advance(jiff::SignedDuration::from_hours(7 * 24 + 1));
    let resp = hub
        .admin(POST, "/customers/rekeyed/push", &full, None)
        .await;
    let v: Value = resp.json().await.unwrap();
    assert!(
        v["error"]["message"].as_str().unwrap().contains("HTTP 401"),
        "{v}"
    );

    // No controller_url yet: a clear error.
    hub.admin(POST, "/configs", &full, Some(config("fresh")))
        .await;
    let v: Value = hub
        .admin(POST, "/customers/fresh/push", &full, None)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("controller_url"),
        "{v}"
    );

    // Unreachable controller.
    let now = hub.clock.now_ts().to_string();
    let mut r = report("gone", &now);
    r["controller_url"] = "http://127.0.0.1:9".into();
    let creds: Value = hub
        .admin(POST, "/configs", &full, Some(config("gone")))
        .await
        .json()
        .await
        .unwrap();
    let resp = hub
        .post_json("/api/v1/report", creds["api_key"].as_str(), &r)
        .await;
    assert_eq!(resp.status(), 200);
    let v: Value = hub
        .admin(POST, "/customers/gone/push", &full, None)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("cannot reach"),
        "{v}"
    );

    let outcomes = audit_actions(&hub, &full, "flaky").await;
    assert!(
        outcomes
            .iter()
            .any(|(a, o)| a == "controller.push" && o.starts_with("error:")),
        "{outcomes:?}"
    );
    hub.stop().await;
}

#[tokio::test]
async fn fleet_events_notifications_and_versions() {
    let hub = Hub::start().await;
    let ro = hub.admin_token("ci", true).await;
    hub.post_json("/api/v1/report", Some(KEY), &report("a", T0))
        .await;
    for i in 0..5 {
        let sev = if i % 2 == 0 { "error" } else { "warning" };
        let e = json!({"customer_id": "a", "event_type": "disk_space_low", "severity": sev, "message": format!("m{i}")});
        hub.post_json("/api/v1/event", Some(KEY), &e).await;
    }
    let f: Value = hub
        .admin(GET, "/fleet", &ro, None)
        .await
        .json()
        .await
        .unwrap();
    let a = &f["customers"][0];
    assert_eq!(
        (a["errors_24h"].as_i64(), a["warnings_24h"].as_i64()),
        (Some(3), Some(2))
    );
    assert_eq!(a["last_report_age_secs"], 0);
    assert_eq!(
        hub.admin(GET, "/fleet?status=down", &ro, None)
            .await
            .json::<Value>()
            .await
            .unwrap()["customers"],
        json!([])
    );
    assert_eq!(
        hub.admin(GET, "/fleet?status=sideways", &ro, None)
            .await
            .status(),
        400
    );

    // Cursor pagination, newest first.
    let p1: Value = hub
        .admin(GET, "/events?customer=a&limit=2", &ro, None)
        .await
        .json()
        .await
        .unwrap();
    let msgs = |p: &Value| {
        p["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["message"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(msgs(&p1), vec!["m4", "m3"]);
    let cursor = p1["next_cursor"].as_i64().unwrap();
    let p2: Value = hub
        .admin(
            GET,
            &format!("/events?customer=a&limit=2&cursor={cursor}"),
            &ro,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(msgs(&p2), vec!["m2", "m1"]);
    let errors: Value = hub
        .admin(GET, "/events?severity=error", &ro, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(errors["items"].as_array().unwrap().len(), 3);
    assert_eq!(
        hub.admin(GET, "/events?severity=loud", &ro, None)
            .await
            .status(),
        400
    );
    assert_eq!(
        hub.admin(GET, "/events?type=nope", &ro, None)
            .await
            .status(),
        400
    );
    assert_eq!(
        hub.admin(GET, "/events?since=yesterday", &ro, None)
            .await
            .status(),
        400
    );
    let none: Value = hub
        .admin(GET, "/events?since=2026-11-28T00:00:00Z", &ro, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none["items"], json!([]));

    hub.drain().await;
    let n: Value = hub
        .admin(GET, "/notifications?customer=a", &ro, None)
        .await
        .json()
        .await
        .unwrap();
    assert!(!n.as_array().unwrap().is_empty());
    let view: Value = hub
        .admin(GET, "/customers/a", &ro, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["recent_events"].as_array().unwrap().len(), 5);
    assert!(view["config"].is_null());
    let v: Value = hub
        .admin(GET, "/versions", &ro, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["fleet"]["1.8.2"], 1);
    hub.stop().await;
}

/// Reads the SSE stream until `want` messages arrived (or 5 s passed).
#[tokio::test]
async fn the_openapi_document_covers_every_route_and_every_route_answers() {
    let hub = Hub::start().await;
    let doc: Value = hub
        .get("/api/openapi.json", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.0.3");
    let table = hub_server::http::routes();
    let mut operations = 0;
    for (route, _) in &table {
        let op = &doc["paths"][route.path][route.method.to_ascii_lowercase()];
        assert!(
            op.is_object(),
            "{} {} missing from the document",
            route.method,
            route.path
        );
        operations += 1;
        // Every answer's body is named, and every named schema exists.
        let ok = &op["responses"][route.ok_status.to_string()];
        assert!(
            ok["content"].is_object(),
            "{} {}: the answer's body is not named",
            route.method,
            route.path
        );
        let text = op.to_string();
        for part in text.split("#/components/schemas/").skip(1) {
            let name = part.split('"').next().unwrap();
            assert!(
                doc["components"]["schemas"][name].is_object(),
                "{} {}: schema {name} is missing",
                route.method,
                route.path
            );
        }
        if matches!(route.method, "POST" | "PUT") && route.request.is_some() {
            assert!(op["requestBody"]["content"]["application/json"]["schema"]["$ref"].is_string());
        }
        // Every documented operation is routed: without credentials it is
        // refused (or served), never "no such endpoint".
        let path = route.path.replace("{customer_id}", "some-customer");
        let method = Method::from_bytes(route.method.as_bytes()).unwrap();
        let resp = hub
            .client
            .request(method, format!("{}{path}", hub.url))
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        assert!(
            status != 404 && status != 405,
            "{} {path} answered {status}",
            route.method
        );
        if route.path != "/healthz" && route.path != "/api/openapi.json" {
            assert_eq!(
                status, 401,
                "{} {path} must need a credential",
                route.method
            );
        }
    }
    let documented: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|p| p.as_object().unwrap().len())
        .sum();
    assert_eq!(documented, operations);
    for path in [
        "/api/v1/report",
        "/api/v1/recovery/{customer_id}",
        "/api/admin/v1/fleet",
        "/api/admin/v1/stream",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
    // Every body schema is the real type's: a field each one has on the
    // wire is among its properties (not an empty placeholder).
    let schemas = &doc["components"]["schemas"];
    fn follow(schemas: &Value, v: &Value) -> Value {
        match v["$ref"].as_str() {
            Some(r) => follow(
                schemas,
                &schemas[r.trim_start_matches("#/components/schemas/")],
            ),
            None => v.clone(),
        }
    }
    let resolve = |v: &Value| follow(schemas, v);
    let has = |schema: &Value, field: &str| -> bool {
        let s = resolve(schema);
        s["properties"][field].is_object()
            || ["oneOf", "anyOf", "allOf"].iter().any(|k| {
                s[*k].as_array().is_some_and(|parts| {
                    parts
                        .iter()
                        .any(|p| resolve(p)["properties"][field].is_object())
                })
            })
    };
    for (name, field) in [
        ("AuditPage", "next_cursor"),
        ("CustomerConfig", "tokens"),
        ("CustomerDetail", "latest_report"),
        ("CustomerList", "customers"),
        ("CustomerView", "recent_events"),
        ("Credentials", "api_key"),
        ("Diff", "differences"),
        ("EventAccepted", "id"),
        ("EventIn", "event_type"),
        ("EventPage", "stream_id"),
        ("Fleet", "stream_id"),
        ("HealthBody", "jobs"),
        ("HistoryResponse", "reports"),
        ("HubStatus", "outbox_pending"),
        ("InfraBackup", "disks"),
        ("LegacyNotify", "subject"),
        ("NotificationRecord", "outcome"),
        ("Preferences", "enabled_events"),
        ("RecoveryResponse", "config_yaml"),
        ("Report", "health"),
        ("ReportAccepted", "customer_blocked"),
        ("RotateRequest", "credential"),
        ("StatusOk", "status"),
        ("StreamMessage", "type"),
        ("UpdateRequest", "version"),
        ("Versions", "fleet"),
        ("Whoami", "read_only"),
        ("ErrorBody", "error"),
    ] {
        assert!(
            schemas[name].is_object(),
            "schema {name} is missing: {schemas:#}"
        );
        assert!(
            has(&schemas[name], field),
            "schema {name} has no `{field}`: {}",
            resolve(&schemas[name])
        );
    }
    // A field's own type is described too (an enum's values).
    let report = resolve(&schemas["Report"]);
    let health = resolve(&report["properties"]["health"]);
    assert_eq!(health["enum"], json!(["ok", "warn", "fail"]), "{health}");
    hub.stop().await;
}

/// A TLS server on loopback whose certificate no public root vouches for.
async fn untrusted_tls_server() -> String {
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = vec![CertificateDer::from_pem_slice(include_bytes!("tls/cert.pem")).unwrap()];
    let key = PrivateKeyDer::from_pem_slice(include_bytes!("tls/key.pem")).unwrap();
    let config = tokio_rustls::rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // The hub must abort the handshake; nothing is served.
                let _ = acceptor.accept(tcp).await;
            });
        }
    });
    url
}

#[tokio::test]
async fn a_controller_with_an_unverifiable_certificate_is_refused() {
    let hub = Hub::start().await;
    let full = hub.admin_token("ops", false).await;
    let url = untrusted_tls_server().await;
    let creds: Value = hub
        .admin(POST, "/configs", &full, Some(config("tls")))
        .await
        .json()
        .await
        .unwrap();
    let mut r = report("tls", T0);
    r["controller_url"] = url.into();
    hub.post_json("/api/v1/report", creds["api_key"].as_str(), &r)
        .await;
    for (method, path) in [(POST, "/customers/tls/push"), (GET, "/customers/tls/diff")] {
        let resp = hub.admin(method, path, &full, None).await;
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["error"]["code"], "controller_error", "{path}");
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("TLS verification failed"),
            "{v}"
        );
    }
    hub.stop().await;
}

/// Refused admin requests, credential reveals and reads of the generated
/// YAML are audit rows; a flood of refusals from one address is one row a
/// minute.
#[tokio::test]
async fn denials_and_secret_reads_are_audited() {
    let hub = Hub::start().await;
    let full = hub.admin_token("ops", false).await;
    let ro = hub.admin_token("ci", true).await;
    assert_eq!(
        hub.admin(POST, "/configs", &full, Some(config("sec")))
            .await
            .status(),
        201
    );
    for _ in 0..5 {
        assert_eq!(
            hub.admin(GET, "/configs/sec/credentials", "stolen", None)
                .await
                .status(),
            401
        );
    }
    hub.clock.advance(jiff::SignedDuration::from_mins(2));
    assert_eq!(
        hub.admin(GET, "/configs/sec/credentials", &ro, None)
            .await
            .status(),
        403
    );
    assert_eq!(
        hub.admin(GET, "/configs/sec/credentials", &full, None)
            .await
            .status(),
        200
    );
    assert_eq!(
        hub.admin(GET, "/configs/sec/yaml", &full, None)
            .await
            .status(),
        200
    );
    let page: Value = hub
        .admin(GET, "/audit?customer=sec", &full, None)
        .await
        .json()
        .await
        .unwrap();
    let rows: Vec<(String, String, String)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|e| {
            (
                e["actor"].as_str().unwrap().to_owned(),
                e["action"].as_str().unwrap().to_owned(),
                e["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expect = |a: &str, b: &str, c: &str| (a.to_owned(), b.to_owned(), c.to_owned());
    assert_eq!(
        rows,
        vec![
            expect("token:ops", "config.create", "ok"),
            expect("unknown", "denied", "denied: HTTP 401"),
            expect("token:ci", "denied", "denied: HTTP 403"),
            expect("token:ops", "credentials.reveal", "ok"),
            expect("token:ops", "config.yaml_read", "ok"),
        ]
    );
    hub.stop().await;
}

/// Two operators creating (or adopting) the same customer at once: one
/// wins, the other gets 409, and the credentials shown are the ones kept.
#[tokio::test]
async fn concurrent_creates_never_overwrite_credentials() {
    let hub = Hub::start().await;
    let full = hub.admin_token("ops", false).await;
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let client = hub.client.clone();
        let url = format!("{}/api/admin/v1/configs", hub.url);
        let token = full.clone();
        tasks.push(tokio::spawn(async move {
            let resp = client
                .post(url)
                .bearer_auth(token)
                .json(&config("race"))
                .send()
                .await
                .unwrap();
            (resp.status().as_u16(), resp.json::<Value>().await.unwrap())
        }));
    }
    let mut created = Vec::new();
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            201 => created.push(body),
            409 => assert_eq!(body["error"]["code"], "conflict"),
            s => panic!("unexpected {s}: {body}"),
        }
    }
    assert_eq!(created.len(), 1);
    let kept: Value = hub
        .admin(GET, "/configs/race/credentials", &full, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(kept["api_key"], created[0]["api_key"]);
    hub.stop().await;
}
