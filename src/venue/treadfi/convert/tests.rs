//! Unit tests of the Tread.fi conversion helpers: limit-price sentinels and ratios.

use super::*;

#[test]
fn limit_price_sentinels() {
    assert_eq!(limit_price(None), None);
    assert_eq!(limit_price(Some(String::new())), None);
    assert_eq!(limit_price(Some("-1".into())), None);
    assert_eq!(limit_price(Some("-1.0".into())), None);
    assert_eq!(
        limit_price(Some("45000.00".into())),
        Some(LimitPrice::Price(Decimal::new(4500000, 2)))
    );
    assert_eq!(
        limit_price(Some("BTC-USDT@Binance 0.99 *".into())),
        Some(LimitPrice::Expression("BTC-USDT@Binance 0.99 *".into()))
    );
}

#[test]
fn ratio_helpers() {
    assert_eq!(
        pct_to_ratio(Some(Decimal::new(5000, 2))),
        Some(Decimal::new(5, 1))
    );
    assert_eq!(
        derive_ratio(Some(Decimal::ONE), Some(Decimal::TWO)),
        Some(Decimal::new(5, 1))
    );
    assert_eq!(derive_ratio(Some(Decimal::ONE), Some(Decimal::ZERO)), None);
}

/// Row-by-row reading of a page, as before the one-pass read existed.
fn row_by_row(bytes: &[u8]) -> crate::domain::Page<Order> {
    pages::decode_page_for_tests(bytes)
}

/// The one-pass read gives exactly the row-by-row page on every documented order list, and
/// steps aside (so the row-by-row read keeps the good rows) when any row has a bad field.
#[test]
fn one_pass_read_matches_the_row_by_row_read() {
    let fixtures: [&[u8]; 5] = [
        include_bytes!("../../../../tests/fixtures/treadfi/active_orders.json"),
        include_bytes!("../../../../tests/fixtures/treadfi/active_orders_200.json"),
        include_bytes!("../../../../tests/fixtures/treadfi/orders_list.json"),
        include_bytes!("../../../../tests/fixtures/treadfi/orders_with_stats_200.json"),
        include_bytes!("../../../../tests/fixtures/treadfi/orders_by_custom_id.json"),
    ];
    let mut read = 0;
    for bytes in fixtures {
        let slow = row_by_row(bytes);
        if let Some(fast) = pages::one_pass_for_tests(bytes) {
            assert_eq!(fast.rows, slow.rows);
            assert_eq!(fast.page_number, slow.page_number);
            assert_eq!(fast.num_pages, slow.num_pages);
            assert!(slow.bad_rows.is_empty());
            read += 1;
        } else {
            assert!(
                !slow.bad_rows.is_empty() || slow.rows.iter().any(|o| !o.unreadable.is_empty()),
                "one-pass refused a page the row-by-row read found clean"
            );
        }
        assert_eq!(decode_orders_page(bytes).unwrap().rows, slow.rows);
    }
    assert!(read >= 3, "only {read} fixtures took the one-pass read");

    // One bad field in the middle row: the one-pass read refuses, the page keeps all three.
    let page = br#"{"orders":[
        {"id":"a","pair":"BTC-USDT","side":"buy","executed_qty":"0.10"},
        {"id":"b","pair":"BTC-USDT","side":"buy","executed_qty":{"x":1}},
        {"id":"c","pair":"BTC-USDT","side":"sell","executed_qty":"0.30"}]}"#;
    assert!(pages::one_pass_for_tests(page).is_none());
    let p = decode_orders_page(page).unwrap();
    let ids: Vec<&str> = p.rows.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c"]);
    assert_eq!(p.rows[1].unreadable[0].path, "executed_qty");
    assert_eq!(p.rows[2].executed_qty, Some(Decimal::new(30, 2)));
}
