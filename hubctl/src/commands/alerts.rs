//! `hubctl incidents` and `hubctl maintenance`, and how windows and
//! incidents read on one line (also for `hubctl show` and the TUI).

use hub_proto::alerts::{Incident, MaintenanceWindow, NewMaintenance, WindowKind};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::{CliError, Result, customer_id};
use crate::cli::{IncidentArgs, MaintenanceAddArgs, MaintenanceCommand};
use crate::client::Client;
use crate::output::{Ctx, cell, clean, render};

/// "#2 fleet-wide daily 02:00 for 3600s (Europe/Budapest), next … — reason".
pub fn window_line(w: &MaintenanceWindow) -> String {
    clean(&w.describe()).into_owned()
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
    hub_proto::alerts::parse_duration_secs(s).map_err(|_| {
        CliError::Usage(format!(
            "{flag} `{s}`: use a duration like 30m, 2h or 1h30m"
        ))
    })
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
    clean(&i.state_word()).into_owned()
}

/// Who was told of the opening.
pub fn told(i: &Incident) -> String {
    i.told_word().to_owned()
}

/// "1 sent, next 2026-11-28T10:00:00Z".
pub fn reminders(i: &Incident) -> String {
    i.reminders_word()
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
        assert!(
            parse_duration("--for", "soon")
                .unwrap_err()
                .to_string()
                .contains("--for `soon`")
        );
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
