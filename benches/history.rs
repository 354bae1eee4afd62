//! The History tab at 1k and 10k finished orders: one venue's history read applied (index,
//! filter, sort and the summary line rebuilt), a frame of the tab drawn (only visible rows are
//! built; the summary is kept with the view, not recomputed per frame), and the summary alone.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::hint::black_box;
use std::str::FromStr;

use blotter::app::{FeedEvent, Msg, State, Tab, update};
use blotter::domain::{ExecutionStats, Order, OrderStatus, Page, Side};
use blotter::tca::Summary;
use blotter::venue::Capabilities;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use jiff::{SignedDuration, Timestamp};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn finished(n: usize, now: Timestamp) -> Vec<Order> {
    (0..n)
        .map(|i| {
            let side = if i % 2 == 0 { Side::Buy } else { Side::Sell };
            let status = match i % 5 {
                0 => OrderStatus::Canceled,
                1 => OrderStatus::Failed,
                _ => OrderStatus::Complete,
            };
            let mut o = Order::new(
                format!("{i:08x}-0000-4000-9000-000000000000"),
                "BTC-USDT",
                side,
                status,
            );
            o.strategy = Some("TWAP".into());
            o.target_token = Some("BTC".into());
            o.executed_qty = Some(d("0.75"));
            o.avg_price = Some(d("97012.55"));
            o.executed_notional = Some(d("72759.41"));
            o.total_fee = Some(d("29.10"));
            o.fee_asset = Some("USDT".into());
            o.duration_secs = Some(3600);
            let ended = now
                .checked_sub(SignedDuration::from_secs(i as i64))
                .unwrap();
            o.updated_at = Some(ended);
            o.time_start = ended.checked_sub(SignedDuration::from_secs(3000)).ok();
            o.stats = Some(Box::new(ExecutionStats {
                arrival_price: Some(d("96990.10")),
                interval_vwap: Some(d("97005.00")),
                departure_price: Some(d("97020.00")),
                interval_volume: Some(d("12.5")),
            }));
            o.account_names = vec!["binance_main".into()].into();
            o
        })
        .collect()
}

fn read(rows: Vec<Order>, now: Timestamp) -> FeedEvent {
    FeedEvent::History {
        venue: Default::default(),
        page: Page::of(rows),
        since: now.checked_sub(SignedDuration::from_hours(24)).unwrap(),
        acted: Vec::new(),
        at: now,
    }
}

fn bench(c: &mut Criterion) {
    let now: Timestamp = "2026-12-01T12:00:00Z".parse().unwrap();
    let mut g = c.benchmark_group("history");
    for n in [1_000usize, 10_000] {
        let rows = finished(n, now);
        g.bench_with_input(BenchmarkId::new("apply_read", n), &rows, |b, rows| {
            let mut s = State::new("Tread.fi", Capabilities::ALL, now);
            b.iter(|| update(&mut s, Msg::Feed(read(rows.clone(), now))));
        });
        g.bench_with_input(BenchmarkId::new("summary", n), &rows, |b, rows| {
            b.iter(|| black_box(Summary::of(rows.iter())));
        });
        let mut s = State::new("Tread.fi", Capabilities::ALL, now);
        s.size = (200, 50);
        update(&mut s, Msg::Feed(read(rows.clone(), now)));
        s.tab = Tab::History;
        let mut t = Terminal::new(TestBackend::new(200, 50)).unwrap();
        g.bench_function(BenchmarkId::new("frame", n), |b| {
            b.iter(|| {
                t.draw(|f| blotter::ui::render(black_box(&s), f)).unwrap();
            });
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
