//! Decoding a 1k-order `/api/active_orders/` page into domain types, against deserialising the
//! same bytes into `serde::de::IgnoredAny` (the floor: parsing without building anything).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::hint::black_box;

use blotter::venue::treadfi::decode_orders_page;

/// The binary's allocator (`src/main.rs`), so a decode is measured as the blotter runs it (with
/// the system allocator every page's row list is a fresh `mmap` and its page faults).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// A page of `n` orders shaped like the documented example (decimals as strings and numbers).
fn page(n: usize) -> Vec<u8> {
    let mut rows = Vec::with_capacity(n);
    for i in 0..n {
        rows.push(format!(
            r#"{{"id":"{i:08x}-614a-4366-b73b-7d7574fd9e15","custom_order_id":"","parent_order_id":null,"notes":"Buy BTC over 1 hour using TWAP strategy","pair":"BTC-USDT","side":"{side}","exchanges":["binance","okx"],"buy_token":"BTC","buy_token_amount":"0.50000000","sell_token":"USDT","sell_token_amount":null,"executed_qty":"0.2{i}","executed_buy_qty":"0.2{i}","average_executed_price":"97012.5{i}","executed_notional":"24253.1{i}","target_order_qty":"0.50000000","target_remaining_qty":"0.2","target_token":"BTC","target_executed_qty":"0.25","pct_filled":"50.00","total_fee":9.70125,"fee_asset":"USDT","strategy":"TWAP","super_strategy":"Impact Minimization","duration":3600,"accounts":["d0d54d4f-e3a5-49ba-a2c9-559caf2c69d2"],"account_names":["binance_main"],"engine_passiveness":0.02,"schedule_discretion":0.08,"pov_limit":null,"pov_target":null,"alpha_tilt":"0.00","strategy_params":{{"passive_only":true}},"user":"42","status":"ACTIVE","active":true,"is_simple":false,"failure_reason":"","limit_price":"98000.00","is_reverse_limit_price":false,"time_start":"2024-01-15T10:00:00.026448Z","time_end":"2024-01-15T11:00:00.026448Z","created_at":"2024-01-15T09:59:30.043965Z","updated_at":"2024-01-15T10:30:00.259855Z"}}"#,
            side = if i % 2 == 0 { "buy" } else { "sell" }
        ));
    }
    format!(r#"{{"orders":[{}],"order_count":{n}}}"#, rows.join(",")).into_bytes()
}

/// Median wall time of `f` over `runs` runs, in milliseconds.
fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..runs)
        .map(|_| {
            let start = std::time::Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

/// Ours and the floor side by side, interleaved in one process (the machine is noisy).
fn side_by_side(bytes: &[u8]) {
    let ours = median_ms(101, || {
        black_box(
            decode_orders_page(black_box(bytes))
                .map(|p| p.rows.len())
                .ok(),
        );
    });
    let floor = median_ms(101, || {
        let r: Result<serde::de::IgnoredAny, _> = serde_json::from_slice(black_box(bytes));
        black_box(r.is_ok());
    });
    println!(
        "decode_1k_page_vs_ignored_any                           {ours:.2} ms vs {floor:.2} ms ({:.0}% of its throughput; {:.1} MB)",
        floor / ours * 100.0,
        bytes.len() as f64 / 1e6
    );
}

/// `DECODE_ONLY=ours|floor DECODE_RUNS=n`: decode the page `n` times one way and exit, for an
/// instruction count that machine noise does not move, e.g.
/// `DECODE_ONLY=ours DECODE_RUNS=200 perf stat -e instructions:u target/release/deps/decode-*`.
fn only(bytes: &[u8]) -> bool {
    let Ok(which) = std::env::var("DECODE_ONLY") else {
        return false;
    };
    let runs: usize = std::env::var("DECODE_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(100);
    for _ in 0..runs {
        if which == "floor" {
            let r: Result<serde::de::IgnoredAny, _> = serde_json::from_slice(black_box(bytes));
            black_box(r.is_ok());
        } else {
            black_box(
                decode_orders_page(black_box(bytes))
                    .map(|p| p.rows.len())
                    .ok(),
            );
        }
    }
    true
}

fn bench_decode(c: &mut Criterion) {
    let bytes = page(1_000);
    if only(&bytes) {
        std::process::exit(0);
    }
    side_by_side(&bytes);
    let mut g = c.benchmark_group("active_orders_1k");
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("decode_to_domain", |b| {
        b.iter(|| {
            let p = decode_orders_page(black_box(&bytes));
            black_box(p.map(|p| p.rows.len()).unwrap_or(0))
        })
    });
    g.bench_function("ignored_any", |b| {
        b.iter(|| {
            let r: Result<serde::de::IgnoredAny, _> = serde_json::from_slice(black_box(&bytes));
            black_box(r.is_ok())
        })
    });
    g.finish();
}

criterion_group!(benches, bench_decode);
criterion_main!(benches);
