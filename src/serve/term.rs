//! The terminal of one SSH session: a ratatui [`Backend`] that encodes frames as ANSI bytes
//! (crossterm's encoder into a buffer) and hands them to the session's writer task over a
//! small bounded queue — never waiting for the network.
//!
//! When the queue is full (a slow client or a bad link), the frame is dropped and the backend
//! remembers it is out of step; the next frame that fits is a full repaint of what the screen
//! should show (kept in a shadow buffer), so a slow client sees fewer frames, never a corrupt
//! one. Colours are reduced to what the client's terminal can show ([`ColorDepth`]).

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Position, Rect, Size};
use ratatui::style::Color;
use tokio::sync::mpsc;

/// Frames queued for the network per session before frames are dropped.
pub const FRAME_QUEUE: usize = 4;

/// Begin/end synchronized update (DEC mode 2026): terminals that know it show each frame
/// whole; others ignore it.
const SYNC_BEGIN: &[u8] = b"\x1b[?2026h";
const SYNC_END: &[u8] = b"\x1b[?2026l";

/// What colours the client's terminal can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ColorDepth {
    /// None (`TERM=dumb`, or `NO_COLOR` sent): bold/reverse only.
    Mono,
    /// The 16 ANSI colours.
    Ansi16,
    /// The xterm 256-colour palette.
    Ansi256,
    /// 24-bit colour.
    TrueColor,
}

impl ColorDepth {
    /// From the client's `TERM`, `COLORTERM` and whether it sent a non-empty `NO_COLOR`.
    pub fn detect(term: Option<&str>, colorterm: Option<&str>, no_color: bool) -> Self {
        let term = term.unwrap_or("").to_ascii_lowercase();
        if no_color || term.is_empty() || term == "dumb" {
            return ColorDepth::Mono;
        }
        let colorterm = colorterm.unwrap_or("").to_ascii_lowercase();
        if colorterm == "truecolor" || colorterm == "24bit" || term.contains("direct") {
            ColorDepth::TrueColor
        } else if term.contains("256") {
            ColorDepth::Ansi256
        } else {
            ColorDepth::Ansi16
        }
    }
}

/// The 16 ANSI colours with the RGB values xterm uses, for nearest-colour matching.
const ANSI16: [(Color, (u8, u8, u8)); 16] = [
    (Color::Black, (0, 0, 0)),
    (Color::Red, (205, 0, 0)),
    (Color::Green, (0, 205, 0)),
    (Color::Yellow, (205, 205, 0)),
    (Color::Blue, (0, 0, 238)),
    (Color::Magenta, (205, 0, 205)),
    (Color::Cyan, (0, 205, 205)),
    (Color::Gray, (229, 229, 229)),
    (Color::DarkGray, (127, 127, 127)),
    (Color::LightRed, (255, 0, 0)),
    (Color::LightGreen, (0, 255, 0)),
    (Color::LightYellow, (255, 255, 0)),
    (Color::LightBlue, (92, 92, 255)),
    (Color::LightMagenta, (255, 0, 255)),
    (Color::LightCyan, (0, 255, 255)),
    (Color::White, (255, 255, 255)),
];

const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];

/// RGB of an xterm palette index.
fn indexed_rgb(i: u8) -> (u8, u8, u8) {
    match i {
        0..=15 => ANSI16[usize::from(i)].1,
        16..=231 => {
            let n = i - 16;
            (
                CUBE[usize::from(n / 36)],
                CUBE[usize::from(n / 6 % 6)],
                CUBE[usize::from(n % 6)],
            )
        }
        _ => {
            let v = 8 + (i - 232) * 10;
            (v, v, v)
        }
    }
}

fn dist((r1, g1, b1): (u8, u8, u8), (r2, g2, b2): (u8, u8, u8)) -> u32 {
    let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).unsigned_abs();
    d(r1, r2).pow(2) + d(g1, g2).pow(2) + d(b1, b2).pow(2)
}

fn nearest16(rgb: (u8, u8, u8)) -> Color {
    ANSI16
        .iter()
        .min_by_key(|(_, c)| dist(*c, rgb))
        .map_or(Color::Reset, |(c, _)| *c)
}

fn nearest256(rgb: (u8, u8, u8)) -> Color {
    (16..=255u8)
        .min_by_key(|&i| dist(indexed_rgb(i), rgb))
        .map_or(Color::Reset, Color::Indexed)
}

/// `c` as the nearest colour a terminal of `depth` can show (pure).
pub fn downgrade(c: Color, depth: ColorDepth) -> Color {
    match (depth, c) {
        (_, Color::Reset) | (ColorDepth::TrueColor, _) => c,
        (ColorDepth::Mono, _) => Color::Reset,
        (ColorDepth::Ansi256, Color::Rgb(r, g, b)) => nearest256((r, g, b)),
        (ColorDepth::Ansi256, _) => c,
        (ColorDepth::Ansi16, Color::Rgb(r, g, b)) => nearest16((r, g, b)),
        (ColorDepth::Ansi16, Color::Indexed(i)) => nearest16(indexed_rgb(i)),
        (ColorDepth::Ansi16, _) => c,
    }
}

/// A terminal size shared between the SSH handler (which learns it from `pty-req` and
/// `window-change`) and the session's backend.
#[derive(Debug, Clone, Default)]
pub struct SharedSize(Arc<AtomicU32>);

impl SharedSize {
    /// A size of `width`×`height` cells.
    pub fn new(width: u16, height: u16) -> Self {
        let s = Self::default();
        s.set(width, height);
        s
    }

    /// Sets it (0 becomes 1).
    pub fn set(&self, width: u16, height: u16) {
        let v = (u32::from(width.max(1)) << 16) | u32::from(height.max(1));
        self.0.store(v, Ordering::Relaxed);
    }

    /// (columns, rows).
    pub fn get(&self) -> (u16, u16) {
        let v = self.0.load(Ordering::Relaxed);
        ((v >> 16) as u16, (v & 0xffff) as u16)
    }
}

/// Output counters, shared by every session of a server (all monotonic).
#[derive(Debug, Default)]
pub struct OutputStats {
    /// Frames handed to the network.
    pub frames: AtomicU64,
    /// Bytes handed to the network.
    pub bytes: AtomicU64,
    /// Frames dropped because a client was not keeping up.
    pub dropped: AtomicU64,
    /// Full repaints sent after drops.
    pub repaints: AtomicU64,
}

/// The bytes crossterm's encoder writes, taken out once per frame.
#[derive(Debug, Clone, Default)]
struct FrameBuf(Arc<std::sync::Mutex<Vec<u8>>>);

impl FrameBuf {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<u8>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.lock())
    }
}

impl io::Write for FrameBuf {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.lock().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The ratatui backend of one SSH session (see the module docs).
pub struct SshBackend {
    enc: CrosstermBackend<FrameBuf>,
    out: FrameBuf,
    shadow: Buffer,
    size: SharedSize,
    depth: ColorDepth,
    sink: mpsc::Sender<Vec<u8>>,
    stats: Arc<OutputStats>,
    out_of_sync: bool,
    cursor: Position,
    cursor_visible: bool,
}

impl SshBackend {
    /// A backend drawing at `size` with `depth` colours, sending frames to `sink` (the session's
    /// writer task reads the other end).
    pub fn new(
        size: SharedSize,
        depth: ColorDepth,
        sink: mpsc::Sender<Vec<u8>>,
        stats: Arc<OutputStats>,
    ) -> Self {
        let (w, h) = size.get();
        let out = FrameBuf::default();
        Self {
            enc: CrosstermBackend::new(out.clone()),
            out,
            shadow: Buffer::empty(Rect::new(0, 0, w, h)),
            size,
            depth,
            sink,
            stats,
            out_of_sync: false,
            cursor: Position::ORIGIN,
            cursor_visible: false,
        }
    }

    fn fit_shadow(&mut self) {
        let (w, h) = self.size.get();
        let area = Rect::new(0, 0, w, h);
        if self.shadow.area != area {
            self.shadow.resize(area);
        }
    }

    /// The whole screen as it should look, as one frame.
    fn repaint(&self) -> io::Result<Vec<u8>> {
        let out = FrameBuf::default();
        let mut enc = CrosstermBackend::new(out.clone());
        enc.clear()?;
        // After a clear the screen is blank: the difference from a blank buffer is every cell
        // that shows something (wide characters handled as ratatui does).
        let blank = Buffer::empty(self.shadow.area);
        enc.draw(blank.diff(&self.shadow).into_iter())?;
        enc.set_cursor_position(self.cursor)?;
        if self.cursor_visible {
            enc.show_cursor()?;
        } else {
            enc.hide_cursor()?;
        }
        Ok(out.take())
    }

    /// Queues `bytes` (or a repaint when out of step) without waiting.
    fn deliver(&mut self, bytes: Vec<u8>) -> io::Result<()> {
        let permit = match self.sink.try_reserve() {
            Ok(p) => p,
            Err(mpsc::error::TrySendError::Full(())) => {
                self.out_of_sync = true;
                self.stats.dropped.fetch_add(1, Ordering::Relaxed);
                return Ok(());
            }
            Err(mpsc::error::TrySendError::Closed(())) => {
                return Err(io::Error::new(
                    io::ErrorKind::BrokenPipe,
                    "SSH channel closed",
                ));
            }
        };
        let body = if self.out_of_sync {
            self.stats.repaints.fetch_add(1, Ordering::Relaxed);
            self.repaint()?
        } else {
            bytes
        };
        self.out_of_sync = false;
        let mut frame = Vec::with_capacity(body.len() + SYNC_BEGIN.len() + SYNC_END.len());
        frame.extend_from_slice(SYNC_BEGIN);
        frame.extend_from_slice(&body);
        frame.extend_from_slice(SYNC_END);
        self.stats.frames.fetch_add(1, Ordering::Relaxed);
        self.stats
            .bytes
            .fetch_add(frame.len() as u64, Ordering::Relaxed);
        permit.send(frame);
        Ok(())
    }
}

impl crate::tui::TerminalOut for SshBackend {
    /// Sent as its own frame (never dropped silently: a full queue is an error the session
    /// shows).
    fn write_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.sink.try_send(bytes.to_vec()).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => io::Error::new(
                io::ErrorKind::WouldBlock,
                "the connection is busy; try again",
            ),
            mpsc::error::TrySendError::Closed(_) => {
                io::Error::new(io::ErrorKind::BrokenPipe, "SSH channel closed")
            }
        })
    }
}

impl Backend for SshBackend {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.fit_shadow();
        let depth = self.depth;
        let cells: Vec<(u16, u16, Cell)> = content
            .map(|(x, y, c)| {
                let mut c = c.clone();
                c.fg = downgrade(c.fg, depth);
                c.bg = downgrade(c.bg, depth);
                c.underline_color = downgrade(c.underline_color, depth);
                (x, y, c)
            })
            .collect();
        for (x, y, c) in &cells {
            if let Some(slot) = self.shadow.cell_mut((*x, *y)) {
                *slot = c.clone();
            }
        }
        self.enc.draw(cells.iter().map(|(x, y, c)| (*x, *y, c)))
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.cursor_visible = false;
        self.enc.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.cursor_visible = true;
        self.enc.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(self.cursor)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.cursor = position.into();
        self.enc.set_cursor_position(self.cursor)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.fit_shadow();
        self.shadow.reset();
        self.enc.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        // Only a whole-screen clear is used by a full-screen terminal; any other region makes
        // the shadow unknown, so the next frame repaints everything.
        if clear_type != ClearType::All {
            self.out_of_sync = true;
        }
        self.fit_shadow();
        self.shadow.reset();
        self.enc.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        let (w, h) = self.size.get();
        Ok(Size::new(w, h))
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        Ok(WindowSize {
            columns_rows: self.size()?,
            pixels: Size::default(),
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        io::Write::flush(&mut self.enc)?;
        let bytes = self.out.take();
        if bytes.is_empty() {
            return Ok(());
        }
        self.deliver(bytes)
    }
}

/// Bytes that set a client's terminal up: alternate screen, cursor hidden, screen cleared, and
/// mouse reporting when `mouse` is on.
pub fn enter_sequence(mouse: bool) -> Vec<u8> {
    let mut out = b"\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J".to_vec();
    if mouse {
        out.extend_from_slice(b"\x1b[?1000h\x1b[?1002h\x1b[?1006h");
    }
    out
}

/// Bytes that put a client's terminal back: mouse reporting off, attributes reset, cursor
/// shown, main screen; then `message` (if any) on its own line.
pub fn leave_sequence(mouse: bool, message: Option<&str>) -> Vec<u8> {
    let mut out = Vec::new();
    if mouse {
        out.extend_from_slice(b"\x1b[?1006l\x1b[?1002l\x1b[?1000l");
    }
    out.extend_from_slice(b"\x1b[0m\x1b[?25h\x1b[?1049l");
    if let Some(m) = message {
        out.extend_from_slice(crate::sanitize::clean(m).as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::widgets::Paragraph;

    #[test]
    fn depth_follows_term_and_colorterm() {
        use ColorDepth::*;
        assert_eq!(ColorDepth::detect(Some("dumb"), None, false), Mono);
        assert_eq!(ColorDepth::detect(None, None, false), Mono);
        assert_eq!(
            ColorDepth::detect(Some("xterm-256color"), None, true),
            Mono,
            "NO_COLOR wins"
        );
        assert_eq!(ColorDepth::detect(Some("xterm"), None, false), Ansi16);
        assert_eq!(
            ColorDepth::detect(Some("screen-256color"), None, false),
            Ansi256
        );
        assert_eq!(
            ColorDepth::detect(Some("xterm-256color"), Some("truecolor"), false),
            TrueColor
        );
    }

    #[test]
    fn colours_are_reduced_to_the_nearest_the_terminal_has() {
        use ColorDepth::*;
        assert_eq!(downgrade(Color::Rgb(250, 5, 5), Ansi16), Color::LightRed);
        assert_eq!(downgrade(Color::Rgb(0, 0, 0), Ansi256), Color::Indexed(16));
        assert_eq!(
            downgrade(Color::Rgb(255, 255, 255), Ansi256),
            Color::Indexed(231)
        );
        assert_eq!(downgrade(Color::Indexed(196), Ansi16), Color::LightRed);
        assert_eq!(downgrade(Color::Green, Mono), Color::Reset);
        assert_eq!(downgrade(Color::Green, Ansi16), Color::Green);
        assert_eq!(
            downgrade(Color::Rgb(1, 2, 3), TrueColor),
            Color::Rgb(1, 2, 3)
        );
    }

    fn screen(bytes: &[u8], w: u16, h: u16) -> String {
        let nz = |n: u16| std::num::NonZeroU16::new(n).unwrap_or(std::num::NonZeroU16::MIN);
        let mut p = vt100::Parser::new(nz(h), nz(w), 0);
        p.process(bytes);
        p.screen().contents()
    }

    #[test]
    fn a_slow_client_gets_frames_dropped_then_one_full_repaint() {
        let (tx, mut rx) = mpsc::channel(FRAME_QUEUE);
        let stats = Arc::new(OutputStats::default());
        let backend = SshBackend::new(
            SharedSize::new(20, 3),
            ColorDepth::Ansi16,
            tx,
            stats.clone(),
        );
        let mut term = Terminal::new(backend).unwrap_or_else(|e| panic!("{e}"));
        // Nobody reads: the queue fills, later frames are dropped, drawing never waits.
        for i in 0..FRAME_QUEUE + 5 {
            term.draw(|f| f.render_widget(Paragraph::new(format!("frame {i}")), f.area()))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        assert!(stats.dropped.load(Ordering::Relaxed) >= 5);
        let mut seen = Vec::new();
        while let Ok(b) = rx.try_recv() {
            seen.extend(b);
        }
        // The client is reading again: the next frame is a full repaint of the latest screen.
        term.draw(|f| f.render_widget(Paragraph::new("frame last"), f.area()))
            .unwrap_or_else(|e| panic!("{e}"));
        let repaint = rx.try_recv().unwrap_or_default();
        assert_eq!(stats.repaints.load(Ordering::Relaxed), 1);
        let alone = screen(&repaint, 20, 3);
        assert!(alone.contains("frame last"), "{alone:?}");
        seen.extend(repaint);
        assert!(screen(&seen, 20, 3).contains("frame last"));
    }

    #[test]
    fn a_closed_channel_ends_the_session() {
        let (tx, rx) = mpsc::channel(FRAME_QUEUE);
        drop(rx);
        let backend = SshBackend::new(SharedSize::new(10, 2), ColorDepth::Mono, tx, Arc::default());
        let mut term = Terminal::new(backend).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            term.draw(|f| f.render_widget(Paragraph::new("x"), f.area()))
                .is_err()
        );
    }
}
