//! Read-only views: fleet, show, events, history, logs, versions, check.
//! Everything is read into the `hub-proto` types; a report's body is read
//! as a typed [`Report`].

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use hub_proto::admin::{
    AuditEntry, CustomerView, EventRecord, Fleet, FleetEntry, NotificationRecord, Page,
    StreamMessage, Versions,
};
use hub_proto::rules::{FleetFilter, outcome_word};
use hub_proto::{CustomerStatus, HistoryResponse, Report};
use jiff::{SignedDuration, Timestamp};

use super::{CliError, Outcome, Result, customer_id};
use crate::cli::{EventsArgs, FleetArgs, LogArgs};
use crate::client::{Client, EventQuery, Follower};
use crate::output::{Ctx, age, cell, clean, emit, render, row, usage};

/// The least time between two redraws of `fleet --watch`.
const REDRAW_EVERY: Duration = Duration::from_millis(250);

/// The list `args` asks for, in the shared rule's terms.
fn fleet_filter(args: &FleetArgs) -> Result<FleetFilter> {
    let statuses = args
        .status
        .as_deref()
        .map(FleetFilter::parse_statuses)
        .transpose()
        .map_err(|e| CliError::Usage(format!("--status: {}", e.message)))?;
    Ok(FleetFilter {
        statuses,
        all: args.all,
        managed: None,
        drift: args
            .drifted
            .then_some(hub_proto::admin::DriftState::Drifted),
    })
}

pub fn fleet_table(ctx: &Ctx, fleet: &Fleet) -> String {
    let mut t = ctx.table(&[
        "CUSTOMER",
        "STATUS",
        "HEALTH",
        "LAST REPORT",
        "VERSION",
        "TYPE",
        "DRIFT",
        "ERR/WARN 24H",
        "REASON",
    ]);
    for c in &fleet.customers {
        let s = &c.summary;
        let version = match (&s.controller_version, s.update_available) {
            (Some(v), true) => format!("{v} ↑"),
            (Some(v), false) => v.clone(),
            (None, _) => "-".into(),
        };
        t.add_row(vec![
            cell(&s.customer_id),
            ctx.status_cell(s.status.as_str()),
            cell(s.health.map(|h| h.as_str()).unwrap_or("-")),
            cell(age(c.last_report_age_secs)),
            cell(version),
            cell(if s.managed { "managed" } else { "manual" }),
            cell(hub_proto::admin::DriftState::cell(c.drift)),
            cell(format!("{}/{}", c.errors_24h, c.warnings_24h)),
            cell(c.reason.as_deref().map(clean).unwrap_or_default()),
        ]);
    }
    let mut out = render(&t);
    if let Some(v) = &fleet.latest_controller_version {
        out.push_str(&format!(
            "\nnewest controller: {} (↑ = update available)\n",
            clean(v)
        ));
    }
    out
}

/// Orders the rows as `--sort` asks (the values clap allows).
pub fn sort_fleet(rows: &mut [FleetEntry], by: &str) {
    let id = |e: &FleetEntry| e.summary.customer_id.clone();
    match by {
        "id" => rows.sort_by_key(id),
        "last-report" => rows.sort_by_key(|e| {
            (
                std::cmp::Reverse(e.last_report_age_secs.unwrap_or(i64::MAX)),
                id(e),
            )
        }),
        "version" => rows.sort_by(|a, b| {
            let v = |e: &FleetEntry| {
                e.summary
                    .controller_version
                    .as_deref()
                    .and_then(hub_proto::parse_version)
            };
            v(a).cmp(&v(b)).then_with(|| id(a).cmp(&id(b)))
        }),
        _ => rows.sort_by_key(|e| (e.summary.status.urgency(), id(e))),
    }
}

pub async fn fleet(client: &Client, ctx: &Ctx, args: &FleetArgs) -> Result<String> {
    let filter = fleet_filter(args)?;
    let mut fleet: Fleet = client.fleet(&filter).await?;
    sort_fleet(&mut fleet.customers, &args.sort);
    if !args.watch {
        return Ok(ctx.data(&fleet).unwrap_or_else(|| fleet_table(ctx, &fleet)));
    }
    // One fetch, then the stream: each row message replaces its row.
    let mut follower = Follower::new(client, Some(fleet.stream_id), reconnect_notice);
    follower.connect().await?;
    let mut rows: BTreeMap<String, FleetEntry> = fleet
        .customers
        .drain(..)
        .map(|e| (e.summary.customer_id.clone(), e))
        .collect();
    let mut dirty = true;
    let mut last_draw = Instant::now() - REDRAW_EVERY;
    loop {
        if dirty && last_draw.elapsed() >= REDRAW_EVERY {
            fleet.customers = rows.values().cloned().collect();
            sort_fleet(&mut fleet.customers, &args.sort);
            if emit(&redraw(ctx, &fleet)).is_err() {
                return Ok(String::new());
            }
            fleet.customers.clear();
            dirty = false;
            last_draw = Instant::now();
        }
        let wait = if dirty {
            REDRAW_EVERY.saturating_sub(last_draw.elapsed())
        } else {
            Duration::from_secs(3600)
        };
        let Ok(m) = tokio::time::timeout(wait, follower.next()).await else {
            continue;
        };
        match m.message {
            StreamMessage::Row { row } => {
                let id = row.summary.customer_id.clone();
                if filter.keeps(row.summary.status, row.summary.managed, row.drift) {
                    rows.insert(id, row);
                } else {
                    rows.remove(&id);
                }
                dirty = true;
            }
            StreamMessage::Removed { customer_id } => {
                dirty |= rows.remove(&customer_id).is_some();
            }
            StreamMessage::Reset { .. } => {
                let fresh: Fleet = client.fleet(&filter).await?;
                rows = fresh
                    .customers
                    .into_iter()
                    .map(|e| (e.summary.customer_id.clone(), e))
                    .collect();
                fleet.latest_controller_version = fresh.latest_controller_version;
                dirty = true;
            }
            StreamMessage::Event { .. } | StreamMessage::Action { .. } => {}
        }
    }
}

/// One line on stderr when the stream is lost and when it is back.
fn reconnect_notice(lost: bool) {
    if lost {
        eprintln!("hubctl: lost the hub's live stream; reconnecting…");
    } else {
        eprintln!("hubctl: reconnected");
    }
}

fn redraw(ctx: &Ctx, fleet: &Fleet) -> String {
    let body = ctx.data(fleet).unwrap_or_else(|| fleet_table(ctx, fleet));
    if ctx.interactive {
        // On a terminal the table fits the screen: what is cut is at the
        // bottom (problems sort first) and the right (the reason column
        // is last), and a line says how much.
        let (w, h) = crossterm::terminal::size().unwrap_or((80, 24));
        format!(
            "\x1b[2J\x1b[H{}",
            fit(&body, usize::from(h), usize::from(w))
        )
    } else {
        format!("{body}\n")
    }
}

/// `body` cut to `height` lines of at most `width` characters; when rows
/// are left out the last line says how many (and where to scroll them).
fn fit(body: &str, height: usize, width: usize) -> String {
    let cut = |l: &str| l.chars().take(width).collect::<String>();
    let lines: Vec<&str> = body.lines().collect();
    let mut out: Vec<String> = Vec::new();
    if lines.len() <= height {
        out.extend(lines.iter().map(|l| cut(l)));
    } else {
        let keep = height.saturating_sub(1);
        out.extend(lines[..keep].iter().map(|l| cut(l)));
        out.push(cut(&format!(
            "… {} more lines below (problems are on top); `hubctl tui` scrolls",
            lines.len() - keep
        )));
    }
    out.join("\n")
}

fn opt(v: Option<&str>) -> String {
    v.map(|s| clean(s).into_owned())
        .unwrap_or_else(|| "-".into())
}

pub async fn show(client: &Client, ctx: &Ctx, id: &str) -> Result<String> {
    let v: CustomerView = client.customer(customer_id(id)?).await?;
    if let Some(out) = ctx.data(&v) {
        return Ok(out);
    }
    let c = &v.customer.summary;
    let report: Option<Report> = v
        .customer
        .latest_report
        .as_ref()
        .and_then(|raw| serde_json::from_str(raw.get()).ok());
    let mut out = format!(
        "{}  {}  health {}  controller {}{}\n",
        clean(&c.customer_id),
        c.status.as_str().to_uppercase(),
        c.health.map(|h| h.as_str()).unwrap_or("-"),
        opt(c.controller_version.as_deref()),
        if c.update_available {
            " (update available)"
        } else {
            ""
        },
    );
    let ts = |t: Option<Timestamp>| t.map(|t| t.to_string()).unwrap_or_else(|| "-".into());
    if let Some(r) = &v.reason {
        out.push_str(&format!("reason: {}\n", clean(r)));
    }
    if let Some(n) = v.drift.and_then(|d| d.note()) {
        out.push_str(&format!("{n} (hubctl diff {})\n", clean(&c.customer_id)));
    }
    out.push_str(&format!(
        "last report {}  received {}\n",
        ts(c.last_report_at),
        ts(c.last_received_at)
    ));
    for w in &v.maintenance {
        out.push_str(&format!(
            "maintenance: {}\n",
            crate::commands::alerts::window_line(w)
        ));
    }
    for i in v.incidents.iter().filter(|i| i.resolved_at.is_none()) {
        out.push_str(&format!(
            "open incident: {}\n",
            crate::commands::alerts::incident_line(i)
        ));
    }
    match &v.config {
        Some(cfg) => out.push_str(&format!(
            "config: managed — {} · {} · {}\n",
            clean(&cfg.display_name),
            clean(&cfg.domain),
            clean(&cfg.contact_email)
        )),
        None => out.push_str("config: manual (no config on the hub)\n"),
    }
    if let Some(r) = &report {
        if let Some(sys) = &r.system {
            out.push_str(&format!(
                "system: {} · {} · kernel {} · cpu {}% · memory {}\n",
                opt(sys.hostname.as_deref()),
                opt(sys.os.as_deref()),
                opt(sys.kernel.as_deref()),
                sys.cpu_percent
                    .map(|c| format!("{c:.0}"))
                    .unwrap_or_else(|| "-".into()),
                usage(
                    sys.memory_used_bytes.unwrap_or(0),
                    sys.memory_total_bytes.unwrap_or(0)
                ),
            ));
        }
        if !r.storage.is_empty() {
            let mut t = ctx.table(&["MOUNT", "LABEL", "USED", "SMART"]);
            for d in &r.storage {
                t.add_row(row([
                    d.mount_point.clone(),
                    opt(d.label.as_deref()),
                    usage(d.used_bytes, d.total_bytes),
                    match d.smart_ok {
                        Some(true) => "ok".into(),
                        Some(false) => "FAIL".into(),
                        None => "-".into(),
                    },
                ]));
            }
            out.push_str("\nstorage\n");
            out.push_str(&render(&t));
        }
        if !r.containers.is_empty() {
            let mut t = ctx.table(&["CONTAINER", "IMAGE", "STATE", "HEALTH", "RESTARTS"]);
            for k in &r.containers {
                t.add_row(row([
                    k.name.clone(),
                    opt(k.image.as_deref()),
                    opt(k.state.as_deref()),
                    opt(k.health.as_deref()),
                    k.restart_count.to_string(),
                ]));
            }
            out.push_str("\ncontainers\n");
            out.push_str(&render(&t));
        }
        if let Some(b) = &r.backup {
            out.push_str(&format!(
                "\nbackup: last {} ({}) · db dump {} ({}) · {} snapshots\n",
                ts(b.last_backup_at),
                outcome_word(b.last_backup_ok),
                ts(b.last_dbdump_at),
                outcome_word(b.last_dbdump_ok),
                b.snapshot_count
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "-".into()),
            ));
        }
    }
    if !v.recent_events.is_empty() {
        out.push_str("\nrecent events\n");
        out.push_str(&events_table(ctx, &v.recent_events));
    }
    Ok(out)
}

fn events_table(ctx: &Ctx, events: &[EventRecord]) -> String {
    let mut t = ctx.table(&["TIME", "CUSTOMER", "SEVERITY", "TYPE", "MESSAGE"]);
    for e in events {
        t.add_row(vec![
            cell(e.occurred_at.to_string()),
            cell(&e.customer_id),
            ctx.status_cell(&e.severity),
            cell(&e.event_type),
            cell(&e.message),
        ]);
    }
    render(&t)
}

/// `2h`, `7d`, `2026-11-01` or an RFC 3339 timestamp.
pub fn parse_since(s: &str, now: Timestamp) -> Result<Timestamp> {
    let bad = || {
        CliError::Usage(format!(
            "--since `{s}`: use a duration like 2h or 7d, or a date like 2026-11-01"
        ))
    };
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t);
    }
    if let Ok(d) = s.parse::<jiff::civil::Date>() {
        return d
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map(|z| z.timestamp())
            .map_err(|_| bad());
    }
    let (n, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?);
    let n: i64 = n.parse().map_err(|_| bad())?;
    let secs = match unit {
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(bad()),
    };
    Ok(now - SignedDuration::from_secs(n * secs))
}

/// The events `args` asks for, one page, with the stream id to follow
/// it from.
pub async fn events_page(client: &Client, args: &EventsArgs) -> Result<Page<EventRecord>> {
    let query = EventQuery {
        customer: args.customer.clone(),
        severity: args.severity.clone(),
        event_type: args.event_type.clone(),
        since: args
            .since
            .as_deref()
            .map(|s| parse_since(s, Timestamp::now()))
            .transpose()?,
        limit: args.limit,
    };
    Ok(client.events(&query).await?)
}

pub async fn events(client: &Client, ctx: &Ctx, args: &EventsArgs) -> Result<String> {
    let page = events_page(client, args).await?;
    let first = ctx
        .data(&page)
        .unwrap_or_else(|| events_table(ctx, &page.items));
    if !args.follow {
        return Ok(first);
    }
    let mut follower = events_follower(client, &page, reconnect_notice);
    follower.connect().await?;
    if emit(&first).is_err() {
        return Ok(String::new());
    }
    follow_events(ctx, args, &page, &mut follower, |line| emit(line).is_ok()).await;
    Ok(String::new())
}

/// The stream to follow `page` with: from the page's stream id.
pub fn events_follower(
    client: &Client,
    page: &Page<EventRecord>,
    on_connection: impl FnMut(bool) + Send + 'static,
) -> Follower {
    Follower::new(client, page.stream_id, on_connection)
}

/// Prints (through `out`, until it says stop) the events `args` asks for
/// as they arrive after `page`: the follower resumes from the page's stream
/// id, so an event stored after the page was read is shown even if it was
/// stored before the stream opened; one that came in both is shown once.
pub async fn follow_events(
    ctx: &Ctx,
    args: &EventsArgs,
    page: &Page<EventRecord>,
    follower: &mut Follower,
    mut out: impl FnMut(&str) -> bool,
) {
    let seen = page.items.iter().map(|e| e.id).max().unwrap_or(0);
    let keep = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w == have);
    loop {
        let m = follower.next().await;
        let StreamMessage::Event { event: e } = m.message else {
            continue;
        };
        if e.id <= seen
            || !(keep(&args.customer, &e.customer_id)
                && keep(&args.severity, &e.severity)
                && keep(&args.event_type, &e.event_type))
        {
            continue;
        }
        let line = match ctx.data(&e) {
            Some(data) => data.trim_end().to_owned(),
            None => format!(
                "{}  {}  {}  {}  {}",
                e.occurred_at,
                clean(&e.customer_id),
                clean(&e.severity),
                clean(&e.event_type),
                clean(&e.message)
            ),
        };
        if !out(&format!("{line}\n")) {
            return;
        }
    }
}

pub async fn history(client: &Client, ctx: &Ctx, id: &str, period: &str) -> Result<String> {
    let h: HistoryResponse = client.history(customer_id(id)?, period).await?;
    if let Some(out) = ctx.data(&h) {
        return Ok(out);
    }
    let mut t = ctx.table(&["RECEIVED", "HEALTH", "CPU %", "MEMORY", "VERSION"]);
    for e in &h.reports {
        let Ok(r) = serde_json::from_str::<Report>(e.report.get()) else {
            continue;
        };
        let sys = r.system.unwrap_or_default();
        t.add_row(vec![
            cell(e.received_at.to_string()),
            ctx.status_cell(r.health.as_str()),
            cell(
                sys.cpu_percent
                    .map(|c| format!("{c:.1}"))
                    .unwrap_or_else(|| "-".into()),
            ),
            cell(usage(
                sys.memory_used_bytes.unwrap_or(0),
                sys.memory_total_bytes.unwrap_or(0),
            )),
            cell(opt(r.controller_version.as_deref())),
        ]);
    }
    Ok(render(&t))
}

pub async fn notifications(client: &Client, ctx: &Ctx, args: &LogArgs) -> Result<String> {
    let rows: Vec<NotificationRecord> = client
        .notifications(args.customer.as_deref(), args.limit)
        .await?;
    if let Some(out) = ctx.data(&rows) {
        return Ok(out);
    }
    let mut t = ctx.table(&[
        "TIME",
        "CHANNEL",
        "CUSTOMER",
        "TYPE",
        "OUTCOME",
        "REASON / RECIPIENT",
    ]);
    for r in &rows {
        let detail = if r.outcome == "sent" {
            &r.recipient
        } else {
            &r.reason
        };
        t.add_row(vec![
            cell(r.created_at.to_string()),
            cell(&r.channel),
            cell(r.customer_id.as_deref().unwrap_or("")),
            cell(&r.event_type),
            ctx.status_cell(&r.outcome),
            cell(detail),
        ]);
    }
    Ok(render(&t))
}

pub async fn audit(client: &Client, ctx: &Ctx, args: &LogArgs) -> Result<String> {
    let page: Page<AuditEntry> = client.audit(args.customer.as_deref(), args.limit).await?;
    if let Some(out) = ctx.data(&page) {
        return Ok(out);
    }
    let mut t = ctx.table(&["TIME", "WHO", "ACTION", "CUSTOMER", "OUTCOME"]);
    for e in &page.items {
        t.add_row(row([
            e.at.to_string(),
            e.actor.clone(),
            e.action.clone(),
            e.customer_id.clone().unwrap_or_default(),
            e.outcome.clone(),
        ]));
    }
    Ok(render(&t))
}

pub async fn versions(client: &Client, ctx: &Ctx) -> Result<String> {
    let v: Versions = client.versions().await?;
    if let Some(out) = ctx.data(&v) {
        return Ok(out);
    }
    let mut out = newest_line(&v);
    let mut t = ctx.table(&["VERSION", "CUSTOMERS"]);
    for (version, n) in &v.fleet {
        t.add_row(row([version.clone(), n.to_string()]));
    }
    out.push_str(&render(&t));
    Ok(out)
}

/// "newest controller: …", saying why it is unknown.
fn newest_line(v: &Versions) -> String {
    let newest = match (&v.latest, v.registry_check) {
        (Some(l), _) => clean(l).into_owned(),
        (None, true) => "unknown (registry not checked yet)".into(),
        (None, false) => "unknown (the registry check is off: registry.image is not set)".into(),
    };
    format!("newest controller: {newest}\n\n")
}

/// Down (or, strict, also warn) customers that are not blocked.
pub async fn check(client: &Client, ctx: &Ctx, strict: bool) -> Result<(String, Outcome)> {
    let fleet: Fleet = client.fleet(&FleetFilter::default()).await?;
    let bad: Vec<&FleetEntry> = fleet
        .customers
        .iter()
        .filter(|c| match c.summary.status {
            CustomerStatus::Down => true,
            CustomerStatus::Warn => strict,
            _ => false,
        })
        .collect();
    let outcome = if bad.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Found
    };
    if let Some(out) = ctx.data(&bad) {
        return Ok((out, outcome));
    }
    if bad.is_empty() {
        return Ok((
            format!("all {} customers healthy\n", fleet.customers.len()),
            outcome,
        ));
    }
    let mut out = String::new();
    for c in bad {
        // The shared reason; its status word is not said twice ("down
        // since 09:14; …").
        let status = c.summary.status.as_str();
        let said = match c.reason.as_deref().map(clean) {
            Some(r) if r.starts_with(status) => r.into_owned(),
            Some(r) => format!("{status}: {r}"),
            None => status.to_owned(),
        };
        out.push_str(&format!(
            "{}: {said} (last report {})\n",
            clean(&c.summary.customer_id),
            age(c.last_report_age_secs)
        ));
    }
    Ok((out, outcome))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watch_fits_the_terminal_and_says_what_it_left_out() {
        let body = (0..30)
            .map(|i| format!("row-{i:02} {}", "x".repeat(100)))
            .collect::<Vec<_>>()
            .join("\n");
        let out = fit(&body, 24, 80);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 24);
        assert!(lines.iter().all(|l| l.chars().count() <= 80));
        assert!(lines[0].starts_with("row-00"));
        assert!(
            lines[23].starts_with("… 7 more lines below"),
            "{}",
            lines[23]
        );
        assert_eq!(fit("a\nb", 24, 80), "a\nb");
    }

    #[test]
    fn versions_say_why_the_newest_is_unknown() {
        let mut v = Versions {
            latest: None,
            fleet: Default::default(),
            registry_check: false,
        };
        assert!(newest_line(&v).contains("the registry check is off"));
        v.registry_check = true;
        assert!(newest_line(&v).contains("not checked yet"));
        v.latest = Some("1.9.0".into());
        assert_eq!(newest_line(&v), "newest controller: 1.9.0\n\n");
    }
}
