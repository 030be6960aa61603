//! The browser dashboard at the HTTP level: every route needs a session,
//! sessions live and die on the manual clock (and survive restarts), state
//! changes need the origin check and the form token, and whatever came
//! from a controller is shown as text. The real browser drives it in
//! `tests/browser/`.

use std::sync::Arc;

use jiff::SignedDuration;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use serde_json::json;

use crate::admin::{audit_actions, managed_node};
use crate::*;

pub const PASSWORD: &str = "correct horse battery staple";

/// A hub with a dashboard password (the least bcrypt cost allowed).
pub async fn hub_with_password(dir: Arc<tempfile::TempDir>) -> Hub {
    // One hash for every start: a new hash (a new salt) would be a changed
    // password, which ends the sessions.
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hash = HASH
        .get_or_init(|| hub_server::service::session::hash_password(PASSWORD, 10).unwrap())
        .clone();
    Hub::start_with(dir, crate::fast(), move |c| {
        c.auth.password_hash = Secret(hash);
    })
    .await
}

/// A browser without redirects, holding one session cookie.
pub struct Browser {
    http: reqwest::Client,
    base: String,
    cookie: Option<String>,
}

impl Browser {
    fn new(hub: &Hub) -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: hub.url.clone(),
            cookie: None,
        }
    }

    fn with_cookie(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.cookie {
            Some(c) => req.header("cookie", c),
            None => req,
        }
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.with_cookie(self.http.get(format!("{}{path}", self.base)))
            .send()
            .await
            .unwrap()
    }

    pub async fn text(&self, path: &str) -> String {
        let r = self.get(path).await;
        assert_eq!(r.status(), 200, "GET {path}");
        r.text().await.unwrap()
    }

    /// A form post as a browser sends it from one of the hub's pages.
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.post_from(path, form, Some("same-origin"), None).await
    }

    async fn post_from(
        &self,
        path: &str,
        form: &[(&str, &str)],
        fetch_site: Option<&str>,
        origin: Option<&str>,
    ) -> reqwest::Response {
        let mut req = self
            .with_cookie(self.http.post(format!("{}{path}", self.base)))
            .form(form);
        if let Some(s) = fetch_site {
            req = req.header("sec-fetch-site", s);
        }
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        req.send().await.unwrap()
    }

    async fn login(&mut self, password: &str, next: &str) -> reqwest::Response {
        let r = self
            .post("/login", &[("password", password), ("next", next)])
            .await;
        if let Some(c) = session_cookie(r.headers()) {
            self.cookie = Some(c);
        }
        r
    }

    /// The form token of the session, as a page carries it.
    pub async fn csrf(&self) -> String {
        form_token(&self.text("/configs").await)
    }
}

fn session_cookie(h: &HeaderMap) -> Option<String> {
    h.get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| !v.contains("Max-Age=0"))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

fn form_token(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a form token");
    let rest = &html[at + "name=\"csrf\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

pub fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get(LOCATION)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

pub async fn logged_in(hub: &Hub) -> Browser {
    let mut b = Browser::new(hub);
    let r = b.login(PASSWORD, "/").await;
    assert_eq!(r.status(), 303);
    b
}

fn is_blocked(hub: &Hub, id: &str) -> bool {
    hub.state
        .live()
        .read(|rows, _| {
            rows.filter(|r| r.customer_id == id)
                .map(|r| r.blocked)
                .next()
        })
        .expect("the customer is listed")
}

/// The page a POST that made credentials sends the browser to: 303 to
/// `/shown/<nonce>`, shown once (`no-store`), gone on a reload.
async fn shown_once(b: &Browser, r: reqwest::Response) -> String {
    assert_eq!(r.status(), 303);
    let to = location(&r);
    assert!(to.starts_with("/shown/"), "{to}");
    let page = b.get(&to).await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["cache-control"], "no-store");
    let text = page.text().await.unwrap();
    let again = b.get(&to).await;
    assert_eq!(again.status(), 410, "a reload shows nothing");
    let gone = again.text().await.unwrap();
    assert!(gone.contains("Already shown"));
    text
}

async fn post_report(hub: &Hub, key: &str, body: serde_json::Value) {
    let r = hub.post_json("/api/v1/report", Some(key), &body).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
}

#[tokio::test]
async fn every_page_needs_a_session_and_remembers_where_it_was_going() {
    let hub = hub_with_password(Arc::new(tempfile::tempdir().unwrap())).await;
    hub.add_config("kovacs").await;
    let b = Browser::new(&hub);
    for path in [
        "/",
        "/configs",
        "/configs/new",
        "/configs/kovacs/edit",
        "/customers/kovacs",
        "/customers/kovacs?period=7d",
        "/customers/kovacs/diff",
        "/customers/kovacs/confirm/block",
        "/hub",
        "/events",
        "/notifications",
        "/audit?customer=kovacs",
        "/shown/x",
    ] {
        let r = b.get(path).await;
        assert_eq!(r.status(), 303, "{path}");
        let to = location(&r);
        assert!(to.starts_with("/login?next="), "{path} -> {to}");
        assert!(
            to.contains(&path.replace('?', "%3F").replace('=', "%3D")),
            "{to}"
        );
    }
    // The stream and every action refuse outright.
    assert_eq!(b.get("/ui/stream").await.status(), 401);
    for path in [
        "/logout",
        "/configs/new",
        "/configs/kovacs/edit",
        "/customers/kovacs/reveal",
        "/customers/kovacs/block",
        "/customers/kovacs/delete",
    ] {
        let r = b.post(path, &[("csrf", "x")]).await;
        assert_eq!(r.status(), 401, "{path}");
    }
    // Nothing changed.
    assert!(!is_blocked(&hub, "kovacs"));
    // The login page and the assets are public.
    let login = b.text("/login").await;
    assert!(login.contains("<label for=\"password\">Password</label>"));
    assert!(login.contains("name=\"password\""));
    assert!(login.contains(">Log in</button>"));
    for asset in ["/assets/app.css", "/assets/live.js"] {
        assert_eq!(b.get(asset).await.status(), 200, "{asset}");
    }
    // The operator email's link goes through the login back to the page.
    let mut b = Browser::new(&hub);
    let r = b.get("/customers/kovacs").await;
    let next = location(&r);
    let next = next.trim_start_matches("/login?next=").replace("%2F", "/");
    let r = b.login(PASSWORD, &next).await;
    assert_eq!(location(&r), "/customers/kovacs");
    assert!(b.text("/customers/kovacs").await.contains("kovacs"));
    hub.stop().await;
}

#[tokio::test]
async fn login_wrong_then_right_with_a_strict_cookie_and_only_local_targets() {
    let hub = hub_with_password(Arc::new(tempfile::tempdir().unwrap())).await;
    let mut b = Browser::new(&hub);
    let r = b.login("wrong password", "/configs").await;
    assert_eq!(r.status(), 401);
    assert!(session_cookie(r.headers()).is_none());
    assert!(r.text().await.unwrap().contains("Wrong password."));

    let r = b.login(PASSWORD, "/configs").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/configs");
    let set = r.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    // The hub's public URL is https: the __Host- prefix and Secure.
    assert!(set.starts_with("__Host-hub_session="), "{set}");
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/", "Secure"] {
        assert!(set.contains(attr), "{attr} missing: {set}");
    }
    assert!(!set.contains("Domain"), "{set}");
    let token = set
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_owned();
    assert_eq!(token.len(), 64, "256 random bits, hex");
    assert!(token.bytes().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(b.get("/").await.status(), 200);

    // A new id at every login; the old one keeps working until it ends.
    let old = b.cookie.clone();
    b.login(PASSWORD, "/").await;
    assert_ne!(old, b.cookie);

    for evil in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let r = Browser::new(&hub).login(PASSWORD, evil).await;
        assert_eq!(location(&r), "/", "{evil}");
    }
    // Only a digest of the token is stored.
    let db = std::fs::read(hub.dir.path().join("hub.db")).unwrap_or_default();
    let wal = std::fs::read(hub.dir.path().join("hub.db-wal")).unwrap_or_default();
    for bytes in [db, wal] {
        assert!(!bytes.windows(token.len()).any(|w| w == token.as_bytes()));
    }
    hub.stop().await;
}

#[tokio::test]
async fn five_failures_lock_the_login_even_across_a_restart() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let hub = hub_with_password(dir.clone()).await;
    let mut b = Browser::new(&hub);
    for i in 1..=4 {
        assert_eq!(b.login("guess", "/").await.status(), 401, "try {i}");
    }
    let r = b.login("guess", "/").await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    // Now even the right password waits.
    let r = b.login(PASSWORD, "/").await;
    assert_eq!(r.status(), 429);
    let wait: i64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&wait), "{wait}");
    let at = hub.clock.now_ts();
    let dir = hub.stop().await;

    let hub = hub_with_password(dir).await;
    hub.clock.set(at + SignedDuration::from_mins(5));
    let mut b = Browser::new(&hub);
    assert_eq!(b.login(PASSWORD, "/").await.status(), 429);
    hub.clock.set(at + SignedDuration::from_mins(16));
    assert_eq!(b.login(PASSWORD, "/").await.status(), 303);
    assert_eq!(b.get("/").await.status(), 200);
    hub.stop().await;
}

#[tokio::test]
async fn sessions_survive_a_restart_and_end_idle_absolute_and_at_logout() {
    // (30 minutes idle, 12 hours at most: the review's limits.)
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let hub = hub_with_password(dir.clone()).await;
    let b = logged_in(&hub).await;
    let cookie = b.cookie.clone();
    let at = hub.clock.now_ts();
    let dir = hub.stop().await;

    let hub = hub_with_password(dir).await;
    hub.clock.set(at);
    let mut b = Browser::new(&hub);
    b.cookie = cookie;
    assert_eq!(b.get("/").await.status(), 200, "survives a restart");

    // Idle: used within 30 minutes it lives; 30 minutes unused ends it.
    hub.clock.advance(SignedDuration::from_mins(29));
    assert_eq!(b.get("/").await.status(), 200);
    hub.clock.advance(SignedDuration::from_mins(30));
    let r = b.get("/").await;
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/login"));

    // Absolute: used every 20 minutes it still ends 12 hours after login.
    let b = logged_in(&hub).await;
    let start = hub.clock.now_ts();
    let mut alive_for = SignedDuration::ZERO;
    loop {
        hub.clock.advance(SignedDuration::from_mins(20));
        if b.get("/").await.status() != 200 {
            break;
        }
        alive_for = hub.clock.now_ts().duration_since(start);
        assert!(alive_for < SignedDuration::from_hours(12) + SignedDuration::from_mins(20));
    }
    assert_eq!(
        alive_for,
        SignedDuration::from_hours(12) - SignedDuration::from_mins(20)
    );

    // Logout deletes it on the server: the old cookie is refused.
    let b = logged_in(&hub).await;
    let csrf = b.csrf().await;
    let r = b.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/login");
    assert!(
        r.headers()[SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(b.get("/").await.status(), 303);
    assert_eq!(b.get("/ui/stream").await.status(), 401);
    hub.stop().await;
}

#[tokio::test]
async fn state_changes_need_the_same_origin_and_the_form_token() {
    let hub = hub_with_password(Arc::new(tempfile::tempdir().unwrap())).await;
    hub.add_config("kovacs").await;
    let b = logged_in(&hub).await;
    let csrf = b.csrf().await;
    let blocked = || async { is_blocked(&hub, "kovacs") };

    // No token, a wrong token, another session's token.
    let other = logged_in(&hub).await.csrf().await;
    for form in [
        vec![],
        vec![("csrf", "nope")],
        vec![("csrf", other.as_str())],
    ] {
        let r = b.post("/customers/kovacs/block", &form).await;
        assert_eq!(r.status(), 403);
        assert!(!blocked().await);
    }
    // Another site, by Sec-Fetch-Site or by Origin.
    let form = [("csrf", csrf.as_str())];
    for (site, origin) in [
        (Some("cross-site"), None),
        (Some("same-site"), None),
        (None, Some("https://evil.example")),
        (None, Some("null")),
    ] {
        let r = b
            .post_from("/customers/kovacs/block", &form, site, origin)
            .await;
        assert_eq!(r.status(), 403, "{site:?} {origin:?}");
        assert!(!blocked().await);
    }
    // The login form is checked too (login CSRF).
    let r = Browser::new(&hub)
        .post_from(
            "/login",
            &[("password", PASSWORD)],
            Some("cross-site"),
            None,
        )
        .await;
    assert_eq!(r.status(), 403);
    // GET never changes anything: the action routes are POST only.
    assert_eq!(b.get("/customers/kovacs/block").await.status(), 405);
    assert!(!blocked().await);

    // The hub's own origin passes, by public URL or by the host asked.
    let r = b
        .post_from(
            "/customers/kovacs/block",
            &form,
            None,
            Some("https://hub.example.test"),
        )
        .await;
    assert_eq!(r.status(), 303);
    assert!(blocked().await);
    let r = b
        .post_from("/customers/kovacs/unblock", &form, None, Some(&hub.url))
        .await;
    assert_eq!(r.status(), 303);
    assert!(!blocked().await);
    hub.stop().await;
}

#[tokio::test]
async fn pages_carry_the_security_headers_and_secrets_are_not_cached() {
    let hub = hub_with_password(Arc::new(tempfile::tempdir().unwrap())).await;
    hub.add_config("kovacs").await;
    let b = logged_in(&hub).await;
    for path in [
        "/login",
        "/",
        "/configs",
        "/customers/kovacs",
        "/configs/new",
    ] {
        let r = b.get(path).await;
        assert_eq!(r.status(), 200, "{path}");
        let h = r.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'self'"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "same-origin");
        let body = r.text().await.unwrap();
        // No inline script anywhere: only the same-origin file.
        assert!(!body.contains("<script>"), "{path}");
        assert!(!body.contains(" style="), "{path}");
        assert!(!body.contains("onclick"), "{path}");
    }
    // Reveal shows the secrets, is audited and is never stored.
    let csrf = b.csrf().await;
    let page = b.text("/customers/kovacs").await;
    assert!(!page.contains("kovacs-api-key-secret"));
    assert!(page.contains(">Reveal</button>"));
    let r = b.post("/customers/kovacs/reveal", &[("csrf", &csrf)]).await;
    let page = shown_once(&b, r).await;
    assert!(page.contains("kovacs-api-key-secret"));
    // Only a digest of the retrieval password is kept.
    assert!(!page.contains("kovacs-retrieval-pw"));
    assert!(page.contains("kept only as a digest"));
    let token = hub.admin_token("ops", false).await;
    let actions = audit_actions(&hub, &token, "kovacs").await;
    assert!(
        actions.iter().any(|(a, _)| a == "credentials.reveal"),
        "{actions:?}"
    );
    let v: serde_json::Value = hub
        .admin(reqwest::Method::GET, "/audit?customer=kovacs", &token, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["items"][0]["actor"], "dashboard");
    hub.stop().await;
}

#[tokio::test]
async fn whatever_a_controller_sends_is_shown_as_text() {
    let hub = hub_with_password(Arc::new(tempfile::tempdir().unwrap())).await;
    let (key, _) = hub.add_config("kovacs").await;
    let mut r = report("kovacs", &hub.clock.now_ts().to_string());
    r["system"]["hostname"] = "<script>alert('host')</script>".into();
    r["containers"][0]["name"] = "<img src=x onerror=alert(1)>".into();
    r["controller_version"] = "1.8.2\"><b>x</b>".into();
    post_report(&hub, &key, r).await;
    let e = hub
        .post_json(
            "/api/v1/event",
            Some(&key),
            &json!({"customer_id": "kovacs", "event_type": "backup_failed", "severity": "error",
                    "message": "<iframe src=//evil></iframe> & more",
                    "timestamp": hub.clock.now_ts().to_string()}),
        )
        .await;
    assert_eq!(e.status(), 201, "{}", e.text().await.unwrap());
    let b = logged_in(&hub).await;
    for path in ["/", "/configs", "/customers/kovacs"] {
        let page = b.text(path).await;
        for raw in ["<script>alert", "<img src=x", "<iframe", "<b>x</b>"] {
            assert!(!page.contains(raw), "{path} shows {raw} as markup");
        }
    }
    let fleet = b.text("/").await;
    assert!(fleet.contains("&#60;script&#62;alert(&#39;host&#39;)&#60;/script&#62;"));
    let detail = b.text("/customers/kovacs").await;
    // askama writes numeric references.
    assert!(detail.contains("&#60;img src=x onerror=alert(1)&#62;"));
    assert!(detail.contains("&#60;iframe src=//evil&#62;&#60;/iframe&#62; &#38; more"));
    hub.stop().await;
}

#[tokio::test]
async fn blocking_with_confirmation_hides_the_customer_from_the_dashboard() {
    let hub = hub_with_password(Arc::new(tempfile::tempdir().unwrap())).await;
    let (key, _) = hub.add_config("kovacs").await;
    post_report(
        &hub,
        &key,
        report("kovacs", &hub.clock.now_ts().to_string()),
    )
    .await;
    hub.add_config("pending-one").await;
    let b = logged_in(&hub).await;
    let fleet = b.text("/").await;
    assert!(fleet.contains("data-id=\"kovacs\""));
    assert!(fleet.contains("<span class=\"badge b-ok\">OK</span>"));
    assert!(fleet.contains("<span class=\"badge b-pending\">PENDING</span>"));

    let confirm = b.text("/customers/kovacs/confirm/block").await;
    assert!(confirm.contains(">Confirm</button>"));
    assert!(confirm.contains("action=\"/customers/kovacs/block\""));
    let csrf = form_token(&confirm);
    let r = b.post("/customers/kovacs/block", &[("csrf", &csrf)]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/customers/kovacs");
    let page = b.text("/customers/kovacs").await;
    assert!(page.contains("kovacs is blocked."), "the result is shown");
    assert!(page.contains("This customer is blocked"));
    assert!(page.contains(">Unblock</button>"));
    // Shown once.
    assert!(
        !b.text("/customers/kovacs")
            .await
            .contains("kovacs is blocked.")
    );
    assert!(!b.text("/").await.contains("data-id=\"kovacs\""));
    let configs = b.text("/configs").await;
    assert!(configs.contains(
        "<tr data-id=\"kovacs\" data-status=\"blocked\" class=\"muted\"><td><a href=\"/customers/kovacs\">"
    ));
    assert!(configs.contains("BLOCKED"));

    let r = b
        .post("/customers/kovacs/unblock", &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status(), 303);
    assert!(b.text("/").await.contains("data-id=\"kovacs\""));
    let token = hub.admin_token("ops", false).await;
    let v: serde_json::Value = hub
        .admin(reqwest::Method::GET, "/audit?customer=kovacs", &token, None)
        .await
        .json()
        .await
        .unwrap();
    let items = v["items"].as_array().unwrap();
    assert!(
        items
            .iter()
            .any(|i| i["action"] == "customer.block" && i["actor"] == "dashboard")
    );
    hub.stop().await;
}

#[tokio::test]
async fn a_failed_action_shows_the_hubs_sentence() {
    let hub = hub_with_password(Arc::new(tempfile::tempdir().unwrap())).await;
    let (key, _) = hub.add_config("kovacs").await;
    let mut r = report("kovacs", &hub.clock.now_ts().to_string());
    // Nothing listens there.
    r["controller_url"] = "http://127.0.0.1:9".into();
    post_report(&hub, &key, r).await;
    let b = logged_in(&hub).await;
    let csrf = b.csrf().await;
    let r = b.post("/customers/kovacs/push", &[("csrf", &csrf)]).await;
    assert_eq!(r.status(), 303);
    let page = b.text("/customers/kovacs").await;
    assert!(page.contains("banner error"), "{page}");
    assert!(page.contains("Push Config failed"), "{page}");
    assert!(
        page.contains("unreachable") || page.contains("connect"),
        "{page}"
    );
    // Diff: the sentence on the diff page, nothing changed.
    let diff = b.text("/customers/kovacs/diff").await;
    assert!(diff.contains("banner error"));
    hub.stop().await;
}

#[tokio::test]
async fn diff_push_pull_update_and_delete_against_the_simulator() {
    let hub = hub_with_password(Arc::new(tempfile::tempdir().unwrap())).await;
    let token = hub.admin_token("ops", false).await;
    let (node, _fleet, _) = managed_node(&hub, &token, "live").await;
    let b = logged_in(&hub).await;
    let csrf = b.csrf().await;

    let diff = b.text("/customers/live/diff").await;
    assert!(diff.contains("<th>Path</th>"));
    // What the page shows can be acted on from it.
    assert!(
        diff.contains("href=\"/customers/live/confirm/push\">Push Config</a>"),
        "{diff}"
    );
    assert!(
        diff.contains("href=\"/customers/live/confirm/pull\">Pull Config</a>"),
        "{diff}"
    );
    assert!(diff.contains("Unified diff"));
    assert!(diff.contains("class=\"diff-"));

    let r = b.post("/customers/live/push", &[("csrf", &csrf)]).await;
    assert_eq!(r.status(), 303);
    assert!(b.text("/customers/live").await.contains("was applied"));
    assert!(
        b.text("/customers/live/diff")
            .await
            .contains("No differences.")
    );

    node.set_live_config(&node.live_config().replace("Kovács család", "Kovács Péter"));
    let diff = b.text("/customers/live/diff").await;
    assert!(diff.contains("Kovács Péter"));
    let r = b.post("/customers/live/pull", &[("csrf", &csrf)]).await;
    assert_eq!(r.status(), 303);
    assert!(b.text("/customers/live").await.contains("Kovács Péter"));

    let confirm = b.text("/customers/live/confirm/update").await;
    assert!(confirm.contains("name=\"version\""));
    let r = b
        .post(
            "/customers/live/update",
            &[("csrf", &csrf), ("version", "1.9.0")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert!(
        b.text("/customers/live")
            .await
            .contains("updating to 1.9.0")
    );
    assert_eq!(node.updates(), vec!["1.9.0".to_owned()]);

    let r = b.post("/customers/live/delete", &[("csrf", &csrf)]).await;
    assert_eq!(location(&r), "/configs");
    assert!(b.text("/configs").await.contains("config was deleted"));
    // Still reporting: manual now, with "Create Config".
    let page = b.text("/customers/live").await;
    assert!(page.contains(">Create Config</a>"));
    let r = b.post("/customers/live/adopt", &[("csrf", &csrf)]).await;
    let creds = shown_once(&b, r).await;
    assert!(creds.contains("API key"));
    assert!(creds.contains("href=\"/configs/live/edit\""));
    hub.stop().await;
}

#[tokio::test]
async fn the_config_form_validates_keeps_input_and_shows_credentials_once() {
    let hub = hub_with_password(Arc::new(tempfile::tempdir().unwrap())).await;
    let b = logged_in(&hub).await;
    let form = b.text("/configs/new").await;
    for label in ["Customer ID", "Display name", "Domain", "Contact email"] {
        assert!(form.contains(&format!(">{label}</label>")), "{label}");
    }
    assert!(form.contains(">Save</button>"));
    assert!(form.contains("<details>"), "legacy UUIDs collapsed");
    let csrf = form_token(&form);

    let bad = [
        ("csrf", csrf.as_str()),
        ("customer_id", "Bad ID!"),
        ("display_name", "Szabó & Társa"),
        ("domain", "szabo.felhom.eu"),
        ("contact_email", "szabo@example.hu"),
        ("token_name", "tunnel"),
        ("token_value", "tun-value"),
    ];
    let r = b.post("/configs/new", &bad).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("class=\"field-error\""));
    assert!(page.contains("value=\"Bad ID!\""), "input kept");
    assert!(page.contains("value=\"Szabó &#38; Társa\""), "input kept");
    assert_eq!(hub.store.customer_configs().await.unwrap().len(), 0);

    let bad_yaml = [
        ("csrf", csrf.as_str()),
        ("customer_id", "szabo"),
        ("monitoring", "- just\n- a list"),
    ];
    let r = b.post("/configs/new", &bad_yaml).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("must be YAML"));

    let mut good = bad.to_vec();
    good[1] = ("customer_id", "szabo");
    good.push(("monitoring", "disk_space_warning_percent: 85"));
    let r = b.post("/configs/new", &good).await;
    let creds = shown_once(&b, r).await;
    assert!(creds.contains("Credentials of szabo"));
    assert!(creds.contains("tun-value"));
    assert!(creds.contains("href=\"/customers/szabo\""));
    let page = b.text("/customers/szabo").await;
    assert!(page.contains("Waiting for first report"));
    assert!(page.contains("/api/v1/config/szabo"));
    assert!(!page.contains("tun-value"), "masked until Reveal");

    // Same id again: the error is at the field.
    let r = b.post("/configs/new", &good).await;
    assert_eq!(r.status(), 422);

    // Edit: the stored token is kept when its value is left empty.
    let edit = b.text("/configs/szabo/edit").await;
    assert!(edit.contains("value=\"tunnel\""));
    assert!(!edit.contains("tun-value"));
    let r = b
        .post(
            "/configs/szabo/edit",
            &[
                ("csrf", csrf.as_str()),
                ("display_name", "Szabó Bt."),
                ("domain", "szabo.felhom.eu"),
                ("contact_email", "szabo@example.hu"),
                ("token_name", "tunnel"),
                ("token_value", ""),
                ("token_name", "dns"),
                ("token_value", "dns-value"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let token = hub.admin_token("ops", false).await;
    let creds: serde_json::Value = hub
        .admin(
            reqwest::Method::GET,
            "/configs/szabo/credentials",
            &token,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(creds["tokens"]["tunnel"], "tun-value");
    assert_eq!(creds["tokens"]["dns"], "dns-value");
    assert!(b.text("/customers/szabo").await.contains("Szabó Bt."));
    hub.stop().await;
}

#[tokio::test]
async fn without_a_password_the_dashboard_is_open_only_on_loopback() {
    // On loopback (the laptop trial): open, with a warning.
    let local = |c: &mut hub_server::config::Config| {
        c.server.public_url = "http://127.0.0.1:8080".into();
    };
    let hub = Hub::start_with(Arc::new(tempfile::tempdir().unwrap()), crate::fast(), local).await;
    let b = Browser::new(&hub);
    let r = b.get("/").await;
    assert_eq!(r.status(), 303);
    let mut b = b;
    b.cookie = session_cookie(r.headers());
    let page = b.text("/").await;
    assert!(page.contains("No dashboard password is set"));
    assert!(!page.contains(">Log out</button>"));
    // But only for a request made directly on this machine: a foreign
    // Host (DNS rebinding) or a proxy's headers get a refusal and no
    // session.
    let port = hub.url.rsplit(':').next().unwrap().to_owned();
    for (name, value) in [
        ("host", format!("attacker.example:{port}")),
        ("host", "127.0.0.1:1".to_owned()),
        ("x-forwarded-for", "203.0.113.7".to_owned()),
        ("forwarded", "for=203.0.113.7".to_owned()),
    ] {
        for path in ["/", "/customers/kovacs", "/login"] {
            let r = hub
                .client
                .get(format!("{}{path}", hub.url))
                .header(name, &value)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{name}: {value} {path}");
            assert!(session_cookie(r.headers()).is_none(), "{name}: {value}");
            assert!(r.text().await.unwrap().contains("directly on this machine"));
        }
        // A session made directly does not help such a request either.
        let r = b
            .with_cookie(hub.client.get(format!("{}/", hub.url)))
            .header(name, &value)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{name}: {value}");
    }
    hub.stop().await;

    // A public URL beyond loopback: refused, even on a loopback listener.
    let hub = Hub::start().await;
    let r = Browser::new(&hub).get("/").await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    hub.stop().await;

    // Beyond loopback: refused, nothing served.
    let hub = Hub::start_with(Arc::new(tempfile::tempdir().unwrap()), crate::fast(), |c| {
        c.server.listen = "0.0.0.0:8080".into()
    })
    .await;
    let b = Browser::new(&hub);
    for path in ["/", "/login", "/configs"] {
        let r = b.get(path).await;
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert!(r.text().await.unwrap().contains("hash-password"));
    }
    let r = b.post("/login", &[("password", "")]).await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    hub.stop().await;
}

#[tokio::test]
async fn the_fleet_page_streams_rows_for_its_session() {
    let hub = hub_with_password(Arc::new(tempfile::tempdir().unwrap())).await;
    let (key, _) = hub.add_config("kovacs").await;
    let b = logged_in(&hub).await;
    let page = b.text("/").await;
    let at = page.find("data-stream=\"").unwrap() + "data-stream=\"".len();
    let stream_id: u64 = page[at..at + page[at..].find('"').unwrap()]
        .parse()
        .unwrap();
    assert!(page.contains("<script src=\"/assets/live.js\" defer></script>"));
    assert!(page.contains("<noscript><meta http-equiv=\"refresh\" content=\"60\"></noscript>"));
    // A report after the page was drawn reaches the stream opened after it.
    post_report(
        &hub,
        &key,
        report("kovacs", &hub.clock.now_ts().to_string()),
    )
    .await;
    let mut r = b.get(&format!("/ui/stream?after={stream_id}")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/event-stream");
    let mut seen = String::new();
    while !seen.contains("\"status\":\"ok\"") {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(10), r.chunk())
            .await
            .expect("the row arrives")
            .unwrap()
            .expect("the stream stays open");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(seen.contains("event: row"));
    hub.stop().await;
}

#[tokio::test]
async fn charts_sample_long_periods_evenly_and_keep_the_newest_report() {
    let hub = hub_with_password(Arc::new(tempfile::tempdir().unwrap())).await;
    let (key, _) = hub.add_config("kovacs").await;
    let start = hub.clock.now_ts();
    for i in 0..200 {
        let mut r = report("kovacs", &hub.clock.now_ts().to_string());
        r["system"]["cpu_percent"] = (i % 100).into();
        post_report(&hub, &key, r).await;
        hub.clock.advance(SignedDuration::from_mins(15));
    }
    let newest = hub.clock.now_ts() - SignedDuration::from_mins(15);
    let sample = hub
        .store
        .history_sample("kovacs".into(), start, 50)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sample.len(), 50);
    assert_eq!(sample.last().unwrap().received_at, newest);
    let gaps: Vec<_> = sample
        .windows(2)
        .map(|w| w[1].received_at.duration_since(w[0].received_at))
        .collect();
    assert!(
        gaps.iter().all(|g| *g == SignedDuration::from_hours(1)),
        "{gaps:?}"
    );
    // Fewer reports than points: all of them.
    let all = hub
        .store
        .history_sample("kovacs".into(), start, 1000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(all.len(), 200);
    let b = logged_in(&hub).await;
    let page = b.text("/customers/kovacs?period=7d").await;
    assert!(page.contains("<polyline class=\"c-cpu\""));
    hub.stop().await;
}

/// A confirmation page cannot be pointed at another action: an id with an
/// encoded `/` or `?` is refused on every customer route, and Confirm posts
/// to `/customers/{id}/{action}` of the page's own id and action.
#[tokio::test]
async fn a_confirmation_page_posts_to_its_own_action_only() {
    let hub = hub_with_password(Arc::new(tempfile::tempdir().unwrap())).await;
    hub.add_config("victim").await;
    let b = logged_in(&hub).await;
    let evil = "x%2F..%2F..%2Fcustomers%2Fvictim%2Fblock%3F";
    for action in ["unblock", "delete", "rotate-password"] {
        let r = b.get(&format!("/customers/{evil}/confirm/{action}")).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{action}");
        assert!(!r.text().await.unwrap().contains("victim/block"));
    }
    for path in [
        format!("/customers/{evil}"),
        format!("/customers/{evil}/diff"),
        format!("/configs/{evil}/edit"),
        "/customers/Victim".to_owned(),
    ] {
        assert_eq!(b.get(&path).await.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let csrf = b.csrf().await;
    let r = b
        .post(&format!("/customers/{evil}/block"), &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(!is_blocked(&hub, "victim"));
    let page = b.text("/customers/victim/confirm/block").await;
    assert!(
        page.contains("action=\"/customers/victim/block\""),
        "{page}"
    );
    hub.stop().await;
}

/// A login attempt is counted before bcrypt runs: 20 guesses at once from
/// one address get at most five password checks (the others a 429).
#[tokio::test]
async fn parallel_guesses_cannot_race_past_the_login_limit() {
    let hub = hub_with_password(Arc::new(tempfile::tempdir().unwrap())).await;
    let guesses = (0..20).map(|i| {
        let mut b = Browser::new(&hub);
        async move { b.login(&format!("guess {i}"), "/").await.status() }
    });
    let answers = futures_util::future::join_all(guesses).await;
    let checks = hub.state.metrics.login_checks.get();
    assert!(checks <= 5, "{checks} bcrypt checks: {answers:?}");
    assert!(
        answers.iter().all(|s| *s == 401 || *s == 429),
        "{answers:?}"
    );
    assert!(answers.iter().filter(|s| **s == 429).count() >= 15);
    hub.stop().await;
}

/// Lockouts follow an IPv6 /64, and failures from many addresses slow
/// every login down (doubling), with `Retry-After`.
#[tokio::test]
async fn rotating_addresses_does_not_get_around_the_login_limit() {
    let hash = hub_server::service::session::hash_password(PASSWORD, 10).unwrap();
    let hub = Hub::start_with(Arc::new(tempfile::tempdir().unwrap()), crate::fast(), |c| {
        c.auth.password_hash = Secret(hash);
        c.server.trusted_proxies = vec![hub_server::config::Cidr::parse("127.0.0.0/8").unwrap()];
    })
    .await;
    let b = Browser::new(&hub);
    let login_from = |from: String, password: &'static str| {
        b.with_cookie(b.http.post(format!("{}/login", b.base)))
            .header("sec-fetch-site", "same-origin")
            .header("x-forwarded-for", from)
            .form(&[("password", password), ("next", "/")])
            .send()
    };
    // One /64, a new address each time: locked after five.
    for i in 1..=4 {
        let r = login_from(format!("2001:db8:1:2::{i}"), "guess")
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "try {i}");
    }
    assert_eq!(
        login_from("2001:db8:1:2::5".into(), "guess")
            .await
            .unwrap()
            .status(),
        429
    );
    let r = login_from("2001:db8:1:2:ffff::9".into(), PASSWORD)
        .await
        .unwrap();
    assert_eq!(r.status(), 429, "another address of the same /64");
    // Another /64 is not locked (yet): the right password works.
    let r = login_from("2001:db8:1:3::1".into(), PASSWORD)
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    // Failures from many addresses: from the tenth, every login waits.
    for i in 1..=4 {
        let r = login_from(format!("198.51.100.{i}"), "guess")
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "address {i}");
    }
    let r = login_from("198.51.100.5".into(), "guess").await.unwrap();
    assert_eq!(r.status(), 429, "the tenth failure");
    let r = login_from("203.0.113.1".into(), PASSWORD).await.unwrap();
    assert_eq!(r.status(), 429, "the account backs off");
    let wait: i64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(wait, 1);
    hub.clock.advance(SignedDuration::from_secs(1));
    // The eleventh failure doubles the wait.
    let r = login_from("203.0.113.2".into(), "guess").await.unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "2", "it doubles");
    let r = login_from("203.0.113.3".into(), PASSWORD).await.unwrap();
    assert_eq!(r.status(), 429);
    hub.clock.advance(SignedDuration::from_secs(2));
    assert_eq!(
        login_from("203.0.113.3".into(), PASSWORD)
            .await
            .unwrap()
            .status(),
        303
    );
    hub.stop().await;
}

/// A session is bound to the password it was opened under: a changed
/// password (the hub restarted with a new hash) ends it, and "Log out
/// everywhere" ends every session at once.
#[tokio::test]
async fn a_changed_password_or_log_out_everywhere_ends_sessions() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let hub = hub_with_password(dir.clone()).await;
    let b = logged_in(&hub).await;
    let dir = hub.stop().await;
    // The same password, hashed anew: a new hash all the same.
    let hash = hub_server::service::session::hash_password(PASSWORD, 10).unwrap();
    let hub = Hub::start_with(dir, crate::fast(), move |c| {
        c.auth.password_hash = Secret(hash);
    })
    .await;
    let mut old = Browser::new(&hub);
    old.cookie = b.cookie.clone();
    assert_eq!(old.get("/").await.status(), 303, "the old session ended");

    let one = logged_in(&hub).await;
    let two = logged_in(&hub).await;
    let csrf = one.csrf().await;
    let r = one.post("/logout-all", &[("csrf", &csrf)]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/login");
    assert_eq!(one.get("/").await.status(), 303);
    assert_eq!(two.get("/").await.status(), 303, "the other session too");
    let token = hub.admin_token("ops", false).await;
    let audit: Value = hub
        .admin(reqwest::Method::GET, "/audit", &token, None)
        .await
        .json()
        .await
        .unwrap();
    let row = &audit["items"][0];
    assert_eq!(row["action"], "sessions.revoke_all");
    assert_eq!(row["details"]["sessions"], 2);
    assert_eq!(row["details"]["client"], "127.0.0.1");
    assert!(row["details"]["session"].as_str().unwrap().len() == 12);
    hub.stop().await;
}

/// Reveal and rotating the retrieval password ask for the password again
/// when it was last given more than 5 minutes ago.
#[tokio::test]
async fn secrets_need_the_password_again_after_five_minutes() {
    let hub = hub_with_password(Arc::new(tempfile::tempdir().unwrap())).await;
    hub.add_config("kovacs").await;
    let b = logged_in(&hub).await;
    let csrf = b.csrf().await;
    // Just logged in: shown at once.
    let r = b.post("/customers/kovacs/reveal", &[("csrf", &csrf)]).await;
    assert!(shown_once(&b, r).await.contains("kovacs-api-key-secret"));
    hub.clock.advance(SignedDuration::from_mins(6));
    for path in [
        "/customers/kovacs/reveal",
        "/customers/kovacs/rotate-password",
    ] {
        let r = b.post(path, &[("csrf", &csrf)]).await;
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(r.headers()["cache-control"], "no-store");
        let page = r.text().await.unwrap();
        assert!(
            page.contains("Confirm with your password"),
            "{path}: {page}"
        );
        assert!(!page.contains("kovacs-api-key-secret"));
        let r = b
            .post(path, &[("csrf", &csrf), ("password", "not it")])
            .await;
        assert_eq!(r.status(), 401, "{path}");
    }
    let r = b
        .post(
            "/customers/kovacs/reveal",
            &[("csrf", &csrf), ("password", PASSWORD)],
        )
        .await;
    assert!(shown_once(&b, r).await.contains("kovacs-api-key-secret"));
    // Given now: the rotation goes ahead without asking.
    let r = b
        .post("/customers/kovacs/rotate-password", &[("csrf", &csrf)])
        .await;
    let page = shown_once(&b, r).await;
    assert!(page.contains("Credentials of kovacs"));
    assert!(page.contains("never show it again"));
    hub.stop().await;
}

/// `/hub`, where the emails about the hub's own problems link: a failing
/// scheduled backup is said on it until a backup succeeds.
#[tokio::test]
async fn the_hub_page_says_when_its_backup_fails() {
    let blocker = tempfile::NamedTempFile::new().unwrap();
    let bad = blocker.path().join("backups");
    let hash = hub_server::service::session::hash_password(PASSWORD, 10).unwrap();
    let hub = Hub::start_with(
        Arc::new(tempfile::tempdir().unwrap()),
        crate::fast(),
        move |c| {
            c.auth.password_hash = Secret(hash);
            c.backup.schedule = "03:30".into();
            c.backup.dir = bad.display().to_string();
        },
    )
    .await;
    let b = logged_in(&hub).await;
    let page = b.text("/hub").await;
    assert!(page.contains("<h2>Jobs</h2>") && page.contains("Emails waiting for delivery"));
    assert!(
        page.contains("<h2>Disk</h2>") && page.contains("hub.db "),
        "{page}"
    );
    assert!(page.contains("% used)"), "the volume: {page}");
    assert!(!page.contains("The scheduled backup is failing"), "{page}");
    assert!(
        hub_server::jobs::backup::scheduled(&hub.state)
            .await
            .is_err()
    );
    let page = b.text("/hub").await;
    assert!(page.contains("DEGRADED"), "{page}");
    assert!(page.contains("The scheduled backup is failing"), "{page}");
    hub.stop().await;
}

/// A pending customer (a config, no report yet): the controller actions
/// are greyed with the reason, and neither their confirmation, their POST
/// nor the diff page gets as far as asking or acting. The page is ordered
/// for on-call: status, reason, actions, incidents, events, then the
/// rest, the generated YAML folded away.
#[tokio::test]
async fn actions_that_cannot_work_are_greyed_with_their_reason_and_refused() {
    let hub = hub_with_password(Arc::new(tempfile::tempdir().unwrap())).await;
    hub.add_config("varo").await;
    let b = logged_in(&hub).await;
    let page = b.text("/customers/varo").await;
    for label in ["Push Config", "Pull Config", "Show Diff", "Trigger Update"] {
        assert!(
            page.contains(&format!(">{label}</button>")),
            "{label}: {page}"
        );
    }
    assert!(
        page.contains("disabled title=\"its controller has not reported its URL yet"),
        "{page}"
    );
    assert!(
        page.contains("Push Config, Pull Config, Show Diff, Trigger Update: not now"),
        "{page}"
    );
    assert!(page.contains(">Delete</a>"), "{page}");
    let at = |what: &str| {
        page.find(what)
            .unwrap_or_else(|| panic!("{what} missing: {page}"))
    };
    assert!(at("<h1>") < at("class=\"actions\""));
    assert!(at("class=\"actions\"") < at("<h2>Incidents and maintenance</h2>"));
    assert!(at("<h2>Incidents and maintenance</h2>") < at("<h2>Events</h2>"));
    assert!(at("<h2>Events</h2>") < at("<h2>Config</h2>"));
    assert!(at("<h2>Config</h2>") < at("<h2>Credentials</h2>"));
    assert!(
        page.contains("<details><summary>Generated controller.yaml</summary>"),
        "{page}"
    );

    for action in ["push", "pull", "update"] {
        let r = b.get(&format!("/customers/varo/confirm/{action}")).await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{action}");
        let text = r.text().await.unwrap();
        assert!(
            text.contains("install the generated controller.yaml"),
            "{text}"
        );
    }
    let r = b.get("/customers/varo/diff").await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let csrf = b.csrf().await;
    let r = b.post("/customers/varo/push", &[("csrf", &csrf)]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let log = hub
        .state
        .store
        .audit_log(Some("varo".into()), None, 50)
        .await
        .unwrap();
    assert!(
        log.items.iter().all(|e| e.action != "controller.push"),
        "a refused action is not even tried: {:?}",
        log.items
    );
    hub.stop().await;
}

/// `/events`, `/notifications` and `/audit`: the fleet's logs with the
/// filters of hubctl (the same parser), a bad value refused as hubctl's
/// is, an unknown customer a 404, and a link to the next page.
#[tokio::test]
async fn the_fleet_logs_have_pages_with_hubctls_filters() {
    let hub = hub_with_password(Arc::new(tempfile::tempdir().unwrap())).await;
    let (ka, _) = hub.add_config("anna").await;
    let (kb, _) = hub.add_config("bela").await;
    for (key, id, t, sev) in [
        (&ka, "anna", "backup_failed", "error"),
        (&ka, "anna", "disk_space_low", "warning"),
        (&kb, "bela", "backup_failed", "error"),
        (&kb, "bela", "controller_updated", "info"),
    ] {
        let e = serde_json::json!({"customer_id": id, "event_type": t, "severity": sev,
                                  "message": format!("{id} {t}")});
        let r = hub.post_json("/api/v1/event", Some(key), &e).await;
        let status = r.status();
        assert!(
            status.is_success(),
            "{t}: {status} {}",
            r.text().await.unwrap_or_default()
        );
    }
    hub.drain().await;
    let b = logged_in(&hub).await;
    let all = b.text("/events").await;
    for m in [
        "anna backup_failed",
        "anna disk_space_low",
        "bela backup_failed",
        "bela controller_updated",
    ] {
        assert!(all.contains(m), "{m}: {all}");
    }
    assert!(
        all.contains("<a href=\"/events\">Events</a>"),
        "in the navigation"
    );
    let errors = b.text("/events?severity=error&customer=&type=").await;
    assert!(errors.contains("anna backup_failed") && errors.contains("bela backup_failed"));
    assert!(!errors.contains("anna disk_space_low") && !errors.contains("bela controller_updated"));
    let one = b.text("/events?customer=bela&type=backup_failed").await;
    assert!(one.contains("bela backup_failed") && !one.contains("anna backup_failed"));
    assert!(
        one.contains("<option selected>backup_failed</option>"),
        "the filter is kept"
    );
    // Two a page: an Older link that keeps the filter and goes on.
    let first = b.text("/events?limit=2").await;
    let older = first
        .split("href=\"/events?")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(|s| s.replace("&amp;", "&").replace("&#38;", "&"))
        .unwrap_or_else(|| panic!("no Older link: {first}"));
    assert!(older.contains("limit=2&cursor="), "{older}");
    let second = b.text(&format!("/events?{older}")).await;
    assert!(second.contains("anna backup_failed"), "{second}");
    // Refused like hubctl's values; an unknown customer is not found.
    assert_eq!(
        b.get("/events?severity=err").await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        b.get("/events?since=yesterday").await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        b.get("/events?limit=0").await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        b.get("/events?customer=nosuch").await.status(),
        StatusCode::NOT_FOUND
    );

    let csrf = b.csrf().await;
    b.post("/customers/bela/block", &[("csrf", &csrf)]).await;
    let audit = b.text("/audit").await;
    assert!(audit.contains("customer.block"), "{audit}");
    let anna = b.text("/audit?customer=anna").await;
    assert!(!anna.contains("customer.block"), "{anna}");
    let notes = b.text("/notifications?customer=anna").await;
    assert!(notes.contains("<h1>Notifications</h1>"), "{notes}");
    assert!(!notes.contains(">bela</a>"), "{notes}");
    hub.stop().await;
}
