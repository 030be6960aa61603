//! The fleet-wide event feed, live, newest first.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Cell, Row, Table};

use super::app::App;
use super::theme::Theme;
use crate::output::clean;

pub fn render(f: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let height = area.height.saturating_sub(1) as usize;
    let total = app.shown_events().count();
    let scroll = app.events_scroll.min(total.saturating_sub(height));
    let rows: Vec<Row> = app
        .shown_events()
        .skip(scroll)
        .take(height)
        .map(|e| {
            Row::new(vec![
                Cell::from(e.occurred_at.strftime("%m-%d %H:%M:%S").to_string()),
                Cell::from(clean(&e.customer_id).into_owned()),
                Cell::from(clean(&e.severity).into_owned()).style(theme.severity(&e.severity)),
                Cell::from(clean(&e.event_type).into_owned()),
                Cell::from(clean(&e.message).into_owned()),
            ])
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
