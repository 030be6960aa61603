//! One customer: banner, config, system, storage, containers, backups,
//! history sparklines, events (with a severity filter), notifications.
//! Built as lines of one scrollable paragraph, so every size works.

use hub_proto::admin::CustomerView;
use hub_proto::{CustomerStatus, HistoryPeriod, Report, Severity, short_age};
use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::{App, Detail, Sample};
use super::theme::{Theme, symbol};
use crate::output::{clean, usage};

/// A bar of `width` cells filled to `pct` percent.
pub fn gauge(pct: f64, width: usize) -> String {
    let pct = pct.clamp(0.0, 100.0);
    let full = ((pct / 100.0) * width as f64).round() as usize;
    format!(
        "{}{}",
        "█".repeat(full),
        "░".repeat(width - full.min(width))
    )
}

/// A sparkline of the values (0–100), at most `width` wide.
pub fn sparkline(values: &[f64], width: usize) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    if values.is_empty() {
        return "no data".into();
    }
    // Average into at most `width` buckets.
    let buckets = values.len().min(width.max(1));
    (0..buckets)
        .map(|b| {
            let from = b * values.len() / buckets;
            let to = ((b + 1) * values.len() / buckets).max(from + 1);
            let slice = &values[from..to];
            let v = slice.iter().sum::<f64>() / slice.len() as f64;
            BARS[((v.clamp(0.0, 100.0) / 100.0) * 7.0).round() as usize]
        })
        .collect()
}

fn section<'a>(lines: &mut Vec<Line<'a>>, theme: &Theme, title: &'a str) {
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(title, theme.title())));
}

fn age_of(t: Option<Timestamp>, now: Timestamp) -> String {
    match t {
        Some(t) => format!("{} ago", short_age(Some(now.duration_since(t).as_secs()))),
        None => "never".into(),
    }
}

fn kv(key: &str, value: String) -> Line<'static> {
    Line::from(vec![Span::raw(format!("  {key:<12}")), Span::raw(value)])
}

pub fn render(f: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let Some(d) = &app.detail else {
        return;
    };
    let (mut lines, head) = lines(app, d, theme, area.width as usize);
    // The title (status, id, reason) stays while the rest scrolls.
    let rest = lines.split_off(head.min(lines.len()));
    let [top, body] =
        Layout::vertical([Constraint::Length(lines.len() as u16), Constraint::Fill(1)]).areas(area);
    f.render_widget(Paragraph::new(lines), top);
    f.render_widget(Paragraph::new(rest).scroll((d.scroll, 0)), body);
}

/// The page's lines and how many of the first ones are its title.
fn lines(app: &App, d: &Detail, theme: &Theme, width: usize) -> (Vec<Line<'static>>, usize) {
    let mut out: Vec<Line<'static>> = Vec::new();
    let Some(view) = &d.view else {
        out.push(Line::from(match &d.error {
            Some(e) => Span::styled(format!("{}: {e}", d.customer_id), theme.bad()),
            None => Span::raw(format!("Loading {}…", d.customer_id)),
        }));
        return (out, 1);
    };
    let s = &view.customer.summary;
    // The hub's idea of now: the row's age plus when it was received.
    let now = s
        .last_received_at
        .and_then(|t| {
            app.rows
                .get(&s.customer_id)
                .and_then(|r| r.age(app.now))
                .map(|age| t + jiff::SignedDuration::from_secs(age))
        })
        .unwrap_or_else(Timestamp::now);
    if s.status == CustomerStatus::Blocked {
        out.push(Line::from(Span::styled(
            format!(
                " BLOCKED: {} — reports are kept, nobody is notified (b unblocks) ",
                clean(&s.customer_id)
            ),
            theme.banner(),
        )));
    }
    out.push(Line::from(vec![
        Span::styled(
            format!(
                " {} {} ",
                symbol(s.status),
                s.status.as_str().to_uppercase()
            ),
            theme.status(s.status),
        ),
        Span::styled(clean(&s.customer_id).into_owned(), theme.title()),
        Span::raw(format!(
            "  health {}  last report {}  controller {}{}",
            s.health.map(|h| h.as_str()).unwrap_or("-"),
            age_of(s.last_received_at, now),
            s.controller_version
                .as_deref()
                .map(clean)
                .unwrap_or_default(),
            if s.update_available {
                " ↑ update available"
            } else {
                ""
            },
        )),
    ]));
    if let Some(r) = &view.reason {
        out.push(Line::from(Span::styled(
            format!(" {}", clean(r)),
            theme.status(s.status),
        )));
    }
    if let Some(n) = view.drift.and_then(|d| d.note()) {
        out.push(Line::from(Span::styled(
            format!(" {n} (d: diff)"),
            theme.status(hub_proto::CustomerStatus::Warn),
        )));
    }
    let head = out.len();
    for w in &view.maintenance {
        out.push(Line::from(format!(
            " maintenance: {}",
            crate::commands::alerts::window_line(w)
        )));
    }
    for i in view.incidents.iter().filter(|i| i.resolved_at.is_none()) {
        out.push(Line::from(format!(
            " open incident: {}",
            crate::commands::alerts::incident_line(i)
        )));
    }
    config(&mut out, theme, view);
    let report: Option<Report> = view
        .customer
        .latest_report
        .as_ref()
        .and_then(|r| serde_json::from_str(r.get()).ok());
    match &report {
        Some(r) => report_sections(&mut out, theme, r, now, width),
        None => {
            section(&mut out, theme, "Reports");
            out.push(Line::from("  Waiting for the first report."));
        }
    }
    history(&mut out, theme, d, width);
    events(&mut out, theme, view, d.min_severity);
    notifications(&mut out, theme, view);
    (out, head)
}

fn config(out: &mut Vec<Line<'static>>, theme: &Theme, view: &CustomerView) {
    section(out, theme, "Config");
    match &view.config {
        Some(c) => {
            out.push(kv(
                "managed",
                format!("{} · {}", clean(&c.display_name), clean(&c.domain)),
            ));
            out.push(kv("contact", clean(&c.contact_email).into_owned()));
            let tokens: Vec<&str> = c.tokens.keys().map(String::as_str).collect();
            out.push(kv(
                "tokens",
                if tokens.is_empty() {
                    "-".into()
                } else {
                    tokens.join(", ")
                },
            ));
        }
        None => out.push(kv("manual", "no config on the hub (a adopts it)".into())),
    }
}

fn report_sections(
    out: &mut Vec<Line<'static>>,
    theme: &Theme,
    r: &Report,
    now: Timestamp,
    width: usize,
) {
    let bar = (width / 4).clamp(10, 30);
    section(out, theme, "System");
    let sys = r.system.clone().unwrap_or_default();
    out.push(kv(
        "host",
        format!(
            "{} · {} · kernel {}",
            clean(sys.hostname.as_deref().unwrap_or("-")),
            clean(sys.os.as_deref().unwrap_or("-")),
            clean(sys.kernel.as_deref().unwrap_or("-"))
        ),
    ));
    if let Some(cpu) = sys.cpu_percent {
        out.push(kv("cpu", format!("{} {cpu:.0}%", gauge(cpu, bar))));
    }
    if let (Some(pct), Some(used), Some(total)) = (
        sys.memory_percent(),
        sys.memory_used_bytes,
        sys.memory_total_bytes,
    ) {
        out.push(kv(
            "memory",
            format!("{} {}", gauge(pct, bar), usage(used, total)),
        ));
    }
    out.push(kv("uptime", sys.uptime_load_temperature()));
    if !r.storage.is_empty() {
        section(out, theme, "Storage");
        for d in &r.storage {
            let pct = d.used_percent().unwrap_or(0.0);
            let smart = match d.smart_ok {
                Some(true) => Span::styled("SMART ok", theme.good()),
                Some(false) => Span::styled("SMART FAILING", theme.bad()),
                None => Span::raw("SMART -"),
            };
            out.push(Line::from(vec![
                Span::raw(format!("  {:<12}", clean(&d.mount_point))),
                Span::raw(format!(
                    "{} {}  ",
                    gauge(pct, bar),
                    usage(d.used_bytes, d.total_bytes)
                )),
                smart,
            ]));
        }
    }
    if !r.containers.is_empty() {
        section(out, theme, "Containers");
        for c in &r.containers {
            let health = c.health.as_deref().unwrap_or("-");
            let style = match health {
                "healthy" | "-" => Style::default(),
                _ => theme.bad(),
            };
            out.push(Line::from(vec![
                Span::raw(format!(
                    "  {:<20} {:<10} ",
                    clean(&c.name),
                    clean(c.state.as_deref().unwrap_or("-"))
                )),
                Span::styled(format!("{:<10}", clean(health)), style),
                Span::raw(format!(" restarts {}", c.restart_count)),
            ]));
        }
    }
    section(out, theme, "Backups");
    match &r.backup {
        Some(b) => {
            let ok = |v: Option<bool>| match v {
                Some(true) => Span::styled("ok", theme.good()),
                Some(false) => Span::styled("FAILED", theme.bad()),
                None => Span::raw("-"),
            };
            out.push(Line::from(vec![
                Span::raw(format!(
                    "  {:<12}{}  ",
                    "backup",
                    age_of(b.last_backup_at, now)
                )),
                ok(b.last_backup_ok),
                Span::raw(format!(
                    "  {} snapshots",
                    b.snapshot_count
                        .map(|n| n.to_string())
                        .unwrap_or_else(|| "-".into())
                )),
            ]));
            out.push(Line::from(vec![
                Span::raw(format!(
                    "  {:<12}{}  ",
                    "db dump",
                    age_of(b.last_dbdump_at, now)
                )),
                ok(b.last_dbdump_ok),
            ]));
        }
        None => out.push(Line::from("  no backup information in the newest report")),
    }
}

fn history(out: &mut Vec<Line<'static>>, theme: &Theme, d: &Detail, width: usize) {
    let period = d.period.unwrap_or(HistoryPeriod::Day);
    out.push(Line::from(""));
    out.push(Line::from(vec![
        Span::styled(format!("History ({})", period.as_str()), theme.title()),
        Span::styled("  t: 24h / 7d / 30d", theme.dim()),
    ]));
    let w = width.saturating_sub(14).clamp(10, 120);
    match &d.history {
        None => out.push(Line::from("  loading…")),
        Some(Err(e)) => out.push(Line::from(Span::styled(format!("  {e}"), theme.bad()))),
        Some(Ok(samples)) => {
            let series = |f: fn(&Sample) -> Option<f64>| -> Vec<f64> {
                samples.iter().filter_map(f).collect()
            };
            for (name, values) in [
                ("cpu %", series(|s| s.cpu)),
                ("memory %", series(|s| s.memory)),
                ("disk %", series(|s| s.disk)),
            ] {
                let last = values
                    .last()
                    .map(|v| format!(" {v:.0}%"))
                    .unwrap_or_default();
                out.push(kv(name, format!("{}{last}", sparkline(&values, w))));
            }
        }
    }
}

fn events(out: &mut Vec<Line<'static>>, theme: &Theme, view: &CustomerView, min: u8) {
    out.push(Line::from(""));
    out.push(Line::from(vec![
        Span::styled("Events", theme.title()),
        Span::styled(
            format!("  f: severity {} ", App::severity_shown(min)),
            theme.dim(),
        ),
    ]));
    let shown: Vec<_> = view
        .recent_events
        .iter()
        .filter(|e| Severity::rank(&e.severity) >= min)
        .take(50)
        .collect();
    if shown.is_empty() {
        out.push(Line::from("  none"));
    }
    for e in shown {
        out.push(Line::from(vec![
            Span::raw(format!("  {} ", e.occurred_at.strftime("%m-%d %H:%M"))),
            Span::styled(
                format!("{:<8}", clean(&e.severity)),
                theme.severity(&e.severity),
            ),
            Span::raw(format!(
                "{:<24} {}",
                clean(&e.event_type),
                clean(&e.message)
            )),
        ]));
    }
}

fn notifications(out: &mut Vec<Line<'static>>, theme: &Theme, view: &CustomerView) {
    section(out, theme, "Notifications");
    if view.notifications.is_empty() {
        out.push(Line::from("  none"));
    }
    for n in &view.notifications {
        let style = match n.outcome.as_str() {
            "sent" => theme.good(),
            "failed" => theme.bad(),
            _ => theme.dim(),
        };
        let detail = if n.outcome == "sent" {
            &n.recipient
        } else {
            &n.reason
        };
        out.push(Line::from(vec![
            Span::raw(format!(
                "  {} {:<9}",
                n.created_at.strftime("%m-%d %H:%M"),
                n.channel
            )),
            Span::styled(format!("{:<8}", n.outcome), style),
            Span::raw(format!("{:<24} {}", clean(&n.event_type), clean(detail))),
        ]));
    }
}
