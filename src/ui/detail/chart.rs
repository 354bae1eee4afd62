//! The detail's progress: a gauge against a linear schedule and the execution curve
//! (executed quantity over time, from the fills, against the schedule).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Dataset, Gauge, GraphType, Paragraph};
use rust_decimal::Decimal;

use super::super::theme::Theme;
use crate::app::State;
use crate::domain::Order;
use crate::format;

/// Executed against a straight-line schedule from start to end (TWAP's plan).
pub(super) fn render_progress(
    o: &Order,
    state: &State,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
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

pub(super) fn render_chart(o: &Order, state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    let fills = match &state.fills {
        Some((id, Some(Ok(page)))) if *id == o.id => Some(page.rows.as_slice()),
        _ => None,
    };
    // "From fills" only when some fill has a time and a quantity: else the line is the straight
    // line to the order's fill now, and says so.
    let from_fills = fills.is_some_and(|f| {
        f.iter()
            .any(|f| f.time.is_some() && f.qty.is_some_and(|q| q > Decimal::ZERO))
    });
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
            .name(if from_fills {
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
            Span::raw(if from_fills { " (from fills)" } else { "" }),
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
