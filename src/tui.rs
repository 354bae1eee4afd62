//! The event loop: terminal input, feed events and a clock tick go into `app::update`; the
//! screen is redrawn only when something changed, with bursts of feed events coalesced into one
//! frame. Generic over the ratatui backend and the input stream so tests can drive it headless.

use std::time::Duration;

use crossterm::event::Event;
use futures_util::{Stream, StreamExt};
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc;

use crate::app::{self, Command, FeedEvent, Msg, State};
use crate::feed::{FeedCommand, FeedHandle};
use crate::venue::VenueError;

/// Most feed events applied before a redraw (keeps keys responsive under a flood).
const MAX_BATCH: usize = 256;

/// Shortest time between two frames caused by feed updates (60 fps). A key press is drawn at
/// once.
const FRAME: Duration = Duration::from_millis(16);

/// Rows copied out of the state, ready to be rendered and written as CSV and JSON by
/// [`ExportJob::write`]. Made on the event loop (a copy of the rows), written off it
/// (`spawn_blocking`), so a big export or a slow disk never freezes the screen.
pub struct ExportJob(Box<WriteFiles>);

/// Renders and writes an export's files into a directory; returns the paths written.
type WriteFiles = dyn FnOnce(&std::path::Path) -> std::io::Result<String> + Send;

impl ExportJob {
    /// `rows` to be written as `blotter-<what>-<now, UTC>.csv` and `.json`.
    fn new<T: crate::dump::Dump + Send + 'static>(
        rows: Vec<T>,
        what: &str,
        now: Timestamp,
    ) -> Self {
        let stem = format!("blotter-{what}-{}", now.strftime("%Y%m%dT%H%M%SZ"));
        Self(Box::new(move |dir| {
            use crate::dump::{DumpFormat, render};
            let csv = dir.join(format!("{stem}.csv"));
            let json = dir.join(format!("{stem}.json"));
            std::fs::write(&csv, render(&rows, DumpFormat::Csv))?;
            std::fs::write(&json, render(&rows, DumpFormat::Json))?;
            Ok(format!("{} and {}", csv.display(), json.display()))
        }))
    }

    /// Renders and writes the two files into `dir` (blocking IO); returns the two paths.
    ///
    /// # Errors
    /// When a file cannot be written.
    pub fn write(self, dir: &std::path::Path) -> std::io::Result<String> {
        (self.0)(dir)
    }
}

/// `tab`'s rows as filtered, ready to export (the same output as `blotter dump`).
pub fn tab_export(state: &State, tab: app::Tab) -> ExportJob {
    let what = tab.title().to_lowercase().replace(' ', "-");
    match tab {
        app::Tab::Active => {
            let rows: Vec<_> = (0..state.book.active_view().len())
                .filter_map(|i| state.active_row(i).cloned())
                .collect();
            ExportJob::new(rows, &what, state.now)
        }
        app::Tab::Multi => ExportJob::new(state.book.multi_orders().to_vec(), &what, state.now),
        app::Tab::Placements => ExportJob::new(state.book.placements().to_vec(), &what, state.now),
        app::Tab::Errors => ExportJob::new(state.book.messages().to_vec(), &what, state.now),
        // Marked rows when some are marked, else every row in view; each with its figures.
        app::Tab::History => {
            let h = state.book.history();
            let rows: Vec<crate::history::Record> = h
                .in_view()
                .filter(|o| h.marks().is_empty() || h.marks().contains(&o.id))
                .map(|o| crate::history::Record::of(o.clone(), state.now))
                .collect();
            ExportJob::new(rows, &what, state.now)
        }
    }
}

/// The audit entries shown in the viewer, ready to export (the same rows and fields as
/// `blotter dump audit`).
pub fn audit_export(state: &State) -> ExportJob {
    let entries = match &state.modal {
        Some(app::Modal::Audit(app::AuditView {
            loaded: Some(Ok(tail)),
            ..
        })) => tail.entries.clone(),
        _ => Vec::new(),
    };
    ExportJob::new(entries, "audit", state.now)
}

/// Writes `tab`'s rows (as filtered) into `dir` as `blotter-<tab>-<UTC time>.csv` and `.json`
/// (the same output as `blotter dump`); returns the two paths. Blocking: the event loop runs
/// [`tab_export`] off its thread instead.
///
/// # Errors
/// When a file cannot be written.
pub fn export_tab(state: &State, tab: app::Tab, dir: &std::path::Path) -> std::io::Result<String> {
    tab_export(state, tab).write(dir)
}

/// Writes the audit entries shown in the viewer to `blotter-audit-<time>.csv` and `.json` in
/// `dir`. Returns the paths written. Blocking, like [`export_tab`].
///
/// # Errors
/// When a file cannot be written.
pub fn export_audit(state: &State, dir: &std::path::Path) -> std::io::Result<String> {
    audit_export(state).write(dir)
}

/// Where sequences that are not drawing go (the OSC 52 clipboard): straight to the terminal,
/// between frames.
pub trait TerminalOut {
    /// Writes `bytes` to the terminal now.
    ///
    /// # Errors
    /// When the terminal (or the SSH channel) can't be written.
    fn write_raw(&mut self, bytes: &[u8]) -> std::io::Result<()>;
}

impl<W: std::io::Write> TerminalOut for ratatui::backend::CrosstermBackend<W> {
    fn write_raw(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        std::io::Write::write_all(self, bytes)?;
        std::io::Write::flush(self)
    }
}

impl TerminalOut for ratatui::backend::TestBackend {
    fn write_raw(&mut self, _bytes: &[u8]) -> std::io::Result<()> {
        Ok(())
    }
}

/// The OSC 52 sequence that asks the terminal to put `text` on the system clipboard:
/// `ESC ] 52 ; c ; <base64 of text> BEL` (control characters in `text` are made visible
/// first). Terminals that don't allow it ignore it.
pub fn osc52(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    let clean = crate::sanitize::clean(text);
    let b64 = base64::engine::general_purpose::STANDARD.encode(clean.as_bytes());
    format!("\x1b]52;c;{b64}\x07").into_bytes()
}

/// Errors from the loop: drawing to the terminal or reading input failed.
#[derive(Debug, thiserror::Error)]
pub enum LoopError {
    /// Terminal I/O.
    #[error("terminal: {0}")]
    Io(#[from] std::io::Error),
    /// Backend error text (from a generic backend).
    #[error("terminal: {0}")]
    Backend(String),
}

/// Reads the audit log off the loop and answers with [`Msg::LastActions`] (the newest entry per
/// order); no audit log or an unreadable one leaves the column as it is.
fn load_last_actions(opts: &LoopOptions, tx: &mpsc::UnboundedSender<Msg>) {
    let Some(path) = opts.audit_file.clone() else {
        return;
    };
    let tx = tx.clone();
    tokio::task::spawn_blocking(move || {
        if let Ok(t) = crate::audit::tail(&path, AUDIT_VIEW_MAX) {
            let _ = tx.send(Msg::LastActions(crate::history::acted_by_order(&t.entries)));
        }
    });
}

/// Most audit entries the viewer loads (newest first).
const AUDIT_VIEW_MAX: usize = 2000;

/// What differs between the local terminal and an SSH session.
#[derive(Debug, Clone)]
pub struct LoopOptions {
    /// Where `e` (export) writes its files; `None` refuses export (an SSH session must not
    /// write files on the server).
    pub export_dir: Option<std::path::PathBuf>,
    /// The audit log the viewer (`L`) reads; `None`: the viewer says there is none.
    pub audit_file: Option<std::path::PathBuf>,
    /// Where the filters applied are kept for the next run
    /// ([`crate::filter_history::default_path`]); `None` keeps them for this run only.
    pub filter_history: Option<std::path::PathBuf>,
}

impl Default for LoopOptions {
    fn default() -> Self {
        Self {
            export_dir: Some(std::path::PathBuf::from(".")),
            audit_file: None,
            filter_history: None,
        }
    }
}

/// Runs until the user quits or the input ends. Returns the final state.
pub async fn run<B, I>(
    terminal: &mut Terminal<B>,
    state: State,
    feed: &FeedHandle,
    events: mpsc::Receiver<FeedEvent>,
    input: I,
) -> Result<State, LoopError>
where
    B: Backend + TerminalOut,
    I: Stream<Item = std::io::Result<Event>> + Unpin,
{
    run_with(
        terminal,
        state,
        feed,
        events,
        input,
        &LoopOptions::default(),
    )
    .await
}

/// [`run`] with options (an SSH session: no export).
pub async fn run_with<B, I>(
    terminal: &mut Terminal<B>,
    mut state: State,
    feed: &FeedHandle,
    mut events: mpsc::Receiver<FeedEvent>,
    mut input: I,
    opts: &LoopOptions,
) -> Result<State, LoopError>
where
    B: Backend + TerminalOut,
    I: Stream<Item = std::io::Result<Event>> + Unpin,
{
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut dirty = true;
    let mut urgent = true;
    let mut last_draw: Option<tokio::time::Instant> = None;
    // Results of file IO done off the loop (export, audit tail) come back here as messages.
    let (io_tx, mut io_rx) = mpsc::unbounded_channel::<Msg>();
    // The Last action column starts from the audit log as it is (a restart, other blotters).
    load_last_actions(opts, &io_tx);
    loop {
        let due = last_draw.is_none_or(|t| t.elapsed() >= FRAME);
        if dirty && (urgent || due) {
            terminal
                .draw(|f| crate::ui::render(&state, f))
                .map_err(|e| LoopError::Backend(e.to_string()))?;
            if last_draw.is_some() {
                crate::debug_panic("render");
            }
            dirty = false;
            urgent = false;
            last_draw = Some(tokio::time::Instant::now());
        }
        // While a frame is owed but not yet due, wake when it is.
        let next_frame = async {
            match (dirty, last_draw) {
                (true, Some(t)) => tokio::time::sleep_until(t + FRAME).await,
                _ => std::future::pending().await,
            }
        };
        let msg = tokio::select! {
            _ = next_frame => continue,
            ev = input.next() => match ev {
                Some(Ok(Event::Key(k))) => Msg::Key(k),
                Some(Ok(Event::Resize(width, height))) => Msg::Resize { width, height },
                Some(Ok(Event::Mouse(m))) => Msg::Mouse(m),
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(e.into()),
                None => return Ok(state),
            },
            Some(ev) = events.recv() => Msg::Feed(ev),
            Some(msg) = io_rx.recv() => msg,
            _ = tick.tick() => Msg::Tick(Timestamp::now()),
        };
        urgent |= matches!(msg, Msg::Key(_) | Msg::Resize { .. } | Msg::Mouse(_));
        if matches!(msg, Msg::Key(_)) {
            crate::debug_panic("update");
        }
        let mut commands = app::update(&mut state, msg);
        // Coalesce: apply whatever else the feed has ready before drawing once.
        for _ in 0..MAX_BATCH {
            match events.try_recv() {
                Ok(ev) => commands.extend(app::update(&mut state, Msg::Feed(ev))),
                Err(_) => break,
            }
        }
        dirty = true;
        for cmd in commands {
            match cmd {
                Command::Quit => return Ok(state),
                Command::Export(_) | Command::ExportAudit => match opts.export_dir.clone() {
                    Some(dir) => {
                        let job = match cmd {
                            Command::Export(tab) => tab_export(&state, tab),
                            _ => audit_export(&state),
                        };
                        let tx = io_tx.clone();
                        tokio::task::spawn_blocking(move || {
                            let text = match job.write(&dir) {
                                Ok(paths) => format!("Exported to {paths}"),
                                Err(e) => format!("EXPORT FAILED: {e}"),
                            };
                            let at = Timestamp::now();
                            // The loop owns the receiver until it returns: nothing to tell then.
                            let _ = tx.send(Msg::Feed(FeedEvent::Notice { text, at }));
                        });
                    }
                    None => {
                        let text = "Export is not available in this session (use `blotter dump` \
                                    where the blotter runs)"
                            .to_string();
                        let at = Timestamp::now();
                        app::update(&mut state, Msg::Feed(FeedEvent::Notice { text, at }));
                    }
                },
                Command::Copy(text) => {
                    if let Err(e) = terminal.backend_mut().write_raw(&osc52(&text)) {
                        let failed = FeedEvent::Notice {
                            text: format!("COPY FAILED: {e}"),
                            at: Timestamp::now(),
                        };
                        app::update(&mut state, Msg::Feed(failed));
                    }
                }
                Command::LoadLastActions => load_last_actions(opts, &io_tx),
                Command::LoadAudit => match opts.audit_file.clone() {
                    Some(path) => {
                        let tx = io_tx.clone();
                        tokio::task::spawn_blocking(move || {
                            let loaded = crate::audit::tail(&path, AUDIT_VIEW_MAX)
                                .map_err(|e| format!("cannot read {}: {e}", path.display()));
                            let _ = tx.send(Msg::Audit(loaded));
                        });
                    }
                    None => {
                        let none = Err("No audit log in this session.".to_string());
                        app::update(&mut state, Msg::Audit(none));
                    }
                },
                Command::SaveFilterHistory(filters) => {
                    if let Some(path) = opts.filter_history.clone() {
                        // Off the loop; a history that cannot be written is not worth a banner.
                        tokio::task::spawn_blocking(move || {
                            if let Err(e) = crate::filter_history::save(&path, &filters) {
                                tracing::warn!(path = %path.display(), error = %e, "filter history not written");
                            }
                        });
                    }
                }
                Command::Bell => {
                    // A bell that cannot be rung is not worth a banner.
                    let _ = terminal.backend_mut().write_raw(b"\x07");
                }
                Command::Refresh => {
                    let _ = feed.send(FeedCommand::Refresh);
                }
                Command::HistoryWindow(w) => {
                    let _ = feed.send(FeedCommand::HistoryWindow(w));
                }
                Command::FetchMulti { venue, id } => {
                    let _ = feed.send_to(&venue, FeedCommand::FetchMulti(id));
                }
                Command::FetchFills { venue, id } => {
                    let _ = feed.send_to(&venue, FeedCommand::FetchFills(id));
                }
                Command::Act { venue, action } => {
                    if let Err(cmd) = feed.send_to(&venue, FeedCommand::Act(action))
                        && let FeedCommand::Act(action) = *cmd
                    {
                        // The feed is gone: say so, never drop the action silently.
                        let done = FeedEvent::ActionDone {
                            action,
                            result: Err(VenueError::Network(
                                "feed stopped; action not sent".into(),
                            )),
                            at: Timestamp::now(),
                        };
                        app::update(&mut state, Msg::Feed(done));
                    }
                }
            }
        }
    }
}
