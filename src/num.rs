//! All arithmetic on venue numbers ([`Decimal`]) goes through here: every operation is
//! checked and returns `None` on overflow (or division by zero) instead of panicking.
//!
//! `rust_decimal`'s `+ - * /` operators panic on overflow (`Division overflowed`), and venue
//! numbers can sit anywhere in the decimal range (±7.9e28, 28 fractional digits). One such
//! order used to end the whole TUI when its detail opened. The crate denies
//! `clippy::arithmetic_side_effects` for `Decimal` (integer and float types are allowed in
//! `clippy.toml`), so a new operator on a venue number fails `cargo clippy`; use these helpers
//! or `Decimal::checked_*`. Display code shows a `None` result as unreadable (`?`, see
//! [`crate::format::UNREADABLE`]).

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// `a + b`, `None` on overflow.
pub fn add(a: Decimal, b: Decimal) -> Option<Decimal> {
    a.checked_add(b)
}

/// `a - b`, `None` on overflow.
pub fn sub(a: Decimal, b: Decimal) -> Option<Decimal> {
    a.checked_sub(b)
}

/// `a × b`, `None` on overflow.
pub fn mul(a: Decimal, b: Decimal) -> Option<Decimal> {
    a.checked_mul(b)
}

/// `a ÷ b`, `None` on overflow or when `b` is zero.
pub fn div(a: Decimal, b: Decimal) -> Option<Decimal> {
    a.checked_div(b)
}

/// The sum of `items`, `None` as soon as a partial sum overflows. An empty input sums to zero.
pub fn sum(items: impl IntoIterator<Item = Decimal>) -> Option<Decimal> {
    items
        .into_iter()
        .try_fold(Decimal::ZERO, Decimal::checked_add)
}

/// A ratio 0–1 as percent 0–100 (`0.5` → `50`); `None` on overflow.
pub fn percent(ratio: Decimal) -> Option<Decimal> {
    ratio.checked_mul(Decimal::ONE_HUNDRED)
}

/// `(value − reference) ÷ reference` in basis points (× 10 000), e.g. an average price against
/// the arrival price; `None` when the reference is zero or any step overflows.
pub fn bps_vs(value: Decimal, reference: Decimal) -> Option<Decimal> {
    value
        .checked_sub(reference)?
        .checked_div(reference)?
        .checked_mul(Decimal::from(10_000))
}

/// `part ÷ whole` as an `f64` for plotting (never used for a number shown as text); `None`
/// when `whole` is zero or the division overflows.
pub fn share_f64(part: Decimal, whole: Decimal) -> Option<f64> {
    part.checked_div(whole)?.to_f64()
}

/// How many of `cells` cells a ratio 0–1 fills (rounded, clamped to `0..=cells`); `0` when the
/// product overflows.
pub fn cells_filled(ratio: Decimal, cells: u8) -> usize {
    ratio
        .checked_mul(Decimal::from(cells))
        .map(|x| x.round().clamp(Decimal::ZERO, Decimal::from(cells)))
        .and_then(|x| x.to_usize())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overflow_is_none_not_a_panic() {
        assert_eq!(add(Decimal::MAX, Decimal::ONE), None);
        assert_eq!(sub(Decimal::MIN, Decimal::ONE), None);
        assert_eq!(mul(Decimal::MAX, Decimal::TWO), None);
        assert_eq!(div(Decimal::MAX, Decimal::new(1, 28)), None);
        assert_eq!(div(Decimal::ONE, Decimal::ZERO), None);
        assert_eq!(sum([Decimal::MAX, Decimal::MAX, Decimal::MIN]), None);
        assert_eq!(percent(Decimal::MAX), None);
        assert_eq!(bps_vs(Decimal::MAX, Decimal::new(1, 28)), None);
        assert_eq!(bps_vs(Decimal::ONE, Decimal::ZERO), None);
        assert_eq!(cells_filled(Decimal::MAX, 5), 0);
    }

    #[test]
    fn ordinary_values() {
        assert_eq!(sum([Decimal::ONE, Decimal::TWO]), Some(Decimal::from(3)));
        assert_eq!(sum([]), Some(Decimal::ZERO));
        assert_eq!(percent(Decimal::new(5, 1)), Some(Decimal::from(50)));
        assert_eq!(
            bps_vs(Decimal::from(101), Decimal::from(100)),
            Some(Decimal::from(100))
        );
        assert_eq!(cells_filled(Decimal::new(6, 1), 5), 3);
        assert_eq!(cells_filled(Decimal::from(100), 5), 5);
        assert_eq!(cells_filled(Decimal::NEGATIVE_ONE, 5), 0);
    }
}
