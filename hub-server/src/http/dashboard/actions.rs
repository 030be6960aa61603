//! Actions on a customer: a confirmation page that works without
//! JavaScript (`GET /customers/{id}/confirm/{action}`), then `Confirm`
//! (`POST /customers/{id}/{action}`) runs it through the customer service,
//! audited as `dashboard`, and shows the result — or the hub's sentence —
//! on the next page. Labels, questions and sentences come from the shared
//! table of operator actions.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hub_proto::actions::OperatorAction;
use hub_proto::admin::{CredentialKind, Credentials, UpdateRequest};
use serde::Deserialize;

use super::render::{Chrome, flash_and_go, html, no_store, refuse_form, require_fresh};
use super::{Dash, error_page, urlencode};
use crate::service::ServiceError;
use crate::service::customers as svc;
use crate::service::views;
use crate::state::AppState;

/// The confirmation step of an action, asked without JavaScript.
#[derive(Template)]
#[template(path = "ui/confirm.html")]
pub(super) struct ConfirmPage {
    pub chrome: Chrome,
    pub id: String,
    /// Where Confirm posts: built from the validated id and the action.
    pub form_action: String,
    pub heading: &'static str,
    pub question: String,
    pub danger: bool,
    pub ask_version: bool,
}

/// The credentials shown once after a creation, an adoption or a
/// rotation.
#[derive(Template)]
#[template(path = "ui/credentials.html")]
pub struct CredentialsPage {
    pub chrome: Chrome,
    pub cr: Credentials,
    pub next: String,
}

/// Answers the POST that made `creds` with a redirect to the one page
/// that shows them (post/redirect/get: a reload repeats nothing).
pub fn show_once(st: &AppState, d: &Dash, creds: Credentials, next: String) -> Response {
    match st.shown_once.put(&d.token, creds, next, st.clock.now()) {
        Ok(nonce) => Redirect::to(&format!("/shown/{nonce}")).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "dashboard: credentials could not be kept for their page");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Error",
                "The action was done, but its credentials could not be shown; rotate them to get new ones.",
            )
        }
    }
}

/// `/shown/<nonce>`: the credentials, once; a reload says they were shown.
pub async fn shown(
    State(st): State<Arc<AppState>>,
    d: Dash,
    Path(nonce): Path<String>,
) -> Response {
    match st.shown_once.take(&d.token, &nonce, st.clock.now()) {
        Some((cr, next)) => no_store(html(CredentialsPage {
            chrome: Chrome::new(&d, format!("Credentials of {}", cr.customer_id)),
            cr,
            next,
        })),
        None => no_store(error_page(
            StatusCode::GONE,
            "Already shown",
            "These credentials were shown once and are not kept for this page any more. \
             The API key, session secret and tokens: Reveal on the customer page. The \
             retrieval password is kept only as a digest: Rotate it to get a new one.",
        )),
    }
}

/// An action the confirmation step offers (the diff is a page of its own).
fn confirmable(name: &str) -> Option<OperatorAction> {
    OperatorAction::parse(name).filter(|a| a.needs_confirm())
}

fn no_such_action() -> Response {
    error_page(StatusCode::NOT_FOUND, "Not found", "No such action.")
}

/// The page of an action that cannot work on the customer now: the
/// shared reason, before anything is asked or done.
pub fn not_now(a: OperatorAction, id: &str, why: &str) -> Response {
    error_page(
        StatusCode::CONFLICT,
        "Not possible now",
        &format!("{} on {id}: {why}.", a.label()),
    )
}

/// The confirmation step.
pub async fn confirm(
    State(st): State<Arc<AppState>>,
    d: Dash,
    Path((id, action)): Path<(String, String)>,
) -> Response {
    let Some(a) = confirmable(&action) else {
        return no_such_action();
    };
    if hub_proto::validate_customer_id(&id).is_err() {
        return error_page(StatusCode::NOT_FOUND, "Not found", "No such customer.");
    }
    if let Some(why) = views::refusal(&st, &id, a) {
        return not_now(a, &id, why);
    }
    html(ConfirmPage {
        chrome: Chrome::new(&d, a.label()),
        question: a.question(&id, None),
        form_action: format!("/customers/{}/{}", urlencode(&id), a.name()),
        id,
        heading: a.label(),
        danger: a.danger(),
        ask_version: a == OperatorAction::Update,
    })
}

#[derive(Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: String,
    /// Given again before a secret is replaced.
    #[serde(default)]
    password: Option<String>,
}

/// `Confirm`: runs the action and goes back to the customer with its
/// result; the actions that create credentials show them once instead.
pub async fn act(
    State(st): State<Arc<AppState>>,
    d: Dash,
    Path((id, action)): Path<(String, String)>,
    Form(f): Form<ActionForm>,
) -> Response {
    if let Some(r) = refuse_form(&d, &f.csrf) {
        return r;
    }
    let Some(a) = confirmable(&action) else {
        return no_such_action();
    };
    if let Some(why) = views::refusal(&st, &id, a) {
        return not_now(a, &id, why);
    }
    let back = format!("/customers/{}", urlencode(&id));
    if a == OperatorAction::RotatePassword {
        let here = format!("/customers/{}/{}", urlencode(&id), a.name());
        let asked = require_fresh(
            &st,
            &d,
            f.password.as_deref(),
            here,
            Vec::new(),
            back.clone(),
        )
        .await;
        if let Some(r) = asked {
            return r;
        }
    }
    let version = match f.version.trim() {
        "" => "latest".to_owned(),
        v => v.to_owned(),
    };
    let result: Result<(), ServiceError> = match a {
        OperatorAction::Block => svc::set_blocked(&st, &d.actor(), &id, true).await,
        OperatorAction::Unblock => svc::set_blocked(&st, &d.actor(), &id, false).await,
        OperatorAction::Push => svc::push(&st, &d.actor(), &id).await,
        OperatorAction::Pull => svc::pull(&st, &d.actor(), &id).await.map(drop),
        OperatorAction::Update => {
            let req = UpdateRequest {
                version: version.clone(),
            };
            svc::trigger_update(&st, &d.actor(), &id, req).await
        }
        OperatorAction::Delete => match svc::delete(&st, &d.actor(), &id).await {
            Ok(()) => {
                let done = format!("ok:{}", a.done(&id, None));
                return flash_and_go(&st, &d, done, "/configs").await;
            }
            Err(e) => Err(e),
        },
        OperatorAction::RotatePassword => {
            match svc::rotate(&st, &d.actor(), &id, CredentialKind::RetrievalPassword).await {
                Ok(creds) => return show_once(&st, &d, creds, back),
                Err(e) => Err(e),
            }
        }
        OperatorAction::Adopt => match svc::adopt(&st, &d.actor(), &id).await {
            Ok(creds) => {
                return show_once(&st, &d, creds, format!("/configs/{}/edit", urlencode(&id)));
            }
            Err(e) => Err(e),
        },
        OperatorAction::Diff => return no_such_action(),
    };
    let message = match result {
        Ok(()) => format!("ok:{}", a.done(&id, Some(&version))),
        Err(ServiceError::Store(e)) => {
            tracing::error!(error = %e, action = a.name(), "dashboard action failed");
            "error:The hub failed; the cause is in its log.".to_owned()
        }
        Err(e) => format!("error:{} failed: {e}", a.label()),
    };
    flash_and_go(&st, &d, message, &back).await
}
