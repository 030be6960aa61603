//! Read-only views: fleet, show, events, history, logs, versions, check.

use futures_util::StreamExt;
use hub_proto::admin::{AuditEntry, EventRecord, Fleet, FleetEntry, Page, Versions};
use jiff::{SignedDuration, Timestamp};
use reqwest::Method;
use serde_json::Value;

use super::{CliError, Outcome, Result, customer_id};
use crate::cli::{EventsArgs, FleetArgs, LogArgs};
use crate::client::Client;
use crate::output::{Ctx, age, cell, clean, emit, render, row, usage};

fn fleet_query(args: &FleetArgs) -> String {
    let mut q = Vec::new();
    if let Some(s) = &args.status {
        q.push(format!("status={s}"));
    }
    if args.all {
        q.push("all=true".into());
    }
    if q.is_empty() {
        String::new()
    } else {
        format!("?{}", q.join("&"))
    }
}

pub fn fleet_table(ctx: &Ctx, fleet: &Fleet) -> String {
    let mut t = ctx.table(&[
        "CUSTOMER",
        "STATUS",
        "HEALTH",
        "LAST REPORT",
        "VERSION",
        "TYPE",
        "ERR/WARN 24H",
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
            cell(format!("{}/{}", c.errors_24h, c.warnings_24h)),
        ]);
    }
    let mut out = render(&t);
    if let Some(v) = &fleet.latest_controller_version {
        out.push_str(&format!(
            "\nnewest controller: {v} (↑ = update available)\n"
        ));
    }
    out
}

pub async fn fleet(client: &Client, ctx: &Ctx, args: &FleetArgs) -> Result<String> {
    let path = format!("/fleet{}", fleet_query(args));
    let fleet: Fleet = client.get(&path).await?;
    if !args.watch {
        return Ok(ctx.data(&fleet).unwrap_or_else(|| fleet_table(ctx, &fleet)));
    }
    // Redraw on every message of the live stream.
    let resp = client.send(Method::GET, "/stream", None).await?;
    let mut stream = resp.bytes_stream();
    if emit(&redraw(ctx, &fleet)).is_err() {
        return Ok(String::new());
    }
    while let Some(chunk) = stream.next().await {
        if chunk.is_err() {
            break;
        }
        let fleet: Fleet = client.get(&path).await?;
        if emit(&redraw(ctx, &fleet)).is_err() {
            break;
        }
    }
    Ok(String::new())
}

fn redraw(ctx: &Ctx, fleet: &Fleet) -> String {
    let body = ctx.data(fleet).unwrap_or_else(|| fleet_table(ctx, fleet));
    if ctx.interactive {
        format!("\x1b[2J\x1b[H{body}")
    } else {
        format!("{body}\n")
    }
}

pub async fn show(client: &Client, ctx: &Ctx, id: &str) -> Result<String> {
    let v: Value = client
        .get(&format!("/customers/{}", customer_id(id)?))
        .await?;
    if let Some(out) = ctx.data(&v) {
        return Ok(out);
    }
    let c = &v["customer"];
    let r = &c["latest_report"];
    let s = |v: &Value| {
        v.as_str()
            .map(|t| clean(t).into_owned())
            .unwrap_or_else(|| "-".into())
    };
    let mut out = format!(
        "{}  {}  health {}  controller {}{}\n",
        s(&c["customer_id"]),
        s(&c["status"]).to_uppercase(),
        s(&c["health"]),
        s(&c["controller_version"]),
        if c["update_available"] == true {
            " (update available)"
        } else {
            ""
        },
    );
    out.push_str(&format!(
        "last report {}  received {}\n",
        s(&c["last_report_at"]),
        s(&c["last_received_at"])
    ));
    match v["config"].as_object() {
        Some(cfg) => out.push_str(&format!(
            "config: managed — {} · {} · {}\n",
            cfg.get("display_name").map(s).unwrap_or_default(),
            cfg.get("domain").map(s).unwrap_or_default(),
            cfg.get("contact_email").map(s).unwrap_or_default()
        )),
        None => out.push_str("config: manual (no config on the hub)\n"),
    }
    let sys = &r["system"];
    if sys.is_object() {
        out.push_str(&format!(
            "system: {} · {} · kernel {} · cpu {}% · memory {}\n",
            s(&sys["hostname"]),
            s(&sys["os"]),
            s(&sys["kernel"]),
            sys["cpu_percent"]
                .as_f64()
                .map(|c| format!("{c:.0}"))
                .unwrap_or_else(|| "-".into()),
            usage(
                sys["memory_used_bytes"].as_u64().unwrap_or(0),
                sys["memory_total_bytes"].as_u64().unwrap_or(0)
            ),
        ));
    }
    if let Some(disks) = r["storage"].as_array().filter(|d| !d.is_empty()) {
        let mut t = ctx.table(&["MOUNT", "LABEL", "USED", "SMART"]);
        for d in disks {
            t.add_row(row([
                s(&d["mount_point"]),
                s(&d["label"]),
                usage(
                    d["used_bytes"].as_u64().unwrap_or(0),
                    d["total_bytes"].as_u64().unwrap_or(0),
                ),
                match d["smart_ok"].as_bool() {
                    Some(true) => "ok".into(),
                    Some(false) => "FAIL".into(),
                    None => "-".into(),
                },
            ]));
        }
        out.push_str("\nstorage\n");
        out.push_str(&render(&t));
    }
    if let Some(cs) = r["containers"].as_array().filter(|d| !d.is_empty()) {
        let mut t = ctx.table(&["CONTAINER", "IMAGE", "STATE", "HEALTH", "RESTARTS"]);
        for c in cs {
            t.add_row(row([
                s(&c["name"]),
                s(&c["image"]),
                s(&c["state"]),
                s(&c["health"]),
                c["restart_count"].to_string(),
            ]));
        }
        out.push_str("\ncontainers\n");
        out.push_str(&render(&t));
    }
    let b = &r["backup"];
    if b.is_object() {
        let ok = |v: &Value| match v.as_bool() {
            Some(true) => "ok",
            Some(false) => "FAILED",
            None => "-",
        };
        out.push_str(&format!(
            "\nbackup: last {} ({}) · db dump {} ({}) · {} snapshots\n",
            s(&b["last_backup_at"]),
            ok(&b["last_backup_ok"]),
            s(&b["last_dbdump_at"]),
            ok(&b["last_dbdump_ok"]),
            b["snapshot_count"]
                .as_u64()
                .map(|n| n.to_string())
                .unwrap_or_else(|| "-".into()),
        ));
    }
    let events: Vec<EventRecord> =
        serde_json::from_value(v["recent_events"].clone()).unwrap_or_default();
    if !events.is_empty() {
        out.push_str("\nrecent events\n");
        out.push_str(&events_table(ctx, &events));
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

pub async fn events(client: &Client, ctx: &Ctx, args: &EventsArgs) -> Result<String> {
    let mut q = vec![format!("limit={}", args.limit)];
    for (k, v) in [
        ("customer", &args.customer),
        ("severity", &args.severity),
        ("type", &args.event_type),
    ] {
        if let Some(v) = v {
            q.push(format!("{k}={v}"));
        }
    }
    if let Some(s) = &args.since {
        q.push(format!("since={}", parse_since(s, Timestamp::now())?));
    }
    let page: Page<EventRecord> = client.get(&format!("/events?{}", q.join("&"))).await?;
    let first = ctx
        .data(&page)
        .unwrap_or_else(|| events_table(ctx, &page.items));
    if !args.follow {
        return Ok(first);
    }
    if emit(&first).is_err() {
        return Ok(String::new());
    }
    let resp = client.send(Method::GET, "/stream", None).await?;
    let mut stream = resp.bytes_stream();
    let mut buf = String::new();
    while let Some(Ok(chunk)) = stream.next().await {
        buf.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            if !block.contains("event: event") {
                continue;
            }
            let data: String = block
                .lines()
                .filter_map(|l| l.strip_prefix("data:"))
                .map(str::trim)
                .collect();
            let Ok(v) = serde_json::from_str::<Value>(&data) else {
                continue;
            };
            let keep =
                |k: &str, want: &Option<String>| want.as_ref().is_none_or(|w| v[k] == w.as_str());
            if keep("customer_id", &args.customer)
                && keep("severity", &args.severity)
                && keep("event_type", &args.event_type)
            {
                let field = |k: &str| clean(v[k].as_str().unwrap_or("")).into_owned();
                let line = ctx.data(&v).unwrap_or_else(|| {
                    format!(
                        "{}  {}  {}  {}  {}",
                        field("occurred_at"),
                        field("customer_id"),
                        field("severity"),
                        field("event_type"),
                        field("message")
                    )
                });
                if emit(&format!("{}\n", line.trim_end())).is_err() {
                    return Ok(String::new());
                }
            }
        }
    }
    Ok(String::new())
}

pub async fn history(client: &Client, ctx: &Ctx, id: &str, period: &str) -> Result<String> {
    let v: Value = client
        .get(&format!(
            "/customers/{}/history?period={period}",
            customer_id(id)?
        ))
        .await?;
    if let Some(out) = ctx.data(&v) {
        return Ok(out);
    }
    let mut t = ctx.table(&["RECEIVED", "HEALTH", "CPU %", "MEMORY", "VERSION"]);
    for e in v["reports"].as_array().into_iter().flatten() {
        let r = &e["report"];
        t.add_row(vec![
            cell(e["received_at"].as_str().unwrap_or("")),
            ctx.status_cell(r["health"].as_str().unwrap_or("-")),
            cell(
                r["system"]["cpu_percent"]
                    .as_f64()
                    .map(|c| format!("{c:.1}"))
                    .unwrap_or_else(|| "-".into()),
            ),
            cell(usage(
                r["system"]["memory_used_bytes"].as_u64().unwrap_or(0),
                r["system"]["memory_total_bytes"].as_u64().unwrap_or(0),
            )),
            cell(r["controller_version"].as_str().unwrap_or("-")),
        ]);
    }
    Ok(render(&t))
}

fn log_query(args: &LogArgs) -> String {
    match &args.customer {
        Some(c) => format!("?limit={}&customer={c}", args.limit),
        None => format!("?limit={}", args.limit),
    }
}

pub async fn notifications(client: &Client, ctx: &Ctx, args: &LogArgs) -> Result<String> {
    let rows: Vec<Value> = client
        .get(&format!("/notifications{}", log_query(args)))
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
        let s = |k: &str| r[k].as_str().unwrap_or("").to_owned();
        let outcome = s("outcome");
        let detail = if outcome == "sent" {
            s("recipient")
        } else {
            s("reason")
        };
        t.add_row(vec![
            cell(s("created_at")),
            cell(s("channel")),
            cell(s("customer_id")),
            cell(s("event_type")),
            ctx.status_cell(&outcome),
            cell(detail),
        ]);
    }
    Ok(render(&t))
}

pub async fn audit(client: &Client, ctx: &Ctx, args: &LogArgs) -> Result<String> {
    let page: Page<AuditEntry> = client.get(&format!("/audit{}", log_query(args))).await?;
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
    let v: Versions = client.get("/versions").await?;
    if let Some(out) = ctx.data(&v) {
        return Ok(out);
    }
    let mut out = format!(
        "newest controller: {}\n\n",
        v.latest
            .as_deref()
            .unwrap_or("unknown (registry not checked yet)")
    );
    let mut t = ctx.table(&["VERSION", "CUSTOMERS"]);
    for (version, n) in &v.fleet {
        t.add_row(row([version.clone(), n.to_string()]));
    }
    out.push_str(&render(&t));
    Ok(out)
}

/// Down (or, strict, also warn) customers that are not blocked.
pub async fn check(client: &Client, ctx: &Ctx, strict: bool) -> Result<(String, Outcome)> {
    let fleet: Fleet = client.get("/fleet").await?;
    let bad: Vec<&FleetEntry> = fleet
        .customers
        .iter()
        .filter(|c| match c.summary.status.as_str() {
            "down" => true,
            "warn" => strict,
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
        out.push_str(&format!(
            "{}: {} (last report {})\n",
            c.summary.customer_id,
            c.summary.status.as_str(),
            age(c.last_report_age_secs)
        ));
    }
    Ok((out, outcome))
}
