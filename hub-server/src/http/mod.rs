//! HTTP surface: shared state, the router and the per-request log line.

pub mod admin;
pub mod api;
pub mod extract;
pub mod lockout;

use std::convert::Infallible;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use hub_proto::admin::StreamMessage;
use jiff::Timestamp;
use tokio::sync::Notify;

use crate::clock::Clock;
use crate::config::{Config, INFRA_BACKUP_MAX_BYTES};
use crate::configgen::Template;
use crate::error::AppError;
use crate::store::Store;
use extract::BodyLimit;
use lockout::Lockout;

/// Everything a handler may need, shared behind one `Arc`.
pub struct AppState {
    pub config: Config,
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    /// The effective global report key (configured or generated).
    pub report_key: String,
    pub lockout: Lockout,
    pub template: Template,
    /// Wakes the notification dispatcher after an event was stored.
    pub wake: Arc<Notify>,
    /// When this process started; the dead man's switch counts from here.
    pub started_at: Timestamp,
    /// The one outbound HTTP client (registry, template, controllers).
    pub http: reqwest::Client,
    latest_version: RwLock<Option<String>>,
    stream: tokio::sync::broadcast::Sender<StreamMessage>,
    /// Flips to `true` when the server starts shutting down, so endless
    /// responses (the live stream) end and graceful shutdown can finish.
    closing: tokio::sync::watch::Sender<bool>,
}

impl AppState {
    pub fn new(
        config: Config,
        store: Store,
        clock: Arc<dyn Clock>,
        report_key: String,
        template: Template,
        http: reqwest::Client,
    ) -> Self {
        Self {
            started_at: clock.now(),
            config,
            store,
            clock,
            report_key,
            lockout: Lockout::default(),
            template,
            wake: Arc::new(Notify::new()),
            http,
            latest_version: RwLock::new(None),
            stream: tokio::sync::broadcast::channel(1024).0,
            closing: tokio::sync::watch::channel(false).0,
        }
    }

    /// Ends every live stream; called when shutdown begins.
    pub fn begin_shutdown(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves once shutdown has begun.
    pub fn closing(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut rx = self.closing.subscribe();
        async move {
            let _ = rx.wait_for(|c| *c).await;
        }
    }

    /// Sends a message to live-stream subscribers. The message is built
    /// only when someone listens, so ingest pays nothing otherwise.
    pub fn publish(&self, msg: impl FnOnce() -> StreamMessage) {
        if self.stream.receiver_count() > 0 {
            let _ = self.stream.send(msg());
        }
    }

    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<StreamMessage> {
        self.stream.subscribe()
    }

    /// Publishes a hub- or controller-made event that was just stored.
    pub fn publish_event(&self, id: i64, e: &crate::store::NewEvent) {
        self.publish(|| StreamMessage::Event {
            id,
            customer_id: e.customer_id.clone(),
            event_type: e.event_type.as_str().to_owned(),
            severity: e.severity.as_str().to_owned(),
            message: e.message.clone(),
            occurred_at: e.occurred_at,
        });
    }

    /// The newest controller version the registry check found.
    pub fn latest_version(&self) -> Option<String> {
        self.latest_version.read().ok().and_then(|v| v.clone())
    }

    pub fn set_latest_version(&self, v: Option<String>) {
        if let Ok(mut g) = self.latest_version.write() {
            *g = v;
        }
    }
}

/// Customer id a response was about, for the request log line.
#[derive(Debug, Clone)]
pub struct LoggedCustomer(pub String);

/// Attaches the customer id to a response for the log line.
pub fn with_customer(resp: impl IntoResponse, customer_id: &str) -> Response {
    let mut resp = resp.into_response();
    resp.extensions_mut()
        .insert(LoggedCustomer(customer_id.to_owned()));
    resp
}

pub fn router(state: Arc<AppState>) -> Router {
    let max_body = state.config.server.max_body_bytes;
    let infra_post = post(api::post_infra_backup)
        .layer::<_, Infallible>(DefaultBodyLimit::max(INFRA_BACKUP_MAX_BYTES))
        .layer::<_, Infallible>(axum::Extension(BodyLimit(INFRA_BACKUP_MAX_BYTES)));
    Router::new()
        .route("/healthz", get(api::healthz))
        .route("/api/v1/report", post(api::post_report))
        .route("/api/v1/event", post(api::post_event))
        .route("/api/v1/infra-backup", infra_post)
        .route(
            "/api/v1/infra-backup/{customer_id}",
            get(api::get_infra_backup),
        )
        .route("/api/v1/preferences", post(api::post_preferences))
        .route("/api/v1/notify", post(api::post_notify))
        .route("/api/v1/config/{customer_id}", get(api::get_config))
        .route("/api/v1/recovery/{customer_id}", get(api::get_recovery))
        .route("/api/v1/customers", get(api::list_customers))
        .route("/api/v1/customers/{customer_id}", get(api::get_customer))
        .route(
            "/api/v1/customers/{customer_id}/history",
            get(api::get_history),
        )
        .nest("/api/admin/v1", admin_router())
        .route_layer(axum::middleware::from_fn(log_request))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::Extension(BodyLimit(max_body)))
        .with_state(state)
}

fn admin_router() -> Router<Arc<AppState>> {
    use admin as a;
    use axum::routing::delete;
    Router::new()
        .route("/fleet", get(a::fleet))
        .route("/customers/{customer_id}", get(a::customer))
        .route("/customers/{customer_id}/history", get(a::history))
        .route("/customers/{customer_id}/block", post(a::block))
        .route("/customers/{customer_id}/unblock", post(a::unblock))
        .route("/customers/{customer_id}/adopt", post(a::adopt))
        .route("/customers/{customer_id}/push", post(a::push))
        .route("/customers/{customer_id}/pull", post(a::pull))
        .route("/customers/{customer_id}/diff", get(a::diff))
        .route("/customers/{customer_id}/update", post(a::update))
        .route("/customers/{customer_id}/lockout", delete(a::clear_lockout))
        .route("/events", get(a::events))
        .route("/notifications", get(a::notifications))
        .route("/audit", get(a::audit))
        .route("/configs", get(a::list_configs).post(a::create_config))
        .route(
            "/configs/{customer_id}",
            get(a::get_config)
                .put(a::put_config)
                .delete(a::delete_config),
        )
        .route("/configs/{customer_id}/yaml", get(a::config_yaml))
        .route("/configs/{customer_id}/credentials", get(a::credentials))
        .route("/configs/{customer_id}/rotate", post(a::rotate))
        .route("/versions", get(a::versions))
        .route("/stream", get(a::stream))
}

async fn not_found() -> AppError {
    AppError::NotFound("no such endpoint".into())
}

async fn method_not_allowed() -> Response {
    let mut resp =
        AppError::BadRequest("method not allowed on this endpoint".into()).into_response();
    *resp.status_mut() = axum::http::StatusCode::METHOD_NOT_ALLOWED;
    resp
}

/// One line per request: method, route, status, latency, customer. Never
/// headers or bodies, so no credential can reach the log.
async fn log_request(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let start = Instant::now();
    let resp = next.run(req).await;
    let latency_us = start.elapsed().as_micros() as u64;
    let status = resp.status().as_u16();
    let customer = resp
        .extensions()
        .get::<LoggedCustomer>()
        .map(|c| c.0.as_str())
        .unwrap_or("");
    if route == "/healthz" {
        tracing::debug!(%method, %route, status, latency_us, "request");
    } else {
        tracing::info!(%method, %route, status, latency_us, customer, "request");
    }
    resp
}
