//! Requests per minute a feed sends to each venue at 10 / 100 / 1,000 active orders, 10% of
//! them changing per cycle (issue 14, request budget). The real feed and clients run against a
//! counting stub (`tests/recording`); cycles are driven with `Refresh` (the poll interval is an
//! hour, so no other cycle happens) and scaled to the default 2 s interval: requests/min =
//! requests per cycle × 30. Polling only (no push channel; a live Tread push would slow the
//! active-order poll fivefold). Runs in a few seconds: `cargo bench --bench requests`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

#[path = "../tests/recording/mod.rs"]
mod recording;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use blotter::app::FeedEvent;
use blotter::feed::{self, FeedCommand, FeedConfig};
use blotter::venue::Venue;
use blotter::venue::alphasec::{AlphaSecClient, TokenMap};
use blotter::venue::anboto::{AnbotoClient, DEFAULT_RECV_WINDOW_MS, SignatureEncoding};
use blotter::venue::treadfi::TreadfiClient;
use recording::{Recording, envelope, start, tread_order, tread_placement};
use secrecy::SecretString;
use serde_json::{Value, json};
use tokio::sync::mpsc;

/// Enough cycles for the first read of 1,000 orders (100 per cycle) to drain.
const WARM_UP: usize = 12;
const MEASURED: usize = 6;
/// Cycles per minute at the default 2 s interval.
const CYCLES_PER_MINUTE: f64 = 30.0;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Tread,
    AlphaSec,
    Anboto,
}

/// The stub's orders: id → version (a new version is a changed order).
type Book = Arc<Mutex<Vec<u32>>>;

fn query_num(q: &str, key: &str) -> Option<i64> {
    q.split('&')
        .find_map(|p| p.strip_prefix(&format!("{key}=")))
        .and_then(|v| v.parse().ok())
}

/// AlphaSec rows newest first, paged by `to`/`limit` as the document describes.
fn page_by_time(rows: Vec<Value>, q: &str) -> Vec<Value> {
    let to = query_num(q, "to");
    let limit = query_num(q, "limit").unwrap_or(100) as usize;
    rows.into_iter()
        .filter(|r| to.is_none_or(|t| r["createdAt"].as_i64().unwrap_or(0) <= t))
        .take(limit)
        .collect()
}

fn answer(kind: Kind, book: Book, base_ms: i64) -> recording::Answer {
    Arc::new(move |_, path, q| {
        let v = book.lock().unwrap().clone();
        let body = match (kind, path) {
            (Kind::Tread, "/api/active_orders/") => {
                let rows: Vec<_> = v
                    .iter()
                    .enumerate()
                    .map(|(i, n)| tread_order(&format!("o{i}"), *n))
                    .collect();
                json!({"orders": rows, "order_count": rows.len()}).to_string()
            }
            (Kind::Tread, "/api/placements/") => json!({"placements": [
                tread_placement("a", "FILLED", "2024-01-01T00:00:00Z"),
                tread_placement("b", "ACTIVE", "2024-01-01T00:05:00Z")],
                "page_number": 1, "page_size": 100, "num_pages": 1, "count": 2})
            .to_string(),
            (Kind::Tread, "/api/multi_orders/") => {
                json!({"multi_orders": [], "page_number": 1, "num_pages": 1}).to_string()
            }
            // The History tab's read (issue 15): nothing finished.
            (Kind::Tread, "/api/orders/") => {
                json!({"orders": [], "page_number": 1, "num_pages": 1}).to_string()
            }
            (Kind::Tread, _) => "{}".into(),
            (Kind::AlphaSec, "/api/v1/order/open") => {
                let rows = v
                    .iter()
                    .enumerate()
                    .map(|(i, n)| {
                        let created = base_ms - i as i64 * 1000;
                        let mut o = recording::alphasec_order(&format!("0x{i}"), created);
                        o["updatedAt"] = json!(created + *n as i64);
                        o["executedQty"] = json!(format!("{n}"));
                        o
                    })
                    .collect();
                envelope(json!(page_by_time(rows, q)))
            }
            (Kind::AlphaSec, "/api/v1/order/trade") => {
                let rows = (0..v.len())
                    .map(|i| {
                        recording::alphasec_trade(
                            &format!("t{i}"),
                            &format!("0x{i}"),
                            base_ms + 500 - i as i64 * 1000,
                        )
                    })
                    .collect();
                envelope(json!(page_by_time(rows, q)))
            }
            (Kind::AlphaSec, _) => envelope(json!([])),
            (Kind::Anboto, "/api/v2/trading/order/open") => {
                let rows: Vec<_> = v
                    .iter()
                    .enumerate()
                    .map(|(i, n)| {
                        json!({"order_id": i, "symbol": "BTC/USDT", "status": "ACCEPTED",
                        "side": "BUY", "filled_quantity": format!("0.{n}"), "leaves_quantity": "1"})
                    })
                    .collect();
                json!({ "orders": rows }).to_string()
            }
            (Kind::Anboto, _) => json!({"orders": []}).to_string(),
        };
        (200, body)
    })
}

fn client(kind: Kind, r: &Recording) -> Arc<dyn Venue> {
    let t = Duration::from_secs(10);
    match kind {
        Kind::Tread => Arc::new(TreadfiClient::new(&r.base, None, t).unwrap()),
        Kind::AlphaSec => {
            Arc::new(AlphaSecClient::new(&r.base, "0xabc".into(), TokenMap::new(), t).unwrap())
        }
        Kind::Anboto => Arc::new(
            AnbotoClient::new(
                &r.base,
                SecretString::from("bench-key"),
                SecretString::from("c2VjcmV0"),
                SignatureEncoding::Hex,
                DEFAULT_RECV_WINDOW_MS,
                t,
            )
            .unwrap(),
        ),
    }
}

/// Waits until every poller of this venue has reported once (after a `Refresh`).
async fn one_cycle(rx: &mut mpsc::Receiver<FeedEvent>, kind: Kind) {
    let (mut active, mut placements, mut errors, mut multi) =
        (false, false, false, kind != Kind::Tread);
    while !(active && placements && errors && multi) {
        let ev = tokio::time::timeout(Duration::from_secs(30), rx.recv())
            .await
            .expect("a cycle within 30 s")
            .expect("feed running");
        match ev {
            // A read of 1000+ rows arrives in parts: its last part completes it.
            FeedEvent::ActiveOrders { .. } | FeedEvent::ActiveOrdersPart { last: true, .. } => {
                active = true
            }
            FeedEvent::Placements { .. } => placements = true,
            FeedEvent::OrderErrors { .. } => errors = true,
            FeedEvent::MultiOrders { .. } => multi = true,
            FeedEvent::FetchFailed { tab, error, .. } => panic!("{tab:?}: {error}"),
            _ => {}
        }
    }
}

/// Requests per cycle by endpoint group, averaged over the measured cycles.
async fn measure(kind: Kind, n: usize) -> BTreeMap<&'static str, f64> {
    let book: Book = Arc::new(Mutex::new(vec![1; n]));
    let base_ms = jiff::Timestamp::now().as_millisecond() - 3_600_000;
    let r = start(answer(kind, book.clone(), base_ms)).await;
    let (tx, mut rx) = mpsc::channel(1024);
    let cfg = FeedConfig {
        interval: Duration::from_secs(3600),
        ..FeedConfig::default()
    };
    let handle = feed::spawn(client(kind, &r), cfg, tx);
    one_cycle(&mut rx, kind).await;
    let mut next = 0usize;
    let mut cycle = |count: &mut usize| {
        // 10% of the orders change (at least one), round-robin.
        let mut v = book.lock().unwrap();
        for _ in 0..(n / 10).max(1) {
            v[next % n] += 1;
            next += 1;
        }
        *count += 1;
    };
    let mut cycles = 0;
    for _ in 0..WARM_UP {
        cycle(&mut cycles);
        handle.send(FeedCommand::Refresh).unwrap();
        one_cycle(&mut rx, kind).await;
    }
    let before = r.log.lock().unwrap().len();
    for _ in 0..MEASURED {
        cycle(&mut cycles);
        handle.send(FeedCommand::Refresh).unwrap();
        one_cycle(&mut rx, kind).await;
    }
    handle.stop();
    let log = r.log.lock().unwrap()[before..].to_vec();
    let mut out: BTreeMap<&'static str, f64> = BTreeMap::new();
    for s in &log {
        // The History tab's reads: a `Refresh` wakes that poller too, but it reads once per
        // `[history] poll_secs` (60 s), not per cycle, so it is left out of the per-cycle table.
        let history = matches!(
            s.path.as_str(),
            "/api/orders/" | "/api/v2/trading/order/find"
        ) || s.path.starts_with("/api/order/")
            || (s.path == "/api/v1/order" && s.param("from").is_some());
        if history {
            continue;
        }
        let group = match s.path.as_str() {
            "/api/active_orders/" | "/api/v1/order/open" | "/api/v2/trading/order/open" => "active",
            "/api/placements/" | "/api/v1/order/trade" => "placements",
            "/api/order_errors/" | "/api/v1/order" | "/api/v2/trading/order/byId" => "errors",
            "/api/multi_orders/" => "multi",
            _ => "other",
        };
        *out.entry(group).or_default() += 1.0 / MEASURED as f64;
    }
    out
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    println!(
        "requests per minute at the default 2 s interval, 10% of orders changing per cycle \
         (polling only)"
    );
    println!(
        "{:<9} {:>6} {:>8} {:>11} {:>8} {:>7} {:>9}",
        "venue", "orders", "active", "placements", "errors", "multi", "total/min"
    );
    for kind in [Kind::Tread, Kind::AlphaSec, Kind::Anboto] {
        for n in [10usize, 100, 1000] {
            let m = rt.block_on(measure(kind, n));
            let per_min = |k: &str| m.get(k).copied().unwrap_or(0.0) * CYCLES_PER_MINUTE;
            let total: f64 = m.values().sum::<f64>() * CYCLES_PER_MINUTE;
            println!(
                "{:<9} {:>6} {:>8.0} {:>11.0} {:>8.0} {:>7.0} {:>9.0}",
                format!("{kind:?}"),
                n,
                per_min("active"),
                per_min("placements"),
                per_min("errors"),
                per_min("multi"),
                total
            );
        }
    }
}
