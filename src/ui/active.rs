//! Tab 1: active orders (`/api/active_orders/?exclude_paused=false`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::theme::Theme;
use super::{CellText, Col, decimal, left, right};
use crate::app::{State, Tab};
use crate::domain::{Order, OrderStatus, Ratio};
use crate::format;
use crate::sanitize::{clean, clean_truncated};

pub(super) const COLS: [Col; 15] = [
    left("ID", 1),
    left("Pair", 1),
    left("Side", 1),
    left("Strategy", 6),
    left("Status", 1),
    decimal("Filled", 2),
    left("Target", 2),
    left("Fill", 3),
    decimal("Avg px", 3),
    decimal("Limit", 4),
    decimal("Notional", 5),
    right("Left", 7),
    right("Upd", 8),
    left(super::LAST_ACTION, 7),
    left("Account", 6),
];

/// Renders the active-orders table and the selected order's detail strip.
pub fn render(state: &State, theme: &Theme, frame: &mut Frame, body: Rect, detail: Rect) {
    super::render_table(state, theme, frame, body, (Tab::Active, &COLS), |range| {
        range
            .filter_map(|i| state.active_row(i))
            .map(|o| super::with_venue(state, &o.venue, row(state, theme, o)))
            .collect()
    });
    super::render_detail(frame, detail, detail_lines(state, theme));
}

fn row(state: &State, theme: &Theme, o: &Order) -> Vec<CellText> {
    let status_text = if o.status == OrderStatus::Paused {
        "⏸ PAUSED".to_string()
    } else {
        clean(o.status.as_str()).into_owned()
    };
    let flash = state.flashes.get(&o.id).filter(|f| f.until > state.now);
    let fill_style = match flash {
        Some(f) if f.fill => theme.flash(),
        _ => Style::new(),
    };
    let status_style = match flash {
        Some(f) if f.status => theme.status(&o.status).patch(theme.flash()),
        _ => theme.status(&o.status),
    };
    let plain = Style::new();
    let mut cells = vec![
        (
            format!("{}{}", gutter(state, &o.id), clean(o.id.short())),
            if state.book.marks().contains(&o.id) {
                theme.key()
            } else {
                plain
            },
        ),
        (format::pair(&o.pair, 16), plain),
        (format::side(&o.side), theme.side(&o.side)),
        (format::strategy(o.strategy.as_deref(), 10), plain),
        (status_text, status_style),
        (format::decimal(o.executed_qty), fill_style),
        (format::order_size(o), plain),
        (fill_bar(o.fill_ratio), fill_style),
        (format::decimal(o.avg_price), plain),
        (format::limit(&o.limit_price), plain),
        (format::order_notional(o), plain),
        (format::time_left(state.now, o.time_end), plain),
        (format::age(state.now, o.updated_at), plain),
        (
            format::last_action(state.book.last_action(&o.id)),
            theme.dim(),
        ),
        (format::list(&o.account_names), plain),
    ];
    // A field the venue sent but the blotter could not read shows `?`, not "not given".
    {
        use format::OrderField as F;
        super::mark_unreadable(
            &mut cells,
            &o.unreadable,
            &[
                None,
                Some(F::Pair),
                Some(F::Side),
                Some(F::Strategy),
                Some(F::Status),
                Some(F::Executed),
                Some(F::Target),
                Some(F::FillRatio),
                Some(F::AvgPrice),
                Some(F::Limit),
                Some(F::Notional),
                Some(F::TimeEnd),
                Some(F::Updated),
                None,
                Some(F::Accounts),
            ],
        );
    }
    if flash.is_some_and(|f| f.alert) {
        // An alert highlights the whole row (text and position still say what it is).
        return cells
            .into_iter()
            .map(|(text, style)| (text, style.patch(theme.flash())))
            .collect();
    }
    cells
}

/// The one-cell gutter in front of an id: `●` marked for a bulk action, `•` changed since seen
/// (fill, status or terms; until the selection moves onto the row or `N` marks all seen), `◉`
/// both, else a space.
pub(super) fn gutter(state: &State, id: &crate::domain::OrderId) -> char {
    match (
        state.book.marks().contains(id),
        state.book.seen().is_changed(id),
    ) {
        (true, true) => '◉',
        (true, false) => '●',
        (false, true) => '•',
        (false, false) => ' ',
    }
}

/// A 5-cell bar plus percentage: `███░░ 60.0%`.
pub fn fill_bar(r: Option<Ratio>) -> String {
    let Some(r) = r else {
        return format::NONE.to_string();
    };
    let n = crate::num::cells_filled(r, 5);
    format!(
        "{}{} {}",
        "█".repeat(n),
        "░".repeat(5 - n.min(5)),
        format::percent(Some(r))
    )
}

fn detail_lines<'a>(state: &State, theme: &Theme) -> Vec<Line<'a>> {
    let Some(o) = state.selected_order() else {
        return vec![Line::styled(" no order selected", theme.dim())];
    };
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut first = Vec::new();
    if state.multi_venue() {
        first.push(Span::styled(" venue ", theme.dim()));
        first.push(Span::raw(state.venue_name(&o.venue)));
        first.push(Span::raw(" "));
    }
    first.push(Span::styled(" id ", theme.dim()));
    first.push(Span::styled(clean(o.id.as_str()).into_owned(), bold));
    if let Some(c) = &o.custom_order_id {
        first.push(Span::styled("  custom ", theme.dim()));
        first.push(Span::raw(clean_truncated(c, 30).into_owned()));
    }
    if let Some(p) = &o.parent_order_id {
        first.push(Span::styled("  parent ", theme.dim()));
        first.push(Span::raw(clean(p.as_str()).into_owned()));
    }
    first.push(Span::styled("  exch ", theme.dim()));
    first.push(Span::raw(format::list(&o.exchanges)));
    first.push(Span::styled("  start ", theme.dim()));
    first.push(Span::raw(format::datetime(o.time_start)));
    first.push(Span::styled("  end ", theme.dim()));
    first.push(Span::raw(format::datetime(o.time_end)));
    let mut second = Vec::new();
    if let Some(reason) = &o.failure_reason {
        second.push(Span::styled(" failure ", theme.warn()));
        second.push(Span::styled(
            clean_truncated(reason, 80).into_owned(),
            theme.warn(),
        ));
    }
    if state.in_flight.contains(&o.id) {
        second.push(Span::styled(" ⧗ action pending ", theme.warn()));
    }
    if !o.unreadable.is_empty() {
        let paths: Vec<_> = o.unreadable.iter().map(|u| clean(&u.path)).collect();
        second.push(Span::styled(
            format!(" ? unreadable: {} ", clean_truncated(&paths.join(", "), 60)),
            theme.warn(),
        ));
    }
    second.push(Span::styled(" notes ", theme.dim()));
    second.push(Span::raw(
        o.notes.as_deref().map_or(format::NONE.into(), |n| {
            clean_truncated(n, 120).into_owned()
        }),
    ));
    vec![Line::from(first), Line::from(second)]
}
