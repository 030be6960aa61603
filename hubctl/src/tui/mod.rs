//! `hubctl tui`: the operator's live console. The model and its pure
//! `update` are in [`app`]; this module draws it and runs it: keys, ticks,
//! the live stream and the results of loads and actions all arrive as
//! messages on one channel, and nothing the hub is asked to do ever blocks
//! the screen. The terminal is restored on quit, on error and on panic.

pub mod app;
mod detail;
mod diff;
mod events;
mod fleet;
#[cfg(test)]
mod tests;
mod theme;

use std::io::Stdout;
use std::time::{Duration, Instant};

use crossterm::event::{Event, EventStream, KeyEventKind, MouseEventKind};
use futures_util::StreamExt;
use hub_proto::admin::{CustomerView, Diff, EventRecord, Fleet, Page, Whoami};
use hub_proto::{HistoryResponse, Report};
use ratatui::Frame;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use reqwest::Method;
use tokio::sync::mpsc;

use crate::client::{Client, Follower};
use crate::commands::{CliError, Result};
pub use app::{Action, App, Effect, Level, Msg, Popup, Sample, Screen};
pub use theme::Theme;

/// The smallest terminal the layout is made for.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;
/// The most frames drawn per second while messages stream in.
const FRAME_EVERY: Duration = Duration::from_millis(100);

/// Draws the whole screen.
pub fn draw(f: &mut Frame, app: &mut App, theme: &Theme) {
    let area = f.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = format!(
            "terminal too small: {}×{} (hubctl tui needs {MIN_WIDTH}×{MIN_HEIGHT})",
            area.width, area.height
        );
        f.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
        return;
    }
    let banner = u16::from(!app.connected);
    let [head, warn, body, status, foot] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(banner),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    header(f, app, theme, head);
    if !app.connected {
        f.render_widget(
            Paragraph::new(" reconnecting… the hub's live stream is lost; showing the last data ")
                .style(theme.banner()),
            warn,
        );
    }
    match app.screen {
        Screen::Fleet => fleet::render(f, app, theme, body),
        Screen::Detail => detail::render(f, app, theme, body),
        Screen::Events => events::render(f, app, theme, body),
        Screen::Diff => diff::render(f, app, theme, body),
    }
    status_line(f, app, theme, status);
    footer(f, app, theme, foot);
    match &app.popup {
        Some(Popup::Help) => help(f, app, theme, area),
        Some(Popup::Confirm(a)) => popup(
            f,
            theme,
            area,
            "Confirm",
            vec![
                Line::from(a.question()),
                Line::from(""),
                Line::from(Span::styled("y: yes   n / Esc: no", theme.title())),
            ],
        ),
        Some(Popup::Version { customer, input }) => popup(
            f,
            theme,
            area,
            "Update",
            vec![
                Line::from(format!("Update {customer}'s controller to which version?")),
                Line::from(""),
                Line::from(format!(
                    "version: {}▏",
                    if input.is_empty() { "latest" } else { input }
                )),
                Line::from(""),
                Line::from(Span::styled("Enter: next   Esc: cancel", theme.title())),
            ],
        ),
        None => {}
    }
}

fn header(f: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let link = if app.connected {
        Span::styled("● live", theme.good())
    } else {
        Span::styled("⟳ reconnecting…", theme.bad())
    };
    let mut first = vec![
        Span::styled("felhom hub ", theme.title()),
        Span::raw(app.server.clone()),
        Span::raw("  "),
        link,
    ];
    if let Some(v) = &app.latest_version {
        first.push(Span::raw(format!("  newest controller {v}")));
    }
    if app.read_only {
        first.push(Span::styled("  read-only", theme.dim()));
    }
    let mut second: Vec<Span> = Vec::new();
    for (status, n) in app.counts() {
        second.push(Span::styled(
            format!(
                "{} {} {}",
                theme::symbol(status),
                status.as_str(),
                fleet::thousands(n)
            ),
            theme.status(status),
        ));
        second.push(Span::raw("  "));
    }
    second.push(Span::styled(
        format!(
            "sort {}{}{}",
            app.sort.label(),
            if app.reverse { " ↑" } else { "" },
            if app.show_blocked {
                " · blocked shown"
            } else {
                ""
            }
        ),
        theme.dim(),
    ));
    f.render_widget(
        Paragraph::new(vec![Line::from(first), Line::from(second)]),
        area,
    );
}

fn status_line(f: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let line = if app.editing_filter {
        let text = if app.screen == Screen::Events {
            &app.events_filter
        } else {
            &app.filter
        };
        Line::from(format!("/{text}▏  (Enter keeps it, Esc clears it)"))
    } else if let Some((text, level, _)) = &app.status {
        let style = match level {
            Level::Info => theme.good(),
            Level::Error => theme.bad(),
        };
        Line::from(Span::styled(crate::output::clean(text).into_owned(), style))
    } else {
        let shown = match app.screen {
            Screen::Fleet => format!(
                "{} of {} customers{}",
                fleet::thousands(app.index.len()),
                fleet::thousands(app.rows.len()),
                if app.filter.is_empty() {
                    String::new()
                } else {
                    format!(" matching “{}”", app.filter)
                }
            ),
            Screen::Events => format!(
                "{} events · severity {}{}",
                app.shown_events().count(),
                App::severity_shown(app.events_min_severity),
                if app.events_filter.is_empty() {
                    String::new()
                } else {
                    format!(" · customer “{}”", app.events_filter)
                }
            ),
            _ => String::new(),
        };
        Line::from(Span::styled(shown, theme.dim()))
    };
    f.render_widget(Paragraph::new(line), area);
}

/// The keys of a screen: (keys, what, is an action that changes something).
fn keys(screen: Screen) -> Vec<(&'static str, &'static str, bool)> {
    let moves = [
        ("j/k ↑/↓", "move", false),
        ("PgUp/PgDn g/G", "page, top, bottom", false),
    ];
    let actions = [
        ("b", "block / unblock", true),
        ("p", "push config", true),
        ("P", "pull config", true),
        ("d", "diff", false),
        ("u", "update controller", true),
        ("a", "adopt (manual)", true),
        ("D", "delete config", true),
    ];
    let mut out: Vec<_> = moves.to_vec();
    match screen {
        Screen::Fleet => {
            out.extend([
                ("Enter", "open", false),
                ("/", "filter", false),
                ("s/S", "sort / reverse", false),
                ("B", "show blocked", false),
                ("e", "events", false),
            ]);
            out.extend(actions);
            out.extend([("Esc", "clear filter", false), ("q", "quit", false)]);
        }
        Screen::Detail => {
            out.extend([
                ("f", "event severity", false),
                ("t", "history period", false),
                ("e", "events", false),
            ]);
            out.extend(actions);
            out.push(("Esc", "back", false));
        }
        Screen::Events => out.extend([
            ("f", "severity", false),
            ("/", "customer filter", false),
            ("Esc", "back", false),
        ]),
        Screen::Diff => out.push(("Esc", "back", false)),
    }
    out.extend([("?", "help", false), ("Ctrl-C", "quit", false)]);
    out
}

fn footer(f: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let mut spans = Vec::new();
    for (k, what, acts) in keys(app.screen) {
        if matches!(k, "PgUp/PgDn g/G" | "Ctrl-C" | "j/k ↑/↓") {
            continue;
        }
        let style = if acts && app.read_only {
            theme.dim()
        } else {
            ratatui::style::Style::default()
        };
        // The footer is one line: the first word of each key's meaning.
        let word = what.split_whitespace().next().unwrap_or(what);
        spans.push(Span::styled(k.to_owned(), theme.title().patch(style)));
        spans.push(Span::styled(format!(":{word}  "), style));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn help(f: &mut Frame, app: &App, theme: &Theme, area: Rect) {
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

fn popup(f: &mut Frame, theme: &Theme, area: Rect, title: &str, lines: Vec<Line>) {
    let w = (lines.iter().map(Line::width).max().unwrap_or(20) as u16 + 4).min(area.width - 4);
    let h = (lines.len() as u16 + 2).min(area.height - 2);
    let rect = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    f.render_widget(Clear, rect);
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(Span::styled(format!(" {title} "), theme.title())),
        ),
        rect,
    );
}

/// History samples from stored reports: CPU, memory and the fullest disk.
pub fn samples(h: &HistoryResponse) -> Vec<Sample> {
    h.reports
        .iter()
        .filter_map(|e| serde_json::from_str::<Report>(e.report.get()).ok())
        .map(|r| {
            let sys = r.system.unwrap_or_default();
            let memory = match (sys.memory_used_bytes, sys.memory_total_bytes) {
                (Some(u), Some(t)) if t > 0 => Some(u as f64 * 100.0 / t as f64),
                _ => None,
            };
            let disk = r
                .storage
                .iter()
                .filter(|d| d.total_bytes > 0)
                .map(|d| d.used_bytes as f64 * 100.0 / d.total_bytes as f64)
                .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
            Sample {
                cpu: sys.cpu_percent,
                memory,
                disk,
            }
        })
        .collect()
}

/// Runs one effect in the background; its result comes back as a message.
fn spawn_effect(client: &Client, effect: Effect, tx: &mpsc::UnboundedSender<Msg>) {
    let client = client.clone();
    let tx = tx.clone();
    tokio::spawn(async move {
        let msg = match effect {
            Effect::LoadDetail(id) => {
                let r = client
                    .get::<CustomerView>(&format!("/customers/{id}"))
                    .await
                    .map_err(|e| e.to_string());
                Msg::Detail(id, Box::new(r))
            }
            Effect::LoadHistory(id, period) => {
                let r = client
                    .get::<HistoryResponse>(&format!(
                        "/customers/{id}/history?period={}",
                        period.as_str()
                    ))
                    .await
                    .map(|h| samples(&h))
                    .map_err(|e| e.to_string());
                Msg::History(id, period, r)
            }
            Effect::LoadDiff(id) => {
                let r = client
                    .get::<Diff>(&format!("/customers/{id}/diff"))
                    .await
                    .map_err(|e| e.to_string());
                Msg::Diff(id, r)
            }
            Effect::LoadEvents => Msg::Events(
                client
                    .get::<Page<EventRecord>>("/events?limit=500")
                    .await
                    .map(|p| p.items)
                    .map_err(|e| e.to_string()),
            ),
            Effect::RefetchFleet => match client.get::<Fleet>("/fleet?all=true").await {
                Ok(f) => Msg::Fleet(f),
                Err(_) => Msg::Connection(false),
            },
            Effect::Act(action) => {
                let r = act(&client, &action).await.map_err(|e| match e {
                    crate::client::ClientError::Hub { message, .. } => message,
                    e => e.to_string(),
                });
                Msg::Done(action, r)
            }
            Effect::Quit => return,
        };
        let _ = tx.send(msg);
    });
}

async fn act(
    client: &Client,
    action: &Action,
) -> std::result::Result<(), crate::client::ClientError> {
    use hub_proto::admin::UpdateRequest;
    let c = action.customer();
    match action {
        Action::Block(_) => client
            .call::<(), serde_json::Value>(Method::POST, &format!("/customers/{c}/block"), None)
            .await
            .map(drop),
        Action::Unblock(_) => client
            .call::<(), serde_json::Value>(Method::POST, &format!("/customers/{c}/unblock"), None)
            .await
            .map(drop),
        Action::Push(_) => client
            .call::<(), serde_json::Value>(Method::POST, &format!("/customers/{c}/push"), None)
            .await
            .map(drop),
        Action::Pull(_) => client
            .call::<(), serde_json::Value>(Method::POST, &format!("/customers/{c}/pull"), None)
            .await
            .map(drop),
        Action::Adopt(_) => client
            .call::<(), serde_json::Value>(Method::POST, &format!("/customers/{c}/adopt"), None)
            .await
            .map(drop),
        Action::Delete(_) => client
            .call::<(), serde_json::Value>(Method::DELETE, &format!("/configs/{c}"), None)
            .await
            .map(drop),
        Action::Update(_, v) => client
            .call::<_, serde_json::Value>(
                Method::POST,
                &format!("/customers/{c}/update"),
                Some(&UpdateRequest { version: v.clone() }),
            )
            .await
            .map(drop),
    }
}

type Term = Terminal<CrosstermBackend<Stdout>>;

/// Takes the terminal: raw mode, alternate screen, mouse. A panic restores
/// it before the message is printed.
fn enter() -> std::io::Result<Term> {
    use crossterm::{event::EnableMouseCapture, execute, terminal};
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        leave();
        hook(info);
    }));
    terminal::enable_raw_mode()?;
    let mut out = std::io::stdout();
    execute!(out, terminal::EnterAlternateScreen, EnableMouseCapture)?;
    Terminal::new(CrosstermBackend::new(out))
}

/// Gives the terminal back as it was; safe to call twice.
fn leave() {
    use crossterm::{cursor::Show, event::DisableMouseCapture, execute, terminal};
    let _ = terminal::disable_raw_mode();
    let _ = execute!(
        std::io::stdout(),
        terminal::LeaveAlternateScreen,
        DisableMouseCapture,
        Show
    );
}

/// `hubctl tui`. Fails (exit 4 or 3) before touching the terminal when the
/// hub cannot be reached or refuses the token.
pub async fn run(client: &Client, color: bool) -> Result<String> {
    let me: Whoami = client.get("/whoami").await?;
    let fleet: Fleet = client.get("/fleet?all=true").await?;
    let stream_from = fleet.stream_id;
    let mut app = App::new(&client.server, me.read_only, fleet);
    let theme = Theme { color };
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();

    // The live stream, reconnecting by itself.
    {
        let tx = tx.clone();
        let client = client.clone();
        tokio::spawn(async move {
            let conn_tx = tx.clone();
            let Ok(mut follower) = Follower::connect(&client, Some(stream_from), move |lost| {
                let _ = conn_tx.send(Msg::Connection(!lost));
            })
            .await
            else {
                let _ = tx.send(Msg::Connection(false));
                return;
            };
            loop {
                let m = follower.next().await;
                if tx.send(Msg::Stream(m.message)).is_err() {
                    return;
                }
            }
        });
    }
    // Ages tick every second.
    {
        let tx = tx.clone();
        tokio::spawn(async move {
            let start = Instant::now();
            let mut every = tokio::time::interval(Duration::from_secs(1));
            loop {
                every.tick().await;
                if tx.send(Msg::Tick(start.elapsed().as_secs())).is_err() {
                    return;
                }
            }
        });
    }
    let mut terminal =
        enter().map_err(|e| CliError::Usage(format!("cannot use the terminal: {e}")))?;
    let result = event_loop(&mut terminal, &mut app, &theme, client, &tx, &mut rx).await;
    leave();
    result.map(|()| String::new())
}

async fn event_loop(
    terminal: &mut Term,
    app: &mut App,
    theme: &Theme,
    client: &Client,
    tx: &mpsc::UnboundedSender<Msg>,
    rx: &mut mpsc::UnboundedReceiver<Msg>,
) -> Result<()> {
    let mut input = EventStream::new();
    let mut last_frame = Instant::now() - FRAME_EVERY;
    let mut dirty = true;
    spawn_effect(client, Effect::LoadEvents, tx);
    loop {
        if dirty && last_frame.elapsed() >= FRAME_EVERY {
            terminal
                .draw(|f| draw(f, app, theme))
                .map_err(|e| CliError::Usage(format!("cannot draw: {e}")))?;
            last_frame = Instant::now();
            dirty = false;
        }
        let wait = FRAME_EVERY.saturating_sub(last_frame.elapsed());
        let msg = tokio::select! {
            ev = input.next() => match ev {
                Some(Ok(Event::Key(k))) if k.kind != KeyEventKind::Release => Msg::Key(k),
                Some(Ok(Event::Mouse(m))) => match m.kind {
                    MouseEventKind::ScrollDown => Msg::Scroll(3),
                    MouseEventKind::ScrollUp => Msg::Scroll(-3),
                    _ => continue,
                },
                Some(Ok(Event::Resize(..))) => Msg::Resize,
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(CliError::Usage(format!("terminal input: {e}"))),
                None => return Ok(()),
            },
            m = rx.recv() => match m {
                Some(m) => m,
                None => return Ok(()),
            },
            _ = tokio::time::sleep(wait), if dirty => continue,
        };
        // Keys and resizes draw at once; streamed changes at most 10 times
        // a second.
        if matches!(msg, Msg::Key(_) | Msg::Resize | Msg::Scroll(_)) {
            last_frame = Instant::now() - FRAME_EVERY;
        }
        for effect in app.update(msg) {
            if effect == Effect::Quit {
                return Ok(());
            }
            spawn_effect(client, effect, tx);
        }
        if app.quit {
            return Ok(());
        }
        dirty = true;
    }
}
