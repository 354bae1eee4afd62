//! Detail overlay (`Enter`): every field of one order, its progress against a linear schedule,
//! its fills (`?include_fills=true`, with VWAP and fees), its placements and its messages.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Axis, Block, Borders, Chart, Clear, Dataset, Gauge, GraphType, Paragraph, Wrap,
};
use rust_decimal::Decimal;

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

/// Executed against a straight-line schedule from start to end (TWAP's plan).
fn render_progress(o: &Order, state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    let [a, b] = Layout::vertical([Constraint::Length(2), Constraint::Length(2)]).areas(area);
    let executed = o
        .fill_ratio
        .unwrap_or_default()
        .clamp(Decimal::ZERO, Decimal::ONE);
    let schedule = match (o.time_start, o.time_end) {
        (Some(s), Some(e)) if e > s => {
            let total = e.duration_since(s).as_secs_f64();
            let done = state.now.duration_since(s).as_secs_f64();
            Some((done / total).clamp(0.0, 1.0))
        }
        _ => None,
    };
    let exec_f: f64 = executed.try_into().unwrap_or(0.0);
    frame.render_widget(
        Gauge::default()
            .block(Block::default().title(" executed "))
            .gauge_style(theme.ok())
            .ratio(exec_f)
            .label(format::percent(Some(executed))),
        a,
    );
    if let Some(plan) = schedule {
        let behind = plan - exec_f;
        let versus = if behind.abs() < 0.0005 {
            "on schedule".to_string()
        } else if behind > 0.0 {
            format!("{:.1} pts behind schedule", behind * 100.0)
        } else {
            format!("{:.1} pts ahead of schedule", -behind * 100.0)
        };
        let label = format!("{:.1}% of the time elapsed ({versus})", plan * 100.0);
        frame.render_widget(
            Gauge::default()
                .block(Block::default().title(" schedule (linear) "))
                .gauge_style(if behind > 0.1 {
                    theme.warn()
                } else {
                    theme.dim()
                })
                .ratio(plan)
                .label(label),
            b,
        );
    }
}

/// `(minutes since the order's start, percent 0–100)`.
pub type ChartPoint = (f64, f64);

/// Executed percent of the order over time against its linear schedule, as chart points
/// `(minutes since start, percent 0–100)`: the schedule from `(0, 0)` to `(duration, 100)`;
/// the executed line follows the fills' cumulative quantity, scaled so that it ends at the
/// order's current `pct_filled` now (so base- and quote-sized orders both work), or is the
/// straight line to now without fills. `None` without a start and end time. Display only: the
/// exact numbers are in the fields above.
pub fn execution_curve(
    o: &Order,
    fills: Option<&[crate::domain::Fill]>,
    now: jiff::Timestamp,
) -> Option<(Vec<ChartPoint>, Vec<ChartPoint>)> {
    let (start, end) = (o.time_start?, o.time_end?);
    if end <= start {
        return None;
    }
    let minutes = |t: jiff::Timestamp| t.duration_since(start).as_secs_f64() / 60.0;
    let total = minutes(end);
    let schedule = vec![(0.0, 0.0), (total, 100.0)];
    let pct_now: f64 = o
        .fill_ratio
        .unwrap_or_default()
        .clamp(Decimal::ZERO, Decimal::ONE)
        .try_into()
        .map(|r: f64| r * 100.0)
        .unwrap_or(0.0);
    let now_x = minutes(now).clamp(0.0, total);
    let mut timed: Vec<(jiff::Timestamp, Decimal)> = fills
        .unwrap_or_default()
        .iter()
        .filter_map(|f| Some((f.time?, f.qty?)))
        .filter(|(_, q)| *q > Decimal::ZERO)
        .collect();
    timed.sort_by_key(|(t, _)| *t);
    // A total that overflows the decimal range plots as "no fills yet" rather than panicking.
    let filled = crate::num::sum(timed.iter().map(|(_, q)| *q)).unwrap_or_default();
    let mut executed = vec![(0.0, 0.0)];
    if filled.is_zero() {
        executed.push((now_x, pct_now));
    } else {
        let mut cum = Some(Decimal::ZERO);
        for (t, q) in timed {
            cum = cum.and_then(|c| crate::num::add(c, q));
            let share = cum
                .and_then(|c| crate::num::share_f64(c, filled))
                .unwrap_or(1.0);
            executed.push((minutes(t).clamp(0.0, total), share * pct_now));
        }
        executed.push((now_x, pct_now));
    }
    Some((schedule, executed))
}

fn render_chart(o: &Order, state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    let fills = match &state.fills {
        Some((id, Some(Ok(page)))) if *id == o.id => Some(page.rows.as_slice()),
        _ => None,
    };
    let Some((schedule, executed)) = execution_curve(o, fills, state.now) else {
        frame.render_widget(
            Paragraph::new(" no start/end time: no schedule to chart").style(theme.dim()),
            area,
        );
        return;
    };
    let total = schedule.last().map_or(1.0, |p| p.0).max(1.0 / 60.0);
    let datasets = vec![
        Dataset::default()
            .name("schedule (linear)")
            .marker(Marker::Dot)
            .graph_type(GraphType::Line)
            .style(theme.dim())
            .data(&schedule),
        Dataset::default()
            .name(if fills.is_some() {
                "executed (from fills)"
            } else {
                "executed"
            })
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.ok())
            .data(&executed),
    ];
    let chart = Chart::new(datasets)
        .block(Block::default().title(Line::from(vec![
            Span::raw(" executed "),
            Span::styled("⣿", theme.ok()),
            Span::raw(if fills.is_some() { " (from fills)" } else { "" }),
            Span::raw(" vs schedule "),
            Span::styled("•", theme.dim()),
            Span::raw(" (linear) "),
        ])))
        // The title says which line is which; a legend box would sit on the data.
        .legend_position(None)
        .x_axis(
            Axis::default()
                .title("min")
                .style(theme.dim())
                .bounds([0.0, total])
                .labels(["0".to_string(), format!("{total:.0}")]),
        )
        .y_axis(
            Axis::default()
                .title("%")
                .style(theme.dim())
                .bounds([0.0, 100.0])
                .labels(["0", "50", "100"]),
        );
    frame.render_widget(chart, area);
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
                " fills ({}) · VWAP {}{over} · fees {} ",
                stats.count,
                format::decimal(stats.vwap),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Fill, OrderStatus, Side};

    fn ts(s: &str) -> jiff::Timestamp {
        s.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    fn twap() -> Order {
        let mut o = Order::new("o1", "BTC-USDT", Side::Buy, OrderStatus::Active);
        o.time_start = Some(ts("2024-01-15T10:00:00Z"));
        o.time_end = Some(ts("2024-01-15T11:00:00Z"));
        o.fill_ratio = Some(Decimal::new(40, 2));
        o
    }

    fn fill(at: &str, qty: i64) -> Fill {
        Fill {
            venue: Default::default(),
            order_id: crate::domain::OrderId::new("o1"),
            placement_id: None,
            exchange: None,
            role: None,
            price: None,
            qty: Some(Decimal::new(qty, 0)),
            notional: None,
            fee: None,
            fee_asset: None,
            time: Some(ts(at)),
        }
    }

    #[test]
    fn the_schedule_is_a_straight_line_and_execution_ends_at_pct_filled_now() {
        let now = ts("2024-01-15T10:30:00Z");
        let (schedule, executed) = execution_curve(&twap(), None, now).unwrap_or_default();
        assert_eq!(schedule, [(0.0, 0.0), (60.0, 100.0)]);
        assert_eq!(executed, [(0.0, 0.0), (30.0, 40.0)]);
    }

    #[test]
    fn fills_shape_the_executed_line_in_time_order() {
        let now = ts("2024-01-15T10:30:00Z");
        let fills = [
            fill("2024-01-15T10:20:00Z", 3),
            fill("2024-01-15T10:10:00Z", 1),
        ];
        let (_, executed) = execution_curve(&twap(), Some(&fills), now).unwrap_or_default();
        assert_eq!(
            executed,
            [(0.0, 0.0), (10.0, 10.0), (20.0, 40.0), (30.0, 40.0)]
        );
    }

    #[test]
    fn no_times_no_chart() {
        let mut o = twap();
        o.time_end = None;
        assert!(execution_curve(&o, None, ts("2024-01-15T10:30:00Z")).is_none());
    }
}
