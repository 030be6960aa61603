//! Who is signed in: the session cookie (`__Host-` and `Secure` when the
//! hub's public URL is https), the [`Dash`] extractor every page takes, and
//! where a login may send the browser next.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::render::{error_page, service_error};
use crate::http::extract::ClientAddr;
use crate::service::Actor;
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
    st.config.server.dashboard_url().starts_with("https://")
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
    /// Where the request came from.
    pub client: Option<std::net::IpAddr>,
}

impl Dash {
    /// Who acts, for the audit log: `dashboard`, from this address, in
    /// this session (the first 12 hex digits of its token's digest: enough
    /// to tell sessions apart, useless to take one over).
    pub fn actor(&self) -> Actor {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(self.token.as_bytes());
        Actor {
            name: super::ACTOR.to_owned(),
            client: self.client,
            session: Some(digest.iter().take(6).map(|b| format!("{b:02x}")).collect()),
        }
    }
}

impl FromRequestParts<Arc<AppState>> for Dash {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &Arc<AppState>) -> Result<Self, Response> {
        let gate = session::gate(st);
        let client = ClientAddr::from_request_parts(parts, st)
            .await
            .map(|c| c.0)
            .unwrap_or(None);
        if let Some(token) = cookie_token(st, &parts.headers) {
            match session::session(st, &token).await {
                Ok(Some(session)) => {
                    return Ok(Dash {
                        token,
                        session,
                        open: gate == Gate::Open,
                        client,
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

/// Whether a request may use the password-less dashboard: made from this
/// machine (a loopback peer), to this machine (a `Host` that is a loopback
/// name or address with the port the connection came in on), and not
/// through a proxy (no `Forwarded` or `X-Forwarded-*`, `X-Real-IP`). A
/// reverse proxy on the same host or a DNS-rebinding page in the
/// operator's browser fails one of these; the error says which.
pub fn direct_local_request(
    peer: Option<std::net::SocketAddr>,
    local: Option<std::net::SocketAddr>,
    headers: &HeaderMap,
) -> Result<(), &'static str> {
    if !peer.is_some_and(|p| p.ip().is_loopback()) {
        return Err("the client is not on this machine");
    }
    let proxied = headers.keys().any(|k| {
        let k = k.as_str();
        k == "forwarded" || k == "x-real-ip" || k.starts_with("x-forwarded-")
    });
    if proxied {
        return Err("the request came through a proxy");
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let (name, port) = match host.rsplit_once(':') {
        Some((n, p)) if !n.is_empty() && !p.contains(']') => (n, p.parse::<u16>().ok()),
        _ => (host, None),
    };
    let port_ok = match (port, local) {
        (Some(p), Some(l)) => p == l.port(),
        (None, Some(l)) => l.port() == 80,
        (_, None) => false,
    };
    if !crate::config::is_loopback_host(name) || !port_ok {
        return Err("the Host is not this machine's loopback address and port");
    }
    Ok(())
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
    fn only_a_direct_local_request_may_use_the_open_dashboard() {
        let local: std::net::SocketAddr = "127.0.0.1:8080".parse().unwrap_or_else(|_| panic!());
        let peer: std::net::SocketAddr = "127.0.0.1:50000".parse().unwrap_or_else(|_| panic!());
        let with = |pairs: &[(&'static str, &str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.append(*k, v.parse().unwrap_or_else(|_| panic!()));
            }
            h
        };
        for ok in ["127.0.0.1:8080", "localhost:8080", "LOCALHOST:8080"] {
            assert_eq!(
                direct_local_request(Some(peer), Some(local), &with(&[("host", ok)])),
                Ok(()),
                "{ok}"
            );
        }
        let v6: std::net::SocketAddr = "[::1]:8080".parse().unwrap_or_else(|_| panic!());
        assert!(direct_local_request(Some(v6), Some(v6), &with(&[("host", "[::1]:8080")])).is_ok());
        for bad in [
            "attacker.example:8080",
            "127.0.0.1:9999",
            "127.0.0.1",
            "",
            "127.0.0.1.attacker.example:8080",
        ] {
            assert!(
                direct_local_request(Some(peer), Some(local), &with(&[("host", bad)])).is_err(),
                "{bad}"
            );
        }
        for header in [
            "x-forwarded-for",
            "x-forwarded-host",
            "forwarded",
            "x-real-ip",
        ] {
            let h = with(&[("host", "127.0.0.1:8080"), (header, "10.0.0.1")]);
            assert!(
                direct_local_request(Some(peer), Some(local), &h).is_err(),
                "{header}"
            );
        }
        let remote: std::net::SocketAddr = "10.1.2.3:5000".parse().unwrap_or_else(|_| panic!());
        let h = with(&[("host", "127.0.0.1:8080")]);
        assert!(direct_local_request(Some(remote), Some(local), &h).is_err());
        assert!(direct_local_request(None, Some(local), &h).is_err());
    }

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
