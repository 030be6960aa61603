//! The dashboard's own access: one operator password (bcrypt, checked off
//! the async runtime), server-side sessions bound to that password (12
//! hours at most, `auth.session_idle` unused, 30 minutes by default; a
//! changed password ends them all), the password asked again before a
//! secret is shown, a per-session form token, and login throttling.
//! Without a password the dashboard is open only on a loopback address
//! (someone trying the hub on a laptop) and refused everywhere else.

use std::net::IpAddr;

use subtle::ConstantTimeEq;

use super::{Result, ServiceError};
use crate::config::is_loopback_url;
use crate::secrets::random_token;
use crate::state::AppState;
use crate::store::Session;

pub use crate::store::SESSION_ABSOLUTE as ABSOLUTE;

/// How long after the password was last given Reveal and a rotation ask
/// for it again.
pub const REAUTH_AFTER: jiff::SignedDuration = jiff::SignedDuration::from_mins(5);

/// A fingerprint of the configured password hash ("" without one): a
/// session opened under another hash (the password changed) ends.
pub fn password_fingerprint(st: &AppState) -> String {
    let hash = st.config.auth.password_hash.expose();
    if hash.is_empty() {
        return String::new();
    }
    use sha2::Digest;
    let d = sha2::Sha256::new()
        .chain_update(b"felhom-hub dashboard password\0")
        .chain_update(hash.as_bytes())
        .finalize();
    d.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// The idle limit of a session (`auth.session_idle`).
fn idle(st: &AppState) -> jiff::SignedDuration {
    jiff::SignedDuration::try_from(st.config.auth.session_idle.0)
        .unwrap_or(jiff::SignedDuration::from_mins(30))
}

/// Whether and how the dashboard can be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// A password is set: log in.
    Login,
    /// No password, listening on loopback and known by a loopback URL:
    /// open (with a warning) to requests made directly on this machine.
    Open,
    /// No password on a reachable address or public URL: refused.
    Refused,
}

pub fn gate(st: &AppState) -> Gate {
    if !st.config.auth.password_hash.is_empty() {
        return Gate::Login;
    }
    let listens_locally = st
        .config
        .listen_addr()
        .is_ok_and(|addr| addr.ip().is_loopback());
    let server = &st.config.server;
    if listens_locally
        && is_loopback_url(&server.public_url)
        && is_loopback_url(server.dashboard_url())
    {
        Gate::Open
    } else {
        Gate::Refused
    }
}

/// A new session: the token for the cookie, the token for the forms.
pub struct NewSession {
    pub token: String,
    pub csrf: String,
}

fn token() -> Result<String> {
    random_token().map_err(|e| ServiceError::Internal(e.to_string()))
}

/// Who a login attempt counts against: an IPv4 address, or an IPv6
/// address's /64 (one host usually has a whole /64 to rotate through).
pub fn login_key(client: Option<IpAddr>) -> String {
    match client.map(|c| c.to_canonical()) {
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Some(v4) => v4.to_string(),
        None => String::new(),
    }
}

/// Whether `password` is the dashboard's, under the same rules as a login
/// (the attempt reserved first, the address and account limits): `Ok` or
/// why not.
async fn check_password(st: &AppState, password: &str, from: &str) -> Result<()> {
    let now = st.clock.now();
    let wait = st.store.reserve_login(from.to_owned(), now).await?;
    if wait > 0 {
        tracing::warn!(client = %from, "dashboard password refused: too many failures");
        return Err(ServiceError::Locked {
            retry_after_secs: wait,
        });
    }
    let ok = match gate(st) {
        Gate::Open => true,
        Gate::Refused => false,
        Gate::Login => {
            st.metrics.login_checks.inc();
            let hash = st.config.auth.password_hash.expose().to_owned();
            let password = password.to_owned();
            // bcrypt takes tens of milliseconds on purpose: not on the runtime.
            tokio::task::spawn_blocking(move || {
                bcrypt::non_truncating_verify(password.as_bytes(), &hash).unwrap_or(false)
            })
            .await
            .map_err(|e| ServiceError::Internal(e.to_string()))?
        }
    };
    if !ok {
        tracing::warn!(client = %from, "dashboard password wrong");
        let locked = st.store.login_locked(from.to_owned(), now).await?;
        if locked > 0 {
            return Err(ServiceError::Locked {
                retry_after_secs: locked,
            });
        }
        return Err(ServiceError::Unauthorized);
    }
    st.store.login_succeeded(from.to_owned(), now).await?;
    Ok(())
}

/// Checks the password and opens a session (always a new id). The attempt
/// is reserved before bcrypt runs (parallel guesses cannot race past the
/// limit): five failures within 15 minutes from one address (an IPv6 /64)
/// lock it out, and failures from anywhere past ten make every login wait,
/// doubling each time.
pub async fn login(st: &AppState, password: &str, client: Option<IpAddr>) -> Result<NewSession> {
    check_password(st, password, &login_key(client)).await?;
    let session = NewSession {
        token: token()?,
        csrf: token()?,
    };
    st.store
        .create_session(
            session.token.clone(),
            session.csrf.clone(),
            password_fingerprint(st),
            st.clock.now(),
        )
        .await?;
    Ok(session)
}

/// Whether a secret may be shown in `session` without asking for the
/// password again: it was given within [`REAUTH_AFTER`] (or there is none).
pub fn fresh(st: &AppState, session: &Session) -> bool {
    gate(st) != Gate::Login || st.clock.now().duration_since(session.authed_at) < REAUTH_AFTER
}

/// The password given again in the session of `token`, before a secret is
/// shown: checked like a login, and noted.
pub async fn reauth(
    st: &AppState,
    token: &str,
    password: &str,
    client: Option<IpAddr>,
) -> Result<()> {
    check_password(st, password, &login_key(client)).await?;
    st.store.reauthed(token.to_owned(), st.clock.now()).await?;
    Ok(())
}

/// Ends every dashboard session (the operator's "log out everywhere", or
/// `hub-server sessions revoke-all`); how many there were.
pub async fn revoke_all(st: &AppState) -> Result<usize> {
    Ok(st.store.delete_all_sessions().await?)
}

/// The session behind a cookie, if it is still valid.
pub async fn session(st: &AppState, token: &str) -> Result<Option<Session>> {
    Ok(st
        .store
        .use_session(
            token.to_owned(),
            st.clock.now(),
            idle(st),
            ABSOLUTE,
            password_fingerprint(st),
        )
        .await?)
}

/// Whether a submitted form token is the session's, in constant time.
pub fn form_token_ok(session: &Session, submitted: &str) -> bool {
    bool::from(session.csrf_token.as_bytes().ct_eq(submitted.as_bytes()))
}

pub async fn logout(st: &AppState, token: &str) -> Result<()> {
    st.store.delete_session(token.to_owned()).await?;
    Ok(())
}

/// A message for the session's next page.
pub async fn flash(st: &AppState, token: &str, message: String) -> Result<()> {
    Ok(st.store.set_flash(token.to_owned(), message).await?)
}

/// A bcrypt hash of `password` for `auth.password_hash`.
pub fn hash_password(password: &str, cost: u32) -> Result<String> {
    bcrypt::non_truncating_hash(password, cost).map_err(|e| ServiceError::Internal(e.to_string()))
}
