//! Tab 5: History — orders that finished in the window (Tread `GET /api/orders/?statuses=…&after=…`,
//! Anboto `order/find`, AlphaSec `GET /api/v1/order`), newest first, with their
//! transaction-cost figures ([`crate::tca`]) and, under the table, the summary of the rows in
//! view. A figure the venue does not give is `—`.
//!
//! The functions here take plain rows ([`HistoryRow`]), not the app state: the cells of one
//! row, the summary line, the detail lines, and [`render_rows`], a whole table with its summary
//! line.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState};
use rust_decimal::Decimal;

use super::theme::Theme;
use super::{CellText, Col, decimal, left, right};
use crate::app::{State, Tab};
use crate::domain::Order;
use crate::format;
use crate::history::Acted;
use crate::sanitize::{clean, clean_truncated};
use crate::tca::{Summary, Tca};

/// The History table's columns.
pub(super) const COLS: [Col; 16] = [
    left("ID", 1),
    left("Pair", 1),
    left("Side", 1),
    left("Strategy", 6),
    left("Status", 1),
    decimal("Filled", 2),
    decimal("Avg price", 3),
    decimal("Notional", 4),
    right("Arr bps", 1),
    right("VWAP bps", 2),
    right("Part", 3),
    right("Fee bps", 4),
    right("Dur", 5),
    right("Ended", 2),
    left("By", 3),
    left("Account", 6),
];

/// One History row: a finished order and the last action this blotter's audit log records on
/// it (pause, cancel, …), if any.
#[derive(Debug, Clone, Copy)]
pub struct HistoryRow<'a> {
    /// The order.
    pub order: &'a Order,
    /// The last action this blotter's audit log records on the order.
    pub acted: Option<&'a Acted>,
    /// The row is marked (`Space`).
    pub marked: bool,
}

/// Basis points with a sign and one decimal (`+12.3`, `-4.0`, `0.0`); `—` when absent.
pub fn bps(b: Option<Decimal>) -> String {
    match b {
        Some(b) => {
            let r = b.round_dp(1);
            if r > Decimal::ZERO {
                format!("+{r:.1}")
            } else {
                format!("{r:.1}")
            }
        }
        None => format::NONE.to_string(),
    }
}

/// [`bps`] with its unit (`+12.3 bps`), or `—` alone.
pub fn bps_unit(b: Option<Decimal>) -> String {
    match b {
        Some(_) => format!("{} bps", bps(b)),
        None => format::NONE.to_string(),
    }
}

/// Participation, with the POV target after a `/` when there is one (`2.5%/5.0%`).
pub fn participation(t: &Tca) -> String {
    match t.pov_target {
        Some(target) => format!(
            "{}/{}",
            format::percent(t.participation),
            format::percent(Some(target))
        ),
        None => format::percent(t.participation),
    }
}

/// Duration used / planned (`9m00s/10m00s`), or just the used part without a plan.
pub fn durations(t: &Tca) -> String {
    let used = t
        .duration_used_secs
        .map_or(format::NONE.to_string(), format::duration);
    match t.duration_planned_secs {
        Some(p) => format!("{used}/{}", format::duration(p)),
        None => used,
    }
}

/// `cancel by alice 10:02:03` (the action, who, when — time of day of the audit `at`).
pub fn acted_text(e: &Acted) -> String {
    let at =
        e.at.parse::<Timestamp>()
            .map(|t| format::clock(Some(t)))
            .unwrap_or_else(|_| clean_truncated(&e.at, 20).into_owned());
    let failed = if e.ok { "" } else { " (refused)" };
    format!(
        "{} by {} {at}{failed}",
        clean_truncated(&e.action, 16),
        clean_truncated(&e.user, 16)
    )
}

/// Style of a cost figure: a cost (positive) in the warning colour, a gain in the ok colour.
fn cost_style(theme: &Theme, b: Option<Decimal>) -> Style {
    match b {
        Some(b) if b > Decimal::ZERO => theme.warn(),
        Some(b) if b < Decimal::ZERO => theme.ok(),
        _ => Style::new(),
    }
}

/// The cells of one row, in [`COLS`] order.
pub(super) fn cells(row: &HistoryRow<'_>, now: Timestamp, theme: &Theme) -> Vec<CellText> {
    let o = row.order;
    let t = Tca::of(o, now);
    let plain = Style::new();
    let id = if row.marked {
        (format!("●{}", clean(o.id.short())), theme.key())
    } else {
        (format!(" {}", clean(o.id.short())), plain)
    };
    vec![
        id,
        (format::pair(&o.pair, 16), plain),
        (format::side(&o.side), theme.side(&o.side)),
        (format::strategy(o.strategy.as_deref(), 10), plain),
        (
            clean(o.status.as_str()).into_owned(),
            theme.status(&o.status),
        ),
        (format::decimal(o.executed_qty), plain),
        (format::decimal(o.avg_price), plain),
        (format::decimal(o.executed_notional), plain),
        (
            bps(t.slippage_arrival_bps),
            cost_style(theme, t.slippage_arrival_bps),
        ),
        (
            bps(t.slippage_vwap_bps),
            cost_style(theme, t.slippage_vwap_bps),
        ),
        (participation(&t), plain),
        (bps(t.fees_bps), plain),
        (durations(&t), plain),
        (format::clock(o.updated_at), plain),
        (row.acted.map_or(String::new(), acted_text), theme.dim()),
        (format::list(&o.account_names), plain),
    ]
}

/// The summary line under the table: how many orders, the notional-weighted slippage vs
/// arrival (and over how many orders), total fees per asset, count by final status.
pub fn summary_line(s: &Summary, theme: &Theme) -> Line<'static> {
    let mut spans = vec![
        Span::styled(" Σ ", theme.header()),
        Span::raw(format!("{} orders", s.orders)),
        Span::styled("  slippage vs arrival ", theme.dim()),
        Span::styled(
            bps_unit(s.weighted_slippage_arrival_bps),
            cost_style(theme, s.weighted_slippage_arrival_bps),
        ),
        Span::styled(
            format!(" (notional-weighted, {} with data)", s.weighted_orders),
            theme.dim(),
        ),
        Span::styled("  fees ", theme.dim()),
    ];
    let fees = if s.fees.is_empty() {
        format::NONE.to_string()
    } else {
        s.fees
            .iter()
            .map(|(asset, total)| {
                let asset = clean_truncated(asset, 12);
                if asset.is_empty() {
                    format::decimal_text(*total)
                } else {
                    format!("{} {asset}", format::decimal_text(*total))
                }
            })
            .collect::<Vec<_>>()
            .join(" + ")
    };
    spans.push(Span::raw(fees));
    for (status, n) in &s.by_status {
        spans.push(Span::styled(
            format!("  {}", clean_truncated(status, 16)),
            theme.status(&crate::domain::OrderStatus::parse(status)),
        ));
        spans.push(Span::raw(format!(" {n}")));
    }
    Line::from(spans)
}

/// The transaction-cost lines of an order's detail view (finished or live): each figure with
/// its value or `—` (the venue's arrival price, interval VWAP, departure price and volume are
/// on the detail's own lines).
pub fn tca_lines(o: &Order, now: Timestamp, theme: &Theme) -> Vec<Line<'static>> {
    let t = Tca::of(o, now);
    let label = |s: &'static str| Span::styled(s, theme.dim());
    let mut lines = vec![
        Line::from(vec![
            label(" slippage vs arrival "),
            Span::styled(
                bps_unit(t.slippage_arrival_bps),
                cost_style(theme, t.slippage_arrival_bps),
            ),
            label("  vs VWAP "),
            Span::styled(
                bps_unit(t.slippage_vwap_bps),
                cost_style(theme, t.slippage_vwap_bps),
            ),
            label("  (+ = cost)  participation "),
            Span::raw(format::percent(t.participation)),
            label("  POV target "),
            Span::raw(format::percent(t.pov_target)),
        ]),
        Line::from(vec![
            label(" fees "),
            Span::raw(bps_unit(t.fees_bps)),
            label("  duration used/planned "),
            Span::raw(durations(&t)),
        ]),
    ];
    if !o.status.is_terminal() {
        let gap = t.schedule_gap;
        let word = match gap {
            Some(g) if g > Decimal::ZERO => "behind schedule",
            Some(g) if g < Decimal::ZERO => "ahead of schedule",
            Some(_) => "on schedule",
            None => "schedule unknown",
        };
        lines.push(Line::from(vec![
            label(" executed "),
            Span::raw(format::percent(o.fill_ratio)),
            label(" vs schedule "),
            Span::styled(
                format!("{} ({word})", format::percent(gap)),
                cost_style(theme, gap),
            ),
        ]));
    }
    lines
}

/// Renders the History tab: the table of finished orders in view, and under it the summary of
/// those rows and the selected order's full id, venue-given end and failure reason.
pub(super) fn render(state: &State, theme: &Theme, frame: &mut Frame, body: Rect, detail: Rect) {
    let h = state.book.history();
    super::render_table(state, theme, frame, body, (Tab::History, &COLS), |range| {
        range
            .filter_map(|i| h.row(i))
            .map(|o| {
                let row = HistoryRow {
                    order: o,
                    acted: h.acted(&o.id),
                    marked: h.marks().contains(&o.id),
                };
                super::with_venue(state, &o.venue, cells(&row, state.now, theme))
            })
            .collect()
    });
    let mut lines = vec![summary_line(h.summary(), theme)];
    lines.push(match state.selected_finished() {
        Some(o) => {
            let mut spans = vec![
                Span::styled(" id ", theme.dim()),
                Span::raw(clean(o.id.as_str()).into_owned()),
                Span::styled("  ended ", theme.dim()),
                Span::raw(format::datetime(crate::history::finished_at(o))),
            ];
            if let Some(reason) = &o.failure_reason {
                spans.push(Span::styled("  reason ", theme.dim()));
                spans.push(Span::styled(
                    clean_truncated(reason, 80).into_owned(),
                    theme.warn(),
                ));
            }
            spans.push(Span::styled("  Enter: figures and fills", theme.dim()));
            Line::from(spans)
        }
        None => Line::styled(" finished orders of the window appear here", theme.dim()),
    });
    super::render_detail(frame, detail, lines);
}

/// Draws a History table of `rows` (in the order given) with the summary of those rows on the
/// last line of `area`; `selected` is highlighted. Pure: plain rows in, cells out.
pub fn render_rows(
    frame: &mut Frame,
    area: Rect,
    rows: &[HistoryRow<'_>],
    selected: Option<usize>,
    now: Timestamp,
    theme: &Theme,
) {
    let [table_area, summary_area] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(area);
    let mut body: Vec<Vec<CellText>> = rows.iter().map(|r| cells(r, now, theme)).collect();
    super::align_columns(&COLS, &mut body);
    let mut widths: Vec<u16> = COLS.iter().map(|c| c.name.chars().count() as u16).collect();
    for row in &body {
        for (w, (text, _)) in widths.iter_mut().zip(row) {
            *w = (*w).max(Span::raw(text.as_str()).width() as u16);
        }
    }
    let keep = super::fit_columns(&COLS, &widths, table_area.width.saturating_sub(2), 2);
    let align = |c: &Col| {
        if c.right {
            ratatui::layout::Alignment::Right
        } else {
            ratatui::layout::Alignment::Left
        }
    };
    let table_rows: Vec<Row> = body
        .into_iter()
        .map(|mut cells| {
            Row::new(keep.iter().map(|&i| {
                let (text, style) = cells.get_mut(i).map(std::mem::take).unwrap_or_default();
                Cell::from(Line::from(Span::styled(text, style)).alignment(align(&COLS[i])))
            }))
        })
        .collect();
    let header = Row::new(
        keep.iter()
            .map(|&i| Cell::from(Line::from(COLS[i].name).alignment(align(&COLS[i])))),
    )
    .style(theme.header());
    let constraints: Vec<Constraint> = keep
        .iter()
        .map(|&i| Constraint::Length(widths[i]))
        .collect();
    let table = Table::new(table_rows, constraints)
        .header(header)
        .block(Block::default().borders(Borders::ALL).title(" 5 History "))
        .column_spacing(2)
        .row_highlight_style(theme.selected());
    let mut ts = TableState::default().with_selected(selected);
    frame.render_stateful_widget(table, table_area, &mut ts);
    let summary = Summary::of(rows.iter().map(|r| r.order));
    frame.render_widget(Paragraph::new(summary_line(&summary, theme)), summary_area);
}
