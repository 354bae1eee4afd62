//! Table columns (priorities, user-chosen order, fitting to the width), the venue column,
//! unreadable cells, and the one table renderer every tab uses.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState};

use super::theme::Theme;
use super::*;
use crate::app::{State, Tab};
use crate::sanitize::clean_truncated;

/// A table column: its header, whether its cells align right, whether they are decimals lined
/// up on the point ([`crate::format::align_decimals`]), and its priority (1 = always shown;
/// higher numbers are dropped first when the terminal is too narrow — a column is dropped
/// whole, never cut, so no number is ever shown truncated; the title counts what was dropped).
#[derive(Debug, Clone, Copy)]
pub(super) struct Col {
    pub(super) name: &'static str,
    pub(super) right: bool,
    pub(super) decimal: bool,
    pub(super) priority: u8,
}

/// Left-aligned column.
pub(super) const fn left(name: &'static str, priority: u8) -> Col {
    Col {
        name,
        right: false,
        decimal: false,
        priority,
    }
}

/// Right-aligned (numeric) column.
pub(super) const fn right(name: &'static str, priority: u8) -> Col {
    Col {
        name,
        right: true,
        decimal: false,
        priority,
    }
}

/// Right-aligned column of quantities, prices or notionals, lined up on the decimal point.
pub(super) const fn decimal(name: &'static str, priority: u8) -> Col {
    Col {
        name,
        right: true,
        decimal: true,
        priority,
    }
}

/// Lines up each decimal column of `body` on the point (spaces only, digits untouched).
pub(super) fn align_columns(cols: &[Col], body: &mut [Vec<CellText>]) {
    for (i, c) in cols.iter().enumerate() {
        if c.decimal {
            crate::format::align_decimals(
                body.iter_mut()
                    .filter_map(|r| r.get_mut(i).map(|c| &mut c.0)),
                c.right,
            );
        }
    }
}

/// The screen less a margin of `mx` columns and `my` rows on each side (full-screen overlays).
pub(super) fn inset(full: Rect, mx: u16, my: u16) -> Rect {
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

pub(super) fn same_names(a: &[Col], b: &[Col]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.name == y.name)
}

pub(super) fn tab_columns(tab: Tab) -> &'static [Col] {
    match tab {
        Tab::Active => &active::COLS,
        Tab::Multi => &multi::COLS,
        Tab::Placements => &placements::COLS,
        Tab::Errors => &errors::COLS,
        Tab::History => &history::COLS,
    }
}

/// Which columns fit in `width`: drops the lowest-priority columns (highest number, then the
/// rightmost) until the natural widths plus spacing fit; when only priority-1 columns are left
/// and they still do not fit, decimal columns go too, so a number is never cut. Returns kept
/// column indices.
pub(super) fn fit_columns(cols: &[Col], widths: &[u16], width: u16, spacing: u16) -> Vec<usize> {
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
            // Only must-show columns left and still too wide: a number column goes whole
            // (rightmost first) rather than be cut by the layout; text may be cut.
            .or_else(|| keep.iter().rposition(|&i| cols[i].decimal))
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
pub(super) type CellText = (String, Style);

/// `? unreadable: path: reason; …` for a detail strip (reasons truncated), or nothing when
/// every field was read.
pub(super) fn unreadable_span<'a>(
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
pub(super) fn mark_unreadable(
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

/// Header of the Last action column (active and multi-order tabs): shown only while a row on
/// screen has one.
pub(super) const LAST_ACTION: &str = "Last action";

/// The venue column, first in every table when several venues are configured.
pub(super) const VENUE_COL: Col = left("Venue", 2);

/// A row's cells, with its venue's name in front when several venues are configured.
pub(super) fn with_venue(
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
pub(super) fn render_table(
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
        .chain(
            match state
                .prefs
                .columns
                .get(tab.index())
                .and_then(Option::as_ref)
            {
                // `[columns]` names the tab's standard columns (not the grouped errors views).
                Some(picked) if same_names(cols, tab_columns(tab)) => picked
                    .iter()
                    .filter(|&&i| i < cols.len())
                    .map(|i| i + lead)
                    .collect(),
                _ => (lead..lead + cols.len()).collect::<Vec<_>>(),
            },
        )
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
    let mut body: Vec<Vec<CellText>> = rows(offset..end)
        .into_iter()
        .map(|mut cells| {
            order
                .iter()
                .map(|&i| cells.get_mut(i).map(std::mem::take).unwrap_or_default())
                .collect()
        })
        .collect();
    align_columns(&cols, &mut body);
    let mut widths: Vec<u16> = cols
        .iter()
        .map(|c| Span::raw(c.name).width() as u16)
        .collect();
    for row in &body {
        for (w, (text, _)) in widths.iter_mut().zip(row) {
            *w = (*w).max(Span::raw(text.as_str()).width() as u16);
        }
    }
    // The Last action column only takes room once the audit log names a row on screen.
    let unused = |i: usize| {
        cols[i].name == LAST_ACTION && body.iter().all(|r| r.get(i).is_none_or(|c| c.0.is_empty()))
    };
    let shown: Vec<usize> = (0..cols.len()).filter(|&i| !unused(i)).collect();
    let shown_cols: Vec<Col> = shown.iter().map(|&i| cols[i]).collect();
    let shown_widths: Vec<u16> = shown.iter().map(|&i| widths[i]).collect();
    let keep: Vec<usize> = fit_columns(&shown_cols, &shown_widths, area.width.saturating_sub(2), 2)
        .into_iter()
        .map(|k| shown[k])
        .collect();
    let hidden = shown.len() - keep.len();
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
    let mut title = block_title(state, theme, tab);
    if hidden > 0 {
        // Columns that do not fit are dropped whole (never cut); say so.
        title.push_span(Span::styled(
            format!("· {hidden} column(s) hidden: widen the terminal "),
            theme.dim(),
        ));
    }
    let block = Block::default().borders(Borders::ALL).title(title);
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
