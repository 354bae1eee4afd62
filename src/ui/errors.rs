//! Tab 4: order errors, warnings and info (`/api/order_errors/?order_ids=…`), newest first —
//! or grouped by order or by message (`b`), worst first, as an incident console.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::theme::Theme;
use super::{CellText, Col, left};
use crate::app::{ErrorGroup, ErrorGrouping, State, Tab};
use crate::domain::OrderMessage;
use crate::format;
use crate::sanitize::{clean, clean_truncated};

pub(super) const COLS: [Col; 5] = [
    left("Time (UTC)", 1),
    left("Order", 2),
    left("Pair", 3),
    left("Level", 1),
    left("Message", 1),
];

/// Columns of the by-order view.
const BY_ORDER: [Col; 6] = [
    left("Latest (UTC)", 1),
    left("Order", 1),
    left("Pair", 3),
    left("Worst", 1),
    super::right("Count", 1),
    left("Newest message", 1),
];

/// Columns of the by-message view.
const BY_MESSAGE: [Col; 5] = [
    left("Latest (UTC)", 2),
    left("Worst", 1),
    super::right("Count", 1),
    super::right("Orders", 1),
    left("Message", 1),
];

/// Renders the order-errors table.
pub fn render(state: &State, theme: &Theme, frame: &mut Frame, body: Rect, detail: Rect) {
    if state.book.errors_grouping() != ErrorGrouping::None {
        return render_groups(state, theme, frame, body, detail);
    }
    super::render_table(state, theme, frame, body, (Tab::Errors, &COLS), |range| {
        range
            .filter_map(|i| state.message_row(i))
            .map(|m| super::with_venue(state, &m.venue, row(state, theme, m)))
            .collect()
    });
    let lines = match state
        .selected_index(Tab::Errors)
        .and_then(|i| state.message_row(i))
    {
        Some(m) => vec![
            Line::from(vec![
                Span::styled(" order ", theme.dim()),
                Span::raw(clean(m.order_id.as_str()).into_owned()),
            ]),
            Line::from(vec![
                Span::styled(
                    format!(" {} ", clean(m.level.as_str())),
                    theme.level(&m.level),
                ),
                Span::raw(clean_truncated(&m.message, 200).into_owned()),
            ]),
        ],
        None => vec![Line::styled(" messages of the orders in view", theme.dim())],
    };
    super::render_detail(frame, detail, lines);
}

fn row(state: &State, theme: &Theme, m: &OrderMessage) -> Vec<CellText> {
    let pair = state
        .find_order(&m.order_id)
        .map_or(String::new(), |o| format::pair(&o.pair, 16));
    let plain = Style::new();
    vec![
        (format::datetime(m.created_at), plain),
        (clean(m.order_id.short()).into_owned(), plain),
        (pair, plain),
        (clean(m.level.as_str()).into_owned(), theme.level(&m.level)),
        (clean_truncated(&m.message, 200).into_owned(), plain),
    ]
}

fn render_groups(state: &State, theme: &Theme, frame: &mut Frame, body: Rect, detail: Rect) {
    let by_order = state.book.errors_grouping() == ErrorGrouping::ByOrder;
    let cols: &[Col] = if by_order { &BY_ORDER } else { &BY_MESSAGE };
    super::render_table(state, theme, frame, body, (Tab::Errors, cols), |range| {
        state.book.error_groups()[range]
            .iter()
            .map(|g| super::with_venue(state, &g.venue, group_row(state, theme, g, by_order)))
            .collect()
    });
    let lines = match state
        .selected_index(Tab::Errors)
        .and_then(|i| state.book.error_groups().get(i))
    {
        Some(g) => vec![
            Line::from(vec![
                Span::styled(" order ", theme.dim()),
                Span::raw(clean(g.order_id.as_str()).into_owned()),
                Span::styled(
                    format!(
                        "  {} message(s) on {} order(s) · Enter: go to the order",
                        g.count, g.orders
                    ),
                    theme.dim(),
                ),
            ]),
            Line::from(vec![
                Span::styled(
                    format!(" {} ", clean(g.worst.as_str())),
                    theme.level(&g.worst),
                ),
                Span::raw(clean_truncated(&g.message, 200).into_owned()),
            ]),
        ],
        None => vec![Line::styled(" no messages", theme.dim())],
    };
    super::render_detail(frame, detail, lines);
}

fn group_row(state: &State, theme: &Theme, g: &ErrorGroup, by_order: bool) -> Vec<CellText> {
    let plain = Style::new();
    let worst = (clean(g.worst.as_str()).into_owned(), theme.level(&g.worst));
    let latest = (format::datetime(g.latest), plain);
    let count = (g.count.to_string(), plain);
    let message = (clean_truncated(&g.message, 200).into_owned(), plain);
    if by_order {
        let pair = state
            .find_order(&g.order_id)
            .map_or(String::new(), |o| format::pair(&o.pair, 16));
        vec![
            latest,
            (clean(g.order_id.short()).into_owned(), plain),
            (pair, plain),
            worst,
            count,
            message,
        ]
    } else {
        vec![latest, worst, count, (g.orders.to_string(), plain), message]
    }
}
