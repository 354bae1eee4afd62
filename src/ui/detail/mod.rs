//! Detail overlay (`Enter`): every field of one order, its progress against a linear schedule,
//! its fills (`?include_fills=true`, with VWAP and fees), its placements and its messages.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use rust_decimal::Decimal;

mod chart;

use chart::{render_chart, render_progress};

use super::theme::Theme;
use crate::app::State;
use crate::domain::{Order, OrderId};
use crate::format;
use crate::sanitize::{clean, clean_truncated};

/// Draws the detail of order `id` over most of the screen.
pub fn render(state: &State, id: &OrderId, theme: &Theme, frame: &mut Frame) {
    let full = frame.area();
    let area = super::inset(full, 2, 1);
    frame.render_widget(Clear, area);
    let Some(order) = state.find_order(id) else {
        let p = Paragraph::new(format!(
            " Order {} is no longer active.",
            clean(id.as_str())
        ))
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Order detail "),
        );
        frame.render_widget(p, area);
        return;
    };
    let block = Block::default().borders(Borders::ALL).title(format!(
        " {} — Esc closes · p r a c act on it · ↑↓ next order ",
        format::order_summary(order)
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // The execution chart when there is room for it and for the lists under it.
    let chart_rows = if inner.height >= 32 { 9 } else { 0 };
    let mut field_text = unreadable_lines(&order.unreadable, theme);
    let stats = stats_line(order, theme);
    let tca = super::history::tca_lines(order, state.now, theme);
    let field_rows = 11
        + u16::try_from(field_text.len()).unwrap_or(0)
        + u16::from(stats.is_some())
        + u16::try_from(tca.len()).unwrap_or(0);
    field_text.extend(field_lines(order, state, theme));
    field_text.extend(stats);
    field_text.extend(tca);
    let [fields, progress, chart, lists] = Layout::vertical([
        Constraint::Length(field_rows),
        Constraint::Length(4),
        Constraint::Length(chart_rows),
        Constraint::Min(3),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new(field_text).wrap(Wrap { trim: false }),
        fields,
    );
    render_progress(order, state, theme, frame, progress);
    if chart_rows > 0 {
        render_chart(order, state, theme, frame, chart);
    }
    render_lists(order, state, theme, frame, lists);
}

/// Most unreadable fields listed one per line; the rest are counted.
const UNREADABLE_SHOWN: usize = 5;

/// The fields the venue sent that could not be read, each with its reason (they show as `?`
/// in the tables); empty when every field was read.
pub fn unreadable_lines<'a>(
    unreadable: &[crate::domain::Unreadable],
    theme: &Theme,
) -> Vec<Line<'a>> {
    if unreadable.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![Line::styled(
        format!(
            " unreadable fields ({}): shown as {}, the rest of the order as sent",
            unreadable.len(),
            format::UNREADABLE
        ),
        theme.warn(),
    )];
    for u in unreadable.iter().take(UNREADABLE_SHOWN) {
        lines.push(Line::from(vec![
            Span::styled(
                format!("   {}: ", clean_truncated(&u.path, 40)),
                theme.warn(),
            ),
            Span::raw(clean_truncated(&u.reason, 120).into_owned()),
        ]));
    }
    if unreadable.len() > UNREADABLE_SHOWN {
        lines.push(Line::styled(
            format!("   … and {} more", unreadable.len() - UNREADABLE_SHOWN),
            theme.dim(),
        ));
    }
    lines
}

fn kv<'a>(theme: &Theme, pairs: &[(&'a str, String)]) -> Line<'a> {
    let mut spans = Vec::new();
    for (k, v) in pairs {
        spans.push(Span::styled(format!(" {k} "), theme.dim()));
        spans.push(Span::styled(
            v.clone(),
            Style::new().add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::raw("  "));
    }
    Line::from(spans)
}

fn field_lines<'a>(o: &Order, state: &State, theme: &Theme) -> Vec<Line<'a>> {
    let s = |v: Option<&str>| v.map_or(format::NONE.to_string(), |v| clean(v).into_owned());
    // Average price against a reference, in basis points (positive: paid above it).
    let bps_vs = |p: Option<Decimal>| match (o.avg_price, p) {
        (Some(avg), Some(p)) if !p.is_zero() => match crate::num::bps_vs(avg, p) {
            Some(bps) => format!("{} bps", bps.round_dp(1)),
            None => format::UNREADABLE.to_string(),
        },
        _ => format::NONE.to_string(),
    };
    let limit = match &o.limit_price {
        Some(crate::domain::LimitPrice::Price(p)) => Some(*p),
        _ => None,
    };
    vec![
        kv(
            theme,
            &[
                ("id", clean(o.id.as_str()).into_owned()),
                ("custom id", s(o.custom_order_id.as_deref())),
                ("parent", s(o.parent_order_id.as_ref().map(|p| p.as_str()))),
            ],
        ),
        kv(
            theme,
            &[
                ("pair", clean(&o.pair).into_owned()),
                ("side", format::side(&o.side)),
                ("strategy", s(o.strategy.as_deref())),
                ("super strategy", s(o.super_strategy.as_deref())),
                ("status", clean(o.status.as_str()).into_owned()),
            ],
        ),
        kv(
            theme,
            &[
                ("target", format::order_size(o)),
                ("executed", format::decimal(o.executed_qty)),
                ("remaining", format::decimal(o.remaining_qty)),
                ("fill", format::percent(o.fill_ratio)),
            ],
        ),
        kv(
            theme,
            &[
                ("avg price", format::decimal(o.avg_price)),
                ("limit", format::limit(&o.limit_price)),
                ("avg vs limit", bps_vs(limit)),
                ("arrival", format::decimal(o.arrival_price)),
                ("avg vs arrival", bps_vs(o.arrival_price)),
                ("executed notional", format::decimal(o.executed_notional)),
            ],
        ),
        kv(theme, &[notional_kv(o)]),
        kv(
            theme,
            &[
                (
                    "buy",
                    format!(
                        "{} {}",
                        format::decimal(o.buy_token_amount),
                        s(o.buy_token.as_deref())
                    ),
                ),
                (
                    "sell",
                    format!(
                        "{} {}",
                        format::decimal(o.sell_token_amount),
                        s(o.sell_token.as_deref())
                    ),
                ),
                (
                    "fee",
                    format!(
                        "{} {}",
                        format::decimal(o.total_fee),
                        s(o.fee_asset.as_deref())
                    ),
                ),
                ("POV target", format::decimal(o.pov_target)),
            ],
        ),
        kv(
            theme,
            &[
                ("accounts", format::list(&o.account_names)),
                ("exchanges", format::list(&o.exchanges)),
            ],
        ),
        kv(
            theme,
            &[
                ("start", format::datetime(o.time_start)),
                ("end", format::datetime(o.time_end)),
                (
                    "duration",
                    o.duration_secs
                        .map_or(format::NONE.into(), format::duration),
                ),
                ("elapsed", format::age(state.now, o.time_start)),
                ("left", format::time_left(state.now, o.time_end)),
            ],
        ),
        kv(
            theme,
            &[
                ("created", format::datetime(o.created_at)),
                ("updated", format::datetime(o.updated_at)),
            ],
        ),
        kv(theme, &[("failure", s(o.failure_reason.as_deref()))]),
        Line::from(vec![
            Span::styled(" notes ", theme.dim()),
            // Whole (wrapped), unlike the table, which truncates with `…`.
            Span::raw(
                o.notes
                    .as_deref()
                    .map_or(format::NONE.into(), |n| clean(n).into_owned()),
            ),
        ]),
    ]
}

/// The Notional column's figure with where it comes from: the venue's executed notional, the
/// quote amount the order was sized in, or `computed` (target × limit, rounded to the quote's
/// places, `format::computed`).
fn notional_kv<'a>(o: &Order) -> (&'a str, String) {
    use format::NotionalSource as N;
    match format::notional_source(o) {
        Some(N::Executed(n)) => (
            "notional (executed, from the venue)",
            format::decimal_text(n),
        ),
        Some(N::Sized(n)) => (
            "notional (quote size, from the venue)",
            format::decimal_text(n),
        ),
        Some(N::Computed(_)) => (
            "notional (computed: target × limit)",
            format::order_notional(o),
        ),
        None => ("notional", format::NONE.to_string()),
    }
}

/// The venue's execution statistics for the order (Tread.fi `stats`: `orders_with_stats`,
/// `order_summary`), one line: the market's VWAP over the order's interval, its departure
/// price (quote per base) and the interval's volume (base). The arrival price is on the line
/// above. `None` (no line) when the venue gave none.
fn stats_line<'a>(o: &Order, theme: &Theme) -> Option<Line<'a>> {
    let s = o.stats.as_deref()?;
    Some(kv(
        theme,
        &[
            ("stats: interval VWAP", format::decimal(s.interval_vwap)),
            ("departure", format::decimal(s.departure_price)),
            ("interval volume", format::decimal(s.interval_volume)),
        ],
    ))
}

/// The fills block: title with count, VWAP and fees; one line per fill, newest first; or
/// `loading…` / the venue's error.
fn render_fills(o: &Order, state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    let rows = usize::from(area.height.saturating_sub(1));
    let (title, lines): (String, Vec<Line>) = match &state.fills {
        Some((id, Some(Ok(page)))) if *id == o.id => {
            let stats = crate::domain::FillStats::of(&page.rows);
            let over = if stats.priced < stats.count {
                format!(
                    " (over {} of {} fills with a price)",
                    stats.priced, stats.count
                )
            } else {
                String::new()
            };
            let mut title = format!(
                " fills ({}) · VWAP {}{over} · fees {} (VWAP computed from the fills) ",
                stats.count,
                format::computed(stats.vwap, &o.pair),
                format::decimal(stats.fees)
            );
            if !page.bad_rows.is_empty() {
                title.push_str(&format!("· ⚠ {} undecodable ", page.bad_rows.len()));
            }
            let lines = page
                .rows
                .iter()
                .take(rows)
                .map(|f| {
                    Line::from(vec![
                        Span::raw(format!(
                            "{} {:<4} {:<12} ",
                            format::clock(f.time),
                            clean_truncated(f.role.as_deref().unwrap_or("—"), 4),
                            clean_truncated(f.exchange.as_deref().unwrap_or("—"), 12)
                        )),
                        Span::raw(format!(
                            "{} @ {} = {}",
                            format::decimal(f.qty),
                            format::decimal(f.price),
                            format::decimal(f.notional)
                        )),
                        Span::styled(
                            f.fee.map_or(String::new(), |fee| {
                                format!("  fee {}", format::decimal(Some(fee)))
                            }),
                            theme.dim(),
                        ),
                    ])
                })
                .collect();
            (title, lines)
        }
        Some((id, Some(Err(e)))) if *id == o.id => (
            " fills ".into(),
            vec![Line::styled(
                format!(" {}", clean_truncated(e, 100)),
                theme.warn(),
            )],
        ),
        _ => (
            " fills ".into(),
            vec![Line::styled(" loading…", theme.dim())],
        ),
    };
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::TOP).title(title)),
        area,
    );
}

fn render_lists(o: &Order, state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area);
    let [fills, left] =
        Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(left);
    render_fills(o, state, theme, frame, fills);
    let placements: Vec<Line> = state
        .book
        .placements_of(&o.id)
        .iter()
        .take(usize::from(left.height.saturating_sub(2)))
        .map(|p| {
            Line::from(vec![
                Span::raw(format!(
                    "{} {:<5} ",
                    format::clock(p.created_at),
                    clean_truncated(&p.placement_type, 5)
                )),
                Span::raw(format!(
                    "{} @ {} ",
                    format::decimal(p.qty),
                    format::decimal(p.price)
                )),
                Span::styled(
                    clean_truncated(&p.status, 14).into_owned(),
                    theme.placement_status(&p.status),
                ),
                Span::raw(
                    p.failure_reason
                        .as_deref()
                        .map_or(String::new(), |r| format!(" {}", clean_truncated(r, 40))),
                ),
            ])
        })
        .collect();
    frame.render_widget(
        Paragraph::new(placements)
            .block(Block::default().borders(Borders::TOP).title(" placements ")),
        left,
    );
    let messages: Vec<Line> = state
        .book
        .messages()
        .iter()
        .filter(|m| m.order_id == o.id)
        .take(usize::from(right.height.saturating_sub(2)))
        .map(|m| {
            Line::from(vec![
                Span::raw(format!("{} ", format::clock(m.created_at))),
                Span::styled(
                    format!("{:<5} ", clean(m.level.as_str())),
                    theme.level(&m.level),
                ),
                Span::raw(clean_truncated(&m.message, 80).into_owned()),
            ])
        })
        .collect();
    frame.render_widget(
        Paragraph::new(messages).block(Block::default().borders(Borders::TOP).title(" messages ")),
        right,
    );
}
