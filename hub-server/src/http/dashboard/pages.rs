//! The dashboard's pages and actions. Handlers read through the service's
//! views and act through the customer service; templates escape whatever
//! came from reports and events.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use hub_proto::admin::{CredentialKind, Credentials, CustomerConfig, REDACTED, UpdateRequest};
use hub_proto::{CustomerStatus, HistoryPeriod, Report, Severity, short_age};
use serde::Deserialize;

use super::charts::{self, Point};
use super::{
    ACTOR, Dash, error_page, esc, expired_cookie, safe_next, service_error, session_cookie,
    urlencode,
};
use crate::http::extract::ClientAddr;
use crate::service::ServiceError;
use crate::service::customers as svc;
use crate::service::session as auth;
use crate::service::views;
use crate::state::AppState;

type St = State<Arc<AppState>>;

/// The parts of every page: title, form token, the flash and the open
/// (no password) warning.
pub struct Chrome {
    pub title: String,
    pub csrf: String,
    pub flash: Option<String>,
    pub flash_kind: &'static str,
    pub open: bool,
}

fn chrome(d: &Dash, title: impl Into<String>) -> Chrome {
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

fn html<T: Template>(page: T) -> Response {
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
fn no_store(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// The refusal of a form without the session's token.
fn refuse_form(d: &Dash, csrf: &str) -> Option<Response> {
    if auth::form_token_ok(&d.session, csrf) {
        None
    } else {
        Some(error_page(
            StatusCode::FORBIDDEN,
            "Refused",
            "The form is out of date or came from elsewhere; nothing was changed. Reload the page and try again.",
        ))
    }
}

async fn flash_and_go(st: &AppState, d: &Dash, message: String, to: &str) -> Response {
    if let Err(e) = auth::flash(st, &d.token, message).await {
        return service_error(e);
    }
    Redirect::to(to).into_response()
}

// --- login -------------------------------------------------------------------

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

pub async fn login_form(Query(q): Query<NextQuery>) -> Response {
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

pub async fn login(State(st): St, client: ClientAddr, Form(f): Form<LoginForm>) -> Response {
    let next = safe_next(&f.next).to_owned();
    match auth::login(&st, &f.password, client.0).await {
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

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(State(st): St, d: Dash, Form(f): Form<CsrfForm>) -> Response {
    if let Some(r) = refuse_form(&d, &f.csrf) {
        return r;
    }
    if let Err(e) = auth::logout(&st, &d.token).await {
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

// --- fleet and customers ---------------------------------------------------------

#[derive(Template)]
#[template(path = "ui/fleet.html")]
struct FleetPage {
    chrome: Chrome,
    counts: Vec<(&'static str, usize)>,
    latest: Option<String>,
    /// The rows, already escaped: built in one pass from the live model.
    rows: String,
    /// The stream message the rows reflect; the script resumes after it.
    stream_id: u64,
}

/// `/`: the fleet without blocked customers, live.
pub async fn fleet(State(st): St, d: Dash) -> Response {
    let view = st.status_view();
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    let (rows, stream_id) = st.live().read(|rows, stream_id| {
        // Problems first: down, warn, pending, disabled, ok; by id within.
        let mut listed: Vec<_> = rows
            .filter_map(|r| {
                let status = r.status(&view);
                *counts.entry(status.as_str()).or_default() += 1;
                (status != CustomerStatus::Blocked).then_some((status.urgency(), r))
            })
            .collect();
        listed.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.customer_id.cmp(&b.1.customer_id)));
        let mut out = String::with_capacity(listed.len() * 300);
        for (_, r) in listed {
            let e = r.entry(&view);
            let s = &e.summary;
            let status = s.status;
            let _ = write!(
                out,
                "<tr data-id=\"{id}\"><td><span class=\"badge b-{st}\">{ST}</span><td><a href=\"/customers/{href}\">{id}</a><td>{name}<td>{health}<td{age_attr}>{age}<td>{version}{up}<td>",
                id = esc(s.customer_id),
                href = esc(&urlencode(s.customer_id)),
                st = status.as_str(),
                ST = status.as_str().to_uppercase(),
                name = esc(e.display_name.unwrap_or("")),
                health = s.health.map(|h| h.as_str()).unwrap_or("-"),
                // The script counts ages up from here.
                age_attr = e
                    .last_report_age_secs
                    .map(|a| format!(" data-base=\"{a}\""))
                    .unwrap_or_default(),
                age = short_age(e.last_report_age_secs),
                version = esc(s.controller_version.unwrap_or("-")),
                up = if s.update_available { " ↑" } else { "" },
            );
            if e.errors_24h > 0 {
                let _ = write!(out, "<span class=\"count-e\">{} err</span> ", e.errors_24h);
            }
            if e.warnings_24h > 0 {
                let _ = write!(out, "<span class=\"count-w\">{} warn</span>", e.warnings_24h);
            }
            let _ = writeln!(out, "<td>{}", esc(s.hostname.unwrap_or("")));
        }
        (out, stream_id)
    });
    let order = ["down", "warn", "pending", "disabled", "ok", "blocked"];
    let counts = order
        .iter()
        .map(|s| (*s, counts.get(s).copied().unwrap_or(0)))
        .collect();
    html(FleetPage {
        chrome: chrome(&d, "Dashboard"),
        counts,
        latest: st.latest_version(),
        rows,
        stream_id,
    })
}

struct ConfigRow {
    id: String,
    name: String,
    status: &'static str,
    version: String,
    managed: bool,
    blocked: bool,
}

#[derive(Template)]
#[template(path = "ui/configs.html")]
struct ConfigsPage {
    chrome: Chrome,
    rows: Vec<ConfigRow>,
}

/// `/configs`: every customer, managed and manual.
pub async fn configs(State(st): St, d: Dash) -> Response {
    let view = st.status_view();
    let rows = st.live().read(|rows, _| {
        rows.map(|r| ConfigRow {
            id: r.customer_id.clone(),
            name: r.display_name.clone().unwrap_or_default(),
            status: r.status(&view).as_str(),
            version: r.controller_version.clone().unwrap_or_else(|| "-".into()),
            managed: r.managed(),
            blocked: r.blocked,
        })
        .collect()
    });
    html(ConfigsPage {
        chrome: chrome(&d, "Customers"),
        rows,
    })
}

// --- one customer ----------------------------------------------------------------

struct CustomerInfo {
    id: String,
    name: String,
    domain: String,
    email: String,
    tokens: String,
    status: &'static str,
    blocked: bool,
    managed: bool,
    reported: bool,
    health: String,
    version: String,
    update_available: bool,
    last_report: String,
    host: String,
    cpu: String,
    memory: String,
    uptime: String,
    backup: String,
    dbdump: String,
}

struct Disk {
    mount: String,
    label: String,
    used: String,
    gauge: String,
    smart: &'static str,
}

struct ContainerRow {
    name: String,
    image: String,
    state: String,
    health: String,
    restarts: u64,
}

struct EventRow {
    at: String,
    severity: String,
    class: &'static str,
    kind: String,
    message: String,
}

struct NoteRow {
    at: String,
    channel: String,
    kind: String,
    outcome: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "ui/customer.html")]
struct CustomerPage {
    chrome: Chrome,
    c: CustomerInfo,
    storage: Vec<Disk>,
    containers: Vec<ContainerRow>,
    events: Vec<EventRow>,
    notifications: Vec<NoteRow>,
    periods: Vec<(&'static str, bool)>,
    period: String,
    severity: String,
    chart: String,
    creds: Option<Credentials>,
    password_shown: String,
    public_url: String,
    yaml: String,
    latest: String,
}

#[derive(Deserialize, Default)]
pub struct CustomerQuery {
    period: Option<String>,
    severity: Option<String>,
}

fn gauge(pct: f64) -> String {
    let pct = pct.clamp(0.0, 100.0);
    format!(
        "<span class=\"gauge{}\"><span class=\"w{}\"></span></span> {pct:.0}%",
        if pct >= 90.0 { " high" } else { "" },
        (pct / 5.0).round() as u32 * 5
    )
}

fn usage(used: u64, total: u64) -> String {
    let gb = |b: u64| b as f64 / 1e9;
    format!("{:.1} GB of {:.1} GB", gb(used), gb(total))
}

fn when(t: Option<jiff::Timestamp>, now: jiff::Timestamp) -> String {
    match t {
        Some(t) => format!(
            "{} ({} ago)",
            t.strftime("%Y-%m-%d %H:%M UTC"),
            short_age(Some(now.duration_since(t).as_secs()))
        ),
        None => "never".into(),
    }
}

fn ok_word(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "ok",
        Some(false) => "FAILED",
        None => "-",
    }
}

async fn customer_page(
    st: &Arc<AppState>,
    d: &Dash,
    id: &str,
    q: &CustomerQuery,
    creds: Option<Credentials>,
) -> Result<Response, ServiceError> {
    let view = views::customer_view(st, id).await?;
    let period = q
        .period
        .as_deref()
        .and_then(HistoryPeriod::parse)
        .unwrap_or(HistoryPeriod::Day);
    let severity = match q.severity.as_deref() {
        Some(s @ ("warning" | "error")) => s.to_owned(),
        _ => String::new(),
    };
    let now = st.clock.now();
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
        blocked: s.blocked,
        managed: s.managed,
        reported: s.last_report_at.is_some(),
        health: s.health.map(|h| h.as_str()).unwrap_or("-").to_owned(),
        version: s.controller_version.clone().unwrap_or_else(|| "-".into()),
        update_available: s.update_available,
        last_report: when(s.last_received_at, now),
        host: format!(
            "{} · {} · kernel {}",
            sys.hostname.as_deref().unwrap_or("-"),
            sys.os.as_deref().unwrap_or("-"),
            sys.kernel.as_deref().unwrap_or("-")
        ),
        cpu: sys.cpu_percent.map(gauge).unwrap_or_else(|| "-".into()),
        memory: match (sys.memory_used_bytes, sys.memory_total_bytes) {
            (Some(u), Some(t)) if t > 0 => {
                format!(
                    "{} {}",
                    gauge(u as f64 * 100.0 / t as f64),
                    esc(&usage(u, t))
                )
            }
            _ => "-".into(),
        },
        uptime: format!(
            "{} · load {} · {}",
            sys.uptime_seconds
                .map(|u| short_age(Some(u as i64)))
                .unwrap_or_else(|| "-".into()),
            if sys.load_avg.is_empty() {
                "-".into()
            } else {
                sys.load_avg
                    .iter()
                    .map(|l| format!("{l:.2}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            },
            sys.temperature_c
                .map(|t| format!("{t:.0} °C"))
                .unwrap_or_else(|| "-".into())
        ),
        backup: format!(
            "{} · {}",
            when(backup.last_backup_at, now),
            ok_word(backup.last_backup_ok)
        ),
        dbdump: format!(
            "{} · {}",
            when(backup.last_dbdump_at, now),
            ok_word(backup.last_dbdump_ok)
        ),
    };
    let storage = report
        .as_ref()
        .map(|r| {
            r.storage
                .iter()
                .map(|d| {
                    let pct = if d.total_bytes > 0 {
                        d.used_bytes as f64 * 100.0 / d.total_bytes as f64
                    } else {
                        0.0
                    };
                    Disk {
                        mount: d.mount_point.clone(),
                        label: d.label.clone().unwrap_or_default(),
                        used: usage(d.used_bytes, d.total_bytes),
                        gauge: gauge(pct),
                        smart: match d.smart_ok {
                            Some(true) => "ok",
                            Some(false) => "FAILING",
                            None => "-",
                        },
                    }
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
    let min = match severity.as_str() {
        "error" => 2,
        "warning" => 1,
        _ => 0,
    };
    let events = view
        .recent_events
        .iter()
        .filter(|e| Severity::rank(&e.severity) >= min)
        .map(|e| EventRow {
            at: e.occurred_at.strftime("%Y-%m-%d %H:%M").to_string(),
            severity: e.severity.clone(),
            class: match e.severity.as_str() {
                "error" => "down",
                "warning" => "warn",
                _ => "ok",
            },
            kind: e.event_type.clone(),
            message: e.message.clone(),
        })
        .collect();
    let notifications = view
        .notifications
        .iter()
        .map(|n| NoteRow {
            at: n.created_at.strftime("%Y-%m-%d %H:%M").to_string(),
            channel: n.channel.clone(),
            kind: n.event_type.clone(),
            outcome: n.outcome.clone(),
            detail: if n.outcome == "sent" {
                n.recipient.clone()
            } else {
                n.reason.clone()
            },
        })
        .collect();
    let chart = if c.reported {
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
        charts::svg(&points, from, now, period.as_str())
    } else {
        String::new()
    };
    let yaml = if c.managed {
        svc::redacted_yaml(st, id).await?
    } else {
        String::new()
    };
    let password_shown = creds
        .as_ref()
        .and_then(|c| c.retrieval_password.clone())
        .unwrap_or_else(|| "<retrieval password>".into());
    let revealed = creds.is_some();
    let page = CustomerPage {
        chrome: chrome(d, c.id.clone()),
        c,
        storage,
        containers,
        events,
        notifications,
        periods: ["24h", "7d", "30d", "90d"]
            .into_iter()
            .map(|p| (p, p == period.as_str()))
            .collect(),
        period: period.as_str().to_owned(),
        severity,
        chart,
        creds,
        password_shown,
        public_url: st.config.server.public_url.trim_end_matches('/').to_owned(),
        yaml,
        latest: st.latest_version().unwrap_or_else(|| "unknown".into()),
    };
    let r = html(page);
    Ok(if revealed { no_store(r) } else { r })
}

/// `/customers/{id}`: the page adapts to managed/manual, reporting or
/// waiting, blocked.
pub async fn customer(
    State(st): St,
    d: Dash,
    Path(id): Path<String>,
    Query(q): Query<CustomerQuery>,
) -> Response {
    customer_page(&st, &d, &id, &q, None)
        .await
        .unwrap_or_else(service_error)
}

/// `Reveal`: the credentials on the page, audited, not cached.
pub async fn reveal(
    State(st): St,
    d: Dash,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Response {
    if let Some(r) = refuse_form(&d, &f.csrf) {
        return r;
    }
    let creds = match svc::credentials(&st, ACTOR, &id).await {
        Ok(c) => c,
        Err(e) => return service_error(e),
    };
    customer_page(&st, &d, &id, &CustomerQuery::default(), Some(creds))
        .await
        .unwrap_or_else(service_error)
}

// --- diff --------------------------------------------------------------------------

struct DiffRow {
    path: String,
    /// What a push would do to this path, in words and as a colour.
    kind: &'static str,
    class: &'static str,
    hub: String,
    controller: String,
}

#[derive(Template)]
#[template(path = "ui/diff.html")]
struct DiffPage {
    chrome: Chrome,
    id: String,
    error: Option<String>,
    rows: Vec<DiffRow>,
    ignored: String,
    unified: Vec<(&'static str, String)>,
}

/// `Show Diff`: asks the controller for its live config (no change).
pub async fn diff(State(st): St, d: Dash, Path(id): Path<String>) -> Response {
    let show = |v: &Option<serde_json::Value>| {
        v.as_ref()
            .map(|v| v.to_string())
            .unwrap_or_else(|| "(absent)".into())
    };
    let page = match svc::diff(&st, &id).await {
        Ok(diff) => DiffPage {
            chrome: chrome(&d, format!("Diff of {id}")),
            id: id.clone(),
            error: None,
            rows: diff
                .differences
                .iter()
                .map(|e| DiffRow {
                    path: e.path.clone(),
                    kind: match (&e.hub, &e.controller) {
                        (Some(_), None) => "hub only",
                        (None, Some(_)) => "controller only",
                        _ => "differs",
                    },
                    class: match (&e.hub, &e.controller) {
                        (Some(_), None) => "diff-added",
                        (None, Some(_)) => "diff-removed",
                        _ => "diff-changed",
                    },
                    hub: show(&e.hub),
                    controller: show(&e.controller),
                })
                .collect(),
            ignored: diff.ignored_paths.join(", "),
            unified: diff
                .unified
                .lines()
                .map(|l| {
                    // `+` is the hub's (a push adds it), `-` the controller's.
                    let class = if l.starts_with('+') {
                        "diff-added"
                    } else if l.starts_with('-') {
                        "diff-removed"
                    } else {
                        ""
                    };
                    (class, l.to_owned())
                })
                .collect(),
        },
        Err(ServiceError::Controller(e)) => DiffPage {
            chrome: chrome(&d, format!("Diff of {id}")),
            id: id.clone(),
            error: Some(e.to_string()),
            rows: Vec::new(),
            ignored: String::new(),
            unified: Vec::new(),
        },
        Err(e) => return service_error(e),
    };
    html(page)
}

// --- actions -----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "ui/confirm.html")]
struct ConfirmPage {
    chrome: Chrome,
    id: String,
    action: String,
    heading: String,
    question: String,
    danger: bool,
    ask_version: bool,
}

/// What each action asks and how it is shown.
fn describe(action: &str, id: &str) -> Option<(&'static str, String, bool)> {
    Some(match action {
        "block" => (
            "Block",
            format!("Block {id}? Its reports are still stored, but nobody is notified about it."),
            true,
        ),
        "unblock" => ("Unblock", format!("Unblock {id}?"), false),
        "push" => (
            "Push Config",
            format!("Apply the hub's generated config on {id}'s controller?"),
            false,
        ),
        "pull" => (
            "Pull Config",
            format!(
                "Take the name, domain, email, monitoring overrides and tokens from {id}'s live config into the hub?"
            ),
            false,
        ),
        "update" => (
            "Trigger Update",
            format!("Start a self-update of {id}'s controller?"),
            false,
        ),
        "delete" => (
            "Delete",
            format!(
                "Delete {id}'s config? Its credentials stop working; if it keeps reporting it shows as manual."
            ),
            true,
        ),
        "rotate-password" => (
            "Rotate Retrieval Password",
            format!(
                "Give {id} a new retrieval password? The old one stops working at once; the new one is shown once."
            ),
            true,
        ),
        "adopt" => (
            "Create Config",
            format!(
                "Create a managed config for {id} from its newest report, with new credentials?"
            ),
            false,
        ),
        _ => return None,
    })
}

/// The confirmation step, a page that works without JavaScript.
pub async fn confirm(
    State(_st): St,
    d: Dash,
    Path((id, action)): Path<(String, String)>,
) -> Response {
    let Some((heading, question, danger)) = describe(&action, &id) else {
        return error_page(StatusCode::NOT_FOUND, "Not found", "No such action.");
    };
    html(ConfirmPage {
        chrome: chrome(&d, heading),
        id,
        ask_version: action == "update",
        action,
        heading: heading.to_owned(),
        question,
        danger,
    })
}

#[derive(Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: String,
}

/// `Confirm`: runs the action through the customer service (audited as
/// `dashboard`) and shows the result — or the hub's sentence — on the
/// next page.
pub async fn act(
    State(st): St,
    d: Dash,
    Path((id, action)): Path<(String, String)>,
    Form(f): Form<ActionForm>,
) -> Response {
    if let Some(r) = refuse_form(&d, &f.csrf) {
        return r;
    }
    let Some((heading, _, _)) = describe(&action, &id) else {
        return error_page(StatusCode::NOT_FOUND, "Not found", "No such action.");
    };
    let back = format!("/customers/{}", urlencode(&id));
    let result: Result<String, ServiceError> = match action.as_str() {
        "block" => svc::set_blocked(&st, ACTOR, &id, true)
            .await
            .map(|()| format!("{id} is blocked.")),
        "unblock" => svc::set_blocked(&st, ACTOR, &id, false)
            .await
            .map(|()| format!("{id} is unblocked.")),
        "push" => svc::push(&st, ACTOR, &id)
            .await
            .map(|()| format!("The config was applied on {id}'s controller.")),
        "pull" => svc::pull(&st, ACTOR, &id)
            .await
            .map(|_| format!("The config was taken from {id}'s controller.")),
        "update" => {
            let version = if f.version.trim().is_empty() {
                "latest".to_owned()
            } else {
                f.version.trim().to_owned()
            };
            svc::trigger_update(
                &st,
                ACTOR,
                &id,
                UpdateRequest {
                    version: version.clone(),
                },
            )
            .await
            .map(|()| format!("{id}'s controller is updating to {version}."))
        }
        "delete" => match svc::delete(&st, ACTOR, &id).await {
            Ok(()) => {
                return flash_and_go(
                    &st,
                    &d,
                    format!("ok:{id}'s config was deleted."),
                    "/configs",
                )
                .await;
            }
            Err(e) => Err(e),
        },
        "rotate-password" => {
            match svc::rotate(&st, ACTOR, &id, CredentialKind::RetrievalPassword).await {
                Ok(creds) => {
                    return no_store(html(CredentialsPage {
                        chrome: chrome(&d, format!("Credentials of {id}")),
                        cr: creds,
                        next: back,
                    }));
                }
                Err(e) => Err(e),
            }
        }
        "adopt" => match svc::adopt(&st, ACTOR, &id).await {
            Ok(creds) => {
                let next = format!("/configs/{}/edit", urlencode(&id));
                return no_store(html(CredentialsPage {
                    chrome: chrome(&d, format!("Credentials of {id}")),
                    cr: creds,
                    next,
                }));
            }
            Err(e) => Err(e),
        },
        _ => return error_page(StatusCode::NOT_FOUND, "Not found", "No such action."),
    };
    let message = match result {
        Ok(m) => format!("ok:{m}"),
        Err(ServiceError::Store(e)) => {
            tracing::error!(error = %e, action = heading, "dashboard action failed");
            "error:The hub failed; the cause is in its log.".to_owned()
        }
        Err(e) => format!("error:{heading} failed: {e}"),
    };
    flash_and_go(&st, &d, message, &back).await
}

#[derive(Template)]
#[template(path = "ui/credentials.html")]
struct CredentialsPage {
    chrome: Chrome,
    cr: Credentials,
    next: String,
}

// --- config forms ------------------------------------------------------------------

/// One token row of the form.
pub struct TokenRow {
    name: String,
    value: String,
    stored: bool,
}

/// The form's fields, as typed (kept when validation fails).
pub struct ConfigFields {
    customer_id: String,
    display_name: String,
    domain: String,
    contact_email: String,
    tokens: Vec<TokenRow>,
    monitoring: String,
    legacy: String,
}

#[derive(Template)]
#[template(path = "ui/form.html")]
struct FormPage {
    chrome: Chrome,
    new: bool,
    f: ConfigFields,
    errors: HashMap<&'static str, String>,
}

/// Empty rows for new tokens under the stored ones.
const SPARE_TOKEN_ROWS: usize = 3;

fn fields_of(cfg: &CustomerConfig) -> ConfigFields {
    let mut tokens: Vec<TokenRow> = cfg
        .tokens
        .keys()
        .map(|name| TokenRow {
            name: name.clone(),
            value: String::new(),
            stored: true,
        })
        .collect();
    tokens.extend((0..SPARE_TOKEN_ROWS).map(|_| TokenRow {
        name: String::new(),
        value: String::new(),
        stored: false,
    }));
    ConfigFields {
        customer_id: cfg.customer_id.clone(),
        display_name: cfg.display_name.clone(),
        domain: cfg.domain.clone(),
        contact_email: cfg.contact_email.clone(),
        tokens,
        monitoring: if cfg.monitoring.is_empty() {
            String::new()
        } else {
            serde_saphyr::to_string(&cfg.monitoring).unwrap_or_default()
        },
        legacy: cfg.legacy_monitoring_uuids.join("\n"),
    }
}

pub async fn new_form(d: Dash) -> Response {
    html(FormPage {
        chrome: chrome(&d, "New Config"),
        new: true,
        f: fields_of(&CustomerConfig::default()),
        errors: HashMap::new(),
    })
}

pub async fn edit_form(State(st): St, d: Dash, Path(id): Path<String>) -> Response {
    match views::config(&st, &id).await {
        Ok(cfg) => html(FormPage {
            chrome: chrome(&d, format!("Edit {id}")),
            new: false,
            f: fields_of(&cfg),
            errors: HashMap::new(),
        }),
        Err(e) => service_error(e),
    }
}

/// The posted form as pairs (token rows repeat their names).
type Pairs = Vec<(String, String)>;

fn field<'a>(pairs: &'a Pairs, name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// Reads the form into fields (to redisplay) and a config (to save).
/// `stored` names the tokens the hub keeps: an empty value keeps them.
fn read_form(
    pairs: &Pairs,
    stored: &[String],
) -> (
    ConfigFields,
    Result<CustomerConfig, HashMap<&'static str, String>>,
) {
    let names: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "token_name")
        .map(|(_, v)| v.trim())
        .collect();
    let values: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "token_value")
        .map(|(_, v)| v.as_str())
        .collect();
    let mut errors = HashMap::new();
    let mut tokens = std::collections::BTreeMap::new();
    let mut rows = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let value = values.get(i).copied().unwrap_or("");
        let stored_here = stored.iter().any(|s| s == name);
        rows.push(TokenRow {
            name: (*name).to_owned(),
            value: value.to_owned(),
            stored: stored_here,
        });
        if name.is_empty() {
            if !value.is_empty() {
                errors.insert("tokens", "a token value needs a name".to_owned());
            }
            continue;
        }
        let v = if value.is_empty() {
            if stored_here {
                REDACTED.to_owned()
            } else {
                errors.insert("tokens", format!("token `{name}` needs a value"));
                continue;
            }
        } else {
            value.to_owned()
        };
        tokens.insert((*name).to_owned(), v);
    }
    rows.extend((0..SPARE_TOKEN_ROWS).map(|_| TokenRow {
        name: String::new(),
        value: String::new(),
        stored: false,
    }));
    let monitoring_text = field(pairs, "monitoring").to_owned();
    let monitoring = if monitoring_text.trim().is_empty() {
        serde_json::Map::new()
    } else {
        match crate::controller_yaml::parse_yaml(&monitoring_text) {
            Ok(serde_json::Value::Object(m)) => m,
            _ => {
                errors.insert(
                    "monitoring",
                    "must be YAML `key: value` lines (a mapping)".to_owned(),
                );
                serde_json::Map::new()
            }
        }
    };
    let legacy_text = field(pairs, "legacy_monitoring_uuids").to_owned();
    let fields = ConfigFields {
        customer_id: field(pairs, "customer_id").trim().to_owned(),
        display_name: field(pairs, "display_name").trim().to_owned(),
        domain: field(pairs, "domain").trim().to_owned(),
        contact_email: field(pairs, "contact_email").trim().to_owned(),
        tokens: rows,
        monitoring: monitoring_text,
        legacy: legacy_text.clone(),
    };
    let cfg = CustomerConfig {
        customer_id: fields.customer_id.clone(),
        display_name: fields.display_name.clone(),
        domain: fields.domain.clone(),
        contact_email: fields.contact_email.clone(),
        tokens,
        monitoring,
        legacy_monitoring_uuids: legacy_text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        settings: serde_json::Map::new(),
    };
    if let Err(e) = cfg.validate() {
        errors.insert(field_name(e.field), e.message);
    }
    if errors.is_empty() {
        (fields, Ok(cfg))
    } else {
        (fields, Err(errors))
    }
}

/// The form field a validation error belongs to.
fn field_name(f: &str) -> &'static str {
    match f {
        "customer_id" => "customer_id",
        "display_name" => "display_name",
        "domain" => "domain",
        "contact_email" | "email" => "contact_email",
        "tokens" => "tokens",
        "monitoring" => "monitoring",
        _ => "form",
    }
}

/// A refusal the form shows next to its field; other failures are pages.
fn form_errors(e: ServiceError) -> Result<HashMap<&'static str, String>, ServiceError> {
    match e {
        ServiceError::Invalid { field, message, .. } => {
            Ok(HashMap::from([(field_name(&field), message)]))
        }
        ServiceError::Conflict(m) => Ok(HashMap::from([("customer_id", m)])),
        e => Err(e),
    }
}

/// `Save` on the new-config form: shows the credentials once, then the
/// customer page.
pub async fn create(State(st): St, d: Dash, Form(pairs): Form<Pairs>) -> Response {
    if let Some(r) = refuse_form(&d, field(&pairs, "csrf")) {
        return r;
    }
    let (fields, parsed) = read_form(&pairs, &[]);
    let errors = match parsed {
        Ok(cfg) => match svc::create(&st, ACTOR, cfg).await {
            Ok(creds) => {
                let next = format!("/customers/{}", urlencode(&creds.customer_id));
                return no_store(html(CredentialsPage {
                    chrome: chrome(&d, format!("Credentials of {}", creds.customer_id)),
                    cr: creds,
                    next,
                }));
            }
            Err(e) => match form_errors(e) {
                Ok(errs) => errs,
                Err(e) => return service_error(e),
            },
        },
        Err(errs) => errs,
    };
    let mut r = html(FormPage {
        chrome: chrome(&d, "New Config"),
        new: true,
        f: fields,
        errors,
    });
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    r
}

/// `Save` on the edit form; stored token values are kept unless replaced.
pub async fn edit(
    State(st): St,
    d: Dash,
    Path(id): Path<String>,
    Form(mut pairs): Form<Pairs>,
) -> Response {
    if let Some(r) = refuse_form(&d, field(&pairs, "csrf")) {
        return r;
    }
    let stored: Vec<String> = match views::config(&st, &id).await {
        Ok(cfg) => cfg.tokens.keys().cloned().collect(),
        Err(e) => return service_error(e),
    };
    // The id comes from the path, not the (read-only) field.
    pairs.retain(|(k, _)| k != "customer_id");
    pairs.push(("customer_id".into(), id.clone()));
    let (fields, parsed) = read_form(&pairs, &stored);
    let errors = match parsed {
        Ok(cfg) => match svc::update(&st, ACTOR, cfg).await {
            Ok(_) => {
                let to = format!("/customers/{}", urlencode(&id));
                return flash_and_go(&st, &d, format!("ok:{id}'s config was saved."), &to).await;
            }
            Err(e) => match form_errors(e) {
                Ok(errs) => errs,
                Err(e) => return service_error(e),
            },
        },
        Err(errs) => errs,
    };
    let mut r = html(FormPage {
        chrome: chrome(&d, format!("Edit {id}")),
        new: false,
        f: fields,
        errors,
    });
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    r
}

// --- stream and assets -------------------------------------------------------------

#[derive(Deserialize)]
pub struct StreamQuery {
    after: Option<u64>,
}

/// The live stream for the fleet page, for a signed-in session. The page
/// names the stream id its rows reflect (`?after=`), so nothing between
/// drawing the page and opening the stream is missed; a reconnecting
/// browser sends `Last-Event-ID` itself.
pub async fn stream(
    State(st): St,
    _: Dash,
    headers: HeaderMap,
    Query(q): Query<StreamQuery>,
) -> Response {
    let last = crate::http::stream::last_event_id(&headers).or(q.after);
    crate::http::stream::sse(&st, last)
}

pub async fn css() -> Response {
    asset(
        "text/css; charset=utf-8",
        include_str!("../../../assets/app.css"),
    )
}

pub async fn js() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../../../assets/live.js"),
    )
}

pub async fn icon() -> Response {
    asset("image/svg+xml", include_str!("../../../assets/icon.svg"))
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}
