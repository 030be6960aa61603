//! Doubles for outside services: real HTTP servers on 127.0.0.1 that check
//! what they receive and record it.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

async fn spawn(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    url
}

/// One email as Resend received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub idempotency_key: String,
    pub body: Value,
}

#[derive(Default)]
struct ResendInner {
    /// Canned failures answered before succeeding: (status, retry-after).
    failures: VecDeque<(u16, Option<u64>)>,
    attempts: Vec<Received>,
    delivered: Vec<Received>,
    /// An outage: every request answers 503.
    down: bool,
    ids: HashMap<String, String>,
}

/// A faithful Resend double: checks the key, the user agent and the body,
/// honours idempotency keys like the real API, fails on demand.
#[derive(Clone, Default)]
pub struct FakeResend {
    inner: Arc<Mutex<ResendInner>>,
}

pub const RESEND_KEY: &str = "re_test_key";

impl FakeResend {
    pub async fn start() -> (FakeResend, String) {
        let fake = FakeResend::default();
        let app = Router::new()
            .route("/emails", post(resend_emails))
            .with_state(fake.clone());
        (fake, spawn(app).await)
    }

    pub fn fail_next(&self, status: u16, retry_after: Option<u64>) {
        self.inner
            .lock()
            .unwrap()
            .failures
            .push_back((status, retry_after));
    }

    /// Starts or ends an outage.
    pub fn set_down(&self, down: bool) {
        self.inner.lock().unwrap().down = down;
    }

    pub fn attempts(&self) -> Vec<Received> {
        self.inner.lock().unwrap().attempts.clone()
    }

    pub fn delivered(&self) -> Vec<Received> {
        self.inner.lock().unwrap().delivered.clone()
    }
}

async fn resend_emails(
    State(fake): State<FakeResend>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if auth != format!("Bearer {RESEND_KEY}") {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(
                json!({"statusCode": 401, "name": "missing_api_key", "message": "Missing API key"}),
            ),
        )
            .into_response();
    }
    if !headers
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|u| u.starts_with("hub-server/"))
    {
        return (StatusCode::FORBIDDEN, axum::Json(json!({"statusCode": 403, "name": "invalid_access", "message": "User-Agent required"}))).into_response();
    }
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body: Value = match serde_json::from_str(&body) {
        Ok(v) => v,
        Err(_) => return (StatusCode::BAD_REQUEST, "bad json").into_response(),
    };
    let mut inner = fake.inner.lock().unwrap();
    let received = Received {
        idempotency_key: key.clone(),
        body: body.clone(),
    };
    inner.attempts.push(received.clone());
    for field in ["from", "subject", "html", "text"] {
        if !body[field].is_string() {
            return (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(json!({"statusCode": 422, "name": "missing_required_field", "message": format!("`{field}` is missing")}))).into_response();
        }
    }
    if inner.down {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(
                json!({"statusCode": 503, "name": "internal_server_error", "message": "outage"}),
            ),
        )
            .into_response();
    }
    if let Some((status, retry_after)) = inner.failures.pop_front() {
        let mut resp = (
            StatusCode::from_u16(status).unwrap(),
            axum::Json(json!({"statusCode": status, "name": "canned_failure", "message": "failing on demand"})),
        )
            .into_response();
        if let Some(s) = retry_after {
            resp.headers_mut().insert("retry-after", s.into());
        }
        return resp;
    }
    if let Some(id) = inner.ids.get(&key) {
        return axum::Json(json!({"id": id})).into_response();
    }
    let id = format!("email-{}", inner.delivered.len() + 1);
    if !key.is_empty() {
        inner.ids.insert(key, id.clone());
    }
    inner.delivered.push(received);
    axum::Json(json!({"id": id})).into_response()
}

/// A Docker Registry v2 double that demands a bearer token obtained with
/// basic credentials (Gitea's flow) and pages its tag list.
pub struct FakeRegistry;

pub const REG_USER: &str = "operator";
pub const REG_PASS: &str = "registry-secret";
const REG_TOKEN: &str = "issued-registry-token";

impl FakeRegistry {
    pub async fn start() -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let realm = format!("{base}/v2/token");
        let app = Router::new()
            .route("/v2/token", get(registry_token))
            .route("/v2/admin/felhom-controller/tags/list", get(registry_tags))
            .with_state(realm);
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        base
    }
}

async fn registry_token(
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<HashMap<String, String>>,
) -> Response {
    use base64_check::basic;
    let expected = basic(REG_USER, REG_PASS);
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if auth != expected
        || q.get("service").map(String::as_str) != Some("container_registry")
        || !q.contains_key("scope")
    {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    axum::Json(json!({"token": REG_TOKEN})).into_response()
}

async fn registry_tags(
    State(realm): State<String>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<HashMap<String, String>>,
) -> Response {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if auth != format!("Bearer {REG_TOKEN}") {
        let mut resp = StatusCode::UNAUTHORIZED.into_response();
        let challenge = format!(
            r#"Bearer realm="{realm}",service="container_registry",scope="repository:admin/felhom-controller:pull""#
        );
        resp.headers_mut()
            .insert("www-authenticate", challenge.parse().unwrap());
        return resp;
    }
    if !q.contains_key("last") {
        let mut resp = axum::Json(
            json!({"name": "admin/felhom-controller", "tags": ["1.8.2", "latest", "1.9.0"]}),
        )
        .into_response();
        resp.headers_mut().insert(
            "link",
            r#"</v2/admin/felhom-controller/tags/list?last=1.9.0&n=3>; rel="next""#
                .parse()
                .unwrap(),
        );
        resp
    } else {
        axum::Json(
            json!({"name": "admin/felhom-controller", "tags": ["1.10.0", "2.0.0-rc1", "sha-abc"]}),
        )
        .into_response()
    }
}

/// Serves a template text that tests can swap.
#[derive(Clone)]
pub struct FakeTemplate(pub Arc<Mutex<String>>);

impl FakeTemplate {
    pub async fn start(text: &str) -> (FakeTemplate, String) {
        let fake = FakeTemplate(Arc::new(Mutex::new(text.to_owned())));
        let app = Router::new()
            .route(
                "/controller.yaml.example",
                get(|State(f): State<FakeTemplate>| async move { f.0.lock().unwrap().clone() }),
            )
            .with_state(fake.clone());
        let url = spawn(app).await;
        (fake, format!("{url}/controller.yaml.example"))
    }

    pub fn set(&self, text: &str) {
        *self.0.lock().unwrap() = text.to_owned();
    }
}

mod base64_check {
    /// `Basic base64(user:pass)`, written out so the test does not trust
    /// the client's encoder.
    pub fn basic(user: &str, pass: &str) -> String {
        const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let input = format!("{user}:{pass}");
        let bytes = input.as_bytes();
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            out.push(T[(n >> 18) as usize & 63] as char);
            out.push(T[(n >> 12) as usize & 63] as char);
            out.push(if chunk.len() > 1 {
                T[(n >> 6) as usize & 63] as char
            } else {
                '='
            });
            out.push(if chunk.len() > 2 {
                T[n as usize & 63] as char
            } else {
                '='
            });
        }
        format!("Basic {out}")
    }
}
