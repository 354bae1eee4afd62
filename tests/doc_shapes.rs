//! Issue 14, "every documented shape, read": the three fill shapes of the Tread.fi documents
//! decode to the same `Fill` and show quantity, price and time in the detail; active orders
//! that carry only `fills` still show filled quantity, fill % and average price; the `stats`
//! block of `orders_with_stats` is read and shown in the detail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use blotter::app::{FeedEvent, Modal, State};
use blotter::domain::{ExecutionStats, Fill, Order, OrderId, Page, Unreadable};
use blotter::venue::Capabilities;
use blotter::venue::treadfi::{decode_fills, decode_order, decode_orders_page};
use common::*;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/treadfi")
            .join(name),
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// `orders[i]` of a page fixture, as its own JSON text (a row is an order document too).
fn row_of(name: &str, i: usize) -> Vec<u8> {
    let v: serde_json::Value = serde_json::from_slice(&fixture(name)).unwrap();
    serde_json::to_vec(&v["orders"][i]).unwrap()
}

/// `(qty, price, time, fee, fee asset, placement, role, exchange)` of a fill, as text.
fn seen(f: &Fill) -> [String; 8] {
    let o = |v: Option<String>| v.unwrap_or_else(|| "None".into());
    [
        o(f.qty.map(|d| d.to_string())),
        o(f.price.map(|d| d.to_string())),
        o(f.time.map(|t| t.to_string())),
        o(f.fee.map(|d| d.to_string())),
        o(f.fee_asset.clone()),
        o(f.placement_id.clone()),
        o(f.role.clone()),
        o(f.exchange.clone()),
    ]
}

/// A state showing `orders` as the active tab, at 150×40 (room for the detail's lists).
fn state_with(orders: Vec<Order>) -> State {
    let mut s = State::new("Tread.fi", Capabilities::ALL, ts(NOW));
    s.size = (150, 40);
    feed(
        &mut s,
        FeedEvent::ActiveOrders {
            venue: Default::default(),
            page: Page::of(orders),
            at: ts(NOW),
        },
    );
    s
}

/// The detail of `id` with `fills` delivered, as screen text.
fn detail_with_fills(orders: Vec<Order>, id: &OrderId, fills: Page<Fill>) -> String {
    let mut s = state_with(orders);
    s.modal = Some(Modal::Detail(id.clone()));
    s.fills = Some((id.clone(), Some(Ok(fills))));
    screen(&s)
}

fn strs<const N: usize>(a: [&str; N]) -> [String; N] {
    a.map(str::to_owned)
}

#[test]
fn the_three_documented_fill_shapes_decode_to_the_same_fill_and_show_qty_price_time() {
    // 1. `GET /api/order/{id}?include_fills=true` (Get order details → Example Response).
    let id = OrderId::new("6debb950-614a-4366-b73b-7d7574fd9e15");
    let detail = fixture("order_detail.json");
    let page = decode_fills(&detail, &id).unwrap();
    assert!(page.bad_rows.is_empty(), "{:?}", page.bad_rows);
    assert_eq!(
        seen(&page.rows[1]),
        strs([
            "0.125",
            "45000.00",
            "2023-12-01T10:15:00Z",
            "2.81",
            "None",
            "placement_123",
            "MAKE",
            "binance"
        ])
    );
    let text = detail_with_fills(vec![decode_order(&detail).unwrap()], &id, page);
    assert!(
        text.contains("10:15:00 MAKE binance      0.125 @ 45000.00 = 5625.00"),
        "{text}"
    );

    // 2. `GET /api/active_orders/` rows' own fills (quantity, price, timestamp, fee_currency).
    let row = row_of("active_orders.json", 0);
    let page = decode_fills(&row, &id).unwrap();
    assert!(page.bad_rows.is_empty(), "{:?}", page.bad_rows);
    assert_eq!(page.rows.len(), 1);
    assert_eq!(
        seen(&page.rows[0]),
        strs([
            "0.1",
            "44950.00",
            "2023-12-01T10:15:00Z",
            "0.001",
            "BTC",
            "None",
            "None",
            "binance"
        ])
    );
    let orders = decode_orders_page(&fixture("active_orders.json"))
        .unwrap()
        .rows;
    let text = detail_with_fills(orders, &id, page);
    assert!(
        text.contains("10:15:00 —    binance      0.1 @ 44950.00 = —"),
        "{text}"
    );
    assert!(
        text.contains("fills (1) · VWAP 44950 · fees 0.001"),
        "{text}"
    );
    assert!(!text.contains("— @ —"), "{text}");

    // 3. Order details → 200 tab: fills nested under `placements[].fills[]`, numbers as
    // floats, the placement's `id` as their placement.
    let nested = fixture("order_detail_200.json");
    let page = decode_fills(&nested, &id).unwrap();
    assert!(page.bad_rows.is_empty(), "{:?}", page.bad_rows);
    assert_eq!(page.rows.len(), 1);
    assert_eq!(
        seen(&page.rows[0]),
        strs([
            "3.5",
            "1658.40",
            "2023-08-01T08:25:31.704064Z",
            "0.0443",
            "None",
            "6abb7966-9641-4c78-8bd6-f4c9bd075399",
            "MAKE",
            "Binance"
        ])
    );
    let text = detail_with_fills(vec![decode_order(&nested).unwrap()], &id, page);
    assert!(
        text.contains("08:25:31 MAKE Binance      3.5 @ 1658.40 = —"),
        "{text}"
    );
}

#[test]
fn a_bad_nested_fill_is_reported_with_its_id_and_the_rest_kept() {
    let id = OrderId::new("o1");
    let body = br#"{"fills": [{"quantity": "0.5", "price": "10", "timestamp": "2024-01-15T10:00:00Z"}],
        "placements": [
            {"id": "p1", "fills": [{"id": "f1", "executed_qty": "abc"}, {"id": "f2", "executed_qty": 2, "executed_price": 11}]},
            {"id": "p2", "fills": 5},
            {"id": "p3"}
        ]}"#;
    let page = decode_fills(body, &id).unwrap();
    let got: Vec<_> = page
        .rows
        .iter()
        .map(|f| (f.placement_id.clone(), f.qty.map(|d| d.to_string())))
        .collect();
    assert_eq!(
        got,
        [
            (None, Some("0.5".into())),
            (Some("p1".into()), Some("2".into()))
        ]
    );
    let bad: Vec<_> = page
        .bad_rows
        .iter()
        .map(|b| {
            (
                b.index,
                b.id.clone(),
                b.reason.split(':').next().map(str::to_owned),
            )
        })
        .collect();
    assert_eq!(
        bad,
        [
            (1, Some("f1".into()), Some("executed_qty".into())),
            (3, Some("p2".into()), Some("placements".into()))
        ]
    );
}

#[test]
fn active_orders_with_only_fills_show_filled_qty_pct_and_average_price() {
    let page = decode_orders_page(&fixture("active_orders.json")).unwrap();
    assert!(page.bad_rows.is_empty(), "{:?}", page.bad_rows);
    let [buy, sell] = &page.rows[..] else {
        panic!("two rows")
    };
    // Buy 0.5 BTC (buy_token_amount: sized in the base), one fill of 0.1 BTC at 44950.00.
    assert_eq!(buy.executed_qty, Some(dec("0.1")));
    assert_eq!(buy.fill_ratio, Some(dec("0.2")));
    assert_eq!(buy.avg_price, Some(dec("44950")));
    assert_eq!(buy.executed_notional, Some(dec("4495.0")));
    assert!(buy.unreadable.is_empty(), "{:?}", buy.unreadable);
    // Sell 2.5 ETH, `fills: []`: nothing executed, said as 0, no average.
    assert_eq!(sell.executed_qty, Some(dec("0")));
    assert_eq!(sell.fill_ratio, Some(dec("0")));
    assert_eq!(sell.avg_price, None);

    let s = state_with(page.rows.clone());
    let text = screen(&s);
    let line = |id: &str| {
        text.lines()
            .find(|l| l.contains(id))
            .unwrap_or_else(|| panic!("{id} not on screen:\n{text}"))
            .to_owned()
    };
    let b = line("6debb950");
    for needle in ["0.1", "0.5 BTC", "█░░░░ 20.0%", "44950"] {
        assert!(b.contains(needle), "{needle:?} not in {b:?}");
    }
    let p = line("7fecb061");
    assert!(p.contains("░░░░░ 0.0%"), "{p:?}");
}

/// One order row with the given extra fields (JSON text without braces).
fn row(extra: &str) -> Order {
    row_on("buy", extra)
}

/// [`row`] on the given side.
fn row_on(side: &str, extra: &str) -> Order {
    let body =
        format!(r#"{{"orders": [{{"id": "x", "pair": "BTC-USDT", "side": "{side}", {extra}}}]}}"#);
    let mut page = decode_orders_page(body.as_bytes()).unwrap();
    assert!(page.bad_rows.is_empty(), "{:?}", page.bad_rows);
    page.rows.remove(0)
}

#[test]
fn the_fill_rule_follows_the_token_the_order_is_sized_in() {
    let fills = r#""fills": [{"quantity": "0.1", "price": "40000"}, {"executed_qty": "0.3", "executed_price": "50000", "executed_notional": "15000.0"}]"#;
    // Sized in the quote (a buy with only `sell_token_amount`): executed is Σ notional.
    let o = row(&format!(
        r#""buy_token": "BTC", "sell_token": "USDT", "sell_token_amount": "38000", {fills}"#
    ));
    assert_eq!(o.executed_qty, Some(dec("19000.0")));
    assert_eq!(o.fill_ratio, Some(dec("0.5")));
    assert_eq!(o.avg_price, Some(dec("47500")));
    // `target_token` names the side even when both amounts are given.
    let o = row(&format!(
        r#""buy_token": "BTC", "buy_token_amount": "1", "sell_token": "USDT", "sell_token_amount": "38000", "target_token": "USDT", {fills}"#
    ));
    assert_eq!(o.fill_ratio, Some(dec("0.5")));
    // `target_order_qty` in the base, no executed figure of its own: Σ quantity.
    let o = row(&format!(
        r#""buy_token": "BTC", "target_token": "BTC", "target_order_qty": "0.8", {fills}"#
    ));
    assert_eq!(o.executed_qty, Some(dec("0.4")));
    assert_eq!(o.fill_ratio, Some(dec("0.5")));
    // A sell sized in its own token (the base).
    let o = row_on(
        "sell",
        &format!(r#""sell_token": "BTC", "sell_token_amount": "2", {fills}"#),
    );
    assert_eq!(o.fill_ratio, Some(dec("0.2")));
    // The row's own figures win over its fills.
    let o = row(&format!(
        r#""executed_qty": "0.25", "pct_filled": "10", "average_executed_price": "1", "buy_token_amount": "1", {fills}"#
    ));
    assert_eq!(o.executed_qty, Some(dec("0.25")));
    assert_eq!(o.fill_ratio, Some(dec("0.1")));
    assert_eq!(o.avg_price, Some(dec("1")));
    // `executed_qty` without a target: its unit is unknown, no ratio is made up (the order
    // detail 200 tab sends it in the base for an order sized in the quote).
    let o = row(r#""executed_qty": "1.2", "sell_token_amount": "50000.0""#);
    assert_eq!(o.fill_ratio, None);
    // ... and with fills beside it, the row's `executed_qty` stays the executed figure: no
    // ratio from fills that would contradict it.
    let o = row(&format!(
        r#""executed_qty": "1.2", "sell_token_amount": "50000.0", {fills}"#
    ));
    assert_eq!(o.executed_qty, Some(dec("1.2")));
    assert_eq!(o.fill_ratio, None);
    assert_eq!(
        o.avg_price,
        Some(dec("47500")),
        "the fills' average is still shown"
    );
}

#[test]
fn an_unreadable_fill_costs_the_derived_figures_not_the_row() {
    let o = row(
        r#""buy_token_amount": "1", "fills": [{"quantity": "0.5", "price": "10"}, {"quantity": "lots", "price": "10"}]"#,
    );
    assert_eq!(
        o.executed_qty, None,
        "a total missing a fill would show too little"
    );
    assert_eq!(o.fill_ratio, None);
    assert_eq!(
        o.unreadable,
        [Unreadable {
            path: "fills[1].quantity".into(),
            reason: r#"invalid decimal "lots""#.into()
        }]
    );
    // A field the totals don't use cannot cost them.
    let o = row(
        r#""buy_token_amount": "1", "fills": [{"quantity": "0.5", "price": "10", "timestamp": "yesterday"}]"#,
    );
    assert_eq!(o.fill_ratio, Some(dec("0.5")));
    assert!(o.unreadable.is_empty(), "{:?}", o.unreadable);
    // `fills` that is not a list is said, too.
    let o = row(r#""buy_token_amount": "1", "fills": "none""#);
    assert_eq!(o.unreadable.len(), 1);
    assert_eq!(o.unreadable[0].path, "fills");
    // Overflowing arithmetic leaves the figure unknown instead of panicking.
    let o = row(
        r#""buy_token": "BTC", "sell_token": "USDT", "sell_token_amount": "1", "fills": [{"quantity": "79228162514264337593543950335", "price": "2"}]"#,
    );
    assert_eq!(o.executed_qty, None);
    assert_eq!(o.fill_ratio, None);
    assert_eq!(o.avg_price, None);
}

#[test]
fn stats_are_read_and_shown_in_the_detail() {
    let page = decode_orders_page(&fixture("orders_with_stats.json")).unwrap();
    let o = &page.rows[0];
    assert_eq!(
        o.stats.as_deref(),
        Some(&ExecutionStats {
            arrival_price: Some(dec("44950.00000000")),
            interval_vwap: Some(dec("45000.00000000")),
            departure_price: Some(dec("45050.00000000")),
            interval_volume: Some(dec("1000000.00000000")),
        })
    );
    // The 200 tab's `stats` has no `interval_volume`.
    let p200 = decode_orders_page(&fixture("orders_with_stats_200.json")).unwrap();
    let s = p200.rows[0].stats.as_deref().unwrap();
    assert_eq!(s.interval_volume, None);
    assert_eq!(s.departure_price, Some(dec("45050.00000000")));

    let mut st = state_with(page.rows.clone());
    st.modal = Some(Modal::Detail(o.id.clone()));
    let text = screen(&st);
    for needle in [
        "arrival 44950.00000000",
        "stats: interval VWAP 45000.00000000",
        "departure 45050.00000000",
        "interval volume 1000000.00000000",
    ] {
        assert!(text.contains(needle), "{needle:?} missing:\n{text}");
    }
    // An order without stats has no stats line.
    let mut st = state_with(
        decode_orders_page(&fixture("active_orders.json"))
            .unwrap()
            .rows,
    );
    st.modal = Some(Modal::Detail(OrderId::new(
        "6debb950-614a-4366-b73b-7d7574fd9e15",
    )));
    let text = screen(&st);
    assert!(text.contains("avg vs arrival"), "{text}");
    assert!(!text.contains("interval VWAP"), "{text}");
}

#[test]
fn a_malformed_stats_value_costs_only_itself() {
    let o = row(r#""stats": {"vwap": "abc", "arrival_price": 44950.25, "interval_volume": null}"#);
    assert_eq!(o.arrival_price, Some(dec("44950.25")));
    let s = o.stats.as_deref().unwrap();
    assert_eq!(s.interval_vwap, None);
    assert_eq!(s.arrival_price, Some(dec("44950.25")));
    assert_eq!(
        o.unreadable,
        [Unreadable {
            path: "stats.vwap".into(),
            reason: r#"invalid decimal "abc""#.into()
        }]
    );
    let o = row(r#""stats": [1, 2]"#);
    assert_eq!(o.stats, None);
    assert_eq!(o.unreadable[0].path, "stats");
    assert_eq!(row(r#""stats": null"#).stats, None);
    assert_eq!(row(r#""stats": {}"#).stats, None);
}

/// A page of `n` rows shaped like the main `/api/active_orders/` example (no executed figures
/// of their own), each with two fills, or the same rows with `"fills": []`.
fn active_page(n: usize, fills: bool) -> Vec<u8> {
    let fill = |i: usize, k: usize| {
        format!(
            r#"{{"id":"fill_{i}_{k}","order_id":"{i:08x}-614a-4366-b73b-7d7574fd9e15","exchange":"binance","pair":"BTC-USD","side":"buy","quantity":"0.{k}{i}","price":"44950.{i}","timestamp":"2023-12-01T10:15:00Z","fee":"0.001","fee_currency":"BTC"}}"#
        )
    };
    let rows: Vec<String> = (0..n)
        .map(|i| {
            let f = if fills {
                format!("{},{}", fill(i, 1), fill(i, 2))
            } else {
                String::new()
            };
            format!(
                r#"{{"id":"{i:08x}-614a-4366-b73b-7d7574fd9e15","custom_order_id":"my_custom_order_123","parent_order_id":null,"notes":"Buy BTC over 1 hour using TWAP strategy","pair":"BTC-USD","side":"buy","exchanges":["binance","coinbase_pro"],"buy_token":"BTC","buy_token_amount":"0.5","sell_token":"USD","sell_token_amount":"22500.00","strategy":"TWAP","duration":3600,"status":"ACTIVE","time_start":"2023-12-01T10:00:00Z","time_end":"2023-12-01T11:00:00Z","limit_price":"45000.00","engine_passiveness":0.5,"schedule_discretion":0.3,"alpha_tilt":0.1,"pos_side":"long","user":"user_123","created_at":"2023-12-01T09:55:00Z","updated_at":"2023-12-01T09:55:00Z","fills":[{f}]}}"#
            )
        })
        .collect();
    format!(r#"{{"orders":[{}],"order_count":{n}}}"#, rows.join(",")).into_bytes()
}

/// Cost of reading rows' own fills on the hot path (a 1k-order `/api/active_orders/` page).
/// The baseline is the same page with the key renamed `fillz`: skipped unread, as the decoder
/// did before rows' fills were read. Runs interleaved (the machine is shared), medians of the
/// medians. A measurement, not a check: `cargo test --release --test doc_shapes --
/// --ignored --nocapture`.
#[test]
#[ignore = "timing; run with --release"]
fn measure_active_page_with_and_without_fills() {
    let median = |mut t: Vec<std::time::Duration>| {
        t.sort();
        t[t.len() / 2]
    };
    let time = |bytes: &[u8]| {
        median(
            (0..30)
                .map(|_| {
                    let start = std::time::Instant::now();
                    let p = decode_orders_page(std::hint::black_box(bytes)).unwrap();
                    let elapsed = start.elapsed();
                    assert_eq!(p.rows.len(), 1000);
                    elapsed
                })
                .collect(),
        )
    };
    let empty = active_page(1000, false);
    let two = active_page(1000, true);
    let renamed = |b: &[u8]| {
        String::from_utf8_lossy(b)
            .replace("\"fills\"", "\"fillz\"")
            .into_bytes()
    };
    let pages = [
        ("2 fills each, key renamed (skipped)", renamed(&two)),
        ("2 fills each, read", two.clone()),
        ("fills: [], key renamed (skipped)", renamed(&empty)),
        ("fills: [], read", empty.clone()),
    ];
    let check = decode_orders_page(&two).unwrap();
    assert_eq!(check.rows[1].executed_qty, Some(dec("0.32")));
    let mut runs: Vec<Vec<std::time::Duration>> = vec![Vec::new(); pages.len()];
    for _ in 0..7 {
        for (i, (_, page)) in pages.iter().enumerate() {
            runs[i].push(time(page));
        }
    }
    for ((name, page), r) in pages.iter().zip(runs) {
        println!(
            "1k active orders, {name} ({} KB): {:?}",
            page.len() / 1024,
            median(r)
        );
    }
}
