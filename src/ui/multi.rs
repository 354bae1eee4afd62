//! Tab 2: multi-orders (`/api/multi_orders/`), with the selected one's child legs.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::theme::Theme;
use super::{CellText, Col, left, right};
use crate::app::{State, Tab};
use crate::domain::MultiOrder;
use crate::format;
use crate::sanitize::{clean, clean_truncated};

const COLS: [Col; 9] = [
    left("ID", 1),
    left("Status", 1),
    left("Pairs", 2),
    left("Strategy", 5),
    right("Legs", 4),
    right("Exec notional", 2),
    left("Fill", 3),
    right("Upd", 6),
    left("Accounts", 5),
];

/// Renders the multi-orders table and the selected multi-order's legs.
pub fn render(state: &State, theme: &Theme, frame: &mut Frame, body: Rect, detail: Rect) {
    super::render_table(state, theme, frame, body, (Tab::Multi, &COLS), |range| {
        state.multi_orders[range]
            .iter()
            .map(|m| super::with_venue(state, &m.venue, row(state, theme, m)))
            .collect()
    });
    super::render_detail(frame, detail, legs(state, theme));
}

fn row(state: &State, theme: &Theme, m: &MultiOrder) -> Vec<CellText> {
    let status = if m.is_paused && m.status != crate::domain::OrderStatus::Paused {
        format!("{} ⏸", m.status.as_str())
    } else {
        m.status.as_str().to_string()
    };
    let plain = Style::new();
    vec![
        (clean(m.id.short()).into_owned(), plain),
        (clean(&status).into_owned(), theme.status(&m.status)),
        (
            clean_truncated(&format::list(&m.pairs), 40).into_owned(),
            plain,
        ),
        (
            clean_truncated(m.strategy.as_deref().unwrap_or("—"), 10).into_owned(),
            plain,
        ),
        (
            m.child_order_ids
                .len()
                .max(m.child_orders.len())
                .to_string(),
            plain,
        ),
        (format::decimal(m.executed_notional), plain),
        (super::active::fill_bar(m.fill_ratio), plain),
        (format::age(state.now, m.updated_at), plain),
        (format::list(&m.account_names), plain),
    ]
}

fn legs<'a>(state: &State, theme: &Theme) -> Vec<Line<'a>> {
    let Some(m) = state.selected_multi() else {
        return vec![Line::styled(" no multi-order selected", theme.dim())];
    };
    let mut spans = vec![Span::styled(" legs ", theme.dim())];
    if m.child_order_ids.is_empty() && m.child_orders.is_empty() {
        spans.push(Span::raw(format::NONE));
    }
    for id in &m.child_order_ids {
        spans.push(Span::raw(clean(id.short()).into_owned()));
        if let Some(child) = state.find_order(id) {
            spans.push(Span::raw(" "));
            spans.push(Span::styled(
                format::side(&child.side),
                theme.side(&child.side),
            ));
            spans.push(Span::raw(format!(
                " {} {} ",
                clean_truncated(&child.pair, 16),
                format::percent(child.fill_ratio)
            )));
            spans.push(Span::styled(
                clean(child.status.as_str()).into_owned(),
                theme.status(&child.status),
            ));
        }
        spans.push(Span::styled("  │ ", theme.dim()));
    }
    let mut second = vec![
        Span::styled(" id ", theme.dim()),
        Span::raw(clean(m.id.as_str()).into_owned()),
    ];
    if let Some(r) = &m.failure_reason {
        second.push(Span::styled("  failure ", theme.warn()));
        second.push(Span::styled(
            clean_truncated(r, 80).into_owned(),
            theme.warn(),
        ));
    }
    vec![Line::from(spans), Line::from(second)]
}
