//! Logging in and out: one operator password (bcrypt, off the runtime),
//! a new session at every login, the session deleted at logout.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::render::{CsrfForm, html, refuse_form};
use super::{Dash, expired_cookie, safe_next, service_error, session_cookie};
use crate::http::extract::ClientAddr;
use crate::service::{ServiceError, session};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "ui/login.html")]
struct LoginPage {
    error: Option<String>,
    next: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

/// `GET /login`.
pub async fn form(Query(q): Query<NextQuery>) -> Response {
    html(LoginPage {
        error: None,
        next: safe_next(&q.next).to_owned(),
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// `POST /login`: a session cookie and the page asked for, or the form
/// again with "Wrong password."
pub async fn login(
    State(st): State<Arc<AppState>>,
    client: ClientAddr,
    Form(f): Form<LoginForm>,
) -> Response {
    let next = safe_next(&f.next).to_owned();
    match session::login(&st, &f.password, client.0).await {
        Ok(s) => (
            StatusCode::SEE_OTHER,
            [
                (header::SET_COOKIE, session_cookie(&st, &s.token)),
                (header::LOCATION, next),
            ],
        )
            .into_response(),
        Err(ServiceError::Unauthorized) => {
            let mut r = html(LoginPage {
                error: Some("Wrong password.".into()),
                next,
            });
            *r.status_mut() = StatusCode::UNAUTHORIZED;
            r
        }
        Err(e) => service_error(e),
    }
}

/// `POST /logout-all`: "Log out everywhere" ends every dashboard session
/// (this one too), audited.
pub async fn logout_all(
    State(st): State<Arc<AppState>>,
    d: Dash,
    Form(f): Form<CsrfForm>,
) -> Response {
    if let Some(r) = refuse_form(&d, &f.csrf) {
        return r;
    }
    let ended = match session::revoke_all(&st).await {
        Ok(n) => n,
        Err(e) => return service_error(e),
    };
    let actor = d.actor();
    let details = actor.describe(serde_json::json!({"sessions": ended}));
    if let Err(e) = st
        .store
        .audit(
            actor.name,
            "sessions.revoke_all",
            None,
            details,
            "ok".into(),
            st.clock.now(),
        )
        .await
    {
        return service_error(e.into());
    }
    (
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, expired_cookie(&st)),
            (header::LOCATION, "/login".to_owned()),
        ],
    )
        .into_response()
}

/// `POST /logout`.
pub async fn logout(State(st): State<Arc<AppState>>, d: Dash, Form(f): Form<CsrfForm>) -> Response {
    if let Some(r) = refuse_form(&d, &f.csrf) {
        return r;
    }
    if let Err(e) = session::logout(&st, &d.token).await {
        return service_error(e);
    }
    (
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, expired_cookie(&st)),
            (header::LOCATION, "/login".to_owned()),
        ],
    )
        .into_response()
}
