//! The fleet's logs as pages: `/events`, `/notifications` and `/audit`,
//! with the filters of `hubctl events`, `hubctl notifications` and
//! `hubctl audit` (the same query parser and the same service reads as
//! the admin API), newest first, and an "Older" link where there is more.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use hub_proto::EventType;

use super::customer::{EventRow, NoteRow};
use super::render::{Chrome, html, service_error};
use super::{Dash, urlencode};
use crate::service::query::{self, Params};
use crate::service::views;
use crate::state::AppState;

/// The query string of the filters as given, for the "Older" link.
fn keep(q: &Params, skip: &str) -> String {
    let mut pairs: Vec<(&String, &String)> = q
        .iter()
        .filter(|(k, v)| k.as_str() != skip && !v.is_empty())
        .collect();
    pairs.sort();
    pairs
        .into_iter()
        .map(|(k, v)| format!("{}={}&", urlencode(k), urlencode(v)))
        .collect()
}

fn value(q: &Params, key: &str) -> String {
    q.get(key).cloned().unwrap_or_default()
}

#[derive(Template)]
#[template(path = "ui/events.html")]
struct EventsPage {
    chrome: Chrome,
    rows: Vec<EventRow>,
    customer: String,
    severity: String,
    kind: String,
    since: String,
    until: String,
    limit: String,
    types: Vec<&'static str>,
    /// `?…&cursor=N` for the next page, when there is one.
    older: Option<String>,
}

/// `/events`: the fleet's events (`hubctl events`).
pub async fn events(State(st): State<Arc<AppState>>, d: Dash, Query(q): Query<Params>) -> Response {
    let page = match query::events(&q) {
        Ok(filter) => views::events(&st, filter).await,
        Err(e) => Err(e),
    };
    let page = match page {
        Ok(p) => p,
        Err(e) => return service_error(e),
    };
    html(EventsPage {
        chrome: Chrome::new(&d, "Events"),
        rows: page.items.iter().map(EventRow::of).collect(),
        customer: value(&q, "customer"),
        severity: value(&q, "severity"),
        kind: value(&q, "type"),
        since: value(&q, "since"),
        until: value(&q, "until"),
        limit: value(&q, "limit"),
        types: EventType::ALL.iter().map(|t| t.as_str()).collect(),
        older: page
            .next_cursor
            .map(|c| format!("?{}cursor={c}", keep(&q, "cursor"))),
    })
}

#[derive(Template)]
#[template(path = "ui/notifications.html")]
struct NotificationsPage {
    chrome: Chrome,
    rows: Vec<NoteRow>,
    customer: String,
    limit: String,
}

/// `/notifications`: what was sent, skipped or failed, and why
/// (`hubctl notifications`).
pub async fn notifications(
    State(st): State<Arc<AppState>>,
    d: Dash,
    Query(q): Query<Params>,
) -> Response {
    let rows = match query::limit(&q) {
        Ok(limit) => views::notifications(&st, query::customer(&q), limit).await,
        Err(e) => Err(e),
    };
    match rows {
        Ok(rows) => html(NotificationsPage {
            chrome: Chrome::new(&d, "Notifications"),
            rows: rows.iter().map(NoteRow::of).collect(),
            customer: value(&q, "customer"),
            limit: value(&q, "limit"),
        }),
        Err(e) => service_error(e),
    }
}

/// One audit-log line.
struct AuditRow {
    at: String,
    actor: String,
    action: String,
    customer: String,
    outcome: String,
    details: String,
}

#[derive(Template)]
#[template(path = "ui/audit.html")]
struct AuditPage {
    chrome: Chrome,
    rows: Vec<AuditRow>,
    customer: String,
    limit: String,
    older: Option<String>,
}

/// `/audit`: who did what (`hubctl audit`).
pub async fn audit(State(st): State<Arc<AppState>>, d: Dash, Query(q): Query<Params>) -> Response {
    let page = match (query::cursor(&q), query::limit(&q)) {
        (Ok(cursor), Ok(limit)) => views::audit(&st, query::customer(&q), cursor, limit).await,
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    let page = match page {
        Ok(p) => p,
        Err(e) => return service_error(e),
    };
    html(AuditPage {
        chrome: Chrome::new(&d, "Audit log"),
        rows: page
            .items
            .iter()
            .map(|a| AuditRow {
                at: a.at.strftime("%Y-%m-%d %H:%M:%S").to_string(),
                actor: a.actor.clone(),
                action: a.action.clone(),
                customer: a.customer_id.clone().unwrap_or_default(),
                outcome: a.outcome.clone(),
                details: match &a.details {
                    serde_json::Value::Object(m) if m.is_empty() => String::new(),
                    serde_json::Value::Null => String::new(),
                    v => v.to_string(),
                },
            })
            .collect(),
        customer: value(&q, "customer"),
        limit: value(&q, "limit"),
        older: page
            .next_cursor
            .map(|c| format!("?{}cursor={c}", keep(&q, "cursor"))),
    })
}
