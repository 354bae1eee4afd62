//! The book at 100k active orders, measured with a counting global allocator:
//! - bytes held per order (the `Order` itself, its strings, the book's index and view);
//! - the high-water mark of a refresh (a new 100k `/api/active_orders/` body decoded and
//!   applied while the old book is held) as a multiple of the steady figure;
//! - the same high-water mark when the refresh arrives in 100 parts
//!   (`FeedEvent::ActiveOrdersPart`, each part's body decoded and applied in place), side by
//!   side with the whole refresh;
//! - (criterion) the time to apply a 100k refresh to a 100k book through `update`, as the TUI
//!   does, decode excluded: whole, and in 100 parts.
//!
//! Figures are printed before criterion runs (`cargo bench --bench book`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::hint::black_box;
use std::sync::atomic::Ordering;

use blotter::app::{FeedEvent, Msg, State, update};
use blotter::domain::{Order, Page};
use blotter::venue::Capabilities;
use blotter::venue::treadfi::decode_orders_page;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use jiff::Timestamp;

#[path = "common/counting.rs"]
mod counting;
use counting::{PEAK, live};

fn reset_peak() {
    PEAK.store(live(), Ordering::Relaxed);
}

fn peak() -> usize {
    PEAK.load(Ordering::Relaxed)
}

const PAIRS: [(&str, &str, &str); 8] = [
    ("BTC-USDT", "BTC", "USDT"),
    ("ETH-USDT", "ETH", "USDT"),
    ("SOL-USDT", "SOL", "USDT"),
    ("BTC:PERP-USDT", "BTC:PERP", "USDT"),
    ("ETH:PERP-USDT", "ETH:PERP", "USDT"),
    ("DOGE-USDT", "DOGE", "USDT"),
    ("ETH-BTC", "ETH", "BTC"),
    ("XRP-USDC", "XRP", "USDC"),
];
const STRATEGIES: [&str; 5] = ["TWAP", "VWAP", "POV", "Limit", "Iceberg"];
const ACCOUNTS: [&str; 4] = ["binance_main", "okx_hedge", "bybit_arb", "deribit_opt"];
const EXCHANGES: [&str; 4] = ["binance", "okx", "bybit", "deribit"];

/// An `/api/active_orders/` body of `n` orders shaped like the documented example, with the
/// values a real desk repeats (pairs, tokens, strategies, accounts, exchanges) drawn from small
/// sets and the rest (ids, quantities, prices, times) distinct per row. `round` changes the
/// figures a refresh changes (executed quantity, `updated_at`).
fn body(n: usize, round: usize) -> Vec<u8> {
    body_range(0..n, round)
}

/// The rows `range` of [`body`]'s reply, as a reply of their own (one part of a read).
fn body_range(range: std::ops::Range<usize>, round: usize) -> Vec<u8> {
    let n = range.len();
    let first = range.start;
    let mut out = String::with_capacity(n.saturating_mul(1_200));
    out.push_str(r#"{"orders":["#);
    for i in range {
        if i > first {
            out.push(',');
        }
        let (pair, base, quote) = PAIRS[i % PAIRS.len()];
        let strategy = STRATEGIES[i % STRATEGIES.len()];
        let account = ACCOUNTS[i % ACCOUNTS.len()];
        let exchange = EXCHANGES[i % EXCHANGES.len()];
        let side = if i % 2 == 0 { "buy" } else { "sell" };
        let status = if i % 7 == 0 { "PAUSED" } else { "ACTIVE" };
        let sec = i % 60;
        let min = (i / 60) % 60;
        let hour = (i / 3600) % 24;
        let upd = (sec + round) % 60;
        out.push_str(&format!(
            r#"{{"id":"{i:08x}-614a-4366-b73b-7d7574fd9e15","custom_order_id":"","parent_order_id":null,"notes":"","pair":"{pair}","side":"{side}","exchanges":["{exchange}"],"buy_token":"{base}","buy_token_amount":"0.50000000","sell_token":"{quote}","sell_token_amount":null,"executed_qty":"0.2{i}{round}","average_executed_price":"97012.5{i}","executed_notional":"24253.1{i}","target_order_qty":"0.50000000","target_remaining_qty":"0.2","target_token":"{base}","pct_filled":"50.00","total_fee":9.70125,"fee_asset":"{quote}","strategy":"{strategy}","super_strategy":"Impact Minimization","duration":3600,"accounts":["d0d54d4f-e3a5-49ba-a2c9-559caf2c69d2"],"account_names":["{account}"],"engine_passiveness":0.02,"schedule_discretion":0.08,"pov_limit":null,"pov_target":null,"alpha_tilt":"0.00","strategy_params":{{"passive_only":true}},"user":"42","status":"{status}","active":true,"is_simple":false,"failure_reason":"","limit_price":"98000.00","is_reverse_limit_price":false,"time_start":"2024-01-15T{hour:02}:{min:02}:{sec:02}.026448Z","time_end":"2024-01-16T{hour:02}:{min:02}:{sec:02}.026448Z","created_at":"2024-01-15T{hour:02}:{min:02}:{sec:02}.043965Z","updated_at":"2024-01-16T{hour:02}:{min:02}:{upd:02}.259855Z"}}"#
        ));
    }
    out.push_str(&format!(r#"],"order_count":{n}}}"#));
    out.into_bytes()
}

fn now() -> Timestamp {
    Timestamp::UNIX_EPOCH
        .checked_add(jiff::SignedDuration::from_secs(1_700_000_000))
        .unwrap()
}

fn refresh(state: &mut State, page: Page<Order>) {
    update(
        state,
        Msg::Feed(FeedEvent::ActiveOrders {
            venue: Default::default(),
            page,
            at: now(),
        }),
    );
}

const N: usize = 100_000;

/// Prints the memory figures (deterministic: counted bytes, not RSS).
fn memory_figures() {
    let mb = |b: usize| b as f64 / 1e6;
    let body0 = body(N, 0);
    let body1 = body(N, 1);
    let mut state = State::new("Tread.fi", Capabilities::ALL, now());
    state.size = (200, 50);

    let base = live();
    let page = decode_orders_page(&body0).unwrap();
    assert_eq!(page.rows.len(), N);
    let decoded = live().saturating_sub(base);
    refresh(&mut state, page);
    assert_eq!(state.book.orders().len(), N);
    let steady = live().saturating_sub(base);

    // A refresh: the new body arrives, is decoded and applied while the old book is held.
    let body_copy = body1.clone();
    reset_peak();
    let page = decode_orders_page(&body_copy).unwrap();
    drop(body_copy);
    refresh(&mut state, page);
    let hwm = peak().saturating_sub(base);
    let after = live().saturating_sub(base);
    assert_eq!(state.book.orders().len(), N);

    // The same refresh in 100 parts as the reply arrives (`Venue::active_orders_parts`): each
    // part's bytes decoded and applied in place, then dropped; the old book is never held
    // beside a whole new page.
    reset_peak();
    for k in 0..PARTS {
        let part = body_range(k * (N / PARTS)..(k + 1) * (N / PARTS), 2);
        let page = decode_orders_page(&part).unwrap();
        drop(part);
        refresh_part(&mut state, k, page, k + 1 == PARTS);
    }
    let parts_hwm = peak().saturating_sub(base);
    let parts_after = live().saturating_sub(base);
    assert_eq!(state.book.orders().len(), N);

    println!(
        "book_size_of_order                                      {} B",
        size_of::<Order>()
    );
    println!(
        "book_decoded_page_per_order                             {:.0} B (100k rows: {:.1} MB)",
        decoded as f64 / N as f64,
        mb(decoded)
    );
    println!(
        "book_steady_per_order                                   {:.0} B (100k: {:.1} MB, index and view included)",
        steady as f64 / N as f64,
        mb(steady)
    );
    println!(
        "book_refresh_hwm_100k                                   {:.1} MB = {:.2} x steady ({:.1} MB body included; after: {:.1} MB)",
        mb(hwm),
        hwm as f64 / steady.max(1) as f64,
        mb(body1.len()),
        mb(after)
    );
    println!(
        "book_refresh_in_parts_hwm_100k                          {:.1} MB = {:.2} x steady ({PARTS} parts of {} rows, each part's body included; after: {:.1} MB) vs whole {:.2} x",
        mb(parts_hwm),
        parts_hwm as f64 / steady.max(1) as f64,
        N / PARTS,
        mb(parts_after),
        hwm as f64 / steady.max(1) as f64,
    );
}

/// Parts a 100k read is cut into (1k rows each).
const PARTS: usize = 100;

/// Part `part` of one read of the default venue (`FeedEvent::ActiveOrdersPart`).
fn refresh_part(state: &mut State, part: usize, page: Page<Order>, last: bool) {
    update(
        state,
        Msg::Feed(FeedEvent::ActiveOrdersPart {
            venue: Default::default(),
            read: 1,
            part: part as u32,
            page,
            last,
            at: now(),
        }),
    );
}

fn bench_refresh(c: &mut Criterion) {
    memory_figures();
    let rows0 = decode_orders_page(&body(N, 0)).unwrap().rows;
    let rows1 = decode_orders_page(&body(N, 1)).unwrap().rows;
    let mut state = State::new("Tread.fi", Capabilities::ALL, now());
    state.size = (200, 50);
    refresh(&mut state, Page::of(rows0));
    let mut g = c.benchmark_group("book_100k");
    g.sample_size(10);
    g.bench_function("refresh_in_place", |b| {
        b.iter_batched(
            || Page::of(rows1.clone()),
            |page| {
                refresh(&mut state, page);
                black_box(state.book.orders().len())
            },
            BatchSize::LargeInput,
        )
    });
    g.bench_function("refresh_in_place_100_parts", |b| {
        b.iter_batched(
            || {
                rows1
                    .chunks(N / PARTS)
                    .map(|c| Page::of(c.to_vec()))
                    .collect::<Vec<_>>()
            },
            |parts| {
                for (k, page) in parts.into_iter().enumerate() {
                    refresh_part(&mut state, k, page, k + 1 == PARTS);
                }
                black_box(state.book.orders().len())
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, bench_refresh);
criterion_main!(benches);
