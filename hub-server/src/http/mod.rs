//! HTTP surface: shared state, the router and the per-request log line.

pub mod admin;
pub mod alerts;
pub mod api;
pub mod channels;
pub mod dashboard;
pub mod error;
pub mod extract;
pub mod openapi;
pub mod serve;
pub mod status;
pub mod stream;

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};

use crate::config::INFRA_BACKUP_MAX_BYTES;
use crate::http::error::AppError;
use crate::state::AppState;
use extract::BodyLimit;

/// Customer id a response was about, for the request log line.
#[derive(Debug, Clone)]
pub struct LoggedCustomer(pub String);

/// An answer that carries secrets: never stored by a browser or a proxy
/// (`Cache-Control: no-store`), never sniffed as another type.
pub fn secret_answer(resp: impl IntoResponse) -> Response {
    let mut resp = resp.into_response();
    let h = resp.headers_mut();
    h.insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    h.insert(
        axum::http::header::X_CONTENT_TYPE_OPTIONS,
        axum::http::HeaderValue::from_static("nosniff"),
    );
    resp
}

/// Attaches the customer id to a response for the log line.
pub fn with_customer(resp: impl IntoResponse, customer_id: &str) -> Response {
    let mut resp = resp.into_response();
    resp.extensions_mut()
        .insert(LoggedCustomer(customer_id.to_owned()));
    resp
}

pub fn router(state: Arc<AppState>) -> Router {
    let max_body = state.config.server.max_body_bytes;
    let mut r = Router::new();
    for (doc, handler) in routes() {
        r = r.route(doc.path, handler);
    }
    r = r.merge(dashboard::router(&state));
    r = r.merge(status::pages());
    r.route_layer(axum::middleware::from_fn_with_state(
        state.clone(),
        audit_denied,
    ))
    .route_layer(axum::middleware::from_fn_with_state(
        state.clone(),
        log_request,
    ))
    .fallback(not_found)
    .method_not_allowed_fallback(method_not_allowed)
    .layer(DefaultBodyLimit::max(max_body))
    .layer(axum::Extension(BodyLimit(max_body)))
    .layer(compression())
    .with_state(state)
}

/// Answers over 1 KB are compressed when the client accepts it (zstd, br,
/// gzip); the live stream and answers the hub compressed itself (the
/// cached fleet lists) are left alone.
fn compression()
-> tower_http::compression::CompressionLayer<impl tower_http::compression::Predicate> {
    use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
    tower_http::compression::CompressionLayer::new().compress_when(
        SizeAbove::new(1024)
            .and(NotForContentType::GRPC)
            .and(NotForContentType::IMAGES)
            .and(NotForContentType::SSE),
    )
}

/// The whole HTTP surface as one table: the router is built from it and
/// the OpenAPI document is generated from it, so neither can miss a route.
pub fn routes() -> Vec<(openapi::RouteDoc, MethodRouter<Arc<AppState>>)> {
    use admin as a;
    use axum::routing::{delete, put};
    use openapi::Auth::*;
    use openapi::RouteDoc as D;
    let infra_post = post(api::post_infra_backup)
        .layer::<_, Infallible>(DefaultBodyLimit::max(INFRA_BACKUP_MAX_BYTES))
        .layer::<_, Infallible>(axum::Extension(BodyLimit(INFRA_BACKUP_MAX_BYTES)));
    macro_rules! admin {
        ($path:literal) => {
            concat!("/api/admin/v1", $path)
        };
    }
    vec![
        (
            D::new(
                "GET",
                "/healthz",
                None,
                200,
                "Liveness: 200, or 503 when the database does not answer",
            )
            .returns("HealthBody"),
            get(api::healthz),
        ),
        (
            D::new(
                "GET",
                "/api/openapi.json",
                None,
                200,
                "This OpenAPI document",
            )
            .returns("application/json"),
            get(openapi::serve),
        ),
        (
            D::new(
                "POST",
                "/api/v1/report",
                Bearer,
                200,
                "A controller's status report (every 15 minutes)",
            )
            .takes("Report")
            .returns("ReportAccepted"),
            post(api::post_report),
        ),
        (
            D::new(
                "POST",
                "/api/v1/event",
                Bearer,
                201,
                "A structured event (200 with the first id for a repeated event_id)",
            )
            .takes("EventIn")
            .returns("EventAccepted"),
            post(api::post_event),
        ),
        (
            D::new(
                "POST",
                "/api/v1/infra-backup",
                Bearer,
                201,
                "The node's infrastructure backup (up to 8 MiB)",
            )
            .takes("InfraBackup")
            .returns("StatusOk"),
            infra_post,
        ),
        (
            D::new(
                "GET",
                "/api/v1/infra-backup/{customer_id}",
                Bearer,
                200,
                "The newest infra backup as pushed",
            )
            .returns("InfraBackup"),
            get(api::get_infra_backup),
        ),
        (
            D::new(
                "POST",
                "/api/v1/preferences",
                Bearer,
                200,
                "Replace the customer's email preferences",
            )
            .takes("Preferences")
            .returns("StatusOk"),
            post(api::post_preferences),
        ),
        (
            D::new(
                "POST",
                "/api/v1/notify",
                Bearer,
                202,
                "Legacy: relay one email to the operator",
            )
            .takes("LegacyNotify")
            .returns("StatusOk"),
            post(api::post_notify),
        ),
        (
            D::new(
                "GET",
                "/api/v1/config/{customer_id}",
                Retrieval,
                200,
                "The generated controller.yaml",
            )
            .returns("application/yaml"),
            get(api::get_config),
        ),
        (
            D::new(
                "GET",
                "/api/v1/recovery/{customer_id}",
                Retrieval,
                200,
                "Generated config and newest infra backup for a reinstalled node",
            )
            .returns("RecoveryResponse"),
            get(api::get_recovery),
        ),
        (
            D::new(
                "GET",
                "/api/v1/customers",
                ReportKey,
                200,
                "The fleet: every customer with its status",
            )
            .returns("CustomerList"),
            get(api::list_customers),
        ),
        (
            D::new(
                "GET",
                "/api/v1/customers/{customer_id}",
                Bearer,
                200,
                "One customer and its newest report",
            )
            .returns("CustomerDetail"),
            get(api::get_customer),
        ),
        (
            D::new(
                "GET",
                "/api/v1/customers/{customer_id}/history",
                Bearer,
                200,
                "Stored reports of a period (?period=1h|24h|7d|30d|90d)",
            )
            .returns("HistoryResponse"),
            get(api::get_history),
        ),
        (
            D::new(
                "GET",
                admin!("/fleet"),
                Admin,
                200,
                "Fleet with 24 h counts (?status=down,warn&managed=true&all=true)",
            )
            .returns("Fleet"),
            get(a::fleet),
        ),
        (
            D::new(
                "GET",
                admin!("/customers/{customer_id}"),
                Admin,
                200,
                "Customer view: detail, config (redacted), recent events, notifications",
            )
            .returns("CustomerView"),
            get(a::customer),
        ),
        (
            D::new(
                "GET",
                admin!("/customers/{customer_id}/history"),
                Admin,
                200,
                "Stored reports of a period",
            )
            .returns("HistoryResponse"),
            get(a::history),
        ),
        (
            D::new(
                "POST",
                admin!("/customers/{customer_id}/block"),
                AdminWrite,
                200,
                "Block: reports stored, notifications suppressed",
            )
            .returns("StatusOk"),
            post(a::block),
        ),
        (
            D::new(
                "POST",
                admin!("/customers/{customer_id}/unblock"),
                AdminWrite,
                200,
                "Unblock",
            )
            .returns("StatusOk"),
            post(a::unblock),
        ),
        (
            D::new(
                "POST",
                admin!("/customers/{customer_id}/adopt"),
                AdminWrite,
                201,
                "Create a config for a manual customer from its newest report",
            )
            .returns("Credentials"),
            post(a::adopt),
        ),
        (
            D::new(
                "POST",
                admin!("/customers/{customer_id}/push"),
                AdminWrite,
                200,
                "Apply the generated config on the controller",
            )
            .returns("StatusOk"),
            post(a::push),
        ),
        (
            D::new(
                "POST",
                admin!("/customers/{customer_id}/pull"),
                AdminWrite,
                200,
                "Take identity and overrides from the controller's live config",
            )
            .returns("CustomerConfig"),
            post(a::pull),
        ),
        (
            D::new(
                "GET",
                admin!("/customers/{customer_id}/diff"),
                Admin,
                200,
                "Generated vs. live config, per dotted path",
            )
            .returns("Diff"),
            get(a::diff),
        ),
        (
            D::new(
                "POST",
                admin!("/customers/{customer_id}/update"),
                AdminWrite,
                202,
                "Start a controller self-update ({\"version\": \"1.9.0\"} or latest)",
            )
            .takes("UpdateRequest")
            .returns("StatusOk"),
            post(a::update),
        ),
        (
            D::new(
                "DELETE",
                admin!("/customers/{customer_id}/lockout"),
                AdminWrite,
                200,
                "Lift a retrieval-password lockout",
            )
            .returns("StatusOk"),
            delete(a::clear_lockout),
        ),
        (
            D::new(
                "GET",
                admin!("/events"),
                Admin,
                200,
                "Events (?customer=&severity=&type=&since=&until=&cursor=&limit=)",
            )
            .returns("EventPage"),
            get(a::events),
        ),
        (
            D::new(
                "GET",
                admin!("/notifications"),
                Admin,
                200,
                "Notification log (?customer=&limit=)",
            )
            .returns("NotificationRecord[]"),
            get(a::notifications),
        ),
        (
            D::new(
                "GET",
                admin!("/audit"),
                Admin,
                200,
                "Audit log (?customer=&cursor=&limit=)",
            )
            .returns("AuditPage"),
            get(a::audit),
        ),
        (
            D::new(
                "GET",
                admin!("/configs"),
                Admin,
                200,
                "All managed configs, tokens redacted",
            )
            .returns("CustomerConfig[]"),
            get(a::list_configs),
        ),
        (
            D::new(
                "POST",
                admin!("/configs"),
                AdminWrite,
                201,
                "Create a managed customer; answers its credentials once",
            )
            .takes("CustomerConfig")
            .returns("Credentials"),
            post(a::create_config),
        ),
        (
            D::new(
                "GET",
                admin!("/configs/{customer_id}"),
                Admin,
                200,
                "One config, tokens redacted",
            )
            .returns("CustomerConfig"),
            get(a::get_config),
        ),
        (
            D::new(
                "PUT",
                admin!("/configs/{customer_id}"),
                AdminWrite,
                200,
                "Replace a config (redacted tokens keep their value)",
            )
            .takes("CustomerConfig")
            .returns("CustomerConfig"),
            put(a::put_config),
        ),
        (
            D::new(
                "DELETE",
                admin!("/configs/{customer_id}"),
                AdminWrite,
                200,
                "Delete a config (the customer becomes manual)",
            )
            .returns("StatusOk"),
            delete(a::delete_config),
        ),
        (
            D::new(
                "GET",
                admin!("/configs/{customer_id}/yaml"),
                AdminWrite,
                200,
                "The generated controller.yaml (holds secrets)",
            )
            .returns("application/yaml"),
            get(a::config_yaml),
        ),
        (
            D::new(
                "GET",
                admin!("/configs/{customer_id}/credentials"),
                AdminWrite,
                200,
                "API key, retrieval password, session secret, tokens",
            )
            .returns("Credentials"),
            get(a::credentials),
        ),
        (
            D::new(
                "POST",
                admin!("/configs/{customer_id}/rotate"),
                AdminWrite,
                200,
                "Rotate one credential ({\"credential\": \"api_key\"})",
            )
            .takes("RotateRequest")
            .returns("Credentials"),
            post(a::rotate),
        ),
        (
            D::new(
                "GET",
                admin!("/versions"),
                Admin,
                200,
                "Newest controller version and the fleet's versions",
            )
            .returns("Versions"),
            get(a::versions),
        ),
        (
            D::new(
                "GET",
                admin!("/whoami"),
                Admin,
                200,
                "The presented token's name and whether it is read-only",
            )
            .returns("Whoami"),
            get(a::whoami),
        ),
        (
            D::new(
                "GET",
                admin!("/status"),
                Admin,
                200,
                "The hub itself: version, background jobs (overdue marked), outbox backlog",
            )
            .returns("HubStatus"),
            get(a::status),
        ),
        (
            D::new(
                "GET",
                "/metrics",
                Admin,
                200,
                "Prometheus metrics (OpenMetrics text): requests, ingest, fleet, outbox, jobs, storage, backups",
            )
            .returns("application/openmetrics-text"),
            get(a::metrics),
        ),
        (
            D::new(
                "GET",
                admin!("/stream"),
                Admin,
                200,
                "Server-Sent Events: event, report, changed",
            )
            .returns("text/event-stream"),
            get(a::stream),
        ),
    ]
    .into_iter()
    .chain(alerts::routes())
    .chain(channels::routes())
    .chain(status::routes())
    .collect()
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

/// Refused admin requests (401, 403) become audit rows — who (the token's
/// name when it is known), what, on which customer, from where — at most
/// one per client address and minute, so a flood cannot fill the disk.
async fn audit_denied(
    axum::extract::State(st): axum::extract::State<Arc<AppState>>,
    client: extract::ClientAddr,
    params: axum::extract::RawPathParams,
    req: Request,
    next: Next,
) -> Response {
    if !req.uri().path().starts_with("/api/admin/") {
        return next.run(req).await;
    }
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let (parts, body) = req.into_parts();
    let token = extract::bearer(&parts).ok().flatten().map(str::to_owned);
    let resp = next.run(Request::from_parts(parts, body)).await;
    let status = resp.status().as_u16();
    if !matches!(status, 401 | 403) {
        return resp;
    }
    let now = st.clock.now();
    let from = client.0.map(|a| a.to_string()).unwrap_or_default();
    if !st.denials.first_in_a_minute(&from, now) {
        return resp;
    }
    let actor = match token {
        Some(t) if status == 403 => match st.store.admin_identity(t).await {
            Ok(Some(id)) => format!("token:{}", id.name),
            _ => "unknown".to_owned(),
        },
        _ => "unknown".to_owned(),
    };
    let customer = params
        .iter()
        .find(|(k, _)| *k == "customer_id")
        .map(|(_, v)| v.to_owned());
    let details = serde_json::json!({"method": method, "route": route, "client": from});
    let outcome = format!("denied: HTTP {status}");
    if let Err(e) = st
        .store
        .audit(actor, "denied", customer, details, outcome, now)
        .await
    {
        tracing::warn!(error = %e, "audit of a denied request failed");
    }
    resp
}

/// One line per request: method, route, status, latency, customer. Never
/// headers or bodies, so no credential can reach the log. The same is
/// counted for `/metrics`. The request runs in a `request` span (method,
/// route, and the customer when the path or the body names one), so what
/// it logs on the way says which request it belongs to.
async fn log_request(
    axum::extract::State(st): axum::extract::State<Arc<AppState>>,
    params: axum::extract::RawPathParams,
    req: Request,
    next: Next,
) -> Response {
    use tracing::Instrument;
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let span = if route == "/healthz" {
        tracing::debug_span!("request", %method, %route, customer = tracing::field::Empty)
    } else {
        tracing::info_span!("request", %method, %route, customer = tracing::field::Empty)
    };
    if let Some((_, id)) = params
        .iter()
        .find(|(k, _)| *k == "customer_id" || *k == "id")
    {
        span.record("customer", id);
    }
    let start = Instant::now();
    let resp = next.run(req).instrument(span).await;
    let elapsed = start.elapsed();
    let latency_us = elapsed.as_micros() as u64;
    let status = resp.status().as_u16();
    st.metrics
        .request(method.as_str(), &route, status, elapsed.as_secs_f64());
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
