//! The customers' status page over real HTTP: the headers, what each state
//! says, nothing internal on it, 404/410 pages that reveal nothing, and
//! the per-address lockout.

use hub_server::jobs::staleness;
use reqwest::Method;
use serde_json::{Value, json};

use crate::*;

/// What the seeded customer's report and events say that its page must
/// not: hostname, version, controller URL, containers and images, OS,
/// addresses (its own LAN and VPN ones, and where it reported from),
/// disk UUIDs, event messages.
const INTERNALS: [&str; 14] = [
    "felhom-01",
    "1.8.2",
    "kovacs.felhom.eu",
    "8443",
    "nextcloud",
    "Debian",
    "6.1.0",
    "api-key",
    "192.168.1.20",
    "100.64.0.7",
    "127.0.0.1",
    "1b2c",
    "restic",
    "tunnel",
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
    report_now_for(hub, "kovacs").await;
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
    no_internals(&body);
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

/// The link in an email's text part, as a path on the hub.
fn email_link(m: &crate::fakes::Received) -> String {
    let text = m.body["text"].as_str().unwrap();
    let at = text
        .find("https://hub.example.test/s/")
        .unwrap_or_else(|| panic!("no page link: {text}"));
    let url = text[at..].split_whitespace().next().unwrap();
    let html = m.body["html"].as_str().unwrap();
    assert!(html.contains(&format!("<a href=\"{url}\">")), "{html}");
    url.strip_prefix("https://hub.example.test")
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn each_customer_email_carries_a_fresh_link_to_that_customers_page() {
    let (resend, url) = crate::fakes::FakeResend::start().await;
    let hub = Hub::start_with(Arc::new(tempfile::tempdir().unwrap()), fast(), move |c| {
        c.alerting.stale_threshold = GoDuration(Duration::from_secs(60));
        c.alerting.down_threshold = GoDuration(Duration::from_secs(120));
        c.notifications.resend_base_url = url;
        c.notifications.resend_api_key = Secret(crate::fakes::RESEND_KEY.into());
        c.status_page.ttl = GoDuration(Duration::from_secs(7 * 86_400));
    })
    .await;
    let admin = hub.admin_token("ops", false).await;
    for id in ["kovacs", "szabo"] {
        hub.add_config(id).await;
        let prefs = json!({"customer_id": id, "email": format!("{id}@example.hu"),
            "enabled_events": ["node_down", "node_recovered", "backup_failed"]});
        let resp = hub
            .post_json("/api/v1/preferences", Some(KEY), &prefs)
            .await;
        assert_eq!(resp.status(), 200);
        let now = hub.clock.now_ts().to_string();
        let resp = hub
            .post_json("/api/v1/report", Some(KEY), &report(id, &now))
            .await;
        assert_eq!(resp.status(), 200);
    }
    let mails = |to: &str| {
        resend
            .delivered()
            .into_iter()
            .filter(|m| m.body["to"] == json!([to]))
            .collect::<Vec<_>>()
    };
    // kovacs goes down; szabo keeps reporting.
    for _ in 0..4 {
        hub.clock.advance(jiff::SignedDuration::from_secs(60));
        report_now_for(&hub, "szabo").await;
        staleness::check(&hub.state).await.unwrap();
        hub.drain().await;
    }
    let down = mails("kovacs@example.hu");
    assert_eq!(down.len(), 1, "{down:?}");
    let text = down[0].body["text"].as_str().unwrap();
    // Valid status_page.ttl from the moment the email was decided.
    assert!(
        text.contains("(A link érvényes eddig: 2026. 12. 04. 11:0"),
        "{text}"
    );
    let p = email_link(&down[0]);
    let (status, _, body) = page(&hub, &p).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(">Nem elérhető<"), "{body}");
    no_internals(&body);

    // A customer-pushed event to szabo: its link opens szabo's page only.
    let ev = json!({"customer_id": "szabo", "event_type": "backup_failed",
        "severity": "error", "message": "restic exited 1 on nextcloud"});
    assert_eq!(
        hub.post_json("/api/v1/event", Some(KEY), &ev)
            .await
            .status(),
        201
    );
    hub.drain().await;
    let theirs = mails("szabo@example.hu");
    assert_eq!(theirs.len(), 1, "{theirs:?}");
    let q = email_link(&theirs[0]);
    assert_ne!(p, q);
    let (status, _, body) = page(&hub, &q).await;
    assert_eq!(status, 200);
    assert!(body.contains(">Működik<"), "szabo is up: {body}");

    // Back up: the "it is over" email has a link of its own, made later.
    for _ in 0..20 {
        hub.clock.advance(jiff::SignedDuration::from_secs(60));
        report_now_for(&hub, "kovacs").await;
        staleness::check(&hub.state).await.unwrap();
        hub.drain().await;
    }
    let both = mails("kovacs@example.hu");
    assert_eq!(both.len(), 2, "{both:?}");
    assert!(
        both[1].body["subject"]
            .as_str()
            .unwrap()
            .contains("ismét elérhető")
    );
    let r = email_link(&both[1]);
    assert_ne!(r, p, "a fresh link per email");
    let (status, _, body) = page(&hub, &r).await;
    assert_eq!(status, 200);
    assert!(body.contains(">Működik<"), "{body}");

    // The first email's link ends with its week; revoking ends the rest.
    hub.clock
        .advance(jiff::SignedDuration::from_secs(7 * 86_400 - 20 * 60));
    assert_eq!(page(&hub, &p).await.0, 410, "the down email's link");
    assert_eq!(page(&hub, &r).await.0, 200, "made 20 minutes later");
    let resp = hub
        .admin(
            Method::POST,
            "/customers/kovacs/status-link/revoke",
            &admin,
            None,
        )
        .await;
    assert!(resp.status().is_success());
    assert_eq!(page(&hub, &r).await.0, 404);
    assert_eq!(page(&hub, &q).await.0, 410, "szabo's expired, not revoked");
    hub.stop().await;
}

async fn report_now_for(hub: &Hub, id: &str) {
    let now = hub.clock.now_ts().to_string();
    let mut r = report(id, &now);
    // Fields a newer controller adds: kept verbatim, never on the page.
    r["system"]["ip_addresses"] = json!(["192.168.1.20", "100.64.0.7"]);
    r["network"] = json!({"lan_ip": "192.168.1.20", "vpn_ip": "100.64.0.7"});
    let resp = hub.post_json("/api/v1/report", Some(KEY), &r).await;
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn the_dashboard_makes_copies_and_revokes_a_link() {
    use crate::dashboard::{hub_with_password, location, logged_in};
    let hub = hub_with_password(Arc::new(tempfile::tempdir().unwrap())).await;
    hub.add_config("kovacs").await;
    report_now(&hub).await;
    let b = logged_in(&hub).await;
    let page_html = b.text("/customers/kovacs").await;
    assert!(page_html.contains("<h2>Status page</h2>"), "{page_html}");
    assert!(page_html.contains("fresh link valid 30d"), "{page_html}");
    assert!(
        page_html.contains("<option selected>30d</option>"),
        "{page_html}"
    );
    assert!(page_html.contains("href=\"/customers/kovacs/status-link/revoke\""));

    // Without the form token: refused, nothing made.
    let r = b
        .post(
            "/customers/kovacs/status-link",
            &[("csrf", "x"), ("ttl", "7d")],
        )
        .await;
    assert_eq!(r.status(), 403);
    let csrf = b.csrf().await;
    let r = b
        .post(
            "/customers/kovacs/status-link",
            &[("csrf", &csrf), ("ttl", "7d")],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let shown = r.text().await.unwrap();
    let at = shown.find("data-copy=\"").expect("a Copy button") + "data-copy=\"".len();
    let url = &shown[at..at + shown[at..].find('"').unwrap()];
    assert!(
        shown.contains(&format!("readonly value=\"{url}\"")),
        "{shown}"
    );
    // 7 days from 2026-11-27 10:00 UTC.
    assert!(shown.contains("until 2026-12-04 10:00 UTC"), "{shown}");
    let p = url.strip_prefix("https://hub.example.test").unwrap();
    let (status, _, body) = page(&hub, p).await;
    assert_eq!(status, 200);
    assert!(body.contains(">Működik<"), "{body}");
    // A bad lifetime is the service's sentence.
    let r = b
        .post(
            "/customers/kovacs/status-link",
            &[("csrf", &csrf), ("ttl", "400d")],
        )
        .await;
    assert_eq!(r.status(), 400);

    // Revoke: asked first (no JavaScript needed), then done.
    let ask = b.text("/customers/kovacs/status-link/revoke").await;
    assert!(ask.contains("Revoke every status link of kovacs?"), "{ask}");
    assert!(ask.contains("action=\"/customers/kovacs/status-link/revoke\""));
    assert_eq!(page(&hub, p).await.0, 200, "asking changes nothing");
    let r = b
        .post("/customers/kovacs/status-link/revoke", &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/customers/kovacs");
    let after = b.text("/customers/kovacs").await;
    assert!(
        after.contains("Every earlier status link of kovacs stops working."),
        "{after}"
    );
    assert_eq!(page(&hub, p).await.0, 404);
    // Both are in the audit log, as the dashboard's.
    let audit = b.text("/audit").await;
    assert!(
        audit.contains("status_link.issue") && audit.contains("status_link.revoke"),
        "{audit}"
    );
    hub.stop().await;
}
