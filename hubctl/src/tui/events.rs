//! The fleet-wide event feed, live, newest first.

use hub_proto::admin::EventRecord;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};

use super::app::App;
use super::theme::Theme;
use crate::output::clean;

/// The whole event for its popup: every field, the message and the
/// details wrapped by the popup rather than cut.
pub fn event_lines(e: &EventRecord, theme: &Theme) -> Vec<Line<'static>> {
    let kv = |k: &str, v: String| {
        Line::from(vec![
            Span::styled(format!("{k:<10}"), theme.title()),
            Span::raw(v),
        ])
    };
    let mut out = vec![
        kv(
            "time",
            e.occurred_at.strftime("%Y-%m-%d %H:%M:%S UTC").to_string(),
        ),
        kv("customer", clean(&e.customer_id).into_owned()),
        kv("severity", clean(&e.severity).into_owned()),
        kv("type", clean(&e.event_type).into_owned()),
        kv("source", clean(&e.source).into_owned()),
        kv("message", clean(&e.message).into_owned()),
    ];
    if let Some(d) = &e.details {
        out.push(Line::from(Span::styled("details", theme.title())));
        let text = serde_json::to_string_pretty(d).unwrap_or_default();
        out.extend(text.lines().map(|l| Line::from(clean(l).into_owned())));
    }
    out.push(Line::from(""));
    out.push(Line::from(Span::styled(
        "Enter: open the customer   Esc: close",
        theme.title(),
    )));
    out
}

pub fn render(f: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let height = area.height.saturating_sub(1) as usize;
    let total = app.shown_events().count();
    let scroll = app.events_scroll.min(total.saturating_sub(height));
    let rows: Vec<Row> = app
        .shown_events()
        .enumerate()
        .skip(scroll)
        .take(height)
        .map(|(i, e)| {
            let row = Row::new(vec![
                Cell::from(e.occurred_at.strftime("%m-%d %H:%M:%S").to_string()),
                Cell::from(clean(&e.customer_id).into_owned()),
                Cell::from(clean(&e.severity).into_owned()).style(theme.severity(&e.severity)),
                Cell::from(clean(&e.event_type).into_owned()),
                Cell::from(clean(&e.message).into_owned()),
            ]);
            if i == app.events_selected {
                row.style(theme.selected())
            } else {
                row
            }
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(14),
            Constraint::Length(16),
            Constraint::Length(8),
            Constraint::Length(22),
            Constraint::Fill(1),
        ],
    )
    .header(
        Row::new(["TIME (UTC)", "CUSTOMER", "SEVERITY", "TYPE", "MESSAGE"].map(Cell::from))
            .style(theme.title()),
    )
    .column_spacing(1);
    f.render_widget(table, area);
}
