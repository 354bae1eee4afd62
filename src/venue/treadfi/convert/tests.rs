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
