//! Drift detection against a simulated controller on a manual clock: an
//! event only on the second check of the same difference, nothing for key
//! order, comments or volatile paths, again for a new difference, resolved
//! when fixed, `unknown` for an unreachable node, a down node not checked.

use std::sync::Arc;

use hub_server::config::GoDuration;
use hub_server::jobs::drift;
use hub_server::store::NodeState;
use hub_sim::{Behaviour, Fleet, Node, node_url};
use reqwest::Method;
use serde_json::{Value, json};

use crate::*;

const INTERVAL: u64 = 120;

struct Setup {
    hub: Hub,
    admin: String,
    node: Arc<Node>,
    url: String,
    key: String,
}

async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    url
}

/// A managed customer `dr` whose node holds exactly what the hub pushed,
/// past the settle time, its first check scheduled.
async fn setup() -> Setup {
    let hub = Hub::start_with(Arc::new(tempfile::tempdir().unwrap()), fast(), |c| {
        c.drift.check_interval = GoDuration(std::time::Duration::from_secs(INTERVAL));
        c.drift.settle = GoDuration(std::time::Duration::from_secs(90));
    })
    .await;
    let admin = hub.admin_token("ops", false).await;
    let resp = hub
        .admin(
            Method::POST,
            "/configs",
            &admin,
            Some(json!({"customer_id": "dr", "domain": "dr.felhom.eu",
                        "tokens": {"tunnel": "tun-secret"}})),
        )
        .await;
    assert_eq!(resp.status(), 201);
    let key = resp.json::<Value>().await.unwrap()["api_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let fleet = Fleet::default();
    let sim = serve(hub_sim::router(fleet.clone())).await;
    let node = Node::new("dr", &key);
    fleet.add(node.clone());
    let url = node_url(&sim, "dr");
    let s = Setup {
        hub,
        admin,
        node,
        url,
        key,
    };
    s.report().await;
    let resp = s
        .hub
        .admin(Method::POST, "/customers/dr/push", &s.admin, None)
        .await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    // The push's window ends with a report a minute later.
    s.advance(61).await;
    // Within drift.settle of the push: not even scheduled checks run.
    assert_eq!(s.check().await.checked, 0);
    s.advance(INTERVAL).await;
    s
}

impl Setup {
    async fn report(&self) {
        let now = self.hub.clock.now_ts().to_string();
        let mut r = report("dr", &now);
        r["controller_url"] = self.url.clone().into();
        let resp = self
            .hub
            .post_json("/api/v1/report", Some(&self.key), &r)
            .await;
        assert_eq!(resp.status(), 200);
    }

    /// Time passes with the node reporting.
    async fn advance(&self, secs: u64) {
        self.hub
            .clock
            .advance(jiff::SignedDuration::from_secs(secs as i64));
        self.report().await;
    }

    async fn check(&self) -> drift::Checked {
        drift::check(&self.hub.state).await.unwrap()
    }

    /// One interval later, one check.
    async fn next(&self) -> drift::Checked {
        self.advance(INTERVAL).await;
        self.check().await
    }

    async fn events(&self, t: &str) -> Vec<Value> {
        let resp = self
            .hub
            .admin(
                Method::GET,
                &format!("/events?customer=dr&type={t}"),
                &self.admin,
                None,
            )
            .await;
        assert_eq!(resp.status(), 200);
        let v: Value = resp.json().await.unwrap();
        v["items"].as_array().cloned().unwrap_or_default()
    }

    async fn drift_state(&self) -> Value {
        let v: Value = self
            .hub
            .admin(Method::GET, "/fleet", &self.admin, None)
            .await
            .json()
            .await
            .unwrap();
        v["customers"][0]["drift"].clone()
    }

    /// The live config with one line changed.
    fn edit(&self, from: &str, to: &str) {
        let live = self.node.live_config();
        assert!(live.contains(from), "{from} not in {live}");
        self.node.set_live_config(&live.replacen(from, to, 1));
    }
}

/// Finds the first check (the schedule is jittered within the interval).
async fn first_check(s: &Setup) {
    let mut n = 0;
    for _ in 0..3 {
        n += s.check().await.checked;
        if n > 0 {
            break;
        }
        s.advance(INTERVAL / 2).await;
    }
    assert_eq!(n, 1, "the first check ran");
}

#[tokio::test]
async fn drift_is_confirmed_named_renewed_and_resolved() {
    let s = setup().await;
    first_check(&s).await;
    assert_eq!(s.drift_state().await, "in_sync");
    let pushed = s.node.live_config();

    // Hand-edited on the node: seen once, not yet drift.
    s.edit("dr.felhom.eu", "kezzel.felhom.eu");
    let r = s.next().await;
    assert_eq!((r.checked, r.events), (1, 0));
    assert!(s.events("config_drift").await.is_empty());
    assert_eq!(s.drift_state().await, "in_sync");
    // The same difference again: one event naming the path, no value.
    let r = s.next().await;
    assert_eq!((r.checked, r.events), (1, 1));
    let ev = s.events("config_drift").await;
    assert_eq!(ev.len(), 1);
    let text = ev[0].to_string();
    assert!(text.contains("customer.domain"), "{text}");
    assert!(!text.contains("kezzel"), "no value in the event: {text}");
    assert!(!text.contains("tun-secret"), "{text}");
    assert_eq!(ev[0]["severity"], "warning");
    assert_eq!(s.drift_state().await, "drifted");
    // The fleet filter: `hubctl fleet --drifted`.
    for (q, n) in [("drifted", 1), ("in_sync", 0)] {
        let v: Value = s
            .hub
            .admin(Method::GET, &format!("/fleet?drift={q}"), &s.admin, None)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(v["customers"].as_array().unwrap().len(), n, "{q}: {v}");
    }
    let resp = s
        .hub
        .admin(Method::GET, "/fleet?drift=sideways", &s.admin, None)
        .await;
    assert_eq!(resp.status(), 400);
    // The operator is told; the customer never.
    s.hub.drain().await;
    let log: Value = s
        .hub
        .admin(Method::GET, "/notifications?customer=dr", &s.admin, None)
        .await
        .json()
        .await
        .unwrap();
    let rows: Vec<_> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["event_type"] == "config_drift")
        .collect();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|n| n["channel"] == "operator"), "{rows:?}");
    // Still the same: nothing more.
    assert_eq!(s.next().await.events, 0);

    // A secret changed too: a new difference, confirmed, a second event.
    s.edit("tun-secret", "tun-other");
    assert_eq!(s.next().await.events, 0);
    assert_eq!(s.next().await.events, 1);
    let ev = s.events("config_drift").await;
    assert_eq!(ev.len(), 2);
    assert!(!ev[0].to_string().contains("tun-other"));

    // Fixed on the node: resolved once.
    s.node.set_live_config(&pushed);
    assert_eq!(s.next().await.events, 1);
    assert_eq!(s.events("config_drift_resolved").await.len(), 1);
    assert_eq!(s.drift_state().await, "in_sync");
    assert_eq!(s.next().await.events, 0);
    s.hub.stop().await;
}

#[tokio::test]
async fn order_comments_and_volatile_paths_are_no_drift() {
    let s = setup().await;
    first_check(&s).await;
    // Reordered top-level keys, a comment and a new controller version.
    let live: Value = serde_saphyr::from_str(&s.node.live_config()).unwrap();
    let mut keys: Vec<_> = live.as_object().unwrap().iter().collect();
    keys.reverse();
    let reordered: serde_json::Map<String, Value> = keys
        .into_iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut yaml = format!(
        "# edited by hand, same meaning\n{}",
        serde_saphyr::to_string(&Value::Object(reordered)).unwrap()
    );
    yaml.push_str("# trailing comment\n");
    let mut v: Value = serde_saphyr::from_str(&yaml).unwrap();
    v["controller"]["version"] = "9.9.9".into();
    s.node.set_live_config(&format!(
        "# again\n{}",
        serde_saphyr::to_string(&v).unwrap()
    ));
    for _ in 0..3 {
        let r = s.next().await;
        assert_eq!((r.checked, r.events), (1, 0));
    }
    assert_eq!(s.drift_state().await, "in_sync");
    s.hub.stop().await;
}

#[tokio::test]
async fn an_unreachable_node_is_unknown_and_a_down_node_is_not_asked() {
    let s = setup().await;
    first_check(&s).await;
    s.edit("dr.felhom.eu", "kezzel.felhom.eu");
    assert_eq!(s.next().await.events, 0);
    // 503 between the two sightings: unknown, never drift, and the
    // sighting before is kept.
    s.node.set_behaviour(Behaviour {
        fail_api: Some(503),
        ..Default::default()
    });
    for _ in 0..3 {
        assert_eq!(s.next().await.events, 0);
    }
    assert_eq!(s.drift_state().await, "unknown");
    s.node.set_behaviour(Behaviour::default());
    assert_eq!(s.next().await.events, 1, "the second sighting confirms");

    // Down: not checked at all.
    s.hub
        .store
        .set_node_states(
            vec![hub_server::store::NodeTransition {
                customer_id: "dr".into(),
                from: NodeState::Ok,
                to: NodeState::Down,
                event: None,
            }],
            s.hub.clock.now_ts(),
        )
        .await
        .unwrap();
    s.hub
        .clock
        .advance(jiff::SignedDuration::from_secs(INTERVAL as i64 * 2));
    assert_eq!(s.check().await.checked, 0);
    s.hub.stop().await;
}
