//! Who is signed in: the session cookie (`__Host-` and `Secure` when the
//! hub's public URL is https), the [`Dash`] extractor every page takes, and
//! where a login may send the browser next.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::render::{error_page, service_error};
use crate::service::session::{self, Gate};
use crate::state::AppState;
use crate::store::Session;

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
        session::ABSOLUTE.as_secs(),
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
        let gate = session::gate(st);
        if let Some(token) = cookie_token(st, &parts.headers) {
            match session::session(st, &token).await {
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
            let s = session::login(st, "", None).await.map_err(service_error)?;
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
}
