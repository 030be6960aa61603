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
    let bar = v
        .availability
        .iter()
        .map(|d| {
            let date = lang.date(d.date);
            match d.up {
                None => ("na", format!("{date}: {}", w.no_data)),
                Some(a) => (
                    if a >= 0.999 {
                        "up"
                    } else if a <= 0.5 {
                        "out"
                    } else {
                        "part"
                    },
                    format!("{date}: {}", lang.percent(a * 100.0)),
                ),
            }
        })
        .collect();
    let known: Vec<f64> = v.availability.iter().filter_map(|d| d.up).collect();
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::service::status_page::{BackupLine, DayShare, ProblemLine, WindowLine};
    use hub_proto::alerts::Family;
    use jiff::{SignedDuration, Timestamp};

    const NOW: &str = "2026-12-01T13:05:00Z";

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn ago(h: i64) -> Timestamp {
        t(NOW) - SignedDuration::from_hours(h)
    }

    /// Reporting for 40 of the 90 days, every day up.
    fn view(state: PageState) -> StatusPageView {
        let today = jiff::civil::date(2026, 12, 1);
        StatusPageView {
            now: t(NOW),
            state,
            last_report: Some(t(NOW) - SignedDuration::from_mins(4)),
            backup: BackupLine {
                last_ok: Some(ago(11)),
                overdue: false,
            },
            dbdump: BackupLine {
                last_ok: Some(ago(10)),
                overdue: false,
            },
            disk_pct: Some(61.24),
            windows: Vec::new(),
            open: Vec::new(),
            resolved: Vec::new(),
            availability: (0..90)
                .rev()
                .map(|back| DayShare {
                    date: today.checked_sub(jiff::Span::new().days(back)).unwrap(),
                    up: (back < 40).then_some(1.0),
                })
                .collect(),
        }
    }

    fn render(v: &StatusPageView, lang: Lang) -> String {
        let tz = jiff::tz::TimeZone::get("Europe/Budapest").unwrap();
        page(v, lang, &tz, "TOKEN").render().unwrap()
    }

    #[test]
    fn ok() {
        insta::assert_snapshot!(render(&view(PageState::Ok), Lang::Hu));
    }

    #[test]
    fn ok_in_english() {
        insta::assert_snapshot!(render(&view(PageState::Ok), Lang::En));
    }

    #[test]
    fn late() {
        let mut v = view(PageState::Late);
        v.last_report = Some(ago(1));
        insta::assert_snapshot!(render(&v, Lang::Hu));
    }

    #[test]
    fn down_with_overdue_backups() {
        let mut v = view(PageState::Down);
        v.last_report = Some(ago(30));
        v.backup.overdue = true;
        v.dbdump = BackupLine {
            last_ok: None,
            overdue: true,
        };
        v.open = vec![
            ProblemLine {
                family: Family::Node,
                opened_at: ago(29),
                resolved_at: None,
            },
            ProblemLine {
                family: Family::Backup,
                opened_at: ago(8),
                resolved_at: None,
            },
        ];
        let n = v.availability.len();
        v.availability[n - 2].up = Some(0.05);
        v.availability[n - 1].up = Some(0.0);
        insta::assert_snapshot!(render(&v, Lang::Hu));
    }

    #[test]
    fn maintenance() {
        let mut v = view(PageState::Maintenance);
        v.windows = vec![
            WindowLine {
                active_until: Some(t("2026-12-01T15:00:00Z")),
                next_start: None,
                reason: "lemezcsere <2. lemez>".into(),
            },
            WindowLine {
                active_until: None,
                next_start: Some(t("2026-12-08T02:00:00Z")),
                reason: "frissítés".into(),
            },
        ];
        insta::assert_snapshot!(render(&v, Lang::Hu));
    }

    #[test]
    fn with_resolved_incidents() {
        let mut v = view(PageState::Ok);
        v.resolved = vec![
            ProblemLine {
                family: Family::Disk,
                opened_at: ago(50),
                resolved_at: Some(ago(2)),
            },
            ProblemLine {
                family: Family::Node,
                opened_at: ago(24 * 6),
                resolved_at: Some(ago(24 * 6) + SignedDuration::from_mins(135)),
            },
        ];
        v.availability[83].up = Some(1.0 - 135.0 / 1440.0);
        v.availability[75].up = Some(0.3);
        insta::assert_snapshot!(render(&v, Lang::Hu));
    }
}
