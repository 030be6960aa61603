//! The customers' status page over real HTTP: the headers, what each state
//! says, nothing internal on it, 404/410 pages that reveal nothing, and
//! the per-address lockout.

use hub_server::jobs::staleness;
use reqwest::Method;
use serde_json::{Value, json};

use crate::*;

const INTERNALS: [&str; 8] = [
    "felhom-01",
    "1.8.2",
    "kovacs.felhom.eu",
    "8443",
    "nextcloud",
    "Debian",
    "6.1.0",
    "api-key",
];

async fn hub() -> (Hub, String) {
    let hub = Hub::start_with(Arc::new(tempfile::tempdir().unwrap()), fast(), |c| {
        c.alerting.stale_threshold = GoDuration(Duration::from_secs(60));
        c.alerting.down_threshold = GoDuration(Duration::from_secs(120));
    })
    .await;
    let admin = hub.admin_token("ops", false).await;
    hub.add_config("kovacs").await;
    (hub, admin)
}

async fn report_now(hub: &Hub) {
    let now = hub.clock.now_ts().to_string();
    let resp = hub
        .post_json("/api/v1/report", Some(KEY), &report("kovacs", &now))
        .await;
    assert_eq!(resp.status(), 200);
}

async fn path(hub: &Hub, admin: &str, ttl: &str) -> String {
    let v: Value = hub
        .admin(
            Method::POST,
            "/customers/kovacs/status-link",
            admin,
            Some(json!({"ttl": ttl})),
        )
        .await
        .json()
        .await
        .unwrap();
    let url = v["url"].as_str().unwrap();
    url.strip_prefix("https://hub.example.test")
        .unwrap()
        .to_owned()
}

async fn page(hub: &Hub, path: &str) -> (u16, reqwest::header::HeaderMap, String) {
    let resp = hub.get(path, None).await;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    (status, headers, resp.text().await.unwrap())
}

fn no_internals(body: &str) {
    for s in INTERNALS {
        assert!(!body.contains(s), "{s} on the page: {body}");
    }
}

#[tokio::test]
async fn the_page_says_the_state_in_hungarian_and_nothing_internal() {
    let (hub, admin) = hub().await;
    report_now(&hub).await;
    let p = path(&hub, &admin, "30d").await;
    let (status, h, body) = page(&hub, &p).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        h["content-security-policy"],
        "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    );
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert_eq!(h["x-robots-tag"], "noindex");
    assert_eq!(h["cache-control"], "private, max-age=60");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(body.contains("<html lang=\"hu\">"), "{body}");
    assert!(body.contains(">Működik<"), "{body}");
    assert!(!body.contains("<script"), "{body}");
    // Budapest time, the Hungarian date format.
    assert!(body.contains("(2026. 11. 27. 11:00)"), "{body}");
    assert!(body.contains("Nincs ismert probléma."), "{body}");
    no_internals(&body);
    // The stylesheet it names is served under the same rules.
    let (status, h, css) = page(&hub, "/s/status.css").await;
    assert_eq!(status, 200);
    assert!(h["content-type"].to_str().unwrap().starts_with("text/css"));
    assert!(css.contains(".bar"));
    // English on request.
    let (_, _, en) = page(&hub, &format!("{p}?lang=en")).await;
    assert!(
        en.contains("<html lang=\"en\">") && en.contains(">Working<"),
        "{en}"
    );

    // Late, then down: the open problem is listed.
    hub.clock.advance(jiff::SignedDuration::from_secs(90));
    let (_, _, body) = page(&hub, &p).await;
    assert!(body.contains(">Késik<"), "{body}");
    hub.clock.advance(jiff::SignedDuration::from_secs(120));
    staleness::check(&hub.state).await.unwrap();
    hub.drain().await;
    let (_, _, body) = page(&hub, &p).await;
    assert!(body.contains(">Nem elérhető<"), "{body}");
    assert!(
        body.contains("A szerver nem elérhető — 2026. 11. 27. 11:03 óta"),
        "{body}"
    );
    // Back: resolved, with its length; the day's bar is not all green.
    report_now(&hub).await;
    hub.clock.advance(jiff::SignedDuration::from_mins(20));
    report_now(&hub).await;
    staleness::check(&hub.state).await.unwrap();
    hub.drain().await;
    let (_, _, body) = page(&hub, &p).await;
    assert!(body.contains(">Működik<"), "{body}");
    assert!(
        body.contains("A szerver nem elérhető: 2026. 11. 27. 11:03, időtartam"),
        "{body}"
    );
    assert!(
        ["up", "part", "out"]
            .iter()
            .any(|c| body.contains(&format!("class=\"d {c}\""))),
        "{body}"
    );
    // Maintenance.
    let start = hub.clock.now_ts();
    let resp = hub
        .admin(
            Method::POST,
            "/maintenance",
            &admin,
            Some(
                json!({"customer_id": "kovacs", "kind": "once", "starts_at": start,
                        "ends_at": start + jiff::SignedDuration::from_hours(2),
                        "reason": "lemezcsere"}),
            ),
        )
        .await;
    assert_eq!(resp.status(), 201);
    let (_, _, body) = page(&hub, &p).await;
    assert!(body.contains(">Karbantartás<"), "{body}");
    assert!(body.contains("lemezcsere: folyamatban, vége"), "{body}");
    no_internals(&body);
    hub.stop().await;
}

#[tokio::test]
async fn bad_and_expired_links_reveal_nothing_and_bad_ones_lock_the_address() {
    let (hub, admin) = hub().await;
    report_now(&hub).await;
    let p = path(&hub, &admin, "1h").await;
    hub.clock.advance(jiff::SignedDuration::from_hours(2));
    let (status, h, body) = page(&hub, &p).await;
    assert_eq!(status, 410);
    assert!(body.contains("A link lejárt"), "{body}");
    assert!(!body.contains("kovacs"), "{body}");
    assert_eq!(h["referrer-policy"], "no-referrer");
    // A bad token: a plain 404 that says nothing; the 20th locks.
    for i in 0..20 {
        let (status, _, body) = page(&hub, &format!("/s/AAAA{i}.BBBB")).await;
        assert_eq!(status, 404, "{i}");
        assert!(body.contains("Az oldal nem található"), "{body}");
    }
    let good = path(&hub, &admin, "1d").await;
    let (status, _, body) = page(&hub, &good).await;
    assert_eq!(status, 429, "locked, even for a good link: {body}");
    // The lockout survives a restart and ends with its window.
    let dir = hub.stop().await;
    let hub = Hub::start_at(dir, fast(), "2026-11-27T12:05:00Z".parse().unwrap(), |_| {}).await;
    let (status, _, _) = page(&hub, &good).await;
    assert_eq!(status, 429);
    hub.clock.advance(jiff::SignedDuration::from_mins(16));
    let (status, _, _) = page(&hub, &good).await;
    assert_eq!(status, 200);
    hub.stop().await;
}
