//! `hubctl tui`: the operator's live console. The model and its pure
//! `update` are in [`app`]; this module draws it and runs it: keys, ticks,
//! the live stream and the results of loads and actions all arrive as
//! messages on one channel, and nothing the hub is asked to do ever blocks
//! the screen. The terminal is restored on quit, on error and on panic.

mod alerts;
pub mod app;
mod detail;
mod diff;
mod events;
mod fleet;
mod footer;
mod keys;
mod table;
#[cfg(test)]
mod tests;
mod theme;

use std::time::{Duration, Instant};

use crossterm::event::{Event, EventStream, KeyEventKind, MouseEventKind};
use futures_util::StreamExt;
use hub_proto::actions::OperatorAction;
use hub_proto::rules::FleetFilter;
use hub_proto::{HistoryResponse, Report};
use ratatui::Frame;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use tokio::sync::mpsc;

use crate::client::{Client, ClientError, EventQuery, Follower};
use crate::commands::{CliError, Result};
pub use app::{Act, App, Effect, Level, Msg, Popup, Sample, Screen};
pub use theme::Theme;

/// The smallest terminal the layout is made for.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;
/// The most frames drawn per second while messages stream in.
const FRAME_EVERY: Duration = Duration::from_millis(100);

/// Lines of the screen's body at a terminal `height`: less the header (2),
/// the reconnecting banner (1 while shown), the status line and the footer.
pub fn body_height(height: u16, connected: bool) -> u16 {
    height.saturating_sub(4 + u16::from(!connected))
}

/// Draws the whole screen. Reads the model, never changes it: paging
/// follows the size the model was told ([`Msg::Resize`]).
pub fn draw(f: &mut Frame, app: &App, theme: &Theme) {
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
        Screen::Incidents => alerts::render(f, app, theme, body),
    }
    status_line(f, app, theme, status);
    footer::footer(f, app, theme, foot);
    match &app.popup {
        Some(Popup::Help) => footer::help(f, app, theme, area),
        Some(Popup::Event(e)) => popup(f, theme, area, "Event", events::event_lines(e, theme)),
        Some(Popup::Maintenance(form)) => popup(
            f,
            theme,
            area,
            "Maintenance",
            alerts::form_lines(form, theme),
        ),
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
            Screen::Incidents => match &app.incidents.list {
                Some(Ok(l)) => format!(
                    "{} {}incidents{}",
                    l.len(),
                    if app.incidents.all { "" } else { "open " },
                    app.incidents
                        .customer
                        .as_deref()
                        .map(|c| format!(" of {c}"))
                        .unwrap_or_default()
                ),
                _ => String::new(),
            },
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

pub(super) fn popup(f: &mut Frame, theme: &Theme, area: Rect, title: &str, lines: Vec<Line>) {
    let w = (lines.iter().map(Line::width).max().unwrap_or(20) as u16 + 4).min(area.width - 4);
    // A line wider than the popup wraps: it takes more rows (a long
    // question must not push the keys out of the box).
    let inner = usize::from(w.saturating_sub(2)).max(1);
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
    let h = (rows as u16 + 2).min(area.height - 2);
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

/// History samples from stored reports: CPU, memory and the fullest disk
/// (the shared usage percentages).
pub fn samples(h: &HistoryResponse) -> Vec<Sample> {
    h.reports
        .iter()
        .filter_map(|e| serde_json::from_str::<Report>(e.report.get()).ok())
        .map(|r| Sample {
            cpu: r.system.as_ref().and_then(|s| s.cpu_percent),
            memory: r.system.as_ref().and_then(|s| s.memory_percent()),
            disk: r.fullest_disk_percent(),
        })
        .collect()
}

/// What the hub said, for the status line.
fn said(e: ClientError) -> String {
    match e {
        ClientError::Hub { message, .. } => message,
        e => e.to_string(),
    }
}

/// Runs one effect in the background; its result comes back as a message.
fn spawn_effect(client: &Client, effect: Effect, tx: &mpsc::UnboundedSender<Msg>) {
    let client = client.clone();
    let tx = tx.clone();
    tokio::spawn(async move {
        let msg = match effect {
            Effect::LoadDetail(id) => {
                let r = client.customer(&id).await.map_err(said);
                Msg::Detail(id, Box::new(r))
            }
            Effect::LoadHistory(id, period) => {
                let r = client
                    .history(&id, period.as_str())
                    .await
                    .map(|h| samples(&h))
                    .map_err(said);
                Msg::History(id, period, r)
            }
            Effect::LoadDiff(id) => {
                let r = client.act(OperatorAction::Diff, &id, None).await;
                Msg::Diff(
                    id,
                    match r {
                        Ok(crate::client::Answer::Diff(d)) => Ok(d),
                        Ok(_) => Err("the hub answered something else".into()),
                        Err(e) => Err(said(e)),
                    },
                )
            }
            Effect::LoadEvents => {
                let q = EventQuery {
                    limit: 500,
                    ..Default::default()
                };
                Msg::Events(client.events(&q).await.map(|p| p.items).map_err(said))
            }
            Effect::RefetchFleet => match client.fleet(&all_customers()).await {
                Ok(f) => Msg::Fleet(f),
                Err(_) => Msg::Connection(false),
            },
            Effect::LoadIncidents { customer, all } => Msg::Incidents(
                client
                    .incidents(!all, customer.as_deref(), None, 500)
                    .await
                    .map(|l| l.incidents)
                    .map_err(said),
            ),
            Effect::AddMaintenance {
                customer,
                duration_s,
                reason,
            } => {
                let w = hub_proto::alerts::NewMaintenance {
                    customer_id: Some(customer.clone()),
                    kind: hub_proto::alerts::WindowKind::Once,
                    starts_at: None,
                    ends_at: None,
                    start_time: None,
                    duration_s: Some(duration_s),
                    weekdays: Vec::new(),
                    timezone: String::new(),
                    reason,
                };
                let r = client.add_maintenance(&w).await.map_err(said);
                Msg::Maintenance(customer, Box::new(r))
            }
            Effect::Act(act) => {
                let r = client
                    .act(act.action, &act.customer, act.version.as_deref())
                    .await
                    .map(drop)
                    .map_err(said);
                Msg::Done(act, r)
            }
            Effect::Quit => return,
        };
        let _ = tx.send(msg);
    });
}

/// The TUI holds every customer (blocked ones too); its toggle hides them.
fn all_customers() -> FleetFilter {
    FleetFilter {
        all: true,
        ..Default::default()
    }
}

/// Follows the live stream from `from` for as long as the TUI runs,
/// reconnecting with backoff — also when the first connection fails — and
/// telling the model when it is lost and back.
pub fn follow_stream(
    client: &Client,
    from: u64,
    backoff: (Duration, Duration),
    tx: mpsc::UnboundedSender<Msg>,
) -> tokio::task::JoinHandle<()> {
    let conn_tx = tx.clone();
    let mut follower = Follower::new(client, Some(from), move |lost| {
        let _ = conn_tx.send(Msg::Connection(!lost));
    })
    .with_backoff(backoff.0, backoff.1);
    tokio::spawn(async move {
        loop {
            let m = follower.next().await;
            if tx.send(Msg::Stream(m.message)).is_err() {
                return;
            }
        }
    })
}

/// The terminal as the TUI takes and gives it back: raw mode and the
/// alternate screen (a trait so the restore paths can be tested without
/// a terminal).
pub trait Console {
    fn raw_mode(&mut self, on: bool) -> std::io::Result<()>;
    fn alternate_screen(&mut self, on: bool) -> std::io::Result<()>;
}

/// The real terminal on stdout.
pub struct Stdout;

impl Console for Stdout {
    fn raw_mode(&mut self, on: bool) -> std::io::Result<()> {
        if on {
            crossterm::terminal::enable_raw_mode()
        } else {
            crossterm::terminal::disable_raw_mode()
        }
    }

    fn alternate_screen(&mut self, on: bool) -> std::io::Result<()> {
        use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
        use crossterm::{cursor::Show, execute, terminal};
        let mut out = std::io::stdout();
        if on {
            execute!(out, terminal::EnterAlternateScreen, EnableMouseCapture)
        } else {
            execute!(
                out,
                terminal::LeaveAlternateScreen,
                DisableMouseCapture,
                Show
            )
        }
    }
}

/// Holds the terminal taken; gives it back when dropped — on quit, on
/// an error of the event loop, and when taking it failed half-way.
pub struct Taken<C: Console>(C);

impl<C: Console> Taken<C> {
    /// Raw mode, then the alternate screen; if the second fails the first
    /// is undone before the error is returned.
    pub fn take(mut console: C) -> std::io::Result<Taken<C>> {
        console.raw_mode(true)?;
        let mut taken = Taken(console);
        taken.0.alternate_screen(true)?;
        Ok(taken)
    }
}

impl<C: Console> Drop for Taken<C> {
    fn drop(&mut self) {
        let _ = self.0.alternate_screen(false);
        let _ = self.0.raw_mode(false);
    }
}

/// Gives the terminal back as it was, from the panic hook; safe to call
/// twice.
fn leave() {
    let mut out = Stdout;
    let _ = out.alternate_screen(false);
    let _ = out.raw_mode(false);
}

type Term = Terminal<CrosstermBackend<std::io::Stdout>>;

/// `hubctl tui`. Fails (exit 4 or 3) before touching the terminal when the
/// hub cannot be reached or refuses the token.
pub async fn run(client: &Client, color: bool) -> Result<String> {
    let me = client.whoami().await?;
    let fleet = client.fleet(&all_customers()).await?;
    let stream_from = fleet.stream_id;
    let mut app = App::new(&client.server, me.read_only, fleet);
    let theme = Theme { color };
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let stream = follow_stream(
        client,
        stream_from,
        (Duration::from_millis(500), Duration::from_secs(15)),
        tx.clone(),
    );
    // Ages tick every second.
    let ticks = {
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
        })
    };
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        leave();
        hook(info);
    }));
    let result = {
        let taken = Taken::take(Stdout)
            .map_err(|e| CliError::Usage(format!("cannot use the terminal: {e}")));
        match taken {
            Ok(_taken) => {
                match Terminal::new(CrosstermBackend::new(std::io::stdout())) {
                    Ok(mut terminal) => {
                        event_loop(&mut terminal, &mut app, &theme, client, &tx, &mut rx).await
                    }
                    Err(e) => Err(CliError::Usage(format!("cannot use the terminal: {e}"))),
                }
                // `_taken` gives the terminal back here, whatever happened.
            }
            Err(e) => Err(e),
        }
    };
    stream.abort();
    ticks.abort();
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
    if let Ok(size) = terminal.size() {
        app.update(Msg::Resize(size.width, size.height));
    }
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
                Some(Ok(Event::Resize(w, h))) => Msg::Resize(w, h),
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
        if matches!(msg, Msg::Key(_) | Msg::Resize(..) | Msg::Scroll(_)) {
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
