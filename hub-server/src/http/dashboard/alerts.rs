//! Incidents and maintenance windows in the dashboard: `/incidents` (live,
//! with the fleet-wide window form and the list of windows), the section
//! of a customer's page (its reason, windows, open incidents and a form
//! for a window), and the two POSTs (`/maintenance`,
//! `/maintenance/{id}/end`), audited as `dashboard`. The words of each
//! incident and window come from `hub_proto::alerts`, as in `hubctl`.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use hub_proto::ValidationError;
use hub_proto::admin::CustomerView;
use hub_proto::alerts::{
    Incident, MaintenanceWindow, NewMaintenance, WindowKind, parse_duration_secs,
};
use serde::Deserialize;

use super::render::{Chrome, flash_and_go, html, refuse_form, service_error};
use super::{Dash, urlencode};
use crate::service::{ServiceError, alerts as svc};
use crate::state::AppState;

/// One incident as a table row.
#[derive(Debug, PartialEq)]
pub struct IncidentRow {
    pub id: i64,
    /// Empty for the fleet incident.
    pub customer: String,
    pub family: &'static str,
    pub opened: String,
    pub state: String,
    /// `open`, `held`, `resolving`, `resolved`: the row's colour.
    pub class: &'static str,
    pub told: &'static str,
    pub reminders: String,
    pub message: String,
}

impl IncidentRow {
    pub fn new(i: &Incident) -> IncidentRow {
        let state = i.state_word();
        IncidentRow {
            id: i.id,
            customer: i.customer_id.clone().unwrap_or_default(),
            family: i.family.as_str(),
            opened: i.opened_at.strftime("%Y-%m-%d %H:%M UTC").to_string(),
            class: match state.split(':').next().unwrap_or_default() {
                "held" => "held",
                "resolving" => "resolving",
                "resolved" => "resolved",
                _ => "open",
            },
            state,
            told: i.told_word(),
            reminders: i.reminders_word(),
            message: i.message.clone(),
        }
    }
}

/// One window with its End button.
#[derive(Debug, PartialEq)]
pub struct WindowRow {
    pub id: i64,
    pub line: String,
    pub active: bool,
}

impl WindowRow {
    pub fn new(w: &MaintenanceWindow) -> WindowRow {
        WindowRow {
            id: w.id,
            line: w.describe(),
            active: w.active_until.is_some(),
        }
    }
}

/// The alerting part of a customer's page.
#[derive(Debug, PartialEq)]
pub struct AlertsSection {
    pub reason: String,
    pub windows: Vec<WindowRow>,
    pub incidents: Vec<IncidentRow>,
}

impl AlertsSection {
    pub fn new(v: &CustomerView) -> AlertsSection {
        AlertsSection {
            reason: v.reason.clone().unwrap_or_default(),
            windows: v.maintenance.iter().map(WindowRow::new).collect(),
            incidents: v.incidents.iter().map(IncidentRow::new).collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "ui/incidents.html")]
struct IncidentsPage {
    chrome: Chrome,
    rows: Vec<IncidentRow>,
    windows: Vec<WindowRow>,
    all: bool,
    customer: String,
    stream_id: u64,
    /// Seconds between the stream's pings (the script's silence limit).
    keepalive: u64,
}

#[derive(Deserialize)]
pub struct IncidentsQuery {
    #[serde(default)]
    all: Option<String>,
    #[serde(default)]
    customer: Option<String>,
}

/// `/incidents`: open ones (`?all=1`: resolved ones too), newest first.
pub async fn page(
    State(st): State<Arc<AppState>>,
    d: Dash,
    Query(q): Query<IncidentsQuery>,
) -> Response {
    let all = q.all.is_some_and(|a| a == "1");
    let customer = q.customer.filter(|c| !c.is_empty());
    let list = match svc::incidents(&st, !all, customer.clone(), None, 500).await {
        Ok(l) => l,
        Err(e) => return service_error(e),
    };
    let windows = svc::maintenance(&st, customer.as_deref());
    html(IncidentsPage {
        chrome: Chrome::new(&d, "Incidents"),
        rows: list.incidents.iter().map(IncidentRow::new).collect(),
        windows: windows.windows.iter().map(WindowRow::new).collect(),
        all,
        customer: customer.unwrap_or_default(),
        stream_id: st.live().last_id(),
        keepalive: st.stream_keepalive.as_secs().max(1),
    })
}

/// The window forms: the customer's page (for it) and `/incidents`
/// (fleet-wide, or `--daily`-like recurring ones).
#[derive(Deserialize)]
pub struct WindowForm {
    #[serde(default)]
    csrf: String,
    /// Empty: the whole fleet.
    #[serde(default)]
    customer: String,
    /// `once` (from now, for `duration`), `daily` or `weekly`.
    #[serde(default)]
    kind: String,
    #[serde(default)]
    duration: String,
    #[serde(default)]
    start_time: String,
    /// "sun,wed".
    #[serde(default)]
    weekdays: String,
    #[serde(default)]
    reason: String,
}

impl WindowForm {
    /// The window the form asks for; the hub's checks follow in the
    /// service.
    fn window(&self) -> Result<NewMaintenance, ServiceError> {
        let secs = parse_duration_secs(&self.duration)?;
        let kind = match self.kind.as_str() {
            "" | "once" => WindowKind::Once,
            "daily" => WindowKind::Daily,
            "weekly" => WindowKind::Weekly,
            _ => {
                return Err(ValidationError::new("kind", "must be once, daily or weekly").into());
            }
        };
        let recurring = kind != WindowKind::Once;
        Ok(NewMaintenance {
            customer_id: Some(self.customer.trim().to_owned()).filter(|c| !c.is_empty()),
            kind,
            starts_at: None,
            ends_at: None,
            start_time: recurring.then(|| self.start_time.trim().to_owned()),
            duration_s: Some(secs),
            weekdays: if kind == WindowKind::Weekly {
                self.weekdays
                    .split(',')
                    .map(|d| d.trim().to_lowercase())
                    .filter(|d| !d.is_empty())
                    .collect()
            } else {
                Vec::new()
            },
            timezone: String::new(),
            reason: self.reason.clone(),
        })
    }
}

/// Back to the customer's page the form was on, else `/incidents`.
fn back_to(customer: &str) -> String {
    match customer.trim() {
        id if !id.is_empty() && hub_proto::validate_customer_id(id).is_ok() => {
            format!("/customers/{}", urlencode(id))
        }
        _ => "/incidents".into(),
    }
}

/// `POST /maintenance`.
pub async fn add(State(st): State<Arc<AppState>>, d: Dash, Form(f): Form<WindowForm>) -> Response {
    if let Some(r) = refuse_form(&d, &f.csrf) {
        return r;
    }
    let back = back_to(&f.customer);
    let result = match f.window() {
        Ok(w) => svc::add_maintenance(&st, &d.actor(), w).await,
        Err(e) => Err(e),
    };
    let message = match result {
        Ok(w) => format!("ok:Maintenance window added: {}", w.describe()),
        Err(e) => said(e),
    };
    flash_and_go(&st, &d, message, &back).await
}

#[derive(Deserialize)]
pub struct EndForm {
    #[serde(default)]
    csrf: String,
    /// Where to go back to: a customer's page, else `/incidents`.
    #[serde(default)]
    customer: String,
}

/// `POST /maintenance/{id}/end`.
pub async fn end(
    State(st): State<Arc<AppState>>,
    d: Dash,
    Path(window): Path<String>,
    Form(f): Form<EndForm>,
) -> Response {
    if let Some(r) = refuse_form(&d, &f.csrf) {
        return r;
    }
    let back = back_to(&f.customer);
    let result = match window.parse::<i64>() {
        Ok(n) => svc::end_maintenance(&st, &d.actor(), n).await.map(|()| n),
        Err(_) => Err(ServiceError::NotFound("no such window".into())),
    };
    let message = match result {
        Ok(n) => format!("ok:Maintenance window #{n} ended."),
        Err(e) => said(e),
    };
    flash_and_go(&st, &d, message, &back).await
}

/// The flash of a failed form: the hub's sentence, never internals.
fn said(e: ServiceError) -> String {
    match e {
        ServiceError::Store(e) => {
            tracing::error!(error = %e, "dashboard: maintenance failed");
            "error:The hub failed; the cause is in its log.".into()
        }
        e => format!("error:{e}"),
    }
}
