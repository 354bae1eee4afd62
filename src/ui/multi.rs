//! Tab 2: multi-orders (`/api/multi_orders/`) as a tree: `Enter` expands one into its child
//! orders (`/api/multi_order/{id}?include_child_orders=true`) and each child's placements.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::theme::Theme;
use super::{CellText, Col, decimal, left, right};
use crate::app::{State, Tab, TreeRow};
use crate::domain::MultiOrder;
use crate::format;
use crate::sanitize::{clean, clean_truncated};

pub(super) const COLS: [Col; 10] = [
    left("ID", 1),
    left("Status", 1),
    left("Pairs", 2),
    left("Strategy", 5),
    right("Legs", 4),
    decimal("Exec notional", 2),
    left("Fill", 3),
    right("Upd", 6),
    left(super::LAST_ACTION, 6),
    left("Accounts", 5),
];

/// Renders the multi-orders table and the selected multi-order's legs.
pub fn render(state: &State, theme: &Theme, frame: &mut Frame, body: Rect, detail: Rect) {
    super::render_table(state, theme, frame, body, (Tab::Multi, &COLS), |range| {
        state.book.multi_view()[range]
            .iter()
            .filter_map(|r| tree_row(state, theme, r))
            .collect()
    });
    super::render_detail(frame, detail, legs(state, theme));
}

/// One row of the tree: a multi-order (`▸` collapsed, `▾` expanded), a child order (`├`) or
/// one of its placements (`│ ·`). Columns keep their meaning where they can: status, pairs
/// (a child's side and pair; a placement's exchange and type), notional, fill, update age.
fn tree_row(state: &State, theme: &Theme, r: &TreeRow) -> Option<Vec<CellText>> {
    let plain = Style::new();
    match r {
        TreeRow::Multi(i) => {
            let m = state.book.multi_orders().get(*i)?;
            Some(super::with_venue(state, &m.venue, row(state, theme, m)))
        }
        TreeRow::Child { multi, id } => {
            let venue = &state.book.multi_orders().get(*multi)?.venue;
            let cells = match state.child(id) {
                Some(c) => vec![
                    (format!("  ├ {}", clean(c.id.short())), plain),
                    (
                        clean(c.status.as_str()).into_owned(),
                        theme.status(&c.status),
                    ),
                    (
                        format!("{} {}", format::side(&c.side), format::pair(&c.pair, 24)),
                        theme.side(&c.side),
                    ),
                    (format::strategy(c.strategy.as_deref(), 10), plain),
                    (String::new(), plain),
                    (format::decimal(c.executed_notional), plain),
                    (super::active::fill_bar(c.fill_ratio), plain),
                    (format::age(state.now, c.updated_at), plain),
                    (
                        format::last_action(state.book.last_action(&c.id)),
                        theme.dim(),
                    ),
                    (format::list(&c.account_names), plain),
                ],
                None => vec![
                    (format!("  ├ {}", clean(id.short())), plain),
                    ("loading…".into(), theme.dim()),
                ],
            };
            Some(super::with_venue(state, venue, cells))
        }
        TreeRow::Placement { order, index } => {
            let p = state.book.placements_of(order).get(*index)?;
            let cells = vec![
                (format!("  │ · {}", clean(short(&p.id))), theme.dim()),
                (clean(&p.status).into_owned(), theme.dim()),
                (
                    format!(
                        "{} {}",
                        clean_truncated(p.exchange.as_deref().unwrap_or("—"), 16),
                        clean_truncated(&p.placement_type, 12)
                    ),
                    theme.dim(),
                ),
                (String::new(), plain),
                (String::new(), plain),
                (
                    format!(
                        "{} @ {}",
                        format::decimal(p.executed_qty),
                        format::decimal(p.price)
                    ),
                    theme.dim(),
                ),
                (super::active::fill_bar(p.fill_ratio), theme.dim()),
                (format::age(state.now, p.created_at), theme.dim()),
                (String::new(), plain),
                (String::new(), plain),
            ];
            Some(super::with_venue(state, &p.venue, cells))
        }
    }
}

/// The first 8 characters of an id.
fn short(id: &str) -> &str {
    id.char_indices().nth(8).map_or(id, |(i, _)| &id[..i])
}

fn row(state: &State, theme: &Theme, m: &MultiOrder) -> Vec<CellText> {
    let status = if m.is_paused && m.status != crate::domain::OrderStatus::Paused {
        format!("{} ⏸", m.status.as_str())
    } else {
        m.status.as_str().to_string()
    };
    let plain = Style::new();
    let marker = if state.book.expanded().contains(&m.id) {
        "▾"
    } else {
        "▸"
    };
    let mut cells = vec![
        (
            // The gutter: `•` changed since seen (fill or status).
            format!(
                "{marker}{}{}",
                if state.book.seen().is_changed(&m.id) {
                    '•'
                } else {
                    ' '
                },
                clean(m.id.short())
            ),
            plain,
        ),
        (clean(&status).into_owned(), theme.status(&m.status)),
        (
            clean_truncated(&format::pair_list(&m.pairs), 40).into_owned(),
            plain,
        ),
        (format::strategy(m.strategy.as_deref(), 10), plain),
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
        (
            format::last_action(state.book.last_action(&m.id)),
            theme.dim(),
        ),
        (format::list(&m.account_names), plain),
    ];
    use format::OrderField as F;
    super::mark_unreadable(
        &mut cells,
        &m.unreadable,
        &[
            None,
            Some(F::Status),
            Some(F::Pair),
            Some(F::Strategy),
            None,
            Some(F::Notional),
            Some(F::FillRatio),
            Some(F::Updated),
            None,
            Some(F::Accounts),
        ],
    );
    cells
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
                format::pair(&child.pair, 16),
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
    second.extend(super::unreadable_span(&m.unreadable, theme));
    vec![Line::from(spans), Line::from(second)]
}
