//! Frame render time of the active-orders tab on a 200×50 `TestBackend`, for 100, 1k, 10k and
//! 100k orders. Only visible rows are built, so the time should stay flat in the order count.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::hint::black_box;
use std::str::FromStr;

use blotter::app::{FeedEvent, Msg, State, update};
use blotter::domain::{LimitPrice, Order, OrderStatus, Page, Side};
use blotter::venue::Capabilities;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rust_decimal::Decimal;

fn orders(n: usize, now: Timestamp) -> Vec<Order> {
    (0..n)
        .map(|i| {
            let side = if i % 2 == 0 { Side::Buy } else { Side::Sell };
            let status = if i % 7 == 0 {
                OrderStatus::Paused
            } else {
                OrderStatus::Active
            };
            let mut o = Order::new(
                format!("{i:08x}-0000-4000-8000-000000000000"),
                "BTC-USDT",
                side,
                status,
            );
            o.strategy = Some("TWAP".into());
            o.target_qty = Decimal::from_str("1.50000000").ok();
            o.target_token = Some("BTC".into());
            o.executed_qty = Decimal::from_str("0.75000000").ok();
            o.fill_ratio = Decimal::from_str("0.5").ok();
            o.avg_price = Decimal::from_str("97012.55").ok();
            o.limit_price = Decimal::from_str("98000").ok().map(LimitPrice::Price);
            o.executed_notional = Decimal::from_str("72759.41").ok();
            o.account_names = vec!["binance_main".into()].into();
            o.created_at = now
                .checked_sub(jiff::SignedDuration::from_secs(i as i64))
                .ok();
            o.updated_at = o.created_at;
            o.time_end = now.checked_add(jiff::SignedDuration::from_secs(3600)).ok();
            o
        })
        .collect()
}

fn bench_render(c: &mut Criterion) {
    let now = Timestamp::UNIX_EPOCH
        .checked_add(jiff::SignedDuration::from_secs(1_700_000_000))
        .unwrap_or(Timestamp::UNIX_EPOCH);
    let mut group = c.benchmark_group("render_active_200x50");
    for n in [100usize, 1_000, 10_000, 100_000] {
        let mut state = State::new("Tread.fi", Capabilities::ALL, now);
        state.size = (200, 50);
        update(
            &mut state,
            Msg::Feed(FeedEvent::ActiveOrders {
                venue: Default::default(),
                page: Page::of(orders(n, now)),
                at: now,
            }),
        );
        let mut terminal = match Terminal::new(TestBackend::new(200, 50)) {
            Ok(t) => t,
            Err(e) => panic!("{e}"),
        };
        group.bench_with_input(BenchmarkId::from_parameter(n), &state, |b, s| {
            b.iter(|| {
                let r = terminal.draw(|f| blotter::ui::render(black_box(s), f));
                black_box(r.is_ok())
            })
        });
    }
    group.finish();
}

/// Applying 1k pushed order updates to a 10k-order book, then drawing one (coalesced) frame:
/// the work the UI does for one second of a 1k updates/s stream.
fn bench_updates(c: &mut Criterion) {
    use blotter::venue::PushEvent;
    let now = Timestamp::UNIX_EPOCH
        .checked_add(jiff::SignedDuration::from_secs(1_700_000_000))
        .unwrap_or(Timestamp::UNIX_EPOCH);
    let book = orders(10_000, now);
    let mut state = State::new("Tread.fi", Capabilities::ALL, now);
    state.size = (200, 50);
    update(
        &mut state,
        Msg::Feed(FeedEvent::ActiveOrders {
            venue: Default::default(),
            page: Page::of(book.clone()),
            at: now,
        }),
    );
    let events: Vec<FeedEvent> = (0..1_000)
        .map(|i| {
            let mut o = book[(i * 7) % book.len()].clone();
            o.executed_qty = Decimal::from_str("0.80000000").ok();
            FeedEvent::PushUpdate {
                venue: Default::default(),
                event: PushEvent::OrderUpdate {
                    order_id: o.id.clone(),
                    update_type: "fill_received".into(),
                    order: Some(Box::new(o)),
                },
                at: now,
            }
        })
        .collect();
    let mut terminal = match Terminal::new(TestBackend::new(200, 50)) {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    };
    c.bench_function("apply_1k_updates_10k_book_then_draw", |b| {
        b.iter_batched(
            || (state.clone(), events.clone()),
            |(mut s, evs)| {
                for ev in evs {
                    update(&mut s, Msg::Feed(ev));
                }
                let r = terminal.draw(|f| blotter::ui::render(&s, f));
                black_box(r.is_ok())
            },
            criterion::BatchSize::LargeInput,
        )
    });
}

criterion_group!(benches, bench_render, bench_updates);
criterion_main!(benches);
