//! Issue 15: the History table and its summary line as drawn by `ui::history` from plain rows
//! (`TestBackend` + insta), with the colour of the cost figures checked.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use blotter::audit::AuditEntry;
use blotter::domain::{ExecutionStats, Order, OrderStatus, Side};
use blotter::history::acted_by_order;
use blotter::ui::history::{HistoryRow, render_rows, tca_lines};
use blotter::ui::theme::{Theme, ThemeName};
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::widgets::Paragraph;
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn text(b: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..b.area.height {
        let mut line = String::new();
        for x in 0..b.area.width {
            line.push_str(b[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Three finished orders: a TWAP buy with stats (+100 bps vs arrival), a POV sell with stats
/// (+50 bps, a cost), a failed order with no figures at all.
fn orders() -> Vec<Order> {
    let stats = |arrival: &str, vwap: &str, volume: &str| {
        Some(Box::new(ExecutionStats {
            arrival_price: Some(d(arrival)),
            interval_vwap: Some(d(vwap)),
            departure_price: None,
            interval_volume: Some(d(volume)),
        }))
    };
    let mut a = Order::new("a1b2c3d4-buy", "BTC-USDT", Side::Buy, OrderStatus::Complete);
    a.strategy = Some("TWAP".into());
    a.buy_token = Some("BTC".into());
    a.sell_token = Some("USDT".into());
    a.target_token = Some("BTC".into());
    a.executed_qty = Some(d("0.5"));
    a.avg_price = Some(d("50500"));
    a.executed_notional = Some(d("25250"));
    a.total_fee = Some(d("12.625"));
    a.stats = stats("50000", "50400", "100");
    a.time_start = Some(ts("2026-12-01T08:00:00Z"));
    a.updated_at = Some(ts("2026-12-01T08:09:00Z"));
    a.duration_secs = Some(600);
    a.account_names = vec!["binance_main".into()].into();
    let mut b = Order::new(
        "e5f6a7b8-sell",
        "ETH-USDT",
        Side::Sell,
        OrderStatus::Canceled,
    );
    b.strategy = Some("POV".into());
    b.buy_token = Some("USDT".into());
    b.sell_token = Some("ETH".into());
    b.target_token = Some("ETH".into());
    b.executed_qty = Some(d("4"));
    b.avg_price = Some(d("2990"));
    b.executed_notional = Some(d("11960"));
    b.pov_target = Some(d("0.05"));
    b.stats = stats("3005", "2995", "200");
    b.time_start = Some(ts("2026-12-01T07:00:00Z"));
    b.updated_at = Some(ts("2026-12-01T07:30:00Z"));
    b.duration_secs = Some(3600);
    b.account_names = vec!["okx".into()].into();
    let mut c = Order::new("0badc0de-fail", "SOL-USDT", Side::Buy, OrderStatus::Failed);
    c.strategy = Some("VWAP".into());
    c.updated_at = Some(ts("2026-12-01T06:00:00Z"));
    vec![a, b, c]
}

fn cancel_by_alice() -> AuditEntry {
    AuditEntry {
        at: "2026-12-01T07:29:58Z".into(),
        user: "alice".into(),
        source: "tui".into(),
        venue: "treadfi".into(),
        action: "cancel".into(),
        scope: "order".into(),
        order_id: "e5f6a7b8-sell".into(),
        ok: true,
        outcome: "200 Order canceled!".into(),
        latency_ms: Some(80),
    }
}

#[test]
fn history_table_with_figures_and_summary() {
    let orders = orders();
    // The newest entry per order wins: alice's cancel, not bob's earlier pause.
    let mut paused = cancel_by_alice();
    paused.user = "bob".into();
    paused.action = "pause".into();
    paused.at = "2026-12-01T07:10:00Z".into();
    let acted = acted_by_order(&[cancel_by_alice(), paused]);
    let rows: Vec<HistoryRow> = orders
        .iter()
        .map(|o| HistoryRow {
            order: o,
            acted: acted.iter().find(|a| a.order_id == o.id.as_str()),
            marked: false,
        })
        .collect();
    let theme = Theme::new(ThemeName::Dark);
    let mut t = Terminal::new(TestBackend::new(200, 8)).unwrap();
    t.draw(|f| {
        render_rows(
            f,
            f.area(),
            &rows,
            Some(0),
            ts("2026-12-01T12:00:00Z"),
            &theme,
        )
    })
    .unwrap();
    let b = t.backend().buffer().clone();
    let screen = text(&b);
    insta::assert_snapshot!(screen);
    // Hand-computed: buy (50500 − 50000) ÷ 50000 = +100 bps; sell −(2990 − 3005) ÷ 3005 =
    // +49.9 bps; weighted (25250 × 100 + 11960 × 49.917) ÷ 37210 = +83.9 bps.
    assert!(screen.contains("+100.0"), "{screen}");
    assert!(screen.contains("+49.9"), "{screen}");
    assert!(screen.contains("+83.9 bps"), "{screen}");
    assert!(screen.contains("cancel by alice 07:29:58"), "{screen}");
    // A cost is drawn in the warning colour.
    let (x, y) = screen
        .lines()
        .enumerate()
        .find_map(|(y, l)| l.find("+100.0").map(|i| (l[..i].chars().count(), y)))
        .unwrap();
    assert_eq!(b[(x as u16, y as u16)].fg, theme.warn().fg.unwrap());
}

#[test]
fn completed_order_detail_lines() {
    let orders = orders();
    let theme = Theme::new(ThemeName::Mono);
    let mut t = Terminal::new(TestBackend::new(120, 4)).unwrap();
    for o in &orders[..1] {
        let lines = tca_lines(o, ts("2026-12-01T12:00:00Z"), &theme);
        t.draw(|f| f.render_widget(Paragraph::new(lines), f.area()))
            .unwrap();
    }
    insta::assert_snapshot!(text(t.backend().buffer()));
}
