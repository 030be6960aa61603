//! `/hub`: the hub's own health on one page (its jobs, a failing backup,
//! the outbox, its disk), where the emails about the hub's own problems link to.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::Dash;
use super::render::{Chrome, html, service_error};
use crate::service::views;
use crate::state::AppState;

/// One channel's line.
struct ChannelLine {
    name: String,
    kind: String,
    /// Its URL as scheme and host, or its Telegram chat.
    target: String,
    /// `enabled` or `disabled: <why>`.
    state: String,
    disabled: bool,
    events: String,
    queued: i64,
    last_ok: String,
    last_error: String,
}

/// One job's line.
struct JobLine {
    name: String,
    /// As `/healthz` says it: `ok`, `overdue` or `failing`.
    state: String,
    success: String,
    failure: String,
    runs: u64,
    failures: u64,
    error: String,
}

#[derive(Template)]
#[template(path = "ui/hub.html")]
struct HubPage {
    chrome: Chrome,
    degraded: bool,
    version: String,
    started: String,
    /// `/healthz` says `"backup": "failing"`.
    backup_failing: bool,
    jobs: Vec<JobLine>,
    outbox: i64,
    deliveries: i64,
    oldest: Option<String>,
    /// "hub.db 12.0 MB, WAL 1.2 MB; the volume 812.0 MB free of 1.0 GB (21% used)".
    disk: String,
    /// The volume is 90 % full or more.
    disk_high: bool,
    channels: Vec<ChannelLine>,
}

fn mb(b: u64) -> String {
    format!("{:.1} MB", b as f64 / 1_000_000.0)
}

fn when(t: Option<jiff::Timestamp>, tz: &jiff::tz::TimeZone) -> String {
    t.map(|t| {
        t.to_zoned(tz.clone())
            .strftime("%Y-%m-%d %H:%M:%S")
            .to_string()
    })
    .unwrap_or_else(|| "-".into())
}

/// `/hub`.
pub async fn page(State(st): State<Arc<AppState>>, d: Dash) -> Response {
    let (status, health) = match tokio::try_join!(views::status(&st), views::health(&st)) {
        Ok(x) => x,
        Err(e) => return service_error(e),
    };
    let du = views::disk(&st).await;
    let channels = match crate::service::channels::list(&st).await {
        Ok(c) => c,
        Err(e) => return service_error(e),
    };
    let mut disk = format!("hub.db {}, WAL {}", mb(du.database_bytes), mb(du.wal_bytes));
    let mut disk_high = false;
    if let Some((free, total)) = du.volume.filter(|(_, t)| *t > 0) {
        let used = 100 - free.saturating_mul(100) / total;
        disk_high = used >= 90;
        disk.push_str(&format!(
            "; the volume {} free of {} ({used}% used)",
            mb(free),
            mb(total)
        ));
    }
    let tz = &st.tz;
    let jobs = status
        .jobs
        .into_iter()
        .map(|j| JobLine {
            state: health
                .jobs
                .get(&j.name)
                .cloned()
                .unwrap_or_else(|| "ok".into()),
            success: when(j.last_success_at, tz),
            failure: when(j.last_failure_at, tz),
            runs: j.runs,
            failures: j.failures,
            error: j.last_error.unwrap_or_default(),
            name: j.name,
        })
        .collect();
    html(HubPage {
        chrome: Chrome::new(&d, "The hub"),
        degraded: health.status != "ok",
        version: status.version,
        started: when(Some(status.started_at), tz),
        backup_failing: health
            .jobs
            .get(crate::jobs::backup::BACKUP_JOB)
            .is_some_and(|s| s == "failing"),
        jobs,
        outbox: status.outbox_pending,
        deliveries: status.deliveries_pending,
        oldest: status.oldest_delivery_at.map(|t| when(Some(t), tz)),
        disk,
        disk_high,
        channels: channels
            .into_iter()
            .map(|c| ChannelLine {
                target: if c.kind == "telegram" {
                    format!("chat {}", c.chat_id)
                } else {
                    c.url
                },
                disabled: c.disabled_reason.is_some(),
                state: match c.disabled_reason {
                    Some(why) => format!("disabled: {why}"),
                    None => c.state,
                },
                events: if c.events.is_empty() {
                    "as the operator email".into()
                } else {
                    c.events.join(", ")
                },
                queued: c.queued,
                last_ok: when(c.last_ok_at, tz),
                last_error: if c.last_error.is_empty() {
                    "-".into()
                } else {
                    format!("{} ({})", c.last_error, when(c.last_error_at, tz))
                },
                name: c.name,
                kind: c.kind,
            })
            .collect(),
    })
}
