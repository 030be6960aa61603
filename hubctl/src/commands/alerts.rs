//! `hubctl incidents` and `hubctl maintenance`, and how windows and
//! incidents read on one line (also for `hubctl show` and the TUI).

use hub_proto::alerts::{Incident, MaintenanceWindow, NewMaintenance, WindowKind};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::{CliError, Result, customer_id};
use crate::cli::{IncidentArgs, MaintenanceAddArgs, MaintenanceCommand};
use crate::client::Client;
use crate::output::{Ctx, cell, clean, render};

/// "fleet-wide daily 02:00 for 3600s (Europe/Budapest) until … — reason".
pub fn window_line(w: &MaintenanceWindow) -> String {
    let scope = w
        .customer_id
        .as_deref()
        .map(clean)
        .unwrap_or("fleet-wide".into());
    let when = match w.kind {
        WindowKind::Once | WindowKind::Action => format!(
            "{} {} to {}",
            w.kind.as_str(),
            w.starts_at.map(|t| t.to_string()).unwrap_or_default(),
            w.ends_at.map(|t| t.to_string()).unwrap_or_default()
        ),
        WindowKind::Daily | WindowKind::Weekly => format!(
            "{} {}{} for {}s ({})",
            w.kind.as_str(),
            w.start_time.as_deref().unwrap_or("?"),
            if w.weekdays.is_empty() {
                String::new()
            } else {
                format!(" on {}", w.weekdays.join(","))
            },
            w.duration_s.unwrap_or(0),
            clean(&w.timezone)
        ),
    };
    let state = match (w.active_until, w.next_start) {
        (Some(u), _) => format!("active until {u}"),
        (None, Some(n)) => format!("next {n}"),
        _ => "over".into(),
    };
    format!("#{} {scope} {when}, {state} — {}", w.id, clean(&w.reason))
}

/// "#3 backup since … (expected_backup_missed), held: inhibited".
pub fn incident_line(i: &Incident) -> String {
    let held = i
        .held
        .as_deref()
        .map(|h| format!(", held: {h}"))
        .unwrap_or_default();
    format!(
        "#{} {} since {} ({}){held}",
        i.id,
        i.family.as_str(),
        i.opened_at,
        clean(&i.opened_by)
    )
}

/// `30s`, `45m`, `2h`, `1d`, `1h30m`: seconds.
pub fn parse_duration(flag: &str, s: &str) -> Result<i64> {
    let bad = || {
        CliError::Usage(format!(
            "{flag} `{s}`: use a duration like 30m, 2h or 1h30m"
        ))
    };
    let mut total: i64 = 0;
    let mut rest = s.trim();
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
        let n: i64 = rest[..digits].parse().map_err(|_| bad())?;
        let unit = match rest[digits..].chars().next() {
            Some('s') => 1,
            Some('m') => 60,
            Some('h') => 3600,
            Some('d') => 86_400,
            _ => return Err(bad()),
        };
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(bad)?;
        rest = &rest[digits + 1..];
    }
    if total <= 0 {
        return Err(bad());
    }
    Ok(total)
}

/// An RFC 3339 timestamp, or a local "2026-12-07 02:00" in `tz` (the
/// terminal's zone when not given).
pub fn parse_time(flag: &str, s: &str, tz: Option<&str>) -> Result<Timestamp> {
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t);
    }
    let bad = |why: &str| CliError::Usage(format!("{flag} `{s}`: {why}"));
    let civil: jiff::civil::DateTime = s
        .replacen(' ', "T", 1)
        .parse()
        .map_err(|_| bad("use 2026-12-07T02:00:00+01:00 or \"2026-12-07 02:00\""))?;
    let zone = match tz {
        Some(name) => {
            TimeZone::get(name).map_err(|_| bad("--timezone is not a known time zone"))?
        }
        None => TimeZone::system(),
    };
    civil
        .to_zoned(zone)
        .map(|z| z.timestamp())
        .map_err(|_| bad("not a time in that zone"))
}

/// The window `args` describe, as the admin API takes it.
pub fn new_window(args: &MaintenanceAddArgs) -> Result<NewMaintenance> {
    let customer_id = match (&args.customer, args.all) {
        (Some(id), false) => Some(customer_id(id)?.to_owned()),
        (None, true) => None,
        _ => {
            return Err(CliError::Usage(
                "give a customer id or --all, not both".into(),
            ));
        }
    };
    let tz = args.timezone.as_deref();
    let mut w = NewMaintenance {
        customer_id,
        kind: WindowKind::Once,
        starts_at: None,
        ends_at: None,
        start_time: None,
        duration_s: None,
        weekdays: Vec::new(),
        timezone: args.timezone.clone().unwrap_or_default(),
        reason: args.reason.clone(),
    };
    match (&args.for_, &args.from, &args.until, &args.daily) {
        (Some(d), None, None, None) => w.duration_s = Some(parse_duration("--for", d)?),
        (None, Some(from), Some(until), None) => {
            w.starts_at = Some(parse_time("--from", from, tz)?);
            w.ends_at = Some(parse_time("--until", until, tz)?);
        }
        (None, None, None, Some(at)) => {
            w.start_time = Some(at.clone());
            let d = args.duration.as_deref().unwrap_or_default();
            w.duration_s = Some(parse_duration("--duration", d)?);
            if let Some(days) = &args.weekdays {
                w.kind = WindowKind::Weekly;
                w.weekdays = days.split(',').map(|d| d.trim().to_lowercase()).collect();
            } else {
                w.kind = WindowKind::Daily;
            }
        }
        _ => {
            return Err(CliError::Usage(
                "one of --for, --from/--until or --daily/--duration".into(),
            ));
        }
    }
    Ok(w)
}

pub async fn incidents(client: &Client, ctx: &Ctx, args: &IncidentArgs) -> Result<String> {
    if let Some(id) = &args.customer {
        customer_id(id)?;
    }
    let list = client
        .incidents(
            args.open,
            args.customer.as_deref(),
            args.family.as_deref(),
            args.limit,
        )
        .await?;
    if let Some(out) = ctx.data(&list) {
        return Ok(out);
    }
    let mut t = ctx.table(&[
        "ID",
        "CUSTOMER",
        "FAMILY",
        "OPENED",
        "STATE",
        "TOLD",
        "REMINDERS",
        "MESSAGE",
    ]);
    for i in &list.incidents {
        t.add_row(vec![
            cell(i.id.to_string()),
            cell(i.customer_id.as_deref().unwrap_or("(fleet)")),
            cell(i.family.as_str()),
            cell(i.opened_at.to_string()),
            ctx.status_cell(&incident_state(i)),
            cell(told(i)),
            cell(reminders(i)),
            cell(clean(&i.message)),
        ]);
    }
    Ok(render(&t))
}

/// "open", "held: maintenance", "resolving", "resolved".
pub fn incident_state(i: &Incident) -> String {
    match (i.resolved_at, i.resolving_since, i.held.as_deref()) {
        (Some(_), _, _) => "resolved".into(),
        (None, Some(_), _) => "resolving".into(),
        (None, None, Some(h)) if i.notified_operator_at.is_none() => format!("held: {}", clean(h)),
        _ => "open".into(),
    }
}

/// Who was told of the opening: "operator+customer", "operator", "-".
pub fn told(i: &Incident) -> String {
    match (
        i.notified_operator_at.is_some(),
        i.notified_customer_at.is_some(),
    ) {
        (true, true) => "operator+customer".into(),
        (true, false) => "operator".into(),
        (false, true) => "customer".into(),
        (false, false) => "-".into(),
    }
}

/// "1 sent, next 2026-11-28T10:00:00Z".
pub fn reminders(i: &Incident) -> String {
    match i.next_reminder_at {
        Some(n) if i.resolved_at.is_none() => format!("{} sent, next {n}", i.reminders_sent),
        _ => format!("{} sent", i.reminders_sent),
    }
}

pub async fn maintenance(client: &Client, ctx: &Ctx, cmd: &MaintenanceCommand) -> Result<String> {
    match cmd {
        MaintenanceCommand::Add(args) => {
            let w = new_window(args)?;
            let made = client.add_maintenance(&w).await?;
            Ok(ctx
                .data(&made)
                .unwrap_or_else(|| format!("added {}\n", window_line(&made))))
        }
        MaintenanceCommand::List { customer } => {
            if let Some(id) = customer {
                customer_id(id)?;
            }
            let list = client.maintenance(customer.as_deref()).await?;
            if let Some(out) = ctx.data(&list) {
                return Ok(out);
            }
            if list.windows.is_empty() {
                return Ok("no maintenance windows\n".into());
            }
            Ok(list.windows.iter().map(|w| window_line(w) + "\n").collect())
        }
        MaintenanceCommand::End { id } => {
            let r = client.end_maintenance(*id).await?;
            Ok(ctx
                .data(&r)
                .unwrap_or_else(|| format!("ended window #{id}\n")))
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("--for", "2h").unwrap(), 7200);
        assert_eq!(parse_duration("--for", "1h30m").unwrap(), 5400);
        assert_eq!(parse_duration("--for", "45s").unwrap(), 45);
        for bad in ["", "2", "h", "2w", "0m", "-1h"] {
            assert!(parse_duration("--for", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn local_times_are_read_in_the_given_zone() {
        let t = parse_time("--from", "2026-12-07 02:00", Some("Europe/Budapest")).unwrap();
        assert_eq!(t.to_string(), "2026-12-07T01:00:00Z");
        let t = parse_time("--from", "2026-07-07T02:00", Some("Europe/Budapest")).unwrap();
        assert_eq!(t.to_string(), "2026-07-07T00:00:00Z");
        let t = parse_time("--from", "2026-12-07T02:00:00Z", None).unwrap();
        assert_eq!(t.to_string(), "2026-12-07T02:00:00Z");
        assert!(parse_time("--from", "tomorrow", None).is_err());
        assert!(parse_time("--from", "2026-12-07 02:00", Some("Mars/Base")).is_err());
    }
}
