//! Transaction-cost figures of one order and of a set of orders: pure functions of the venue's
//! own fields, exact [`Decimal`] arithmetic through [`crate::num`], and `None` wherever the venue
//! does not give what a figure needs (shown `—`, never a number made up from something else).
//!
//! Sign convention: **positive is always a cost**. A buy filled above its reference price and a
//! sell filled below it both have positive slippage; "behind schedule" is positive too.
//!
//! | figure | formula | source fields (Tread.fi names) |
//! | --- | --- | --- |
//! | slippage vs arrival, bps | `s × (avg − arrival) ÷ arrival × 10 000`, `s` = +1 buy, −1 sell | `average_executed_price` / `executed_price`; `arrival_price` or `stats.arrival_price` |
//! | slippage vs interval VWAP, bps | `s × (avg − vwap) ÷ vwap × 10 000` | `stats.vwap` (or the order's `vwap`) |
//! | participation | `executed base qty ÷ interval volume` (ratio 0–1) | `executed_qty` (when counted in the base asset, else `executed_notional ÷ avg`); `stats.interval_volume` |
//! | POV target | as sent, ratio 0–1 | `pov_target` |
//! | fees, bps of notional | `total_fee ÷ executed_notional × 10 000` | `total_fee` (only when `fee_asset` is the quote asset or not given), `executed_notional` |
//! | duration used / planned | `finished − time_start` / `duration` | `updated_at` of a finished order (live: now), `time_start`, `duration` |
//! | schedule gap (live), ratio | `elapsed ÷ duration − filled` (clamped elapsed share 0–1); positive = behind | `time_start`, `duration`, `pct_filled` |
//! | summary slippage | `Σ(notionalᵢ × slippageᵢ) ÷ Σ notionalᵢ` over orders with both | `executed_notional`, slippage vs arrival |
//! | summary fees | `Σ total_fee` per fee asset | `total_fee`, `fee_asset` |

use std::collections::BTreeMap;

use jiff::Timestamp;
use rust_decimal::Decimal;

use crate::domain::{Order, Ratio, Side};
use crate::num;

/// +1 for a buy, −1 for a sell: multiplying `(price − reference)` by it makes a cost positive.
/// `None` for a side word the documents don't list (no sign, no figure).
pub fn cost_sign(side: &Side) -> Option<Decimal> {
    match side {
        Side::Buy => Some(Decimal::ONE),
        Side::Sell => Some(Decimal::NEGATIVE_ONE),
        Side::Other(_) => None,
    }
}

/// Slippage of an average fill price against a reference price, in basis points, positive =
/// cost: `s × (avg − reference) ÷ reference × 10 000` with `s` from [`cost_sign`]. `None` when
/// the side is unknown, the reference is zero or a step overflows.
pub fn slippage_bps(side: &Side, avg_price: Decimal, reference: Decimal) -> Option<Decimal> {
    num::mul(cost_sign(side)?, num::bps_vs(avg_price, reference)?)
}

/// Participation: executed quantity ÷ the market's volume over the order's interval, a ratio
/// 0–1 (both in the base asset). `None` when the volume is zero or negative.
pub fn participation(executed_base_qty: Decimal, interval_volume: Decimal) -> Option<Ratio> {
    if interval_volume <= Decimal::ZERO {
        return None;
    }
    num::div(executed_base_qty, interval_volume)
}

/// Fees in basis points of the executed notional: `fee ÷ notional × 10 000`. `None` when the
/// notional is zero or a step overflows.
pub fn fees_bps(fee: Decimal, notional: Decimal) -> Option<Decimal> {
    num::mul(num::div(fee, notional)?, Decimal::from(10_000))
}

/// How far an order is behind its schedule, a ratio (positive = behind, a cost): the share of
/// its planned duration elapsed at `now` (clamped to 0–1) minus the share filled. `None`
/// without a start, a positive duration or a fill ratio.
pub fn schedule_gap(
    now: Timestamp,
    time_start: Timestamp,
    duration_secs: i64,
    fill_ratio: Ratio,
) -> Option<Ratio> {
    if duration_secs <= 0 {
        return None;
    }
    let elapsed = now
        .duration_since(time_start)
        .as_secs()
        .clamp(0, duration_secs);
    let expected = num::div(Decimal::from(elapsed), Decimal::from(duration_secs))?;
    num::sub(expected, fill_ratio)
}

/// The asset the order's quantities are priced in (`sell_token` of a buy, `buy_token` of a
/// sell; else the part of `pair` after its last `-`).
fn quote_asset(o: &Order) -> Option<&str> {
    let by_side = match o.side {
        Side::Buy => o.sell_token.as_deref(),
        Side::Sell => o.buy_token.as_deref(),
        Side::Other(_) => None,
    };
    by_side.or_else(|| o.pair.rsplit_once('-').map(|(_, q)| q))
}

/// The asset the order trades (`buy_token` of a buy, `sell_token` of a sell; else the part of
/// `pair` before its last `-`).
fn base_asset(o: &Order) -> Option<&str> {
    let by_side = match o.side {
        Side::Buy => o.buy_token.as_deref(),
        Side::Sell => o.sell_token.as_deref(),
        Side::Other(_) => None,
    };
    by_side.or_else(|| o.pair.rsplit_once('-').map(|(b, _)| b))
}

fn same_asset(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// The executed quantity in the base asset: `executed_qty` when the order counts in the base
/// asset (`target_token` is the base, or not given), else `executed_notional ÷ avg price`.
pub fn executed_base_qty(o: &Order) -> Option<Decimal> {
    let in_base = match (o.target_token.as_deref(), base_asset(o)) {
        (None, _) => true,
        (Some(t), Some(b)) => same_asset(t, b),
        (Some(_), None) => false,
    };
    if in_base {
        return o.executed_qty;
    }
    let avg = o.avg_price.filter(|p| !p.is_zero())?;
    num::div(o.executed_notional?, avg)
}

/// The arrival price: the order's `arrival_price`, else `stats.arrival_price`.
pub fn arrival_price(o: &Order) -> Option<Decimal> {
    o.arrival_price
        .or_else(|| o.stats.as_ref().and_then(|s| s.arrival_price))
}

/// The transaction-cost figures of one order; each `None` where the venue gave too little.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tca {
    /// Arrival price, quote per base ([`arrival_price`]).
    pub arrival_price: Option<Decimal>,
    /// Slippage of the average fill price vs arrival, bps, positive = cost.
    pub slippage_arrival_bps: Option<Decimal>,
    /// Slippage of the average fill price vs the interval VWAP (`stats.vwap`), bps, positive =
    /// cost.
    pub slippage_vwap_bps: Option<Decimal>,
    /// Executed base quantity ÷ `stats.interval_volume`, ratio 0–1.
    pub participation: Option<Ratio>,
    /// `pov_target` as sent, ratio 0–1 (shown next to participation).
    pub pov_target: Option<Ratio>,
    /// `total_fee ÷ executed_notional × 10 000` when the fee is in the quote asset (or its
    /// asset is not given).
    pub fees_bps: Option<Decimal>,
    /// Seconds from `time_start` to the end (`updated_at` of a finished order, `now` of a live
    /// one); never negative.
    pub duration_used_secs: Option<i64>,
    /// `duration`, seconds.
    pub duration_planned_secs: Option<i64>,
    /// Live orders only: [`schedule_gap`], positive = behind schedule.
    pub schedule_gap: Option<Ratio>,
}

impl Tca {
    /// The figures of `o` at `now` (`now` only matters for a live order's used duration and
    /// schedule gap).
    pub fn of(o: &Order, now: Timestamp) -> Self {
        let stats = o.stats.as_deref();
        let avg = o.avg_price;
        let arrival = arrival_price(o);
        let vwap = stats.and_then(|s| s.interval_vwap);
        let slip = |reference: Option<Decimal>| {
            avg.zip(reference)
                .and_then(|(a, r)| slippage_bps(&o.side, a, r))
        };
        let participation = stats
            .and_then(|s| s.interval_volume)
            .zip(executed_base_qty(o))
            .and_then(|(v, q)| participation(q, v));
        let fee_in_quote = match (o.fee_asset.as_deref(), quote_asset(o)) {
            (None, _) => true,
            (Some(f), Some(q)) => same_asset(f, q),
            (Some(_), None) => false,
        };
        let fees_bps = o
            .total_fee
            .filter(|_| fee_in_quote)
            .zip(o.executed_notional)
            .and_then(|(f, n)| fees_bps(f, n));
        let finished = o.status.is_terminal();
        let end = if finished { o.updated_at } else { Some(now) };
        let duration_used_secs = o
            .time_start
            .zip(end)
            .map(|(s, e)| e.duration_since(s).as_secs().max(0));
        let schedule_gap = if finished {
            None
        } else {
            match (o.time_start, o.duration_secs, o.fill_ratio) {
                (Some(s), Some(d), Some(f)) => schedule_gap(now, s, d, f),
                _ => None,
            }
        };
        Tca {
            arrival_price: arrival,
            slippage_arrival_bps: slip(arrival),
            slippage_vwap_bps: slip(vwap),
            participation,
            pov_target: o.pov_target,
            fees_bps,
            duration_used_secs,
            duration_planned_secs: o.duration_secs,
            schedule_gap,
        }
    }
}

/// The summary line under the History table, over the filtered rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Orders summed.
    pub orders: usize,
    /// Notional-weighted average slippage vs arrival, bps: `Σ(nᵢ × sᵢ) ÷ Σ nᵢ` over the orders
    /// with both an executed notional `nᵢ` and a slippage `sᵢ`; `None` when none has both.
    pub weighted_slippage_arrival_bps: Option<Decimal>,
    /// Orders that entered the weighted average.
    pub weighted_orders: usize,
    /// `Σ total_fee` per fee asset (`""` where the venue gave no asset).
    pub fees: BTreeMap<String, Decimal>,
    /// Count by final status word (`COMPLETE`, `CANCELED`, `FAILED`, …).
    pub by_status: BTreeMap<String, usize>,
}

impl Summary {
    /// The summary of `orders` (a figure whose sum overflows is left out: `None` / missing).
    pub fn of<'a>(orders: impl IntoIterator<Item = &'a Order>) -> Self {
        let mut s = Summary::default();
        // Running sums; `None` once one overflowed.
        let mut weighted = Some(Decimal::ZERO);
        let mut notional = Some(Decimal::ZERO);
        let mut fee_overflow: Vec<String> = Vec::new();
        for o in orders {
            s.orders += 1;
            *s.by_status
                .entry(o.status.as_str().to_string())
                .or_default() += 1;
            let slip = o
                .avg_price
                .zip(arrival_price(o))
                .and_then(|(a, r)| slippage_bps(&o.side, a, r));
            if let (Some(n), Some(sl)) = (o.executed_notional.filter(|n| !n.is_zero()), slip) {
                weighted = weighted
                    .zip(num::mul(n, sl))
                    .and_then(|(w, x)| num::add(w, x));
                notional = notional.and_then(|t| num::add(t, n.abs()));
                s.weighted_orders += 1;
            }
            if let Some(fee) = o.total_fee {
                let asset = o.fee_asset.as_deref().unwrap_or_default().to_owned();
                let entry = s.fees.entry(asset.clone()).or_default();
                match num::add(*entry, fee) {
                    Some(t) => *entry = t,
                    None => fee_overflow.push(asset),
                }
            }
        }
        for asset in fee_overflow {
            s.fees.remove(&asset);
        }
        s.weighted_slippage_arrival_bps = weighted
            .zip(notional)
            .filter(|(_, n)| !n.is_zero())
            .and_then(|(w, n)| num::div(w, n));
        s
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly
    use super::*;
    use crate::domain::{ExecutionStats, OrderStatus};
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    /// A finished order: avg 101 against arrival 100 and VWAP 100.5.
    fn order(side: Side, avg: &str) -> Order {
        let mut o = Order::new("o1", "BTC-USDT", side, OrderStatus::Complete);
        o.avg_price = Some(d(avg));
        o.arrival_price = Some(d("100"));
        o.stats = Some(Box::new(ExecutionStats {
            arrival_price: Some(d("100")),
            interval_vwap: Some(d("100.5")),
            departure_price: Some(d("102")),
            interval_volume: Some(d("400")),
        }));
        o
    }

    #[test]
    fn buy_above_arrival_is_a_cost() {
        // (101 − 100) ÷ 100 × 10 000 = +100 bps; vs VWAP (101 − 100.5) ÷ 100.5 × 10 000.
        assert_eq!(slippage_bps(&Side::Buy, d("101"), d("100")), Some(d("100")));
        assert_eq!(
            slippage_bps(&Side::Buy, d("99.5"), d("100")),
            Some(d("-50"))
        );
        let t = Tca::of(&order(Side::Buy, "101"), ts("2026-01-01T00:00:00Z"));
        assert_eq!(t.slippage_arrival_bps, Some(d("100")));
        assert_eq!(
            t.slippage_vwap_bps.map(|x| x.round_dp(4)),
            Some(d("49.7512"))
        );
    }

    #[test]
    fn sell_below_arrival_is_a_cost() {
        // Sold at 99 against 100: −(99 − 100) ÷ 100 × 10 000 = +100 bps (a cost).
        assert_eq!(slippage_bps(&Side::Sell, d("99"), d("100")), Some(d("100")));
        // Sold above arrival: a gain, negative.
        assert_eq!(
            slippage_bps(&Side::Sell, d("100.25"), d("100")),
            Some(d("-25"))
        );
        let t = Tca::of(&order(Side::Sell, "99"), ts("2026-01-01T00:00:00Z"));
        assert_eq!(t.slippage_arrival_bps, Some(d("100")));
        // −(99 − 100.5) ÷ 100.5 × 10 000 = +149.2537…
        assert_eq!(
            t.slippage_vwap_bps.map(|x| x.round_dp(4)),
            Some(d("149.2537"))
        );
    }

    #[test]
    fn unknown_side_or_missing_reference_gives_no_figure() {
        assert_eq!(slippage_bps(&Side::Other("x".into()), d("1"), d("1")), None);
        assert_eq!(slippage_bps(&Side::Buy, d("1"), Decimal::ZERO), None);
        let mut o = order(Side::Buy, "101");
        o.arrival_price = None;
        o.stats = None;
        let t = Tca::of(&o, ts("2026-01-01T00:00:00Z"));
        assert_eq!(t.slippage_arrival_bps, None);
        assert_eq!(t.slippage_vwap_bps, None);
        assert_eq!(t.participation, None);
        // Arrival only in `stats`: still used.
        let mut o = order(Side::Buy, "101");
        o.arrival_price = None;
        assert_eq!(arrival_price(&o), Some(d("100")));
    }

    #[test]
    fn participation_is_executed_over_interval_volume() {
        assert_eq!(participation(d("10"), d("400")), Some(d("0.025")));
        assert_eq!(participation(d("10"), Decimal::ZERO), None);
        let mut o = order(Side::Buy, "101");
        o.executed_qty = Some(d("10"));
        o.target_token = Some("BTC".into());
        o.pov_target = Some(d("0.05"));
        let t = Tca::of(&o, ts("2026-01-01T00:00:00Z"));
        assert_eq!(t.participation, Some(d("0.025")));
        assert_eq!(t.pov_target, Some(d("0.05")));
        // Sized in the quote asset: base qty = notional ÷ avg = 1010 ÷ 101 = 10.
        o.target_token = Some("USDT".into());
        o.executed_qty = Some(d("1010"));
        o.executed_notional = Some(d("1010"));
        assert_eq!(executed_base_qty(&o), Some(d("10")));
        assert_eq!(
            Tca::of(&o, ts("2026-01-01T00:00:00Z")).participation,
            Some(d("0.025"))
        );
    }

    #[test]
    fn fees_in_bps_of_notional_only_in_quote() {
        assert_eq!(fees_bps(d("2.50"), d("2500.00")), Some(d("10")));
        assert_eq!(fees_bps(d("1"), Decimal::ZERO), None);
        let mut o = order(Side::Buy, "101");
        o.total_fee = Some(d("2.50"));
        o.executed_notional = Some(d("2500.00"));
        assert_eq!(
            Tca::of(&o, ts("2026-01-01T00:00:00Z")).fees_bps,
            Some(d("10"))
        );
        o.fee_asset = Some("usdt".into());
        assert_eq!(
            Tca::of(&o, ts("2026-01-01T00:00:00Z")).fees_bps,
            Some(d("10"))
        );
        // A fee charged in BNB is not a fraction of a USDT notional.
        o.fee_asset = Some("BNB".into());
        assert_eq!(Tca::of(&o, ts("2026-01-01T00:00:00Z")).fees_bps, None);
    }

    #[test]
    fn durations_and_schedule_gap() {
        let mut o = order(Side::Buy, "101");
        o.time_start = Some(ts("2026-01-01T10:00:00Z"));
        o.updated_at = Some(ts("2026-01-01T10:45:00Z"));
        o.duration_secs = Some(3600);
        let t = Tca::of(&o, ts("2026-01-01T12:00:00Z"));
        assert_eq!(t.duration_used_secs, Some(2700));
        assert_eq!(t.duration_planned_secs, Some(3600));
        assert_eq!(t.schedule_gap, None, "finished orders have no schedule");
        // Live: half the time gone, 30 % filled → 20 % behind (positive = cost).
        o.status = OrderStatus::Active;
        o.fill_ratio = Some(d("0.3"));
        let t = Tca::of(&o, ts("2026-01-01T10:30:00Z"));
        assert_eq!(t.duration_used_secs, Some(1800));
        assert_eq!(t.schedule_gap, Some(d("0.2")));
        // Ahead of schedule is negative.
        o.fill_ratio = Some(d("0.75"));
        assert_eq!(
            Tca::of(&o, ts("2026-01-01T10:30:00Z")).schedule_gap,
            Some(d("-0.25"))
        );
        // Past its end: the expected share stays 1.
        assert_eq!(
            schedule_gap(
                ts("2026-01-01T13:00:00Z"),
                ts("2026-01-01T10:00:00Z"),
                3600,
                d("0.9")
            ),
            Some(d("0.1"))
        );
        assert_eq!(
            schedule_gap(
                ts("2026-01-01T13:00:00Z"),
                ts("2026-01-01T10:00:00Z"),
                0,
                d("0.9")
            ),
            None
        );
    }

    #[test]
    fn summary_weights_slippage_by_notional() {
        // Buy: +100 bps on 1000; sell: −(99.5 − 100) = +50 bps on 3000;
        // (1000 × 100 + 3000 × 50) ÷ 4000 = 62.5 bps. An order without arrival is counted
        // but not weighted.
        let mut a = order(Side::Buy, "101");
        a.executed_notional = Some(d("1000"));
        a.total_fee = Some(d("1.5"));
        a.fee_asset = Some("USDT".into());
        let mut b = order(Side::Sell, "99.5");
        b.executed_notional = Some(d("3000"));
        b.status = OrderStatus::Canceled;
        b.total_fee = Some(d("2.25"));
        b.fee_asset = Some("USDT".into());
        let mut c = order(Side::Buy, "50");
        c.arrival_price = None;
        c.stats = None;
        c.executed_notional = Some(d("1000000"));
        c.status = OrderStatus::Failed;
        let s = Summary::of([&a, &b, &c]);
        assert_eq!(s.orders, 3);
        assert_eq!(s.weighted_orders, 2);
        assert_eq!(s.weighted_slippage_arrival_bps, Some(d("62.5")));
        assert_eq!(s.fees.get("USDT"), Some(&d("3.75")));
        assert_eq!(s.by_status.get("COMPLETE"), Some(&1));
        assert_eq!(s.by_status.get("CANCELED"), Some(&1));
        assert_eq!(s.by_status.get("FAILED"), Some(&1));
        // Nothing weighable: no number.
        assert_eq!(Summary::of([&c]).weighted_slippage_arrival_bps, None);
        assert_eq!(Summary::of([]), Summary::default());
    }
}
