//! The customers' status pages (`GET /s/<token>`, Hungarian, no script)
//! and the admin API of their links
//! (`/api/admin/v1/customers/{customer_id}/status-link`).
//!
//! A page answer is strict: its own CSP (no script, styles from the hub
//! only), no referrer (the token is in the path), not indexed, private
//! cache for a minute. A bad token is a plain 404 and counts towards the
//! address's lockout (429 after 20 in 15 minutes); an expired one is a
//! 410 "a link lejárt". Nothing about the customer is said on either, and
//! the request log names the route, never the token.

use std::sync::Arc;

use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use hub_proto::admin::StatusLinkRequest;

use super::extract::ClientAddr;
use crate::notify::page_texts::{Lang, Words};
use crate::service::status_page::{self, PageState, StatusPageView};

use super::admin::{Admin, Body, St, ok};
use super::openapi::{self, Auth, RouteDoc as D};
use crate::http::error::AppError;
use crate::service::status_link::{self, LinkCheck};
use crate::state::AppState;

pub async fn issue(
    State(st): St,
    admin: Admin,
    Path(id): Path<String>,
    Body(req): Body<StatusLinkRequest>,
) -> Result<Response, AppError> {
    admin.write()?;
    let link = status_link::issue(&st, &admin.actor(), &id, req.ttl.as_deref()).await?;
    Ok(Json(link).into_response())
}

pub async fn revoke(
    State(st): St,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    admin.write()?;
    status_link::revoke(&st, &admin.actor(), &id).await?;
    Ok(ok().into_response())
}

pub fn routes() -> Vec<(openapi::RouteDoc, MethodRouter<Arc<AppState>>)> {
    vec![
        (
            D::new(
                "POST",
                "/api/admin/v1/customers/{customer_id}/status-link",
                Auth::AdminWrite,
                200,
                "A signed link to the customer's status page ({\"ttl\": \"30d\"}; default status_page.ttl)",
            )
            .takes("StatusLinkRequest")
            .returns("StatusLink"),
            post(issue),
        ),
        (
            D::new(
                "POST",
                "/api/admin/v1/customers/{customer_id}/status-link/revoke",
                Auth::AdminWrite,
                200,
                "End every earlier status link of the customer",
            )
            .returns("StatusOk"),
            post(revoke),
        ),
    ]
}

/// `?lang=en`.
#[derive(serde::Deserialize, Default)]
pub struct LangQuery {
    #[serde(default)]
    lang: Option<String>,
}

impl LangQuery {
    fn lang(&self) -> Lang {
        match self.lang.as_deref() {
            Some("en") => Lang::En,
            _ => Lang::Hu,
        }
    }
}

#[derive(Template)]
#[template(path = "status/page.html")]
struct Page {
    w: &'static Words,
    other_href: String,
    state: &'static str,
    state_class: &'static str,
    last_report: String,
    backup: String,
    backup_overdue: bool,
    dbdump: String,
    dbdump_overdue: bool,
    disk: String,
    windows: Vec<String>,
    open: Vec<String>,
    resolved: Vec<String>,
    /// (class, label) per day, oldest first.
    bar: Vec<(&'static str, String)>,
    availability: String,
}

#[derive(Template)]
#[template(path = "status/message.html")]
struct Message {
    w: &'static Words,
    title: &'static str,
    text: &'static str,
}

/// The page's data in `lang`: every string from the one table.
fn page(v: &StatusPageView, lang: Lang, tz: &jiff::tz::TimeZone, token: &str) -> Page {
    let w = lang.words();
    let (state, state_class) = match v.state {
        PageState::Ok => (w.ok, "ok"),
        PageState::Late => (w.late, "late"),
        PageState::Down => (w.down, "down"),
        PageState::Maintenance => (w.maintenance, "maintenance"),
        PageState::Waiting => (w.waiting, "waiting"),
    };
    let at = |t: jiff::Timestamp| format!("{} ({})", lang.ago(t, v.now), lang.when(t, tz));
    let backup = |b: &status_page::BackupLine| {
        let when = b.last_ok.map(at).unwrap_or_else(|| w.never.to_owned());
        format!("{when} — {}", if b.overdue { w.overdue } else { w.on_time })
    };
    let since = |t: jiff::Timestamp| match lang {
        Lang::Hu => format!("{} {}", lang.when(t, tz), w.since),
        Lang::En => format!("{} {}", w.since, lang.when(t, tz)),
    };
    let day = jiff::SignedDuration::from_hours(24);
    let start = v.now - day * status_page::DAYS as i32;
    let bar = v
        .availability
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let date = lang.when(start + day * i as i32, tz);
            let date = date.split(' ').take(3).collect::<Vec<_>>().join(" ");
            match a {
                None => ("", format!("{date}: {}", w.no_data)),
                Some(a) => (
                    if *a >= 0.999 {
                        "up"
                    } else if *a <= 0.5 {
                        "out"
                    } else {
                        "part"
                    },
                    format!("{date}: {}", lang.percent(a * 100.0)),
                ),
            }
        })
        .collect();
    let known: Vec<f64> = v.availability.iter().flatten().copied().collect();
    let availability = if known.is_empty() {
        w.no_data.to_owned()
    } else {
        lang.percent(known.iter().sum::<f64>() / known.len() as f64 * 100.0)
    };
    Page {
        w,
        other_href: match lang {
            Lang::Hu => format!("/s/{token}?lang=en"),
            Lang::En => format!("/s/{token}"),
        },
        state,
        state_class,
        last_report: v.last_report.map(at).unwrap_or_else(|| w.never.to_owned()),
        backup: backup(&v.backup),
        backup_overdue: v.backup.overdue,
        dbdump: backup(&v.dbdump),
        dbdump_overdue: v.dbdump.overdue,
        disk: v
            .disk_pct
            .map(|p| lang.percent(p))
            .unwrap_or_else(|| w.no_data.to_owned()),
        windows: v
            .windows
            .iter()
            .map(|l| match (l.active_until, l.next_start) {
                (Some(until), _) => {
                    format!("{}: {} {}", l.reason, w.active_until, lang.when(until, tz))
                }
                (None, Some(start)) => {
                    format!("{}: {} {}", l.reason, w.starts, lang.when(start, tz))
                }
                (None, None) => l.reason.clone(),
            })
            .collect(),
        open: v
            .open
            .iter()
            .map(|p| format!("{} — {}", lang.family(p.family), since(p.opened_at)))
            .collect(),
        resolved: v
            .resolved
            .iter()
            .map(|p| {
                let end = p.resolved_at.unwrap_or(v.now);
                format!(
                    "{}: {}, {} {}",
                    lang.family(p.family),
                    lang.when(p.opened_at, tz),
                    w.lasted,
                    lang.duration(p.opened_at, end)
                )
            })
            .collect(),
        bar,
        availability,
    }
}

/// The status page's headers, on every answer under `/s/`.
fn strict(mut resp: Response, cache: &'static str) -> Response {
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        ),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    resp
}

fn html(status: StatusCode, t: impl Template) -> Response {
    match t.render() {
        Ok(body) => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "status page: cannot render");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn message(
    status: StatusCode,
    lang: Lang,
    which: fn(&'static Words) -> (&'static str, &'static str),
) -> Response {
    let w = lang.words();
    let (title, text) = which(w);
    strict(html(status, Message { w, title, text }), "no-store")
}

/// `GET /s/{token}`.
pub async fn show(
    State(st): St,
    ClientAddr(addr): ClientAddr,
    Path(token): Path<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    let lang = q.lang();
    let now = st.clock.now();
    let client = addr.map(|a| a.to_string()).unwrap_or_default();
    let answer = async {
        if st.store.status_page_locked(client.clone(), now).await? > 0 {
            return Ok::<_, crate::service::ServiceError>(message(
                StatusCode::TOO_MANY_REQUESTS,
                lang,
                |w| (w.too_many_title, w.too_many_text),
            ));
        }
        match status_link::check(&st, &token).await? {
            LinkCheck::NotFound => {
                st.store.status_page_failure(client.clone(), now).await?;
                Ok(message(StatusCode::NOT_FOUND, lang, |w| {
                    (w.not_found_title, w.not_found_text)
                }))
            }
            LinkCheck::Expired => Ok(message(StatusCode::GONE, lang, |w| {
                (w.expired_title, w.expired_text)
            })),
            LinkCheck::Valid(claims) => {
                let v = status_page::view(&st, &claims.customer_id).await?;
                Ok(strict(
                    html(StatusCode::OK, page(&v, lang, &st.tz, &token)),
                    "private, max-age=60",
                ))
            }
        }
    }
    .await;
    answer.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "status page failed");
        strict(StatusCode::SERVICE_UNAVAILABLE.into_response(), "no-store")
    })
}

/// `GET /s/status.css`.
pub async fn css() -> Response {
    strict(
        (
            [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
            include_str!("../../assets/status.css"),
        )
            .into_response(),
        "public, max-age=3600",
    )
}

/// The pages' routes, outside the dashboard's login.
pub fn pages() -> axum::Router<Arc<AppState>> {
    axum::Router::new()
        .route("/s/status.css", get(css))
        .route("/s/{token}", get(show))
}
