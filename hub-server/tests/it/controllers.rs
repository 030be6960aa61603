//! The hub cannot be aimed: controller calls go only where the policy
//! allows, with the key the controller holds, and survive hostile answers.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{any, get, post};
use hub_sim::{Fleet, Node, node_url};
use reqwest::Method;
use serde_json::{Value, json};

use crate::*;

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    url
}

fn config(id: &str, domain: &str) -> Value {
    json!({"customer_id": id, "domain": domain, "tokens": {"tunnel": "tun-secret"}})
}

/// Creates a managed customer and returns its API key.
async fn create(hub: &Hub, admin: &str, id: &str, domain: &str) -> String {
    let resp = hub
        .admin(Method::POST, "/configs", admin, Some(config(id, domain)))
        .await;
    assert_eq!(resp.status(), 201);
    let creds: Value = resp.json().await.unwrap();
    creds["api_key"].as_str().unwrap().to_owned()
}

async fn report_with(hub: &Hub, key: &str, id: &str, url: &str) {
    let now = hub.clock.now_ts().to_string();
    let mut r = report(id, &now);
    r["controller_url"] = url.into();
    let resp = hub.post_json("/api/v1/report", Some(key), &r).await;
    assert_eq!(resp.status(), 200);
    hub.clock.advance(jiff::SignedDuration::from_secs(1));
}

async fn push_error(hub: &Hub, admin: &str, id: &str) -> String {
    let resp = hub
        .admin(Method::POST, &format!("/customers/{id}/push"), admin, None)
        .await;
    assert_eq!(resp.status(), 502);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["error"]["code"], "controller_error");
    v["error"]["message"].as_str().unwrap().to_owned()
}

/// A request counter behind every path of a server: proves a refused call
/// never reached it.
async fn counting_server() -> (String, Arc<Mutex<usize>>) {
    let hits = Arc::new(Mutex::new(0));
    let h = hits.clone();
    let url = serve(Router::new().fallback(any(move || {
        let h = h.clone();
        async move {
            *h.lock().unwrap() += 1;
            "applied"
        }
    })))
    .await;
    (url, hits)
}

#[tokio::test]
async fn the_default_policy_refuses_every_way_of_aiming_the_hub() {
    // The production defaults: https only, public addresses, own domain.
    let hub = Hub::start_with(
        Arc::new(tempfile::tempdir().unwrap()),
        Default::default(),
        |c| c.controllers = Default::default(),
    )
    .await;
    let admin = hub.admin_token("ops", false).await;
    let (target, hits) = counting_server().await;
    let port = target.rsplit(':').next().unwrap().to_owned();

    // A report under the global key cannot set a managed customer's URL.
    let key = create(&hub, &admin, "aim", "aim.felhom.eu").await;
    report_with(&hub, KEY, "aim", "https://aim.felhom.eu:8443").await;
    assert!(
        push_error(&hub, &admin, "aim")
            .await
            .contains("own API key")
    );

    for (url, expected) in [
        (target.clone(), "only https://"),
        (
            format!("https://127.0.0.1:{port}"),
            "loopback, private, link-local, unique-local or reserved",
        ),
        (
            format!("https://[::1]:{port}"),
            "loopback, private, link-local, unique-local or reserved",
        ),
        (
            "https://10.1.2.3:8443".to_owned(),
            "loopback, private, link-local, unique-local or reserved",
        ),
        (
            "https://169.254.169.254/latest".to_owned(),
            "loopback, private, link-local, unique-local or reserved",
        ),
        (
            "https://evil.example.com".to_owned(),
            "not the customer's domain",
        ),
        (
            "https://aim.felhom.eu.evil.com".to_owned(),
            "not the customer's domain",
        ),
        (
            "https://user:pw@aim.felhom.eu".to_owned(),
            "user name or password",
        ),
    ] {
        report_with(&hub, &key, "aim", &url).await;
        let msg = push_error(&hub, &admin, "aim").await;
        assert!(msg.contains(expected), "{url}: {msg}");
    }

    // A name under the customer's domain that resolves to loopback is
    // refused after resolution.
    let key = create(&hub, &admin, "local", "localhost").await;
    report_with(&hub, &key, "local", &format!("https://localhost:{port}")).await;
    let msg = push_error(&hub, &admin, "local").await;
    assert!(msg.contains("loopback"), "{msg}");

    assert_eq!(
        *hits.lock().unwrap(),
        0,
        "no refused call reached the target"
    );
    hub.stop().await;
}

#[tokio::test]
async fn allowed_hosts_and_networks_open_a_private_deployment() {
    let hub = Hub::start_with(
        Arc::new(tempfile::tempdir().unwrap()),
        Default::default(),
        |c| {
            c.controllers = Default::default();
            c.controllers.allow_insecure = true;
            c.controllers.allowed_networks = vec![Cidr::parse("127.0.0.0/8").unwrap()];
            c.controllers.allowed_hosts = vec!["localhost".into()];
        },
    )
    .await;
    let admin = hub.admin_token("ops", false).await;
    let (target, hits) = counting_server().await;
    let port = target.rsplit(':').next().unwrap().to_owned();
    let key = create(&hub, &admin, "lab", "lab.felhom.eu").await;
    report_with(&hub, &key, "lab", &format!("http://localhost:{port}")).await;
    let resp = hub
        .admin(Method::POST, "/customers/lab/push", &admin, None)
        .await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    assert_eq!(*hits.lock().unwrap(), 1);
    hub.stop().await;
}

#[tokio::test]
async fn redirects_huge_answers_and_foreign_error_pages_are_handled() {
    let hub = Hub::start().await;
    let admin = hub.admin_token("ops", false).await;
    let (elsewhere, hits) = counting_server().await;
    let target = elsewhere.clone();
    let app = Router::new()
        .route(
            "/r/api/config/apply",
            post(move || {
                let to = format!("{target}/stolen");
                async move { (StatusCode::FOUND, [("location", to)]) }
            }),
        )
        .route(
            "/big/api/config",
            get(|| async { "x: ".to_owned() + &"y".repeat(2 * 1024 * 1024) }),
        )
        .route(
            "/hu/api/config/apply",
            post(|| async {
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Belső hiba történt: á".repeat(40),
                )
                    .into_response()
            }),
        );
    let base = serve(app).await;
    let key = create(&hub, &admin, "redir", "").await;
    report_with(&hub, &key, "redir", &format!("{base}/r")).await;
    let msg = push_error(&hub, &admin, "redir").await;
    assert!(msg.contains("redirect"), "{msg}");
    assert_eq!(*hits.lock().unwrap(), 0, "the redirect was not followed");

    let key = create(&hub, &admin, "big", "").await;
    report_with(&hub, &key, "big", &format!("{base}/big")).await;
    let resp = hub
        .admin(Method::GET, "/customers/big/diff", &admin, None)
        .await;
    let v: Value = resp.json().await.unwrap();
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("larger than"),
        "{v}"
    );

    // An error page in Hungarian, cut at byte 200 of its multi-byte text:
    // no panic, a clear message, and the audit row is written.
    let key = create(&hub, &admin, "hu", "").await;
    report_with(&hub, &key, "hu", &format!("{base}/hu")).await;
    let msg = push_error(&hub, &admin, "hu").await;
    assert!(
        msg.contains("HTTP 500") && msg.contains("Belső hiba"),
        "{msg}"
    );
    let audit: Value = hub
        .admin(Method::GET, "/audit?customer=hu", &admin, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(audit["items"][0]["action"], "controller.push");
    assert!(
        audit["items"][0]["outcome"]
            .as_str()
            .unwrap()
            .starts_with("error:")
    );
    hub.stop().await;
}

/// Rotating a customer's API key never cuts the node off: the push that
/// delivers the new key is made with the key the node still holds, the old
/// key keeps working until the node reports with the new one, and then
/// only the new one does.
#[tokio::test]
async fn key_rotation_keeps_the_node_reachable() {
    let hub = Hub::start().await;
    let admin = hub.admin_token("ops", false).await;
    let old = create(&hub, &admin, "rot", "rot.felhom.eu").await;
    let fleet = Fleet::default();
    let sim = serve(hub_sim::router(fleet.clone())).await;
    let node = Node::new("rot", &old);
    fleet.add(node.clone());
    report_with(&hub, &old, "rot", &node_url(&sim, "rot")).await;

    let rotated: Value = hub
        .admin(
            Method::POST,
            "/configs/rot/rotate",
            &admin,
            Some(json!({"credential": "api_key"})),
        )
        .await
        .json()
        .await
        .unwrap();
    let new = rotated["api_key"].as_str().unwrap().to_owned();
    // The node reports with the old key meanwhile: still accepted.
    report_with(&hub, &old, "rot", &node_url(&sim, "rot")).await;
    // Push: authenticated with the old key, carrying the new one.
    let resp = hub
        .admin(Method::POST, "/customers/rot/push", &admin, None)
        .await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    assert_eq!(node.api_key(), new);
    assert!(node.live_config().contains(&new));
    // The node reports with the new key: the old one is retired.
    report_with(&hub, &new, "rot", &node_url(&sim, "rot")).await;
    let now = hub.clock.now_ts().to_string();
    let resp = hub
        .post_json("/api/v1/report", Some(&old), &report("rot", &now))
        .await;
    assert_eq!(resp.status(), 401);
    // And the hub now talks to the controller with the new key.
    let resp = hub
        .admin(Method::GET, "/customers/rot/diff", &admin, None)
        .await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    hub.stop().await;
}
