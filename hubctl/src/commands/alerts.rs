//! How maintenance windows and incidents read on one line, for
//! `hubctl show` and the TUI's customer page.

use hub_proto::alerts::{Incident, MaintenanceWindow, WindowKind};

use crate::output::clean;

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
