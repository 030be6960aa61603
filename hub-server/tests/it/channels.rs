//! The operator's webhook, ntfy and Telegram channels against loopback
//! doubles that record what they receive: each kind's request (the webhook
//! signature checked with an independent HMAC), open → resolved per
//! channel, a hanging and a failing webhook while email flows, a permanent
//! refusal disabling once with one email, the rate limit, and the SSRF
//! refusals when a channel is saved and when it sends.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use hub_server::notify::channels::ChannelDispatcher;
use reqwest::Method;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::fakes::{FakeResend, RESEND_KEY};
use crate::*;

const OPERATOR: &str = "ops@felhom.eu";
const SECRET: &str = "whsec-test-0123456789";
const BOT: &str = "123456:ABCdef";

/// One request a double received.
#[derive(Debug, Clone)]
struct Hit {
    path: String,
    headers: HeaderMap,
    body: String,
}

/// What a double answers next: a status, a body, a delay, headers.
#[derive(Clone)]
struct Answer {
    status: u16,
    body: String,
    delay: Duration,
    headers: Vec<(&'static str, String)>,
}

impl Answer {
    fn status(status: u16, body: &str) -> Answer {
        Answer {
            status,
            body: body.into(),
            delay: Duration::ZERO,
            headers: Vec::new(),
        }
    }
}

#[derive(Default)]
struct DoubleInner {
    hits: Vec<Hit>,
    /// Answers before the default one, in order.
    script: VecDeque<Answer>,
    /// The answer once the script is used up (`200 ok` if none).
    always: Option<Answer>,
}

/// A recording HTTP server on 127.0.0.1 standing in for a webhook
/// receiver, an ntfy server or the Telegram Bot API.
#[derive(Clone, Default)]
struct Double(Arc<Mutex<DoubleInner>>);

impl Double {
    async fn start() -> (Double, String) {
        let d = Double::default();
        let app = Router::new().fallback(record).with_state(d.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        (d, url)
    }

    fn then(&self, a: Answer) {
        self.0.lock().unwrap().script.push_back(a);
    }

    fn always(&self, a: Answer) {
        self.0.lock().unwrap().always = Some(a);
    }

    fn hits(&self) -> Vec<Hit> {
        self.0.lock().unwrap().hits.clone()
    }

    fn bodies(&self) -> Vec<Value> {
        self.hits()
            .iter()
            .map(|h| serde_json::from_str(&h.body).unwrap())
            .collect()
    }
}

async fn record(State(d): State<Double>, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let answer = {
        let mut g = d.0.lock().unwrap();
        g.hits.push(Hit {
            path: uri.path().to_owned(),
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        });
        g.script
            .pop_front()
            .or_else(|| g.always.clone())
            .unwrap_or_else(|| Answer::status(200, r#"{"ok":true}"#))
    };
    if !answer.delay.is_zero() {
        tokio::time::sleep(answer.delay).await;
    }
    let mut resp = (
        StatusCode::from_u16(answer.status).unwrap(),
        answer.body.clone(),
    )
        .into_response();
    for (k, v) in answer.headers {
        resp.headers_mut().insert(k, v.parse().unwrap());
    }
    resp
}

struct Setup {
    hub: Hub,
    resend: FakeResend,
    channels: Arc<ChannelDispatcher>,
    admin: String,
}

/// A hub whose channels may reach loopback (the doubles), with the email
/// path on the Resend double and Telegram's API on `telegram`.
async fn setup(telegram: &str) -> Setup {
    let (resend, url) = FakeResend::start().await;
    let telegram = telegram.to_owned();
    let hub = Hub::start_with(Arc::new(tempfile::tempdir().unwrap()), fast(), move |c| {
        c.notifications.resend_base_url = url;
        c.notifications.resend_api_key = Secret(RESEND_KEY.into());
        c.notifications.operator_email = OPERATOR.into();
        c.channels.allow_insecure = true;
        c.channels.allowed_networks = vec![Cidr::parse("127.0.0.0/8").unwrap()];
        c.channels.timeout = GoDuration(Duration::from_secs(2));
        c.channels.telegram_api = telegram;
    })
    .await;
    let channels = Arc::new(hub_server::channel_dispatcher(&hub.state).await.unwrap());
    let admin = hub.admin_token("ops", false).await;
    Setup {
        hub,
        resend,
        channels,
        admin,
    }
}

impl Setup {
    async fn add(&self, body: Value) -> reqwest::Response {
        self.hub
            .admin(Method::POST, "/channels", &self.admin, Some(body))
            .await
    }

    async fn add_ok(&self, body: Value) {
        let resp = self.add(body).await;
        assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
    }

    async fn push(&self, id: &str, t: &str, severity: &str) {
        let body = json!({"customer_id": id, "event_type": t, "severity": severity,
            "message": format!("{t} happened")});
        let resp = self.hub.post_json("/api/v1/event", Some(KEY), &body).await;
        assert_eq!(resp.status(), 201);
    }

    async fn list(&self) -> Vec<Value> {
        let v: Value = self
            .hub
            .admin(Method::GET, "/channels", &self.admin, None)
            .await
            .json()
            .await
            .unwrap();
        v["channels"].as_array().unwrap().clone()
    }

    fn operator_mails(&self) -> Vec<String> {
        self.resend
            .delivered()
            .into_iter()
            .filter(|m| m.body["to"] == json!([OPERATOR]))
            .map(|m| m.body["subject"].as_str().unwrap_or_default().to_owned())
            .collect()
    }
}

fn verify(secret: &str, hit: &Hit) {
    let ts = hit.headers["x-felhom-timestamp"].to_str().unwrap();
    let sig = hit.headers["x-felhom-signature"].to_str().unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{ts}.{}", hit.body).as_bytes());
    let want: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(sig, format!("sha256={want}"));
}

#[tokio::test]
async fn each_kind_gets_the_opening_and_its_resolution() {
    let (telegram, tg_url) = Double::start().await;
    let s = setup(&tg_url).await;
    let (hook, hook_url) = Double::start().await;
    let (ntfy, ntfy_url) = Double::start().await;
    s.add_ok(
        json!({"name": "hook", "kind": "webhook", "url": format!("{hook_url}/felhom"),
                    "secret": SECRET}),
    )
    .await;
    s.add_ok(
        json!({"name": "phone", "kind": "ntfy", "url": format!("{ntfy_url}/felhom-alerts"),
                    "token": "tk_ntfy"}),
    )
    .await;
    s.add_ok(json!({"name": "tg", "kind": "telegram", "token": BOT, "chat_id": "-1001"}))
        .await;
    // The list never shows a secret or the URL's path.
    let list = s.list().await;
    assert_eq!(list.len(), 3);
    let text = serde_json::to_string(&list).unwrap();
    for secret in [SECRET, "tk_ntfy", BOT, "felhom-alerts"] {
        assert!(!text.contains(secret), "{text}");
    }

    s.push("kovacs", "backup_failed", "error").await;
    s.hub.drain().await;
    assert_eq!(s.operator_mails().len(), 1);
    let r = s.channels.round().await.unwrap();
    assert_eq!(r.sent, 3, "{r:?}");

    // Webhook: the documented body, signed.
    let hits = hook.hits();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].path, "/felhom");
    verify(SECRET, &hits[0]);
    let body = &hook.bodies()[0];
    assert_eq!(body["schema"], "felhom.alert/1");
    assert_eq!(body["kind"], "open");
    assert_eq!(body["customer_id"], "kovacs");
    assert_eq!(body["family"], "backup");
    assert_eq!(body["event"]["type"], "backup_failed");
    assert!(body["incident"]["id"].is_i64(), "{body}");
    assert!(body["incident"]["opened_at"].is_string(), "{body}");
    let first_delivery = body["delivery_id"].as_str().unwrap().to_owned();
    // A signature over another body does not verify.
    let mut forged = hits[0].clone();
    forged.body = forged.body.replace("kovacs", "other");
    assert!(std::panic::catch_unwind(|| verify(SECRET, &forged)).is_err());

    // ntfy: JSON to the server root, the topic inside, priority 5.
    let n = &ntfy.hits()[0];
    assert_eq!(n.path, "/");
    assert_eq!(n.headers["authorization"], "Bearer tk_ntfy");
    let nb = &ntfy.bodies()[0];
    assert_eq!(nb["topic"], "felhom-alerts");
    assert_eq!(nb["priority"], 5);
    assert_eq!(nb["click"], "https://hub.example.test/customers/kovacs");
    assert!(nb["title"].as_str().unwrap().contains("kovacs"), "{nb}");

    // Telegram: sendMessage with the bot token, HTML.
    let t = &telegram.hits()[0];
    assert_eq!(t.path, format!("/bot{BOT}/sendMessage"));
    let tb = &telegram.bodies()[0];
    assert_eq!(tb["chat_id"], "-1001");
    assert_eq!(tb["parse_mode"], "HTML");

    // The resolution reaches every channel once.
    s.push("kovacs", "backup_completed", "info").await;
    s.hub.drain().await;
    assert_eq!(s.channels.round().await.unwrap().sent, 3);
    let resolved = &hook.bodies()[1];
    assert_eq!(resolved["kind"], "resolved");
    assert_eq!(resolved["family"], "backup");
    assert!(resolved["incident"]["duration_s"].is_i64(), "{resolved}");
    assert_ne!(resolved["delivery_id"], first_delivery.as_str());
    verify(SECRET, &hook.hits()[1]);
    assert_eq!(ntfy.bodies()[1]["priority"], 3);
    assert_eq!(telegram.hits().len(), 2);
    // Nothing more to send; the channels show their success.
    assert_eq!(s.channels.round().await.unwrap(), Default::default());
    for ch in s.list().await {
        assert!(ch["last_ok_at"].is_string(), "{ch}");
        assert_eq!(ch["state"], "enabled");
    }
    // The log has each channel's sends beside the emails.
    let log: Value = s
        .hub
        .admin(
            Method::GET,
            "/notifications?customer=kovacs",
            &s.admin,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let kinds: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["outcome"] == "sent")
        .map(|n| n["channel"].as_str().unwrap())
        .collect();
    for k in ["webhook", "ntfy", "telegram", "operator"] {
        assert_eq!(kinds.iter().filter(|c| **c == k).count(), 2, "{kinds:?}");
    }
    s.hub.stop().await;
}

#[tokio::test]
async fn a_hanging_or_failing_webhook_never_holds_up_the_email() {
    let s = setup("http://127.0.0.1:9").await;
    let (hook, hook_url) = Double::start().await;
    hook.always(Answer {
        delay: Duration::from_secs(60),
        ..Answer::status(200, "")
    });
    s.add_ok(json!({"name": "slow", "kind": "webhook", "url": hook_url, "secret": SECRET}))
        .await;
    let channels = s.channels.clone();
    s.push("k", "backup_failed", "error").await;
    s.hub.drain().await;
    assert_eq!(s.resend.delivered().len(), 1);
    // The channel loop hangs on its send ...
    let c = channels.clone();
    let round = tokio::spawn(async move { c.round().await });
    while hook.hits().is_empty() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // ... while the next email goes out.
    s.push("k2", "backup_failed", "error").await;
    s.hub.drain().await;
    assert_eq!(s.resend.delivered().len(), 2);
    assert!(!round.is_finished(), "the email waited for the webhook");
    // The hanging send times out (channels.timeout) and is retried later.
    let r = round.await.unwrap().unwrap();
    assert_eq!(r.deferred, 1, "{r:?}");
    let ch = &s.list().await[0];
    assert_eq!(ch["last_error"], "timed out", "{ch}");
    assert_eq!(ch["queued"], 2);
    // A 500 is transient too; the answer comes back after the backoff.
    hook.always(Answer::status(500, "oops"));
    s.hub.clock.advance(jiff::SignedDuration::from_secs(11));
    // The first again (after its backoff) and the second: both 500.
    assert_eq!(channels.round().await.unwrap().deferred, 2);
    hook.always(Answer::status(204, ""));
    s.hub.clock.advance(jiff::SignedDuration::from_secs(21));
    assert_eq!(channels.round().await.unwrap().sent, 2);
    // Every attempt of one message carries its one delivery id.
    let first: Vec<String> = hook
        .bodies()
        .iter()
        .filter(|b| b["customer_id"] == "k")
        .map(|b| b["delivery_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(first.len(), 3);
    assert!(first.iter().all(|i| *i == first[0]), "{first:?}");
    assert_eq!(s.resend.delivered().len(), 2);
    s.hub.stop().await;
}

#[tokio::test]
async fn a_permanent_refusal_disables_the_channel_once_with_one_email() {
    let (telegram, tg_url) = Double::start().await;
    let s = setup(&tg_url).await;
    let (hook, hook_url) = Double::start().await;
    hook.always(Answer::status(404, "no such hook"));
    telegram.always(Answer::status(
        400,
        r#"{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}"#,
    ));
    s.add_ok(json!({"name": "gone", "kind": "webhook", "url": hook_url, "secret": SECRET}))
        .await;
    s.add_ok(json!({"name": "tg", "kind": "telegram", "token": BOT, "chat_id": "42"}))
        .await;
    for id in ["a", "b", "c"] {
        s.push(id, "backup_failed", "error").await;
    }
    s.hub.drain().await;
    let r = s.channels.round().await.unwrap();
    assert_eq!(r.disabled, 2, "{r:?}");
    s.hub.drain().await;
    assert_eq!(s.channels.round().await.unwrap(), Default::default());
    // Each tried once; the rest were dropped with the channel.
    assert_eq!(hook.hits().len(), 1);
    assert_eq!(telegram.hits().len(), 1);
    let about: Vec<String> = s
        .operator_mails()
        .into_iter()
        .filter(|m| m.contains("channel"))
        .collect();
    assert_eq!(about.len(), 2, "{about:?}");
    assert!(about.iter().any(|m| m.contains("gone")), "{about:?}");
    let list = s.list().await;
    assert!(list.iter().all(|c| c["state"] == "disabled"), "{list:?}");
    let gone = list.iter().find(|c| c["name"] == "gone").unwrap();
    assert!(
        gone["disabled_reason"].as_str().unwrap().contains("404"),
        "{gone}"
    );
    let tg = list.iter().find(|c| c["name"] == "tg").unwrap();
    assert!(
        tg["disabled_reason"]
            .as_str()
            .unwrap()
            .contains("chat not found"),
        "{tg}"
    );
    // The digest says so too.
    let d: Value = s
        .hub
        .admin(Method::GET, "/digest", &s.admin, None)
        .await
        .json()
        .await
        .unwrap();
    let text = d["text"].as_str().unwrap();
    assert!(
        text.contains("disabled channels: gone (the webhook refused it: 404"),
        "{text}"
    );
    // New alerts skip a disabled channel.
    s.push("d", "backup_failed", "error").await;
    s.hub.drain().await;
    assert_eq!(s.channels.round().await.unwrap(), Default::default());
    assert_eq!(hook.hits().len(), 1);
    // A test that works turns it back on.
    hook.always(Answer::status(200, ""));
    let t: Value = s
        .hub
        .admin(Method::POST, "/channels/gone/test", &s.admin, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(t["ok"], true, "{t}");
    assert_eq!(hook.bodies().last().unwrap()["kind"], "test");
    verify(SECRET, hook.hits().last().unwrap());
    let list = s.list().await;
    assert_eq!(
        list.iter().find(|c| c["name"] == "gone").unwrap()["state"],
        "enabled"
    );
    s.hub.stop().await;
}

#[tokio::test]
async fn telegram_429_waits_as_told_and_the_bucket_paces_a_burst() {
    let (telegram, tg_url) = Double::start().await;
    let s = setup(&tg_url).await;
    telegram.then(Answer::status(
        429,
        r#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 30","parameters":{"retry_after":30}}"#,
    ));
    s.add_ok(json!({"name": "tg", "kind": "telegram", "token": BOT, "chat_id": "42"}))
        .await;
    for i in 0..10 {
        s.push(&format!("c{i}"), "backup_failed", "error").await;
    }
    s.hub.drain().await;
    // Six at once (one of them told to wait 30 s), four held by the bucket.
    let r = s.channels.round().await.unwrap();
    assert_eq!((r.sent, r.deferred, r.limited), (5, 1, 4), "{r:?}");
    // Nothing is due until the next token: the loop sleeps, never spins.
    let next = s.hub.store.next_channel_delivery().await.unwrap().unwrap();
    assert_eq!(
        next,
        s.hub.clock.now_ts() + jiff::SignedDuration::from_secs(10)
    );
    assert_eq!(s.channels.round().await.unwrap(), Default::default());
    // Then one token each ten seconds, the 429'd one among them once its
    // 30 s are over.
    for _ in 0..5 {
        s.hub.clock.advance(jiff::SignedDuration::from_secs(10));
        let r = s.channels.round().await.unwrap();
        assert_eq!(r.sent, 1, "{r:?}");
    }
    assert_eq!(s.channels.round().await.unwrap(), Default::default());
    assert_eq!(telegram.hits().len(), 11);
    s.hub.stop().await;
}

#[tokio::test]
async fn internal_destinations_are_refused_when_saved_and_when_sent() {
    let (resend, url) = FakeResend::start().await;
    drop(resend);
    // The strict default: nothing internal, https only.
    let hub = Hub::start_with(Arc::new(tempfile::tempdir().unwrap()), fast(), move |c| {
        c.notifications.resend_base_url = url;
    })
    .await;
    let admin = hub.admin_token("ops", false).await;
    let refused = |url: &str| json!({"name": "x", "kind": "webhook", "url": url, "secret": SECRET});
    for (url, rule) in [
        ("https://127.0.0.1/h", "channels.allowed_networks"),
        ("https://[::1]/h", "channels.allowed_networks"),
        ("https://[::ffff:127.0.0.1]/h", "channels.allowed_networks"),
        (
            "https://169.254.169.254/latest",
            "channels.allowed_networks",
        ),
        ("https://2130706433/h", "channels.allowed_networks"),
        ("https://0x7f000001/h", "channels.allowed_networks"),
        ("https://10.1.2.3/h", "channels.allowed_networks"),
        ("http://example.com/h", "channels.allow_insecure"),
        ("https://user:pw@example.com/h", "user name or password"),
    ] {
        let resp = hub
            .admin(Method::POST, "/channels", &admin, Some(refused(url)))
            .await;
        assert_eq!(resp.status(), 400, "{url}");
        let v: Value = resp.json().await.unwrap();
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(msg.contains(rule), "{url}: {msg}");
    }
    // Nothing was stored, nothing was sent.
    let v: Value = hub
        .admin(Method::GET, "/channels", &admin, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["channels"], json!([]));
    hub.stop().await;
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let s = setup("http://127.0.0.1:9").await;
    let (hook, hook_url) = Double::start().await;
    hook.always(Answer {
        headers: vec![("location", format!("{hook_url}/internal"))],
        ..Answer::status(302, "")
    });
    s.add_ok(
        json!({"name": "r", "kind": "webhook", "url": format!("{hook_url}/h"),
                    "secret": SECRET}),
    )
    .await;
    s.push("k", "backup_failed", "error").await;
    s.hub.drain().await;
    assert_eq!(s.channels.round().await.unwrap().deferred, 1);
    let paths: Vec<String> = hook.hits().into_iter().map(|h| h.path).collect();
    assert_eq!(paths, ["/h"], "the redirect was followed");
    assert!(
        s.list().await[0]["last_error"]
            .as_str()
            .unwrap()
            .contains("redirect"),
    );
    s.hub.stop().await;
}

#[tokio::test]
async fn bad_channel_requests_change_nothing() {
    let s = setup("http://127.0.0.1:9").await;
    let (_hook, hook_url) = Double::start().await;
    let cases = [
        (
            json!({"name": "a b", "kind": "webhook", "url": hook_url, "secret": "s"}),
            "channel name",
        ),
        (
            json!({"name": "a", "kind": "slack", "url": hook_url}),
            "slack",
        ),
        (
            json!({"name": "a", "kind": "webhook", "url": hook_url}),
            "--secret",
        ),
        (
            json!({"name": "a", "kind": "telegram", "token": BOT}),
            "--chat-id",
        ),
        (json!({"name": "a", "kind": "ntfy"}), "--url"),
        (
            json!({"name": "a", "kind": "ntfy", "url": hook_url, "events": ["made_up"]}),
            "made_up",
        ),
    ];
    for (body, words) in cases {
        let resp = s.add(body.clone()).await;
        assert_eq!(resp.status(), 400, "{body}");
        let v: Value = resp.json().await.unwrap();
        let msg = v["error"]["message"].as_str().unwrap().to_owned();
        assert!(msg.contains(words), "{body}: {msg}");
    }
    assert!(s.list().await.is_empty());
    s.add_ok(
        json!({"name": "a", "kind": "ntfy", "url": format!("{hook_url}/t"),
                    "events": ["node_down,reminder"]}),
    )
    .await;
    let again = s
        .add(json!({"name": "a", "kind": "ntfy", "url": format!("{hook_url}/t")}))
        .await;
    assert_eq!(again.status(), 409);
    let ro = s.hub.admin_token("ro", true).await;
    let resp = s.hub.admin(Method::DELETE, "/channels/a", &ro, None).await;
    assert_eq!(resp.status(), 403);
    // Only its events reach it.
    s.push("k", "backup_failed", "error").await;
    s.hub.drain().await;
    assert_eq!(s.list().await[0]["queued"], 0);
    let resp = s
        .hub
        .admin(Method::DELETE, "/channels/a", &s.admin, None)
        .await;
    assert_eq!(resp.status(), 200);
    assert!(s.list().await.is_empty());
    s.hub.stop().await;
}

/// The dashboard's hub page lists the channels with their state, never a
/// secret or a URL's path.
#[tokio::test]
async fn the_hub_page_lists_the_channels() {
    let (hook, hook_url) = Double::start().await;
    hook.always(Answer::status(410, "gone"));
    let (resend, url) = FakeResend::start().await;
    let hash = hub_server::service::session::hash_password(crate::dashboard::PASSWORD, 10).unwrap();
    let hub = Hub::start_with(Arc::new(tempfile::tempdir().unwrap()), fast(), move |c| {
        c.auth.password_hash = Secret(hash);
        c.notifications.resend_base_url = url;
        c.notifications.resend_api_key = Secret(RESEND_KEY.into());
        c.notifications.operator_email = OPERATOR.into();
        c.channels.allow_insecure = true;
        c.channels.allowed_networks = vec![Cidr::parse("127.0.0.0/8").unwrap()];
    })
    .await;
    let admin = hub.admin_token("ops", false).await;
    let b = crate::dashboard::logged_in(&hub).await;
    assert!(b.text("/hub").await.contains("No channels beside email"));
    let resp = hub
        .admin(
            Method::POST,
            "/channels",
            &admin,
            Some(
                json!({"name": "pager", "kind": "webhook", "url": format!("{hook_url}/secret-path"),
                        "secret": SECRET}),
            ),
        )
        .await;
    assert_eq!(resp.status(), 201);
    let page = b.text("/hub").await;
    assert!(
        page.contains("<h2>Channels</h2>") && page.contains("pager"),
        "{page}"
    );
    assert!(page.contains(">enabled</span>"), "{page}");
    assert!(
        !page.contains("secret-path") && !page.contains(SECRET),
        "{page}"
    );
    // Refused for good: disabled, with the reason, on the page.
    let body = json!({"customer_id": "k", "event_type": "backup_failed", "severity": "error",
        "message": "restic failed"});
    assert_eq!(
        hub.post_json("/api/v1/event", Some(KEY), &body)
            .await
            .status(),
        201
    );
    hub.drain().await;
    let channels = hub_server::channel_dispatcher(&hub.state).await.unwrap();
    assert_eq!(channels.round().await.unwrap().disabled, 1);
    let page = b.text("/hub").await;
    assert!(
        page.contains("disabled: the webhook refused it: 410"),
        "{page}"
    );
    drop(resend);
    hub.stop().await;
}
