//! The customer page's status link: make one to pass on (shown with a
//! Copy button, never kept by the hub), and revoke every earlier one
//! after a confirmation that works without JavaScript. Both go through
//! the status link service, audited as `dashboard`, under its rules.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;

use super::actions::ConfirmPage;
use super::render::{Chrome, CsrfForm, flash_and_go, html, no_store, refuse_form, service_error};
use super::{Dash, urlencode};
use crate::service::status_link as svc;
use crate::state::AppState;

/// The lifetimes the form offers (the service takes 1 s to 366 d).
pub const TTLS: [&str; 4] = ["1d", "7d", "30d", "90d"];

#[derive(Template)]
#[template(path = "ui/status_link.html")]
struct LinkPage {
    chrome: Chrome,
    id: String,
    url: String,
    expires: String,
}

#[derive(Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    ttl: String,
}

/// `Make Status Link`: a fresh link on a page of its own, not cached.
pub async fn make(
    State(st): State<Arc<AppState>>,
    d: Dash,
    Path(id): Path<String>,
    Form(f): Form<LinkForm>,
) -> Response {
    if let Some(r) = refuse_form(&d, &f.csrf) {
        return r;
    }
    let ttl = Some(f.ttl.trim()).filter(|t| !t.is_empty());
    match svc::issue(&st, &d.actor(), &id, ttl).await {
        Ok(link) => no_store(html(LinkPage {
            chrome: Chrome::new(&d, format!("Status link of {id}")),
            expires: link.expires_at.strftime("%Y-%m-%d %H:%M UTC").to_string(),
            url: link.url,
            id,
        })),
        Err(e) => service_error(e),
    }
}

fn question(id: &str) -> String {
    format!(
        "Revoke every status link of {id}? The links in the emails it has had stop working \
         at once; its next email brings a new one."
    )
}

/// The confirmation of `Revoke Status Links`.
pub async fn confirm_revoke(d: Dash, Path(id): Path<String>) -> Response {
    if hub_proto::validate_customer_id(&id).is_err() {
        return super::error_page(
            axum::http::StatusCode::NOT_FOUND,
            "Not found",
            "No such customer.",
        );
    }
    html(ConfirmPage {
        chrome: Chrome::new(&d, "Revoke Status Links"),
        question: question(&id),
        form_action: format!("/customers/{}/status-link/revoke", urlencode(&id)),
        id,
        heading: "Revoke Status Links",
        danger: true,
        ask_version: false,
    })
}

/// `Confirm`: revokes, and goes back to the customer with the result.
pub async fn revoke(
    State(st): State<Arc<AppState>>,
    d: Dash,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Response {
    if let Some(r) = refuse_form(&d, &f.csrf) {
        return r;
    }
    let back = format!("/customers/{}", urlencode(&id));
    let message = match svc::revoke(&st, &d.actor(), &id).await {
        Ok(()) => format!("ok:Every earlier status link of {id} stops working."),
        Err(e) => return service_error(e),
    };
    flash_and_go(&st, &d, message, &back).await
}
