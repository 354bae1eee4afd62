//! Tab 3: placements of every active order (`/api/placements/?order_id=…`), newest first.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::theme::Theme;
use crate::app::{State, Tab};
use crate::domain::Placement;
use crate::format;
use crate::sanitize::{clean, clean_truncated};

const HEADER: [&str; 10] = [
    "Created",
    "Order",
    "Pair",
    "Exchange",
    "Type",
    "Qty",
    "Executed",
    "Price",
    "Status",
    "Failure reason",
];

/// Renders the placements table.
pub fn render(state: &State, theme: &Theme, frame: &mut Frame, body: Rect, detail: Rect) {
    let widths = [
        Constraint::Length(8),
        Constraint::Length(8),
        Constraint::Length(14),
        Constraint::Length(10),
        Constraint::Length(11),
        Constraint::Length(12),
        Constraint::Length(12),
        Constraint::Length(11),
        Constraint::Length(14),
        Constraint::Min(14),
    ];
    super::render_table(
        state,
        theme,
        frame,
        body,
        (Tab::Placements, &HEADER, &widths),
        |range| {
            state.placements[range]
                .iter()
                .map(|p| row(state, theme, p))
                .collect()
        },
    );
    let lines = match state
        .selected_index(Tab::Placements)
        .and_then(|i| state.placements.get(i))
    {
        Some(p) => vec![
            Line::from(vec![
                Span::styled(" placement ", theme.dim()),
                Span::raw(clean(&p.id).into_owned()),
                Span::styled("  order ", theme.dim()),
                Span::raw(clean(p.order_id.as_str()).into_owned()),
                Span::styled("  external id ", theme.dim()),
                Span::raw(
                    p.external_id
                        .as_deref()
                        .map_or(format::NONE.into(), |e| clean(e).into_owned()),
                ),
            ]),
            Line::from(vec![
                Span::styled(" failure ", theme.dim()),
                Span::raw(
                    p.failure_reason
                        .as_deref()
                        .map_or(format::NONE.into(), |e| {
                            clean_truncated(e, 150).into_owned()
                        }),
                ),
            ]),
        ],
        None => vec![Line::styled(
            " placements of every active order",
            theme.dim(),
        )],
    };
    super::render_detail(frame, detail, lines);
}

fn row<'a>(state: &State, theme: &Theme, p: &Placement) -> Row<'a> {
    let pair = state
        .find_order(&p.order_id)
        .map_or(String::new(), |o| clean_truncated(&o.pair, 14).into_owned());
    Row::new(vec![
        Cell::from(format::clock(p.created_at)),
        Cell::from(clean(p.order_id.short()).into_owned()),
        Cell::from(pair),
        Cell::from(
            p.exchange
                .as_deref()
                .map_or(format::NONE.into(), |e| clean_truncated(e, 10).into_owned()),
        ),
        Cell::from(clean_truncated(&p.placement_type, 11).into_owned()),
        Cell::from(format::decimal(p.qty)),
        Cell::from(format::decimal(p.executed_qty)),
        Cell::from(format::decimal(p.price)),
        Cell::from(clean_truncated(&p.status, 14).into_owned())
            .style(theme.placement_status(&p.status)),
        Cell::from(
            p.failure_reason
                .as_deref()
                .map_or(String::new(), |e| clean_truncated(e, 60).into_owned()),
        ),
    ])
}
