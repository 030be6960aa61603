//! The keys of each screen, from the shared table of operator actions:
//! the one-line footer (what fits, `?` first) and the `?` help popup.

use hub_proto::actions::OperatorAction;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::{App, Screen};
use super::popup;
use super::theme::Theme;

/// The operator actions' keys, from the shared table: (key, what, is an
/// action that changes something).
fn action_keys() -> Vec<(String, String, bool)> {
    OperatorAction::ALL
        .into_iter()
        .filter(|a| *a != OperatorAction::Unblock)
        .filter_map(|a| {
            let what = match a {
                OperatorAction::Block => "block / unblock".to_owned(),
                a => a.name().to_owned(),
            };
            Some((a.key()?.to_string(), what, !a.read_only_allowed()))
        })
        .collect()
}

/// The keys of a screen: (keys, what, is an action that changes something).
fn keys(screen: Screen) -> Vec<(String, String, bool)> {
    let own = |list: &[(&str, &str, bool)]| -> Vec<(String, String, bool)> {
        list.iter()
            .map(|(k, w, a)| ((*k).to_owned(), (*w).to_owned(), *a))
            .collect()
    };
    let actions = action_keys();
    let mut out = own(&[
        ("j/k ↑/↓", "move", false),
        ("PgUp/PgDn g/G", "page, top, bottom", false),
    ]);
    match screen {
        Screen::Fleet => {
            out.extend(own(&[
                ("Enter", "open", false),
                ("/", "filter", false),
                ("s/S", "sort / reverse", false),
                ("B", "show blocked", false),
                ("e", "events", false),
                ("i", "incidents", false),
                ("m", "maintenance window", true),
            ]));
            out.extend(actions);
            out.extend(own(&[("Esc", "clear filter", false), ("q", "quit", false)]));
        }
        Screen::Detail => {
            out.extend(own(&[
                ("f", "event severity", false),
                ("t", "history period", false),
                ("e", "events of this customer", false),
                ("i", "incidents of this customer", false),
                ("m", "maintenance window", true),
            ]));
            out.extend(actions);
            out.extend(own(&[("Esc", "back", false)]));
        }
        Screen::Events => out.extend(own(&[
            ("Enter", "details", false),
            ("f", "severity", false),
            ("/", "customer filter", false),
            ("Esc", "back", false),
        ])),
        Screen::Diff => out.extend(own(&[("Esc", "back", false)])),
        Screen::Incidents => out.extend(own(&[
            ("o", "open only / all", false),
            ("Esc", "back", false),
        ])),
    }
    out.extend(own(&[("?", "help", false), ("Ctrl-C", "quit", false)]));
    out
}

/// The footer: one line, `?` first, then how to leave, then the screen's
/// keys in order while whole ones fit. An action that cannot work now (a
/// read-only token, or not for this customer) is dimmed.
pub(super) fn footer(f: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let mut list: Vec<(String, String, bool)> = keys(app.screen)
        .into_iter()
        .filter(|(k, ..)| !matches!(k.as_str(), "PgUp/PgDn g/G" | "Ctrl-C" | "j/k ↑/↓"))
        .collect();
    let rank = |k: &str| match k {
        "?" => 0,
        "q" | "Esc" => 1,
        _ => 2,
    };
    list.sort_by_key(|(k, ..)| rank(k));
    let target = app.target_summary();
    let mut spans = Vec::new();
    let mut used = 0usize;
    for (k, what, acts) in list {
        let refused = acts
            && (app.read_only
                || k.chars()
                    .next()
                    .and_then(|c| App::key_action(c, target))
                    .zip(target)
                    .is_some_and(|(a, s)| a.refusal(s).is_some()));
        let style = if refused {
            theme.dim()
        } else {
            ratatui::style::Style::default()
        };
        // The first word of each key's meaning.
        let word = what.split_whitespace().next().unwrap_or(&what).to_owned();
        let text = format!(":{word}  ");
        let width = k.chars().count() + text.chars().count();
        if used + width > usize::from(area.width) + 2 {
            continue;
        }
        used += width;
        spans.push(Span::styled(k, theme.title().patch(style)));
        spans.push(Span::styled(text, style));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// `?`: every key of the screen, with what it does.
pub(super) fn help(f: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let mut lines: Vec<Line> = keys(app.screen)
        .into_iter()
        .map(|(k, what, acts)| {
            let note = if acts && app.read_only {
                "  (disabled: read-only token)"
            } else if acts {
                "  (asks first)"
            } else {
                ""
            };
            Line::from(vec![
                Span::styled(format!("{k:>14}  "), theme.title()),
                Span::raw(what),
                Span::styled(note, theme.dim()),
            ])
        })
        .collect();
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "Esc or ? closes this help",
        theme.dim(),
    )));
    popup(f, theme, area, "Keys", lines);
}
