//! Tab 3: placements of every active order (`/api/placements/?order_id=…`), newest first.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::theme::Theme;
use super::{CellText, Col, decimal, left};
use crate::app::{State, Tab};
use crate::domain::Placement;
use crate::format;
use crate::sanitize::{clean, clean_truncated};

pub(super) const COLS: [Col; 10] = [
    left("Created", 2),
    left("Order", 1),
    left("Pair", 3),
    left("Exchange", 4),
    left("Type", 3),
    decimal("Qty", 1),
    decimal("Executed", 1),
    decimal("Price", 2),
    left("Status", 1),
    left("Failure reason", 2),
];

/// Renders the placements table.
pub fn render(state: &State, theme: &Theme, frame: &mut Frame, body: Rect, detail: Rect) {
    super::render_table(
        state,
        theme,
        frame,
        body,
        (Tab::Placements, &COLS),
        |range| {
            state.book.placements()[range]
                .iter()
                .map(|p| super::with_venue(state, &p.venue, row(state, theme, p)))
                .collect()
        },
    );
    let lines = match state
        .selected_index(Tab::Placements)
        .and_then(|i| state.book.placements().get(i))
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
            Line::from(
                [
                    Span::styled(" failure ", theme.dim()),
                    Span::raw(
                        p.failure_reason
                            .as_deref()
                            .map_or(format::NONE.into(), |e| {
                                clean_truncated(e, 150).into_owned()
                            }),
                    ),
                ]
                .into_iter()
                .chain(super::unreadable_span(&p.unreadable, theme))
                .collect::<Vec<_>>(),
            ),
        ],
        None => vec![Line::styled(
            " placements of every active order",
            theme.dim(),
        )],
    };
    super::render_detail(frame, detail, lines);
}

fn row(state: &State, theme: &Theme, p: &Placement) -> Vec<CellText> {
    let pair = state
        .find_order(&p.order_id)
        .map_or(String::new(), |o| format::pair(&o.pair, 16));
    let plain = Style::new();
    let mut cells = vec![
        (format::clock(p.created_at), plain),
        (clean(p.order_id.short()).into_owned(), plain),
        (pair, plain),
        (
            p.exchange
                .as_deref()
                .map_or(format::NONE.into(), |e| clean_truncated(e, 12).into_owned()),
            plain,
        ),
        (clean_truncated(&p.placement_type, 11).into_owned(), plain),
        (format::decimal(p.qty), plain),
        (format::decimal(p.executed_qty), plain),
        (format::decimal(p.price), plain),
        (
            clean_truncated(&p.status, 14).into_owned(),
            theme.placement_status(&p.status),
        ),
        (
            p.failure_reason
                .as_deref()
                .map_or(String::new(), |e| clean_truncated(e, 60).into_owned()),
            plain,
        ),
    ];
    use format::OrderField as F;
    super::mark_unreadable(
        &mut cells,
        &p.unreadable,
        &[
            Some(F::Created),
            None,
            None,
            None,
            None,
            Some(F::Target),
            Some(F::Executed),
            Some(F::Limit),
            Some(F::Status),
            None,
        ],
    );
    cells
}
