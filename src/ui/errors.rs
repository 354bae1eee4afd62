//! Tab 4: order errors, warnings and info (`/api/order_errors/?order_ids=…`), newest first.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::theme::Theme;
use super::{CellText, Col, left};
use crate::app::{State, Tab};
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

/// Renders the order-errors table.
pub fn render(state: &State, theme: &Theme, frame: &mut Frame, body: Rect, detail: Rect) {
    super::render_table(state, theme, frame, body, (Tab::Errors, &COLS), |range| {
        state.messages[range]
            .iter()
            .map(|m| super::with_venue(state, &m.venue, row(state, theme, m)))
            .collect()
    });
    let lines = match state
        .selected_index(Tab::Errors)
        .and_then(|i| state.messages.get(i))
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
        .map_or(String::new(), |o| clean_truncated(&o.pair, 16).into_owned());
    let plain = Style::new();
    vec![
        (format::datetime(m.created_at), plain),
        (clean(m.order_id.short()).into_owned(), plain),
        (pair, plain),
        (clean(m.level.as_str()).into_owned(), theme.level(&m.level)),
        (clean_truncated(&m.message, 200).into_owned(), plain),
    ]
}
