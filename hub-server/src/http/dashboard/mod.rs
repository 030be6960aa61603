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

mod charts;
mod pages;

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::service::ServiceError;
use crate::service::session::{self as auth, Gate};
use crate::state::AppState;
use crate::store::Session;

/// Who acts, in the audit log.
pub const ACTOR: &str = "dashboard";

/// The dashboard's routes.
pub fn router(st: &Arc<AppState>) -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(pages::fleet))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/configs", get(pages::configs))
        .route("/configs/new", get(pages::new_form).post(pages::create))
        .route(
            "/configs/{id}/edit",
            get(pages::edit_form).post(pages::edit),
        )
        .route("/customers/{id}", get(pages::customer))
        .route("/customers/{id}/diff", get(pages::diff))
        .route("/customers/{id}/reveal", post(pages::reveal))
        .route("/customers/{id}/confirm/{action}", get(pages::confirm))
        .route("/customers/{id}/{action}", post(pages::act))
        .route("/ui/stream", get(pages::stream))
        .route("/assets/app.css", get(pages::css))
        .route("/assets/live.js", get(pages::js))
        .route("/assets/icon.svg", get(pages::icon))
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
async fn guard(State(st): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    if auth::gate(&st) == Gate::Refused && !req.uri().path().starts_with("/assets/") {
        return error_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Dashboard disabled",
            "No dashboard password is set (auth.password_hash) and the hub listens beyond \
             loopback. Set one: run `hub-server hash-password` and put the hash in \
             auth.password_hash or HUB_AUTH_PASSWORD_HASH.",
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
    let public = st.config.server.public_url.trim_end_matches('/');
    if origin == public || public.starts_with(&format!("{origin}/")) {
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

/// The session cookie's name: `__Host-` (Secure, no domain, `/`) when the
/// hub is served over https.
fn cookie_name(st: &AppState) -> &'static str {
    if secure(st) {
        "__Host-hub_session"
    } else {
        "hub_session"
    }
}

fn secure(st: &AppState) -> bool {
    st.config.server.public_url.starts_with("https://")
}

/// The `Set-Cookie` value for a new session token.
pub fn session_cookie(st: &AppState, token: &str) -> String {
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        cookie_name(st),
        crate::service::session::ABSOLUTE.as_secs(),
        if secure(st) { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn expired_cookie(st: &AppState) -> String {
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        cookie_name(st),
        if secure(st) { "; Secure" } else { "" }
    )
}

fn cookie_token(st: &AppState, h: &HeaderMap) -> Option<String> {
    let name = cookie_name(st);
    h.get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A signed-in operator (or, without a password on loopback, anyone).
pub struct Dash {
    pub token: String,
    pub session: Session,
    /// No password is set (the laptop trial).
    pub open: bool,
}

impl FromRequestParts<Arc<AppState>> for Dash {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &Arc<AppState>) -> Result<Self, Response> {
        let gate = auth::gate(st);
        if let Some(token) = cookie_token(st, &parts.headers) {
            match auth::session(st, &token).await {
                Ok(Some(session)) => {
                    return Ok(Dash {
                        token,
                        session,
                        open: gate == Gate::Open,
                    });
                }
                Ok(None) => {}
                Err(e) => return Err(service_error(e)),
            }
        }
        let here = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".into());
        if gate == Gate::Open && parts.method == Method::GET {
            // The laptop trial: a session without a password.
            let s = auth::login(st, "", None).await.map_err(service_error)?;
            return Err((
                StatusCode::SEE_OTHER,
                [
                    (header::SET_COOKIE, session_cookie(st, &s.token)),
                    (header::LOCATION, here),
                ],
            )
                .into_response());
        }
        if parts.uri.path() == "/ui/stream" || parts.method != Method::GET {
            return Err(error_page(
                StatusCode::UNAUTHORIZED,
                "Signed out",
                "The session has ended; log in again.",
            ));
        }
        let target = format!("/login?next={}", urlencode(&here));
        Err(Redirect::to(&target).into_response())
    }
}

/// Percent-encodes a path for a query value.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Where to go after login: only a path on this hub, never another site
/// (`//evil`, `/\evil`, `https://…`).
pub fn safe_next(next: &str) -> &str {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    if ok { next } else { "/" }
}

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(['<', '>', '&', '"', '\'']) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A plain error page.
pub fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    use askama::Template;
    #[derive(Template)]
    #[template(path = "ui/error.html")]
    struct Page<'a> {
        title: &'a str,
        message: &'a str,
    }
    let body = Page { title, message }
        .render()
        .unwrap_or_else(|_| message.to_owned());
    (status, axum::response::Html(body)).into_response()
}

/// A service failure as a page: the hub's sentence, never internals.
pub fn service_error(e: ServiceError) -> Response {
    match e {
        ServiceError::NotFound(m) => error_page(StatusCode::NOT_FOUND, "Not found", &m),
        ServiceError::Invalid { message, .. } => {
            error_page(StatusCode::BAD_REQUEST, "Invalid", &message)
        }
        ServiceError::Conflict(m) => error_page(StatusCode::CONFLICT, "Conflict", &m),
        ServiceError::Controller(c) => {
            error_page(StatusCode::BAD_GATEWAY, "Controller", &c.to_string())
        }
        ServiceError::Locked { retry_after_secs } => {
            let mut r = error_page(
                StatusCode::TOO_MANY_REQUESTS,
                "Too many attempts",
                "Too many failed attempts; try again later.",
            );
            r.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(retry_after_secs.max(1)),
            );
            r
        }
        ServiceError::Unauthorized | ServiceError::Forbidden(_) => {
            error_page(StatusCode::FORBIDDEN, "Refused", "Not allowed.")
        }
        ServiceError::Store(crate::store::StoreError::Busy) => error_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Busy",
            "The hub is overloaded; try again in a moment.",
        ),
        e => {
            tracing::error!(error = %e, "dashboard: request failed");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Error",
                "The hub failed; the cause is in its log.",
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_targets_stay_on_this_hub() {
        assert_eq!(safe_next("/customers/a"), "/customers/a");
        assert_eq!(
            safe_next("/customers/a?period=7d"),
            "/customers/a?period=7d"
        );
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "evil",
            "",
            "/\nx",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
    }

    #[test]
    fn escaping() {
        assert_eq!(esc("felhom-01"), "felhom-01");
        assert_eq!(
            esc("<script>alert('x')</script>&\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"
        );
    }
}
