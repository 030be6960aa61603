//! The browser dashboard: server-rendered pages (askama templates, assets
//! in the binary, one small same-origin script for live rows), on the same
//! service layer as the admin API. Every action is a POST behind a
//! confirmation page and lands in the audit log as `dashboard`.
//!
//! Security (OWASP ASVS sessions and CSRF; Go's CrossOriginProtection):
//! - a login with one operator password (bcrypt, off the runtime), five
//!   failures in 15 minutes from one address → 429;
//! - server-side sessions (a SHA-256 of a 256-bit token is stored), the
//!   cookie `HttpOnly`, `SameSite=Strict`, `Path=/`, and `Secure` with the
//!   `__Host-` prefix when the hub's public URL is https; 7 days at most,
//!   12 hours idle, a new id at every login, deleted at logout;
//! - no state change on GET; every POST passes the origin check
//!   (`Sec-Fetch-Site`, else `Origin`) and carries the session's form token;
//! - every page: a CSP without inline script, `frame-ancestors 'none'`,
//!   `nosniff`, `Referrer-Policy: same-origin`; secrets pages `no-store`.

//!
//! One module per page: [`login`], [`fleet`], [`customers`] (the list),
//! [`customer`] (one customer), [`form`] (a config's form), [`diff`],
//! [`actions`] (confirmation and result), [`alerts`] (incidents and
//! maintenance windows), [`hub`] (the hub's own health); [`auth`] holds the session
//! cookie and the signed-in extractor, [`render`] what every page shares.
//! Each page's data is built by a pure function from the service's views
//! and rendered by an askama template that escapes everything it prints.

mod actions;
mod alerts;
mod assets;
mod auth;
mod charts;
mod customer;
mod customers;
mod diff;
mod fleet;
mod form;
mod hub;
mod login;
mod logs;
mod render;
mod status_link;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};

use crate::service::session::{self, Gate};
use crate::state::AppState;
pub use auth::{Dash, expired_cookie, safe_next, session_cookie, urlencode};
pub use render::{error_page, service_error};

/// Who acts, in the audit log.
pub const ACTOR: &str = "dashboard";

/// The dashboard's routes.
pub fn router(st: &Arc<AppState>) -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(fleet::page))
        .route("/login", get(login::form).post(login::login))
        .route("/logout", post(login::logout))
        .route("/logout-all", post(login::logout_all))
        .route("/configs", get(customers::page))
        .route("/configs/new", get(form::new_form).post(form::create))
        .route("/configs/{id}/edit", get(form::edit_form).post(form::edit))
        .route("/incidents", get(alerts::page))
        .route("/hub", get(hub::page))
        .route("/events", get(logs::events))
        .route("/notifications", get(logs::notifications))
        .route("/audit", get(logs::audit))
        .route("/maintenance", post(alerts::add))
        .route("/maintenance/{window}/end", post(alerts::end))
        .route("/customers/{id}", get(customer::page))
        .route("/customers/{id}/diff", get(diff::page))
        .route("/customers/{id}/reveal", post(customer::reveal))
        .route("/customers/{id}/status-link", post(status_link::make))
        .route(
            "/customers/{id}/status-link/revoke",
            get(status_link::confirm_revoke).post(status_link::revoke),
        )
        .route("/shown/{nonce}", get(actions::shown))
        .route("/customers/{id}/confirm/{action}", get(actions::confirm))
        .route("/customers/{id}/{action}", post(actions::act))
        .route("/ui/stream", get(fleet::stream))
        .route("/assets/app.css", get(assets::css))
        .route("/assets/live.js", get(assets::js))
        .route("/assets/icon.svg", get(assets::icon))
        .route_layer(axum::middleware::from_fn_with_state(st.clone(), guard))
        .layer(axum::middleware::from_fn(headers))
}

/// The headers every dashboard answer carries.
async fn headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    resp
}

/// Refuses the dashboard when it has no password and listens beyond
/// loopback, and refuses cross-origin POSTs.
async fn guard(
    State(st): State<Arc<AppState>>,
    params: axum::extract::RawPathParams,
    req: Request,
    next: Next,
) -> Response {
    // Every route's customer id is one (as the API requires): an encoded
    // `/` or `?` never reaches a page that builds a link or a form from it.
    if params
        .iter()
        .any(|(k, v)| k == "id" && hub_proto::validate_customer_id(v).is_err())
    {
        return error_page(StatusCode::NOT_FOUND, "Not found", "No such customer.");
    }
    let gate = session::gate(&st);
    if gate == Gate::Open && !req.uri().path().starts_with("/assets/") {
        let peer = req
            .extensions()
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0);
        let local = req
            .extensions()
            .get::<crate::http::serve::LocalAddr>()
            .map(|l| l.0);
        if let Err(why) = auth::direct_local_request(peer, local, req.headers()) {
            tracing::warn!(path = %req.uri().path(), why, "dashboard: password-less request refused");
            return error_page(
                StatusCode::FORBIDDEN,
                "Refused",
                &format!(
                    "Without a password the dashboard answers only requests made directly on this machine ({why}). Set auth.password_hash to use it from elsewhere."
                ),
            );
        }
    }
    if gate == Gate::Refused && !req.uri().path().starts_with("/assets/") {
        return error_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Dashboard disabled",
            "No dashboard password is set (auth.password_hash) and the hub listens beyond \
             loopback or is known by a public URL that is not. Set one: run \
             `hub-server hash-password` and put the hash in auth.password_hash or \
             HUB_AUTH_PASSWORD_HASH.",
        );
    }
    if req.method() == Method::POST && !same_origin(&st, req.headers()) {
        tracing::warn!(path = %req.uri().path(), "dashboard: cross-origin POST refused");
        return error_page(
            StatusCode::FORBIDDEN,
            "Refused",
            "This request came from another site; nothing was changed.",
        );
    }
    next.run(req).await
}

/// Go's CrossOriginProtection: `Sec-Fetch-Site` same-origin or none; a
/// browser without it must send an `Origin` of this hub (its public URL,
/// or the host the request was sent to); a request with neither is not
/// from a browser.
fn same_origin(st: &AppState, h: &HeaderMap) -> bool {
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    let Some(origin) = h.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let dashboard = st.config.server.dashboard_url().trim_end_matches('/');
    if origin == dashboard || dashboard.starts_with(&format!("{origin}/")) {
        return true;
    }
    let host = h
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let bare = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .unwrap_or("");
    !host.is_empty() && bare == host
}
