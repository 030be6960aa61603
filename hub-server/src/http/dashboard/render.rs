//! What every page shares: the chrome (title, form token, flash, the
//! no-password warning), rendering a template, the refusal of a stale
//! form, and failures shown as pages with the hub's sentence, never its
//! internals.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::Dash;
use crate::service::{ServiceError, session};
use crate::state::AppState;

/// The parts of every page: title, form token, the flash and the open
/// (no password) warning.
pub struct Chrome {
    pub title: String,
    pub csrf: String,
    pub flash: Option<String>,
    pub flash_kind: &'static str,
    pub open: bool,
}

impl Chrome {
    /// The chrome of a page titled `title` for the signed-in `d`.
    pub fn new(d: &Dash, title: impl Into<String>) -> Chrome {
        let (flash, flash_kind) = match d.session.flash.as_deref() {
            Some(f) => match f.strip_prefix("error:") {
                Some(e) => (Some(e.to_owned()), "error"),
                None => (Some(f.trim_start_matches("ok:").to_owned()), "info"),
            },
            None => (None, "info"),
        };
        Chrome {
            title: title.into(),
            csrf: d.session.csrf_token.clone(),
            flash,
            flash_kind,
            open: d.open,
        }
    }
}

/// A rendered page, or the error page if the template failed.
pub fn html<T: Template>(page: T) -> Response {
    match page.render() {
        Ok(body) => Html(body).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "dashboard: template failed");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Error",
                "The page could not be drawn.",
            )
        }
    }
}

/// A page that shows secrets: never stored by a browser or proxy.
pub fn no_store(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// The refusal of a form without the session's token.
pub fn refuse_form(d: &Dash, csrf: &str) -> Option<Response> {
    if session::form_token_ok(&d.session, csrf) {
        None
    } else {
        Some(error_page(
            StatusCode::FORBIDDEN,
            "Refused",
            "The form is out of date or came from elsewhere; nothing was changed. Reload the page and try again.",
        ))
    }
}

/// Keeps `message` for the next page and sends the browser to `to`.
pub async fn flash_and_go(st: &AppState, d: &Dash, message: String, to: &str) -> Response {
    if let Err(e) = session::flash(st, &d.token, message).await {
        return service_error(e);
    }
    Redirect::to(to).into_response()
}

/// A plain error page.
pub fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
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

/// A form whose only field is the session's form token.
#[derive(serde::Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

/// A form with the session's form token and, when asked for, the
/// password given again.
#[derive(serde::Deserialize)]
pub struct ReauthForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub password: Option<String>,
}

#[derive(Template)]
#[template(path = "ui/reauth.html")]
struct ReauthPage {
    chrome: Chrome,
    why: &'static str,
    error: Option<&'static str>,
    action: String,
    hidden: Vec<(&'static str, String)>,
    back: String,
}

/// Before a secret is shown or replaced: `None` when the session gave the
/// password within the last minutes (or `password` is it, now noted);
/// otherwise the page that asks for it, posting back to `action` with
/// `hidden`, or the refusal of a wrong one (401) or of too many (429).
pub async fn require_fresh(
    st: &AppState,
    d: &Dash,
    password: Option<&str>,
    action: String,
    hidden: Vec<(&'static str, String)>,
    back: String,
) -> Option<Response> {
    if session::fresh(st, &d.session) {
        return None;
    }
    let error = match password {
        None | Some("") => None,
        Some(p) => match session::reauth(st, &d.token, p, d.client).await {
            Ok(()) => return None,
            Err(ServiceError::Unauthorized) => Some("Wrong password."),
            Err(e) => return Some(service_error(e)),
        },
    };
    let mut r = html(ReauthPage {
        chrome: Chrome::new(d, "Confirm with your password"),
        why: "Showing or replacing a secret needs the password again when it was last given more than 5 minutes ago.",
        error,
        action,
        hidden,
        back,
    });
    if error.is_some() {
        *r.status_mut() = StatusCode::UNAUTHORIZED;
    }
    Some(no_store(r))
}
