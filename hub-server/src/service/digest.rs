//! The operator's daily digest: at `digest.time` local time, once per
//! local day across restarts, always — also when all is quiet, so it
//! proves each morning that the email path works. Its subject counts
//! (`[felhom digest] 2 down · 3 missed backups · 1 drift — 2026-12-01`)
//! and never reads like an alert. `hubctl digest` previews the same text
//! (one function renders both).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use hub_proto::admin::{Digest, DriftState};
use hub_proto::{CustomerStatus, human_duration, parse_version};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

use super::{Actor, ServiceError};
use crate::state::AppState;
use crate::store::{Channel, DigestFacts, DigestIncident, NewDelivery};

/// Pending longer than this is listed.
const PENDING_LONG: SignedDuration = SignedDuration::from_hours(7 * 24);
/// Most names a line lists (the rest are counted).
const NAMES: usize = 10;

/// The fleet's part, read from the live model at one moment.
#[derive(Debug, Default)]
struct FleetFacts {
    by_status: BTreeMap<u8, (CustomerStatus, usize)>,
    nodes: usize,
    /// Versions behind the newest: version → customers.
    behind: BTreeMap<String, usize>,
    drifted: Vec<String>,
    unknown: Vec<String>,
}

fn fleet_facts(st: &AppState) -> FleetFacts {
    let view = st.status_view();
    let latest = view.latest;
    st.live().read(|rows, _| {
        let mut f = FleetFacts::default();
        for r in rows {
            let s = r.status(&view);
            f.nodes += 1;
            f.by_status.entry(s.urgency()).or_insert((s, 0)).1 += 1;
            if let (Some(v), Some(l)) = (
                r.controller_version.as_deref().and_then(parse_version),
                latest,
            ) && v < l
                && let Some(text) = r.controller_version.clone()
            {
                *f.behind.entry(text).or_default() += 1;
            }
            match r.drift() {
                Some(DriftState::Drifted) => f.drifted.push(r.customer_id.clone()),
                Some(DriftState::Unknown) => f.unknown.push(r.customer_id.clone()),
                _ => {}
            }
        }
        f
    })
}

fn count(f: &FleetFacts, s: CustomerStatus) -> usize {
    f.by_status.get(&s.urgency()).map_or(0, |(_, n)| *n)
}

fn names(list: &[String]) -> String {
    let mut out = list
        .iter()
        .take(NAMES)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if list.len() > NAMES {
        let _ = write!(out, " and {} more", list.len() - NAMES);
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn local(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

fn age(from: Timestamp, now: Timestamp) -> String {
    human_duration(std::time::Duration::try_from(now.duration_since(from)).unwrap_or_default())
}

fn who(i: &DigestIncident) -> String {
    i.customer_id.clone().unwrap_or_else(|| "the fleet".into())
}

/// Everything the digest says, as of `now`.
pub async fn build(st: &AppState) -> Result<Digest, ServiceError> {
    let now = st.clock.now();
    let tz = &st.tz;
    let date = now.to_zoned(tz.clone()).date().to_string();
    let facts = st
        .store
        .digest_facts(now, now.checked_sub(PENDING_LONG).unwrap_or(now))
        .await?;
    let fleet = fleet_facts(st);
    let disk = super::views::disk(st).await;
    let last_backup = st
        .store
        .job_last_ran_at(crate::store::backup::BACKUP_JOB)
        .await?;
    let windows = super::alerts::maintenance(st, None).windows;
    let disabled = st.store.disabled_channels().await?;
    let uptime = now.duration_since(st.started_at);
    let text = render(&Render {
        now,
        tz,
        facts: &facts,
        fleet: &fleet,
        reminder_limit: st.config.alerting.reminder_limit,
        windows: &windows,
        uptime: age(st.started_at, now),
        uptime_mins: uptime.as_secs().max(60) / 60,
        disabled: &disabled,
        db_bytes: disk.database_bytes + disk.wal_bytes,
        reports: st.metrics.reports_ingested.get(),
        last_backup,
    });
    let down = count(&fleet, CustomerStatus::Down);
    let warn = count(&fleet, CustomerStatus::Warn);
    let (mb, md) = (facts.missed_backups.len(), facts.missed_dumps.len());
    let mut parts = Vec::new();
    if down > 0 {
        parts.push(format!("{down} down"));
    }
    if warn > 0 {
        parts.push(format!("{warn} warn"));
    }
    if mb > 0 {
        parts.push(plural(mb, "missed backup", "missed backups"));
    }
    if md > 0 {
        parts.push(plural(md, "missed dump", "missed dumps"));
    }
    if !fleet.drifted.is_empty() {
        parts.push(format!("{} drift", fleet.drifted.len()));
    }
    let head = if parts.is_empty() {
        format!("all {} OK", plural(fleet.nodes, "node", "nodes"))
    } else {
        parts.join(" · ")
    };
    Ok(Digest {
        subject: format!("[felhom digest] {head} — {date}"),
        date,
        text,
        nodes: fleet.nodes,
        down,
        warn,
        open_incidents: facts.open.len(),
        missed_backups: mb,
        missed_dumps: md,
        drifted: fleet.drifted.len(),
        sent: false,
    })
}

struct Render<'a> {
    now: Timestamp,
    tz: &'a TimeZone,
    facts: &'a DigestFacts,
    fleet: &'a FleetFacts,
    reminder_limit: u32,
    windows: &'a [hub_proto::alerts::MaintenanceWindow],
    uptime: String,
    uptime_mins: i64,
    /// Channels turned off: (name, why).
    disabled: &'a [(String, String)],
    db_bytes: u64,
    reports: u64,
    last_backup: Option<Timestamp>,
}

/// The digest's text: a summary line, then the sections in the order the
/// operator reads them in the morning.
fn render(r: &Render<'_>) -> String {
    let (f, fl) = (r.facts, r.fleet);
    let mut o = String::new();
    let statuses: Vec<String> = fl
        .by_status
        .values()
        .map(|(s, n)| format!("{n} {}", s.as_str()))
        .collect();
    let _ = writeln!(
        o,
        "{}: {}; {} open.",
        plural(fl.nodes, "node", "nodes"),
        if statuses.is_empty() {
            "none yet".to_owned()
        } else {
            statuses.join(", ")
        },
        plural(f.open.len(), "incident", "incidents")
    );

    let _ = writeln!(o, "\nOpen incidents (oldest first)");
    if f.open.is_empty() {
        let _ = writeln!(o, "  none");
    }
    for i in &f.open {
        let mut line = format!(
            "  {} {}: open {} (since {})",
            who(i),
            i.family,
            age(i.opened_at, r.now),
            local(i.opened_at, r.tz)
        );
        if r.reminder_limit > 0 && i.reminders_sent >= r.reminder_limit {
            line.push_str(", reminders used up");
        }
        if let Some(h) = &i.held {
            let _ = write!(line, ", held: {h}");
        }
        let _ = writeln!(o, "{line}");
    }

    let _ = writeln!(o, "\nThe last 24 hours");
    let list = |v: &[DigestIncident]| -> String {
        if v.is_empty() {
            return "none".into();
        }
        let all: Vec<String> = v
            .iter()
            .map(|i| format!("{} {}", who(i), i.family))
            .collect();
        format!("{}: {}", v.len(), names(&all))
    };
    let _ = writeln!(o, "  new incidents: {}", list(&f.opened));
    let _ = writeln!(o, "  resolved: {}", list(&f.resolved));
    let missed = |v: &[String]| {
        if v.is_empty() {
            "none".to_owned()
        } else {
            format!("{}: {}", v.len(), names(v))
        }
    };
    let _ = writeln!(o, "  missed backups: {}", missed(&f.missed_backups));
    let _ = writeln!(o, "  missed database dumps: {}", missed(&f.missed_dumps));
    let _ = writeln!(o, "  failed deliveries: {}", f.failed);
    let off: Vec<String> = r
        .disabled
        .iter()
        .map(|(name, why)| format!("{name} ({why})"))
        .collect();
    let _ = writeln!(
        o,
        "  disabled channels: {}",
        if off.is_empty() {
            "none".to_owned()
        } else {
            off.join("; ")
        }
    );
    let skipped: Vec<String> = f
        .skipped
        .iter()
        .map(|(why, n)| format!("{why} {n}"))
        .collect();
    let _ = writeln!(
        o,
        "  skipped notifications: {}",
        if skipped.is_empty() {
            "none".to_owned()
        } else {
            skipped.join(", ")
        }
    );

    let _ = writeln!(o, "\nThe fleet");
    let pending: Vec<String> = f.pending_long.clone();
    let _ = writeln!(o, "  pending for more than 7 days: {}", missed(&pending));
    let behind: Vec<String> = fl.behind.iter().map(|(v, n)| format!("{v} ×{n}")).collect();
    let _ = writeln!(
        o,
        "  versions behind the newest: {}",
        if behind.is_empty() {
            "none".to_owned()
        } else {
            behind.join(", ")
        }
    );
    let _ = writeln!(o, "  drifted: {}", missed(&fl.drifted));
    let _ = writeln!(o, "  drift unknown: {}", missed(&fl.unknown));

    let _ = writeln!(o, "\nMaintenance in the next 24 hours");
    let soon = r
        .now
        .checked_add(SignedDuration::from_hours(24))
        .unwrap_or(r.now);
    let mut any = false;
    for w in r.windows {
        let (from, active) = match (w.active_until, w.next_start) {
            (Some(until), _) => (until, true),
            (None, Some(start)) if start <= soon => (start, false),
            _ => continue,
        };
        any = true;
        let target = w.customer_id.as_deref().unwrap_or("the whole fleet");
        let _ = writeln!(
            o,
            "  {target}: {} {} — {}",
            if active { "active until" } else { "from" },
            local(from, r.tz),
            w.reason
        );
    }
    if !any {
        let _ = writeln!(o, "  none");
    }

    let _ = writeln!(o, "\nThe hub");
    let _ = writeln!(
        o,
        "  up {}, database {:.1} MB, {} reports since it started ({:.1} a minute), last backup {}",
        r.uptime,
        r.db_bytes as f64 / 1_000_000.0,
        r.reports,
        r.reports as f64 / r.uptime_mins as f64,
        r.last_backup
            .map(|t| local(t, r.tz))
            .unwrap_or_else(|| "never".into())
    );
    o
}

/// The email of `d` for the operator (none when the email is off or has
/// no address).
pub fn email(st: &AppState, d: &Digest, key: String) -> Option<NewDelivery> {
    let n = &st.config.notifications;
    if !n.operator_enabled || n.operator_email.trim().is_empty() {
        return None;
    }
    let link = format!(
        "{}/hub",
        st.config.server.dashboard_url().trim_end_matches('/')
    );
    let text = format!("{}\nThe dashboard: {link}\n", d.text);
    let html = format!(
        "<pre style=\"font-family: ui-monospace, monospace\">{}</pre>",
        crate::notify::texts::esc(&text)
    );
    Some(NewDelivery {
        channel: Channel::Operator,
        event_type: "digest".into(),
        event: None,
        recipient: n.operator_email.clone(),
        subject: d.subject.clone(),
        text,
        html,
        idempotency_key: key,
        email: true,
    })
}

/// `hubctl digest --send`: today's digest now, besides the scheduled one;
/// audited.
pub async fn send(st: &AppState, actor: &Actor) -> Result<Digest, ServiceError> {
    let result = async {
        let mut d = build(st).await?;
        let now = st.clock.now();
        let key = format!(
            "{}-digest-{}-manual-{}",
            instance(st).await?,
            d.date,
            now.as_millisecond()
        );
        let mail = email(st, &d, key).ok_or_else(|| {
            ServiceError::Conflict(
                "the operator email is off or has no address (notifications.operator_email)".into(),
            )
        })?;
        d.sent = st
            .store
            .queue_digest(None, d.date.clone(), mail, now)
            .await?;
        st.wake.notify_one();
        Ok(d)
    }
    .await;
    super::customers::audited(st, actor, "digest.send", "*", json!({}), result).await
}

/// This hub's id in idempotency keys (made by the dispatcher at start).
pub async fn instance(st: &AppState) -> Result<String, ServiceError> {
    Ok(st.store.get_state("instance_id").await?.unwrap_or_default())
}
