//! `/customers/{id}`: one customer. The page adapts to managed or manual,
//! reporting or waiting, blocked; `Reveal` shows its credentials (audited,
//! never cached).

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use hub_proto::actions::OperatorAction;
use hub_proto::admin::{CustomerView, EventRecord, NotificationRecord};
use hub_proto::rules::outcome_word;
use hub_proto::{CustomerSummary, HistoryPeriod, Report, Severity, short_age};
use jiff::Timestamp;
use serde::Deserialize;

use super::charts::{self, Chart, Point};
use super::render::{Chrome, ReauthForm, html, refuse_form, require_fresh};
use super::{Dash, service_error};
use crate::service::customers as svc;
use crate::service::{ServiceError, views};
use crate::state::AppState;

/// A percentage as a bar: `step` is the width class (`w0` … `w100` in
/// steps of 5), `high` from 90%.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gauge {
    pub pct: u32,
    pub step: u32,
    pub high: bool,
}

impl Gauge {
    pub fn of(pct: f64) -> Gauge {
        let pct = pct.clamp(0.0, 100.0);
        Gauge {
            pct: pct.round() as u32,
            step: (pct / 5.0).round() as u32 * 5,
            high: pct >= 90.0,
        }
    }
}

/// A link to an action: its confirmation (or, for the diff, its page).
#[derive(Debug, Clone, PartialEq)]
pub struct ActionLink {
    pub href: String,
    pub label: &'static str,
    pub class: &'static str,
    /// Why it cannot work now: the button is greyed with this reason.
    pub why: Option<&'static str>,
}

impl ActionLink {
    /// The link to `a` for customer `s`, greyed when it cannot work.
    pub fn of<S: AsRef<str>>(a: OperatorAction, s: &CustomerSummary<S>) -> ActionLink {
        let id = s.customer_id.as_ref();
        ActionLink {
            why: a.refusal(s),
            href: if a.needs_confirm() {
                format!("/customers/{id}/confirm/{}", a.name())
            } else {
                format!("/customers/{id}/{}", a.name())
            },
            label: a.label(),
            class: if a.danger() {
                "button danger"
            } else if a == OperatorAction::Adopt {
                "button primary"
            } else {
                "button"
            },
        }
    }
}

/// The customer's facts as the page shows them.
#[derive(Debug, PartialEq)]
pub struct CustomerInfo {
    pub id: String,
    pub name: String,
    pub domain: String,
    pub email: String,
    pub tokens: String,
    pub status: &'static str,
    pub blocked: bool,
    pub managed: bool,
    pub reported: bool,
    pub health: &'static str,
    pub version: String,
    pub update_available: bool,
    pub last_report: String,
    pub host: String,
    pub cpu: Option<Gauge>,
    pub memory: Option<(Gauge, String)>,
    pub uptime: String,
    pub backup: String,
    pub dbdump: String,
    /// What the page says about drift (nothing while in sync).
    pub drift: &'static str,
    pub drifted: bool,
}

#[derive(Debug, PartialEq)]
pub struct Disk {
    pub mount: String,
    pub label: String,
    pub used: String,
    pub gauge: Option<Gauge>,
    pub smart: &'static str,
}

#[derive(Debug, PartialEq)]
pub struct ContainerRow {
    pub name: String,
    pub image: String,
    pub state: String,
    pub health: String,
    pub restarts: u64,
}

#[derive(Debug, PartialEq)]
pub struct EventRow {
    pub id: i64,
    pub customer: String,
    pub at: String,
    pub severity: String,
    pub class: &'static str,
    pub kind: String,
    pub message: String,
}

/// An event as the customer page and `/events` show it.
impl EventRow {
    pub fn of(e: &EventRecord) -> EventRow {
        EventRow {
            id: e.id,
            customer: e.customer_id.clone(),
            at: e.occurred_at.strftime("%Y-%m-%d %H:%M").to_string(),
            severity: e.severity.clone(),
            class: match e.severity.as_str() {
                "error" => "down",
                "warning" => "warn",
                _ => "ok",
            },
            kind: e.event_type.clone(),
            message: e.message.clone(),
        }
    }
}

#[derive(Debug, PartialEq)]
pub struct NoteRow {
    pub customer: String,
    pub at: String,
    pub channel: String,
    pub kind: String,
    pub outcome: String,
    pub detail: String,
}

/// A notification-log line as the customer page and `/notifications`
/// show it: the recipient when sent, else why not.
impl NoteRow {
    pub fn of(n: &NotificationRecord) -> NoteRow {
        NoteRow {
            customer: n.customer_id.clone().unwrap_or_default(),
            at: n.created_at.strftime("%Y-%m-%d %H:%M").to_string(),
            channel: n.channel.clone(),
            kind: n.event_type.clone(),
            outcome: n.outcome.clone(),
            detail: if n.outcome == "sent" {
                n.recipient.clone()
            } else {
                n.reason.clone()
            },
        }
    }
}

/// Everything on the page that comes from the customer's view.
#[derive(Debug, PartialEq)]
pub struct CustomerData {
    pub c: CustomerInfo,
    /// The action buttons at the top (those that apply to it; greyed
    /// with the reason when they cannot work now).
    pub actions: Vec<ActionLink>,
    /// The reasons of the greyed ones: (labels, why), one line per reason.
    pub greyed: Vec<(String, &'static str)>,
    pub rotate: ActionLink,
    pub storage: Vec<Disk>,
    pub containers: Vec<ContainerRow>,
    pub events: Vec<EventRow>,
    pub notifications: Vec<NoteRow>,
}

#[derive(Deserialize, Default)]
pub struct CustomerQuery {
    period: Option<String>,
    severity: Option<String>,
}

/// `1.5 GB of 4.0 GB`.
fn usage(used: u64, total: u64) -> String {
    let gb = |b: u64| b as f64 / 1e9;
    format!("{:.1} GB of {:.1} GB", gb(used), gb(total))
}

fn when(t: Option<Timestamp>, now: Timestamp) -> String {
    match t {
        Some(t) => format!(
            "{} ({} ago)",
            t.strftime("%Y-%m-%d %H:%M UTC"),
            short_age(Some(now.duration_since(t).as_secs()))
        ),
        None => "never".into(),
    }
}

/// The page's data from the customer's view at `now`, events at least
/// `min_severity` (0 all, 1 warnings, 2 errors).
pub fn customer_data(view: &CustomerView, now: Timestamp, min_severity: u8) -> CustomerData {
    let s = &view.customer.summary;
    let report: Option<Report> = view
        .customer
        .latest_report
        .as_ref()
        .and_then(|r| serde_json::from_str(r.get()).ok());
    let cfg = view.config.as_ref();
    let sys = report
        .as_ref()
        .and_then(|r| r.system.clone())
        .unwrap_or_default();
    let backup = report
        .as_ref()
        .and_then(|r| r.backup.clone())
        .unwrap_or_default();
    let c = CustomerInfo {
        id: s.customer_id.clone(),
        name: cfg.map(|c| c.display_name.clone()).unwrap_or_default(),
        domain: cfg.map(|c| c.domain.clone()).unwrap_or_default(),
        email: cfg.map(|c| c.contact_email.clone()).unwrap_or_default(),
        tokens: cfg
            .map(|c| c.tokens.keys().cloned().collect::<Vec<_>>().join(", "))
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "-".into()),
        status: s.status.as_str(),
        drift: view.drift.and_then(|d| d.note()).unwrap_or(""),
        drifted: view.drift == Some(hub_proto::admin::DriftState::Drifted),
        blocked: s.blocked,
        managed: s.managed,
        reported: s.last_report_at.is_some(),
        health: s.health.map(|h| h.as_str()).unwrap_or("-"),
        version: s.controller_version.clone().unwrap_or_else(|| "-".into()),
        update_available: s.update_available,
        last_report: when(s.last_received_at, now),
        host: format!(
            "{} · {} · kernel {}",
            sys.hostname.as_deref().unwrap_or("-"),
            sys.os.as_deref().unwrap_or("-"),
            sys.kernel.as_deref().unwrap_or("-")
        ),
        cpu: sys.cpu_percent.map(Gauge::of),
        memory: sys.memory_percent().and_then(|pct| {
            Some((
                Gauge::of(pct),
                usage(sys.memory_used_bytes?, sys.memory_total_bytes?),
            ))
        }),
        uptime: sys.uptime_load_temperature(),
        backup: format!(
            "{} · {}",
            when(backup.last_backup_at, now),
            outcome_word(backup.last_backup_ok)
        ),
        dbdump: format!(
            "{} · {}",
            when(backup.last_dbdump_at, now),
            outcome_word(backup.last_dbdump_ok)
        ),
    };
    let storage = report
        .as_ref()
        .map(|r| {
            r.storage
                .iter()
                .map(|d| Disk {
                    mount: d.mount_point.clone(),
                    label: d.label.clone().unwrap_or_default(),
                    used: usage(d.used_bytes, d.total_bytes),
                    gauge: d.used_percent().map(Gauge::of),
                    smart: match d.smart_ok {
                        Some(true) => "ok",
                        Some(false) => "FAILING",
                        None => "-",
                    },
                })
                .collect()
        })
        .unwrap_or_default();
    let containers = report
        .as_ref()
        .map(|r| {
            r.containers
                .iter()
                .map(|k| ContainerRow {
                    name: k.name.clone(),
                    image: k.image.clone().unwrap_or_default(),
                    state: k.state.clone().unwrap_or_default(),
                    health: k.health.clone().unwrap_or_default(),
                    restarts: k.restart_count,
                })
                .collect()
        })
        .unwrap_or_default();
    let events = view
        .recent_events
        .iter()
        .filter(|e| Severity::rank(&e.severity) >= min_severity)
        .map(EventRow::of)
        .collect();
    let notifications = view.notifications.iter().map(NoteRow::of).collect();
    // Unblock sits in the blocked banner, rotation with the credentials.
    let actions: Vec<ActionLink> = OperatorAction::ALL
        .into_iter()
        .filter(|a| {
            a.applies_to(s)
                && !matches!(a, OperatorAction::Unblock | OperatorAction::RotatePassword)
        })
        .map(|a| ActionLink::of(a, s))
        .collect();
    let mut greyed: Vec<(String, &'static str)> = Vec::new();
    for a in &actions {
        let Some(why) = a.why else { continue };
        match greyed.iter_mut().find(|(_, w)| *w == why) {
            Some((labels, _)) => {
                labels.push_str(", ");
                labels.push_str(a.label);
            }
            None => greyed.push((a.label.to_owned(), why)),
        }
    }
    CustomerData {
        actions,
        greyed,
        rotate: ActionLink::of(OperatorAction::RotatePassword, s),
        c,
        storage,
        containers,
        events,
        notifications,
    }
}

#[derive(Template)]
#[template(path = "ui/customer.html")]
struct CustomerPage {
    chrome: Chrome,
    d: CustomerData,
    periods: Vec<(&'static str, bool)>,
    period: &'static str,
    severity: &'static str,
    chart: Option<Chart>,
    public_url: String,
    yaml: String,
    latest: String,
    alerts: super::alerts::AlertsSection,
    /// `status_page.ttl` when the pages are on.
    status_ttl: Option<String>,
    status_ttls: [&'static str; 4],
}

async fn customer_page(
    st: &Arc<AppState>,
    dash: &Dash,
    id: &str,
    q: &CustomerQuery,
) -> Result<Response, ServiceError> {
    let view = views::customer_view(st, id).await?;
    let period = q
        .period
        .as_deref()
        .and_then(HistoryPeriod::parse)
        .unwrap_or(HistoryPeriod::Day);
    let (severity, min) = match q.severity.as_deref() {
        Some("warning") => ("warning", 1),
        Some("error") => ("error", 2),
        _ => ("", 0),
    };
    let now = st.clock.now();
    let d = customer_data(&view, now, min);
    let alerts = super::alerts::AlertsSection::new(&view);
    let chart = if d.c.reported {
        let from = now
            .checked_sub(jiff::SignedDuration::from_secs(
                period.duration().as_secs() as i64
            ))
            .unwrap_or(now);
        let sample = views::history_sample(st, id, from, charts::MAX_POINTS).await?;
        let points: Vec<Point> = sample
            .iter()
            .filter_map(|e| Point::from_json(e.received_at, e.report.get()))
            .collect();
        Some(Chart::new(&points, from, now, period.as_str()))
    } else {
        None
    };
    let yaml = if d.c.managed {
        svc::redacted_yaml(st, id).await?
    } else {
        String::new()
    };
    let page = CustomerPage {
        chrome: Chrome::new(dash, d.c.id.clone()),
        d,
        periods: ["24h", "7d", "30d", "90d"]
            .into_iter()
            .map(|p| (p, p == period.as_str()))
            .collect(),
        period: period.as_str(),
        severity,
        chart,
        public_url: st.config.server.public_url.trim_end_matches('/').to_owned(),
        yaml,
        latest: st.latest_version().unwrap_or_else(|| "unknown".into()),
        alerts,
        status_ttl: (st.config.status_page.enabled).then(|| st.config.status_page.ttl.to_string()),
        status_ttls: super::status_link::TTLS,
    };
    Ok(html(page))
}

/// `/customers/{id}`.
pub async fn page(
    State(st): State<Arc<AppState>>,
    d: Dash,
    Path(id): Path<String>,
    Query(q): Query<CustomerQuery>,
) -> Response {
    customer_page(&st, &d, &id, &q)
        .await
        .unwrap_or_else(service_error)
}

/// `Reveal`: the credentials on the page, audited, not cached; the
/// password first when it was last given more than 5 minutes ago.
pub async fn reveal(
    State(st): State<Arc<AppState>>,
    d: Dash,
    Path(id): Path<String>,
    Form(f): Form<ReauthForm>,
) -> Response {
    if let Some(r) = refuse_form(&d, &f.csrf) {
        return r;
    }
    let here = format!("/customers/{id}/reveal");
    let back = format!("/customers/{id}");
    if let Some(r) = require_fresh(&st, &d, f.password.as_deref(), here, Vec::new(), back).await {
        return r;
    }
    let creds = match svc::credentials(&st, &d.actor(), &id).await {
        Ok(c) => c,
        Err(e) => return service_error(e),
    };
    super::actions::show_once(&st, &d, creds, format!("/customers/{id}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use hub_proto::{CustomerDetail, CustomerStatus, CustomerSummary};

    fn view(managed: bool, report: &str) -> CustomerView {
        CustomerView {
            customer: CustomerDetail {
                summary: CustomerSummary {
                    customer_id: "kovacs".into(),
                    status: CustomerStatus::Ok,
                    health: None,
                    last_report_at: Some("2026-11-27T09:45:00Z".parse().unwrap()),
                    last_received_at: Some("2026-11-27T09:45:00Z".parse().unwrap()),
                    controller_version: Some("1.8.2".into()),
                    hostname: None,
                    controller_url: None,
                    monitoring_disabled: false,
                    blocked: false,
                    managed,
                    update_available: false,
                },
                latest_report: Some(
                    serde_json::value::RawValue::from_string(report.into()).unwrap(),
                ),
            },
            config: None,
            recent_events: ["info", "warning", "error"]
                .into_iter()
                .enumerate()
                .map(|(i, s)| EventRecord {
                    id: i as i64,
                    customer_id: "kovacs".into(),
                    event_type: "disk_space_warning".into(),
                    severity: s.into(),
                    message: format!("{s} <b>"),
                    details: None,
                    occurred_at: "2026-11-27T09:00:00Z".parse().unwrap(),
                    received_at: "2026-11-27T09:00:00Z".parse().unwrap(),
                    source: "controller".into(),
                })
                .collect(),
            notifications: Vec::new(),
            reason: None,
            incidents: Vec::new(),
            maintenance: Vec::new(),
            drift: None,
        }
    }

    #[test]
    fn the_page_data_follows_the_report_and_the_customer() {
        let report = r#"{"customer_id":"kovacs","timestamp":"2026-11-27T09:45:00Z","health":"ok",
            "system":{"cpu_percent":93.4,"memory_used_bytes":2000000000,"memory_total_bytes":8000000000},
            "storage":[{"mount_point":"/","total_bytes":0,"used_bytes":0},
                       {"mount_point":"/data","total_bytes":100,"used_bytes":51}]}"#;
        let now = "2026-11-27T10:00:00Z".parse().unwrap();
        let d = customer_data(&view(true, report), now, 1);
        assert_eq!(
            d.c.cpu,
            Some(Gauge {
                pct: 93,
                step: 95,
                high: true
            })
        );
        let (mem, text) = d.c.memory.clone().unwrap();
        assert_eq!((mem.pct, text.as_str()), (25, "2.0 GB of 8.0 GB"));
        assert_eq!(d.storage[0].gauge, None, "a disk without a size");
        assert_eq!(d.storage[1].gauge.unwrap().pct, 51);
        assert_eq!(d.events.len(), 2, "warnings and errors only");
        assert_eq!(
            d.events[0].message, "warning <b>",
            "escaped by the template"
        );
        let labels: Vec<&str> = d.actions.iter().map(|a| a.label).collect();
        assert_eq!(
            labels,
            [
                "Block",
                "Push Config",
                "Pull Config",
                "Show Diff",
                "Trigger Update",
                "Delete"
            ]
        );
        assert_eq!(d.actions[3].href, "/customers/kovacs/diff");
        let manual = customer_data(&view(false, report), now, 0);
        let labels: Vec<&str> = manual.actions.iter().map(|a| a.label).collect();
        assert_eq!(labels, ["Block", "Create Config"]);
    }
}
