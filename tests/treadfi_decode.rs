//! Every Tread.fi fixture (documented example bodies) through the public decode functions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::str::FromStr;

use blotter::domain::{LimitPrice, MessageLevel, OrderId, OrderStatus, Side, Unreadable};
use blotter::venue::VenueError;
use blotter::venue::treadfi::{
    decode_error_message, decode_multi_order, decode_multi_orders_page, decode_order,
    decode_order_errors, decode_orders_page, decode_placements_page,
};
use jiff::Timestamp;
use rust_decimal::Decimal;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/treadfi/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// Exact text of an optional decimal (scale included).
fn t(v: Option<Decimal>) -> String {
    v.map(|d| d.to_string()).unwrap_or_else(|| "None".into())
}

fn ts(s: &str) -> Option<Timestamp> {
    Some(s.parse().unwrap())
}

#[test]
fn orders_list_example() {
    let page = decode_orders_page(&fixture("orders_list.json")).unwrap();
    assert!(page.bad_rows.is_empty(), "{:?}", page.bad_rows);
    assert_eq!((page.page_number, page.num_pages), (Some(1), Some(1)));
    let o = &page.rows[0];
    assert_eq!(o.id.as_str(), "6debb950-614a-4366-b73b-7d7574fd9e15");
    assert_eq!(o.custom_order_id.as_deref(), Some("order_123"));
    assert_eq!(o.side, Side::Buy);
    assert_eq!(o.status, OrderStatus::Active);
    assert_eq!(t(o.target_qty), "0.1");
    assert_eq!(t(o.executed_qty), "0.05");
    assert_eq!(t(o.remaining_qty), "0.05");
    assert_eq!(t(o.avg_price), "50000.00");
    assert_eq!(t(o.executed_notional), "2500.00");
    assert_eq!(t(o.sell_token_amount), "5000.00");
    assert_eq!(o.fill_ratio, Some(d("0.5")));
    assert_eq!(o.limit_price, None, "limit_price \"\" means no limit");
    assert_eq!(o.super_strategy.as_deref(), Some("Standard"));
    assert_eq!(o.exchanges, ["binance", "coinbase_pro"]);
    assert_eq!(o.account_names, ["binance_main", "coinbase_pro"]);
    assert_eq!(o.failure_reason, None);
    assert_eq!(o.notes, None);
    assert_eq!(o.duration_secs, Some(3600));
    assert_eq!(o.time_start, ts("2023-12-15T10:00:00Z"));
    assert_eq!(o.time_end, ts("2023-12-15T11:00:00Z"));
    assert_eq!(t(o.total_fee), "2.50");
}

#[test]
fn orders_list_200_tab_numbers_and_sentinel_limit() {
    let page = decode_orders_page(&fixture("orders_list_200.json")).unwrap();
    assert!(page.bad_rows.is_empty(), "{:?}", page.bad_rows);
    let o = &page.rows[0];
    assert_eq!(o.limit_price, None, "limit_price -1.0 means no limit");
    assert_eq!(t(o.sell_token_amount), "500.0");
    assert_eq!(t(o.executed_qty), "0");
    assert_eq!(o.avg_price, None);
    assert_eq!(o.pair, "ETH:PERP-USDT");
    assert_eq!(o.notes.as_deref(), Some("leverage: 10"));
    assert_eq!(o.failure_reason, None, "\"\" failure_reason is None");
    assert_eq!(o.time_start, ts("2023-05-24T19:15:25.026448Z"));
    assert_eq!(o.duration_secs, Some(120));
    // No pct_filled and no target: no ratio can be derived.
    assert_eq!(o.fill_ratio, None);
}

#[test]
fn active_orders_keep_paused_and_non_uuid_ids() {
    let page = decode_orders_page(&fixture("active_orders.json")).unwrap();
    assert!(page.bad_rows.is_empty(), "{:?}", page.bad_rows);
    assert_eq!(page.rows.len(), 2);
    let a = &page.rows[0];
    assert_eq!(
        a.limit_price,
        Some(LimitPrice::Price(d("45000.00"))),
        "limit_price string is a price"
    );
    match &a.limit_price {
        Some(LimitPrice::Price(p)) => assert_eq!(p.to_string(), "45000.00"),
        other => panic!("{other:?}"),
    }
    assert_eq!(t(a.sell_token_amount), "22500.00");
    assert_eq!(t(a.buy_token_amount), "0.5");
    let p = &page.rows[1];
    assert_eq!(p.id.as_str(), "7fecb061-725b-5477-c84c-8e8685ge0f26");
    assert_eq!(p.status, OrderStatus::Paused);
    assert_eq!(p.side, Side::Sell);
    assert_eq!(p.time_start, ts("2023-12-01T11:00:00Z"));
}

#[test]
fn active_orders_200_tab_numeric_pct() {
    let page = decode_orders_page(&fixture("active_orders_200.json")).unwrap();
    let o = &page.rows[0];
    assert_eq!(o.fill_ratio, Some(d("0.5")));
    assert_eq!(t(o.executed_qty), "0.5");
    assert_eq!(t(o.target_qty), "1.0");
    assert_eq!((page.page_number, page.num_pages), (None, None));
}

#[test]
fn order_detail_example() {
    let o = decode_order(&fixture("order_detail.json")).unwrap();
    assert_eq!(o.limit_price, None, "limit_price null");
    assert_eq!(o.fill_ratio, Some(d("0.5")), "pct_filled \"50.00\" → 0.5");
    assert_eq!(t(o.avg_price), "45000.00");
    assert_eq!(o.super_strategy.as_deref(), Some("Impact Minimization"));
    assert_eq!(o.created_at, ts("2023-12-01T09:59:30Z"));
}

#[test]
fn order_detail_200_tab_zoneless_time_and_placements() {
    let bytes = fixture("order_detail_200.json");
    let o = decode_order(&bytes).unwrap();
    assert_eq!(
        o.time_end,
        ts("2023-08-08T23:59:06.300319Z"),
        "no zone → UTC"
    );
    assert_eq!(o.time_start, ts("2023-08-08T23:54:06.300319Z"));
    assert_eq!(o.limit_price, Some(LimitPrice::Price(d("1.0"))));
    assert_eq!(t(o.avg_price), "1846.5", "executed_price alias");
    assert_eq!(t(o.executed_qty), "1.2");
    assert_eq!(t(o.sell_token_amount), "50000.0");
    // super_strategy is a UUID here; the name wins.
    assert_eq!(o.super_strategy.as_deref(), Some("Impact Minimization"));
    assert_eq!(o.custom_order_id, None);

    // The embedded `placements` array decodes with the placements decoder.
    let id = OrderId::new("6debb950-614a-4366-b73b-7d7574fd9e15");
    let pl = decode_placements_page(&bytes, &id).unwrap();
    assert!(pl.bad_rows.is_empty(), "{:?}", pl.bad_rows);
    let p = &pl.rows[0];
    assert_eq!(t(p.price), "28931.15000000000000000000");
    assert_eq!(t(p.qty), "0.00000100000000000000");
    assert_eq!(p.status, "FAILED");
    assert_eq!(p.external_id, None);
    assert_eq!(p.order_id, id);

    // `passiveness` has no domain field; check the shared decoder keeps its digits.
    #[derive(serde::Deserialize)]
    struct P {
        #[serde(deserialize_with = "blotter::venue::decode::opt_decimal")]
        passiveness: Option<Decimal>,
    }
    #[derive(serde::Deserialize)]
    struct O {
        placements: Vec<P>,
    }
    let raw: O = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(t(raw.placements[0].passiveness), "0.0078071000");
}

#[test]
fn order_submit_reply() {
    let o = decode_order(&fixture("order_submit_201.json")).unwrap();
    assert_eq!(o.status, OrderStatus::Scheduled);
    assert_eq!(o.limit_price, Some(LimitPrice::Price(d("89411.25"))));
    assert_eq!(t(o.target_qty), "1000.0");
    assert_eq!(t(o.sell_token_amount), "1000");
    assert_eq!(o.exchanges, ["Bybit"], "unique_venues fallback");
    assert_eq!(o.fill_ratio, Some(Decimal::ZERO));
}

#[test]
fn order_summary_aliases() {
    let o = decode_order(&fixture("order_summary.json")).unwrap();
    assert_eq!(o.status, OrderStatus::Complete);
    assert_eq!(t(o.target_qty), "60000.0", "order_qty alias");
    assert_eq!(t(o.remaining_qty), "3.38620187", "remaining_qty alias");
    assert_eq!(t(o.executed_qty), "59996.61379813");
    assert_eq!(o.exchanges, ["MockExchange"], "exchange_names alias");
    assert_eq!(o.time_start, ts("2024-10-25T16:55:03.842747Z"));
    assert_eq!(o.strategy, None);
    assert_eq!(o.limit_price, None);
    // No pct_filled: derived from executed / target.
    assert_eq!(
        o.fill_ratio,
        Some(d("59996.61379813") / d("60000.0")),
        "derived fill ratio"
    );
}

#[test]
fn orders_with_stats() {
    let page = decode_orders_page(&fixture("orders_with_stats.json")).unwrap();
    assert!(page.bad_rows.is_empty(), "{:?}", page.bad_rows);
    assert_eq!((page.page_number, page.num_pages), (Some(1), Some(5)));
    let o = &page.rows[0];
    assert_eq!(t(o.target_qty), "1.00000000");
    assert_eq!(t(o.remaining_qty), "0.00000000");
    assert_eq!(t(o.executed_notional), "45000.00");
    assert_eq!(o.fill_ratio, Some(Decimal::ONE));
    assert_eq!(o.exchanges, ["binance", "coinbase"]);

    let page = decode_orders_page(&fixture("orders_with_stats_200.json")).unwrap();
    assert_eq!(page.rows.len(), 1);
    assert_eq!(page.rows[0].pair, "BTC/USDT");
}

#[test]
fn orders_by_custom_id() {
    let page = decode_orders_page(&fixture("orders_by_custom_id.json")).unwrap();
    assert!(page.bad_rows.is_empty(), "{:?}", page.bad_rows);
    let o = &page.rows[0];
    assert_eq!(t(o.pov_target), "0.1");
    assert_eq!(t(o.buy_token_amount), "10.5");
    assert_eq!(t(o.sell_token_amount), "17330.25");
    assert_eq!(o.fill_ratio, Some(Decimal::ZERO));
    assert_eq!(o.limit_price, Some(LimitPrice::Price(d("1650.50"))));
    assert_eq!(o.super_strategy, None);

    // 200 tab: a bare array; the doc's `{ // }` placeholder row is reported, not dropped.
    let page = decode_orders_page(&fixture("orders_by_custom_id_200.json")).unwrap();
    assert_eq!(page.rows.len(), 1);
    assert_eq!(
        page.rows[0].custom_order_id.as_deref(),
        Some("my_custom_id")
    );
    assert_eq!(page.bad_rows.len(), 1);
    assert_eq!(page.bad_rows[0].index, 1);
    assert_eq!(page.bad_rows[0].id, None);
    assert!(
        page.bad_rows[0].reason.contains("missing field `id`"),
        "{}",
        page.bad_rows[0].reason
    );
}

#[test]
fn order_errors_newest_first() {
    let msgs = decode_order_errors(&fixture("order_errors.json")).unwrap();
    assert_eq!(msgs.len(), 3);
    assert_eq!(msgs[0].message, "Order execution completed");
    assert_eq!(
        msgs[0].order_id.as_str(),
        "7fecb061-725b-5477-c84c-8e8685ge0f26"
    );
    assert_eq!(msgs[1].level, MessageLevel::Error);
    assert_eq!(msgs[2].level, MessageLevel::Info);
    assert!(msgs.windows(2).all(|w| w[0].created_at >= w[1].created_at));

    let msgs = decode_order_errors(&fixture("order_errors_200.json")).unwrap();
    let levels: Vec<_> = msgs.iter().map(|m| m.level.clone()).collect();
    assert_eq!(
        levels,
        [MessageLevel::Error, MessageLevel::Warn, MessageLevel::Info]
    );
    assert_eq!(msgs[0].created_at, ts("2024-01-15T10:30:00Z"));
}

#[test]
fn multi_order_detail() {
    for name in ["multi_order.json", "multi_order_submit_201.json"] {
        let m = decode_multi_order(&fixture(name)).unwrap();
        assert_eq!(m.pairs, ["BTC-USDT", "BTC:PERP-USDT"]);
        assert_eq!(m.status, OrderStatus::Scheduled);
        assert_eq!(m.calculated_status, Some(OrderStatus::Complete));
        assert_eq!(m.fill_ratio, Some(Decimal::ONE));
        assert_eq!(t(m.exposure_tolerance), "0.50000000000000000000");
        assert_eq!(t(m.notional_exposure), "34.554926518");
        assert_eq!(t(m.executed_notional), "93712.607473482");
        assert_eq!(m.child_order_ids.len(), 2);
        assert!(!m.is_paused && !m.is_active);
        assert_eq!(m.time_start, ts("2025-01-13T20:33:22.323949Z"));
        assert_eq!(m.duration_secs, Some(600));
        assert_eq!(m.failure_reason, None);
    }
}

#[test]
fn multi_orders_page() {
    let page = decode_multi_orders_page(&fixture("multi_orders.json")).unwrap();
    assert!(page.bad_rows.is_empty(), "{:?}", page.bad_rows);
    assert_eq!((page.page_number, page.num_pages), (Some(1), Some(2)));
    let m = &page.rows[0];
    assert_eq!(m.status, OrderStatus::Complete, "COMPLETED spelling");
    assert_eq!(
        m.time_start,
        ts("2023-12-01T10:00:00Z"),
        "start_timedate alias"
    );
    assert_eq!(m.fill_ratio, Some(Decimal::ONE));
    assert_eq!(m.custom_order_id.as_deref(), Some("multi_order_123"));
    assert_eq!(
        m.child_order_ids[1].as_str(),
        "8gfdca62-836c-6588-d95d-9f9796hf1g37"
    );
    let c = &m.child_orders[0];
    assert_eq!(
        c.parent_order_id.as_ref().map(OrderId::as_str),
        Some("6debb950-614a-4366-b73b-7d7574fd9e15")
    );
    assert_eq!(c.fill_ratio, Some(Decimal::ONE));
    assert_eq!(t(c.executed_notional), "11250.00");
    assert_eq!(c.limit_price, Some(LimitPrice::Price(d("45000.00"))));
}

#[test]
fn placements_page() {
    let id = OrderId::new("6debb950-614a-4366-b73b-7d7574fd9e15");
    let page = decode_placements_page(&fixture("placements.json"), &id).unwrap();
    assert!(page.bad_rows.is_empty(), "{:?}", page.bad_rows);
    assert_eq!(page.rows.len(), 3);
    let [a, b, c] = &page.rows[..] else {
        panic!("3 rows")
    };
    assert_eq!(a.order_id, id, "queried id when the row has no `order`");
    assert_eq!(t(a.price), "45000.1");
    assert_eq!(t(a.qty), "0.25");
    assert_eq!(a.fill_ratio, Some(d("0.5")));
    assert_eq!(a.external_id.as_deref(), Some("21949858"));
    assert_eq!(a.failure_reason, None);
    assert_eq!(a.placement_type, "MAKE");
    assert_eq!(b.price, None, "market placement");
    assert_eq!(b.external_id, None, "\"\" external_id");
    assert_eq!(b.fill_ratio, Some(Decimal::ONE));
    assert_eq!(c.exchange, None);
    assert_eq!(t(c.qty), "0.00000100000000000000");
    assert_eq!(c.failure_reason.as_deref(), Some("MIN_AMOUNT"));
    assert_eq!(c.placement_type, "TAKE-PROFIT");
    assert_eq!(c.created_at, ts("2023-12-01T10:17:00Z"));
}

#[test]
fn one_bad_row_keeps_the_rest() {
    let body = br#"{"orders": [
        {"id": "a", "pair": "BTC-USDT", "side": "buy", "status": "ACTIVE", "executed_qty": "0.5"},
        {"id": "b", "pair": "BTC-USDT", "side": "buy", "status": "ACTIVE", "executed_qty": "abc"},
        {"id": "c", "pair": "ETH-USDT", "side": 5, "status": "ACTIVE"},
        {"id": "d", "pair": "ETH-USDT", "side": "sell", "status": "WEIRD_NEW_STATE"}
    ], "page_number": 2, "num_pages": 3}"#;
    let page = decode_orders_page(body).unwrap();
    // Issue 14: rows with an unreadable field stay listed; the field is named with its reason.
    let ids: Vec<_> = page.rows.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "d"]);
    assert_eq!(
        page.rows[3].status,
        OrderStatus::Other("WEIRD_NEW_STATE".into())
    );
    assert_eq!((page.page_number, page.num_pages), (Some(2), Some(3)));
    assert!(page.bad_rows.is_empty(), "{:?}", page.bad_rows);
    let b = &page.rows[1];
    assert_eq!(b.executed_qty, None);
    assert_eq!(
        b.unreadable,
        [Unreadable {
            path: "executed_qty".into(),
            reason: r#"invalid decimal "abc""#.into()
        }]
    );
    let c = &page.rows[2];
    assert_eq!(c.pair, "ETH-USDT");
    assert_eq!(
        c.unreadable,
        [Unreadable {
            path: "side".into(),
            reason: "invalid type: integer `5`, expected a string".into()
        }]
    );
}

#[test]
fn bad_child_order_names_its_path() {
    let body = br#"{"multi_orders": [
        {"id": "m1", "status": "ACTIVE", "child_orders": [
            {"id": "c1", "pair": "BTC-USDT", "side": "buy", "executed_qty": "x"}
        ]},
        {"id": "m2", "status": "PAUSED", "is_paused": true}
    ]}"#;
    let page = decode_multi_orders_page(body).unwrap();
    // Issue 14: the multi-order stays listed; the child's unreadable field is named by path.
    assert_eq!(page.rows.len(), 2);
    assert!(page.bad_rows.is_empty(), "{:?}", page.bad_rows);
    assert!(page.rows[1].is_paused);
    let m1 = &page.rows[0];
    assert_eq!(m1.id.as_str(), "m1");
    assert_eq!(m1.child_orders.len(), 1);
    assert_eq!(m1.unreadable.len(), 1, "{:?}", m1.unreadable);
    assert_eq!(m1.unreadable[0].path, "child_orders[0].executed_qty");
}

#[test]
fn malformed_bodies_are_decode_errors() {
    for body in [
        &b"not json"[..],
        br#"{"detail": "Invalid token."}"#,
        br#"{"orders": 5}"#,
        br#"{"orders": []} trailing"#,
    ] {
        match decode_orders_page(body) {
            Err(VenueError::Decode { .. }) => {}
            other => panic!("{}: {other:?}", String::from_utf8_lossy(body)),
        }
    }
    match decode_order(br#"{"id": "x", "pair": "p", "side": "buy", "pct_filled": "lots"}"#) {
        Err(VenueError::Decode { path, message }) => {
            assert_eq!(path, "pct_filled");
            assert!(message.contains("lots"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn error_bodies() {
    let cases = [
        ("error_401_detail_invalid_token.json", "Invalid token."),
        (
            "error_401_detail_no_credentials.json",
            "Authentication credentials were not provided.",
        ),
        ("error_401_error_unauthorized.json", "Unauthorized"),
        ("error_422_not_paused.json", "Order is not paused."),
        ("error_404_no_order.txt", "No order found with given ID!"),
        ("error_400_bare_string.json", "No order ID given!"),
        ("error_400_message.json", "Invalid after date format"),
        (
            "error_400_errors_string.json",
            "Need one of the qty fields: ['base_asset_qty', 'quote_asset_qty', 'sell_token_amount']",
        ),
        (
            "error_500_errors_list.json",
            "An unexpected error occurred. Please try again later.",
        ),
        ("error_500_message.json", "Something went wrong"),
        (
            "error_422_multi_errors.json",
            "Need at least one top level account or individual child order accounts; \
             Cannot have more than one of the qty fields: ['base_asset_qty', 'quote_asset_qty', 'sell_token_amount']",
        ),
    ];
    for (name, want) in cases {
        assert_eq!(decode_error_message(&fixture(name)), want, "{name}");
    }
}

/// `arrival_price` sits on the order in the document's table and inside `stats` in its
/// examples: both are read, exactly; a malformed `stats` costs nothing but itself.
#[test]
fn arrival_price_from_the_order_or_its_stats() {
    for name in ["orders_with_stats.json", "orders_with_stats_200.json"] {
        let page = decode_orders_page(&fixture(name)).unwrap();
        assert_eq!(t(page.rows[0].arrival_price), "44950.00000000", "{name}");
    }
    let body = br#"{"orders": [
        {"id": "a", "pair": "BTC-USDT", "side": "buy", "arrival_price": "44950.5", "stats": null},
        {"id": "b", "pair": "BTC-USDT", "side": "buy", "stats": "not an object"},
        {"id": "c", "pair": "BTC-USDT", "side": "buy", "stats": {"arrival_price": 44950.25}}
    ]}"#;
    let page = decode_orders_page(body).unwrap();
    assert!(page.bad_rows.is_empty(), "{:?}", page.bad_rows);
    let got: Vec<String> = page.rows.iter().map(|o| t(o.arrival_price)).collect();
    assert_eq!(got, ["44950.5", "None", "44950.25"]);
}
