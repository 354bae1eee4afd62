//! Rendering: `render(&State, &mut Frame)`. Pure — reads the state, never does IO, never
//! mutates. One file per tab and per overlay. Only the visible rows are built.

mod active;
mod audit;
mod detail;
mod dialogs;
mod errors;
mod multi;
mod placements;
pub mod theme;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState};

use crate::app::{BannerLevel, Connection, Modal, PushStatus, State, Tab};
use crate::format;
use crate::sanitize::clean_truncated;
use theme::Theme;

pub use crate::app::layout::{CHROME_ROWS, FIRST_ROW, TAB_BAR_ROW, tab_at};
use crate::app::layout::{TAB_SEPARATOR, tab_labels};

/// Data older than this many refresh intervals is shown as stale.
const STALE_AFTER_INTERVALS: i64 = 3;

/// Draws the whole screen.
pub fn render(state: &State, frame: &mut Frame) {
    let theme = Theme::for_state(state);
    let [header, tabs, body, detail, banner, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(2),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());

    render_header(state, &theme, frame, header);
    render_tabs(state, &theme, frame, tabs);
    match state.tab {
        Tab::Active => active::render(state, &theme, frame, body, detail),
        Tab::Multi => multi::render(state, &theme, frame, body, detail),
        Tab::Placements => placements::render(state, &theme, frame, body, detail),
        Tab::Errors => errors::render(state, &theme, frame, body, detail),
    }
    render_banner(state, &theme, frame, banner);
    render_footer(state, &theme, frame, footer);

    match &state.modal {
        Some(Modal::Help) => dialogs::help(state, &theme, frame),
        Some(Modal::Confirm(c)) => dialogs::confirm(c, &theme, frame),
        Some(Modal::Amend(form)) => dialogs::amend(form, &theme, frame),
        Some(Modal::Detail(id)) => detail::render(state, id, &theme, frame),
        Some(Modal::Kill { scope }) => dialogs::kill(state, scope.as_ref(), &theme, frame),
        Some(Modal::Audit(view)) => audit::render(view, &theme, frame),
        None => {}
    }
}

fn render_header(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut spans = vec![Span::styled(
        " blotter ",
        Style::new().add_modifier(Modifier::BOLD),
    )];
    spans.push(Span::raw("│ "));
    if let Some(who) = &state.who {
        spans.push(Span::styled(
            clean_truncated(who, 40).into_owned(),
            Style::new().add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::raw(" │ "));
    }
    if let [venue] = state.venues.as_slice() {
        spans.push(Span::raw(clean_truncated(&venue.name, 24).into_owned()));
        spans.push(Span::raw(" "));
        if state.demo {
            spans.push(Span::styled(" DEMO ", theme.demo()));
            spans.push(Span::raw(" "));
        }
        spans.push(Span::raw("│ "));
        let (text, style) = venue_status(venue, state.now, theme, 60);
        spans.push(Span::styled(text, style));
    } else {
        if state.demo {
            spans.push(Span::styled(" DEMO ", theme.demo()));
            spans.push(Span::raw(" "));
        }
        for (i, venue) in state.venues.iter().enumerate() {
            if i > 0 {
                spans.push(Span::styled(" · ", theme.dim()));
            }
            spans.push(Span::raw(format!("{} ", clean_truncated(&venue.name, 24))));
            let (text, style) = venue_status(venue, state.now, theme, 24);
            spans.push(Span::styled(text, style));
        }
    }
    if state.freeze.on {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(
            format!(" FROZEN — {} updates pending ", state.freeze.pending_count),
            theme.demo(),
        ));
    }
    let paused = state.book.paused_count();
    spans.push(Span::raw(format!(
        " │ {} active · {} paused │ {} UTC",
        state.book.orders().len(),
        paused,
        state.now.strftime("%H:%M:%S")
    )));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// One venue's connection state for the header: `● live`, `● polling · reconnecting in 4s`,
/// `● polling (no push channel)`, `● retrying — <error>` (error cut to `max_error` characters).
fn venue_status(
    venue: &crate::app::VenueState,
    now: jiff::Timestamp,
    theme: &Theme,
    max_error: usize,
) -> (String, Style) {
    match (&venue.connection, &venue.push) {
        (Connection::Polling, PushStatus::Live) => ("● live".to_string(), theme.ok()),
        (Connection::Polling, PushStatus::Reconnecting { retry_at, .. }) => (
            format!(
                "● polling · reconnecting in {}",
                format::duration(retry_at.duration_since(now).as_secs().max(0))
            ),
            theme.warn(),
        ),
        (Connection::Polling, PushStatus::NoChannel { .. }) => {
            ("● polling (no push channel)".to_string(), theme.ok())
        }
        (Connection::Polling, PushStatus::AuthFailed { .. }) => {
            ("● polling · stream auth failed".to_string(), theme.warn())
        }
        (connection, _) => connection_text(connection, theme, max_error),
    }
}

/// Polling health when the push channel doesn't decide the picture.
fn connection_text(connection: &Connection, theme: &Theme, max_error: usize) -> (String, Style) {
    match connection {
        Connection::Connecting => ("● connecting".to_string(), theme.dim()),
        Connection::Polling => ("● polling".to_string(), theme.ok()),
        Connection::Retrying { error } => (
            format!("● retrying — {}", clean_truncated(error, max_error)),
            theme.warn(),
        ),
        Connection::AuthFailed { error } => (
            format!("● auth failed — {}", clean_truncated(error, max_error)),
            theme.warn(),
        ),
    }
}

fn render_tabs(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut spans = Vec::new();
    for label in tab_labels(state) {
        let style = if label.tab == state.tab {
            theme.tab_active()
        } else {
            Style::new()
        };
        spans.push(Span::styled(label.title, style));
        if let Some(badge) = label.badge {
            spans.push(Span::styled(badge, theme.banner(BannerLevel::Error)));
        }
        spans.push(Span::styled(TAB_SEPARATOR, theme.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Title for a tab's table block: name, freshness and bad-row count.
fn block_title<'a>(state: &State, theme: &Theme, tab: Tab) -> Line<'a> {
    let f = &state.freshness(tab);
    let mut spans = vec![Span::styled(
        format!(" {} ", tab.title()),
        Style::new().add_modifier(Modifier::BOLD),
    )];
    let is_live = |v: &crate::app::VenueState| matches!(v.push, PushStatus::Live);
    let live = state.venues.iter().all(is_live);
    if live && tab == Tab::Active {
        spans.push(Span::styled("live · ", theme.ok()));
    }
    match f.updated_at {
        Some(at) => {
            let age = state.now.duration_since(at).as_secs();
            // Stale when any venue's data is older than 3 of its own intervals (polling slows
            // while a venue's stream is live).
            let stale = state.venues.iter().any(|v| {
                let Some(at) = v.freshness[tab.index()].updated_at else {
                    return false;
                };
                let slowed = is_live(v) && tab != Tab::Multi;
                let interval = state.refresh_secs.max(1) as i64
                    * if slowed {
                        i64::from(crate::feed::LIVE_POLL_SLOWDOWN)
                    } else {
                        1
                    };
                state.now.duration_since(at).as_secs() > STALE_AFTER_INTERVALS * interval
            });
            let style = if stale || f.error.is_some() {
                theme.warn()
            } else {
                theme.dim()
            };
            let what = if live && tab == Tab::Active {
                "full refresh"
            } else {
                "updated"
            };
            spans.push(Span::styled(
                format!("{what} {} ago ", format::duration(age.max(0))),
                style,
            ));
        }
        None => spans.push(Span::styled("loading… ", theme.dim())),
    }
    if let Some((err, at)) = &f.error {
        spans.push(Span::styled(
            format!(
                "⚠ {} ({} ago) ",
                clean_truncated(err, 70),
                format::duration(state.now.duration_since(*at).as_secs().max(0))
            ),
            theme.warn(),
        ));
    }
    if tab == Tab::Errors {
        let (e, w, i, o) = state.level_counts();
        let mut counts = vec![
            Span::raw("· "),
            Span::styled(
                format!("ERROR {e}"),
                theme.level(&crate::domain::MessageLevel::Error),
            ),
            Span::raw(" · "),
            Span::styled(
                format!("WARN {w}"),
                theme.level(&crate::domain::MessageLevel::Warn),
            ),
            Span::raw(" · "),
            Span::styled(
                format!("INFO {i}"),
                theme.level(&crate::domain::MessageLevel::Info),
            ),
        ];
        if o > 0 {
            counts.push(Span::raw(format!(" · other {o}")));
        }
        counts.push(Span::raw(" "));
        spans.extend(counts);
        let label = state.book.errors_grouping().label();
        if !label.is_empty() {
            spans.push(Span::styled(format!("{label} "), theme.key()));
        }
    }
    if tab == Tab::Active {
        if let Some(view) = state
            .current_view
            .and_then(|i| state.prefs.saved_views.get(i))
        {
            spans.push(Span::styled(
                format!("view: {} ", clean_truncated(&view.name, 24)),
                theme.key().add_modifier(Modifier::BOLD),
            ));
        }
        if !state.filter_text.is_empty() || state.filter_editing {
            spans.push(Span::styled(
                format!(
                    "filter: {}{} ({} of {}) ",
                    clean_truncated(&state.filter_text, 50),
                    if state.filter_editing { "▏" } else { "" },
                    state.book.active_view().len(),
                    state.book.orders().len()
                ),
                theme.key(),
            ));
        }
        if !state.book.marks().is_empty() {
            spans.push(Span::styled(
                format!(
                    "● {} marked (p r c act on them, U clears) ",
                    state.book.marks().len()
                ),
                theme.key(),
            ));
        }
        if !state.book.sort().is_default() {
            spans.push(Span::styled(
                format!(
                    "sort: {} {} ",
                    state.book.sort().key.label(),
                    if state.book.sort().reverse {
                        "↑"
                    } else {
                        "↓"
                    }
                ),
                theme.key(),
            ));
        }
    }
    let sort = state.book.tab_sort(tab);
    if tab != Tab::Active && !sort.is_default() {
        let arrow = if sort.reverse { "↑" } else { "↓" };
        spans.push(Span::styled(
            format!("sort: {} {arrow} ", sort.label(tab)),
            theme.key(),
        ));
    }
    if f.bad_rows > 0 {
        spans.push(Span::styled(
            format!("⚠ {} undecodable row(s), see log ", f.bad_rows),
            theme.warn(),
        ));
    }
    Line::from(spans)
}

/// A table column: its header, whether its cells (numbers) align right, and its priority
/// (1 = always shown; higher numbers are dropped first when the terminal is too narrow —
/// a column is dropped whole, never cut, so no number is ever shown truncated).
#[derive(Debug, Clone, Copy)]
struct Col {
    name: &'static str,
    right: bool,
    priority: u8,
}

/// Left-aligned column.
const fn left(name: &'static str, priority: u8) -> Col {
    Col {
        name,
        right: false,
        priority,
    }
}

/// Right-aligned (numeric) column.
const fn right(name: &'static str, priority: u8) -> Col {
    Col {
        name,
        right: true,
        priority,
    }
}

/// The screen less a margin of `mx` columns and `my` rows on each side (full-screen overlays).
fn inset(full: Rect, mx: u16, my: u16) -> Rect {
    Rect {
        x: full.x + mx,
        y: full.y + my,
        width: full.width.saturating_sub(2 * mx),
        height: full.height.saturating_sub(2 * my),
    }
}

/// Header names of a tab's columns in their default order (the venue column, shown first when
/// several venues are configured, is not among them) — the words `[columns]` in the config
/// uses.
pub fn column_names(tab: Tab) -> Vec<&'static str> {
    tab_columns(tab).iter().map(|c| c.name).collect()
}

/// The columns of `tab` named by `names` (any case), in that order, as indices for
/// `State::columns`.
///
/// # Errors
/// An unknown or repeated name, or an empty list; the message lists the tab's columns.
pub fn pick_columns(tab: Tab, names: &[String]) -> Result<Vec<usize>, String> {
    let cols = tab_columns(tab);
    let valid = || column_names(tab).join(", ");
    if names.is_empty() {
        return Err(format!(
            "no columns for {}; choose from: {}",
            tab.title(),
            valid()
        ));
    }
    let mut picked = Vec::new();
    for name in names {
        let Some(i) = cols
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(name.trim()))
        else {
            return Err(format!(
                "{}: no column {name:?}; choose from: {}",
                tab.title(),
                valid()
            ));
        };
        if picked.contains(&i) {
            return Err(format!("{}: column {name:?} listed twice", tab.title()));
        }
        picked.push(i);
    }
    Ok(picked)
}

fn same_names(a: &[Col], b: &[Col]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.name == y.name)
}

fn tab_columns(tab: Tab) -> &'static [Col] {
    match tab {
        Tab::Active => &active::COLS,
        Tab::Multi => &multi::COLS,
        Tab::Placements => &placements::COLS,
        Tab::Errors => &errors::COLS,
    }
}

/// Which columns fit in `width`: drops the lowest-priority columns (highest number, then the
/// rightmost) until the natural widths plus spacing fit. Returns kept column indices.
fn fit_columns(cols: &[Col], widths: &[u16], width: u16, spacing: u16) -> Vec<usize> {
    let mut keep: Vec<usize> = (0..cols.len()).collect();
    let total = |keep: &[usize]| -> u32 {
        keep.iter().map(|&i| u32::from(widths[i])).sum::<u32>()
            + u32::from(spacing) * keep.len().saturating_sub(1) as u32
    };
    while keep.len() > 1 && total(&keep) > u32::from(width) {
        let Some(pos) = keep
            .iter()
            .enumerate()
            .filter(|(_, i)| cols[**i].priority > 1)
            .max_by_key(|(p, i)| (cols[**i].priority, *p))
            .map(|(p, _)| p)
        else {
            break;
        };
        keep.remove(pos);
    }
    // Put back any dropped column that still fits in the room left, most important first.
    let mut dropped: Vec<usize> = (0..cols.len()).filter(|i| !keep.contains(i)).collect();
    dropped.sort_by_key(|&i| (cols[i].priority, i));
    for i in dropped {
        let mut with: Vec<usize> = keep.clone();
        with.push(i);
        with.sort_unstable();
        if total(&with) <= u32::from(width) {
            keep = with;
        }
    }
    keep
}

/// One cell's text and style.
type CellText = (String, Style);

/// `? unreadable: path: reason; …` for a detail strip (reasons truncated), or nothing when
/// every field was read.
fn unreadable_span<'a>(
    unreadable: &[crate::domain::Unreadable],
    theme: &Theme,
) -> Option<ratatui::text::Span<'a>> {
    if unreadable.is_empty() {
        return None;
    }
    let text: Vec<String> = unreadable
        .iter()
        .map(|u| format!("{}: {}", u.path, u.reason))
        .collect();
    Some(ratatui::text::Span::styled(
        format!(
            "  ? unreadable: {}",
            crate::sanitize::clean_truncated(&text.join("; "), 120)
        ),
        theme.warn(),
    ))
}

/// Puts `?` in each cell whose column (`by_col[i]`) is fed by a field the venue sent but the
/// blotter could not read; the rest of the row is untouched.
fn mark_unreadable(
    cells: &mut [CellText],
    unreadable: &[crate::domain::Unreadable],
    by_col: &[Option<crate::format::OrderField>],
) {
    if unreadable.is_empty() {
        return;
    }
    for (cell, field) in cells.iter_mut().zip(by_col) {
        if let Some(f) = field
            && crate::format::is_unreadable(unreadable, *f)
        {
            cell.0 = crate::format::UNREADABLE.to_string();
        }
    }
}

/// The venue column, first in every table when several venues are configured.
const VENUE_COL: Col = left("Venue", 2);

/// A row's cells, with its venue's name in front when several venues are configured.
fn with_venue(
    state: &State,
    venue: &crate::domain::VenueId,
    mut cells: Vec<CellText>,
) -> Vec<CellText> {
    if state.multi_venue() {
        cells.insert(
            0,
            (
                clean_truncated(venue.as_str(), 12).into_owned(),
                Style::new(),
            ),
        );
    }
    cells
}

/// Draws a tab's table. Only the visible rows are built (`rows` gets their index range);
/// column widths fit the visible content, so numbers are never cut.
fn render_table(
    state: &State,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
    (tab, cols): (Tab, &[Col]),
    rows: impl FnOnce(std::ops::Range<usize>) -> Vec<Vec<CellText>>,
) {
    // Display order: the venue column first (several venues), then the configured columns.
    let lead = usize::from(state.multi_venue());
    let order: Vec<usize> = (0..lead)
        .chain(match &state.prefs.columns[tab.index()] {
            // `[columns]` names the tab's standard columns (not the grouped errors views).
            Some(picked) if same_names(cols, tab_columns(tab)) => picked
                .iter()
                .filter(|&&i| i < cols.len())
                .map(|i| i + lead)
                .collect(),
            _ => (lead..lead + cols.len()).collect::<Vec<_>>(),
        })
        .collect();
    let all: Vec<Col> = std::iter::once(VENUE_COL)
        .take(lead)
        .chain(cols.iter().copied())
        .collect();
    let cols: Vec<Col> = order.iter().map(|&i| all[i]).collect();
    let count = state.row_count(tab);
    let visible = usize::from(area.height.saturating_sub(3));
    let offset = state.views[tab.index()].offset.min(count);
    let end = (offset + visible).min(count);
    let body: Vec<Vec<CellText>> = rows(offset..end)
        .into_iter()
        .map(|mut cells| {
            order
                .iter()
                .map(|&i| cells.get_mut(i).map(std::mem::take).unwrap_or_default())
                .collect()
        })
        .collect();
    let mut widths: Vec<u16> = cols
        .iter()
        .map(|c| Span::raw(c.name).width() as u16)
        .collect();
    for row in &body {
        for (w, (text, _)) in widths.iter_mut().zip(row) {
            *w = (*w).max(Span::raw(text.as_str()).width() as u16);
        }
    }
    let keep = fit_columns(&cols, &widths, area.width.saturating_sub(2), 2);
    let last = keep.len().saturating_sub(1);
    let constraints: Vec<Constraint> = keep
        .iter()
        .enumerate()
        .map(|(n, &i)| {
            // A left-aligned last column takes the room left (long account lists); a numeric
            // one keeps its width so it stays next to its neighbours.
            if n == last && !cols[i].right {
                Constraint::Min(widths[i])
            } else {
                Constraint::Length(widths[i])
            }
        })
        .collect();
    let align = |c: &Col| {
        if c.right {
            Alignment::Right
        } else {
            Alignment::Left
        }
    };
    let rows: Vec<Row> = body
        .into_iter()
        .map(|mut cells| {
            Row::new(keep.iter().map(|&i| {
                let (text, style) = cells.get_mut(i).map(std::mem::take).unwrap_or_default();
                Cell::from(Line::from(Span::styled(text, style)).alignment(align(&cols[i])))
            }))
        })
        .collect();
    let header = Row::new(
        keep.iter()
            .map(|&i| Cell::from(Line::from(cols[i].name).alignment(align(&cols[i])))),
    )
    .style(theme.header());
    let selected = state
        .selected_index(tab)
        .and_then(|i| i.checked_sub(offset));
    let block = Block::default()
        .borders(Borders::ALL)
        .title(block_title(state, theme, tab));
    let table = Table::new(rows, constraints)
        .header(header)
        .block(block)
        .column_spacing(2)
        .row_highlight_style(theme.selected());
    let mut ts = TableState::default().with_selected(selected);
    frame.render_stateful_widget(table, area, &mut ts);
    if count == 0 && area.height > 3 {
        let msg = if state.freshness(tab).updated_at.is_some() {
            "  (none)"
        } else {
            "  waiting for the venue…"
        };
        let inner = Rect {
            x: area.x + 1,
            y: area.y + 2,
            width: area.width.saturating_sub(2),
            height: 1,
        };
        frame.render_widget(Paragraph::new(msg).style(theme.dim()), inner);
    }
}

fn render_banner(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    if state.filter_editing {
        let text = format!(
            " / {}▏   Enter keep · Esc clear · terms: side:buy status:paused acct:NAME pair:BTC-*",
            clean_truncated(&state.filter_text, 60)
        );
        frame.render_widget(Paragraph::new(text).style(theme.key()), area);
        return;
    }
    let Some(b) = &state.banner else {
        return;
    };
    let style = theme.banner(b.level);
    let prefix = match b.level {
        BannerLevel::Error => " ✖ ",
        BannerLevel::Success => " ✔ ",
        BannerLevel::Info => " ℹ ",
    };
    let text = format!(
        "{prefix}{} ({} ago)",
        clean_truncated(&b.text, usize::from(area.width).saturating_sub(16)),
        format::duration(state.now.duration_since(b.at).as_secs().max(0))
    );
    frame.render_widget(Paragraph::new(text).style(style), area);
}

fn render_footer(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    use crate::app::keymap::KeyAction as A;
    let mut spans = vec![Span::raw(" ")];
    let mut push = |keys: String, word: &str| {
        spans.push(Span::styled(keys, theme.key()));
        spans.push(Span::raw(format!(" {word}  ")));
    };
    let km = &state.prefs.keymap;
    let default = crate::app::keymap::Keymap::default();
    let same = |a: &[A]| a.iter().all(|&a| km.keys_label(a) == default.keys_label(a));
    let label = |a: &[A], short: &str| {
        if same(a) {
            short.to_string()
        } else {
            a.iter()
                .map(|&a| km.keys_label(a))
                .filter(|k| !k.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        }
    };
    let tabs = [
        A::GoTab(0),
        A::GoTab(1),
        A::GoTab(2),
        A::GoTab(3),
        A::NextTab,
    ];
    push(label(&tabs, "1-4/Tab"), "tabs");
    push(label(&[A::Up, A::Down], "↑↓/jk"), "move");
    for a in [
        A::Detail,
        A::Filter,
        A::Sort,
        A::Pause,
        A::Resume,
        A::Amend,
        A::Cancel,
        A::Freeze,
        A::Help,
        A::Quit,
    ] {
        if let Some(word) = a.footer_word() {
            push(state.prefs.keymap.keys_label(a), word);
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Renders a two-line detail strip.
fn render_detail(frame: &mut Frame, area: Rect, lines: Vec<Line<'_>>) {
    frame.render_widget(Paragraph::new(lines), area);
}
