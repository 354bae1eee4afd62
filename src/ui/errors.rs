//! Tab 4: order errors, warnings and info (`/api/order_errors/?order_ids=…`), newest first.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::theme::Theme;
use crate::app::{State, Tab};
use crate::domain::OrderMessage;
use crate::format;
use crate::sanitize::{clean, clean_truncated};

const HEADER: [&str; 5] = ["Time (UTC)", "Order", "Pair", "Level", "Message"];

/// Renders the order-errors table.
pub fn render(state: &State, theme: &Theme, frame: &mut Frame, body: Rect, detail: Rect) {
    let widths = [
        Constraint::Length(19),
        Constraint::Length(8),
        Constraint::Length(14),
        Constraint::Length(5),
        Constraint::Min(20),
    ];
    super::render_table(
        state,
        theme,
        frame,
        body,
        (Tab::Errors, &HEADER, &widths),
        |range| {
            state.messages[range]
                .iter()
                .map(|m| row(state, theme, m))
                .collect()
        },
    );
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

fn row<'a>(state: &State, theme: &Theme, m: &OrderMessage) -> Row<'a> {
    let pair = state
        .find_order(&m.order_id)
        .map_or(String::new(), |o| clean_truncated(&o.pair, 14).into_owned());
    Row::new(vec![
        Cell::from(format::datetime(m.created_at)),
        Cell::from(clean(m.order_id.short()).into_owned()),
        Cell::from(pair),
        Cell::from(clean(m.level.as_str()).into_owned()).style(theme.level(&m.level)),
        Cell::from(clean_truncated(&m.message, 200).into_owned()),
    ])
}
