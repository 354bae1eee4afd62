//! The local terminal: taken over once and given back on every way out — a normal quit, a
//! signal (SIGTERM, SIGHUP, SIGINT) or a panic. Used by the TUI and `replay`. Part of the
//! `blotter` binary.

/// Chains a hook after the current one (ratatui's restore + color-eyre's report) that logs the
/// panic and exits with status 101.
pub(crate) fn install_exit_on_panic() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!(panic = %info, "panic; terminal restored, exiting");
        previous(info);
        let _ = crossterm::execute!(
            std::io::stdout(),
            crossterm::event::DisableMouseCapture,
            crossterm::cursor::Show
        );
        std::process::exit(101);
    }));
}

/// SIGTERM, SIGHUP (terminal closed) and SIGINT, registered when created (before the
/// terminal is taken over, so an early signal still restores it).
pub(crate) struct Signals {
    #[cfg(unix)]
    streams: Option<[tokio::signal::unix::Signal; 3]>,
}

impl Signals {
    pub(crate) fn new() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let streams = match (
                signal(SignalKind::terminate()),
                signal(SignalKind::hangup()),
                signal(SignalKind::interrupt()),
            ) {
                (Ok(t), Ok(h), Ok(i)) => Some([t, h, i]),
                _ => {
                    tracing::warn!("cannot install signal handlers");
                    None
                }
            };
            Self { streams }
        }
        #[cfg(not(unix))]
        Self {}
    }

    /// Waits for one; returns its name and the conventional exit status (128 + number).
    pub(crate) async fn recv(&mut self) -> (&'static str, i32) {
        #[cfg(unix)]
        {
            let Some([term, hup, int]) = self.streams.as_mut() else {
                return std::future::pending().await;
            };
            tokio::select! {
                _ = term.recv() => ("SIGTERM", 143),
                _ = hup.recv() => ("SIGHUP", 129),
                _ = int.recv() => ("SIGINT", 130),
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            ("Ctrl-C", 130)
        }
    }
}

/// How a session on the local terminal ended.
pub(crate) enum Ended<T> {
    /// The app returned (the user quit, or its input ended).
    Returned(T),
    /// A signal arrived first: its name and the conventional exit status (128 + number).
    Signal(&'static str, i32),
}

/// Takes over the local terminal (raw mode, alternate screen, and the mouse when `mouse`),
/// runs `app` with it and its size until `app` returns or SIGTERM/SIGHUP/SIGINT arrives, then
/// gives the terminal back — cursor shown, mouse released — on both paths. A panic is handled
/// by the hooks (ratatui's restore, then [`install_exit_on_panic`]'s exit).
///
/// # Errors
/// When the terminal cannot be taken over, measured or given back.
pub(crate) async fn run<T>(
    mouse: bool,
    app: impl AsyncFnOnce(&mut ratatui::DefaultTerminal, (u16, u16)) -> T,
) -> color_eyre::Result<Ended<T>> {
    // Registered before the terminal is taken, so an early signal still restores it.
    let mut signals = Signals::new();
    let mut terminal = ratatui::try_init()?;
    if mouse {
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::EnableMouseCapture);
    }
    let size = terminal.size()?;
    let ended = tokio::select! {
        r = app(&mut terminal, (size.width, size.height)) => Ended::Returned(r),
        (name, code) = signals.recv() => Ended::Signal(name, code),
    };
    // Show the cursor explicitly: the signal path exits before `terminal` would drop.
    let _ = terminal.show_cursor();
    if mouse {
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableMouseCapture);
    }
    ratatui::try_restore()?;
    Ok(ended)
}
