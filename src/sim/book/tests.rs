//! Unit tests of the simulated book: determinism for a seed, the seeded cases, progression, the
//! all-day bound and the action rules.

use super::*;

fn t0() -> Timestamp {
    Timestamp::UNIX_EPOCH
        .checked_add(SignedDuration::from_secs(1_700_000_000))
        .unwrap_or(Timestamp::UNIX_EPOCH)
}

fn run(seed: u64, steps: u32) -> Vec<(String, String, String)> {
    let mut b = Book::seeded(seed, t0());
    for _ in 0..steps {
        b.step(t0());
    }
    b.orders
        .iter()
        .map(|o| (o.id.clone(), o.status.clone(), o.executed_qty.to_string()))
        .collect()
}

#[test]
fn deterministic_for_a_seed() {
    assert_eq!(run(7, 20), run(7, 20));
    assert_ne!(run(7, 20), run(8, 20));
}

#[test]
fn seeded_book_has_the_promised_cases() {
    let b = Book::seeded(7, t0());
    assert!(b.orders.iter().any(|o| o.status == "PAUSED"));
    assert!(b.orders.iter().any(|o| o.status == "SCHEDULED"));
    assert!(
        b.orders
            .iter()
            .any(|o| o.id == "7fecb061-725b-5477-c84c-8e8685ge0f26")
    );
    assert!(b.orders.iter().any(|o| o.limit.is_none()));
    assert!(b.orders.iter().any(|o| o.quote_sized));
    assert_eq!(b.multis.len(), 2);
    assert!(b.orders.len() >= 12);
}

#[test]
fn progression_fills_fails_and_completes() {
    let mut b = Book::seeded(7, t0());
    for _ in 0..400 {
        b.step(t0());
    }
    assert!(
        b.orders
            .iter()
            .any(|o| o.status == "FAILED" && !o.failure_reason.is_empty())
    );
    assert!(b.orders.iter().any(|o| o.status == "COMPLETE"));
    assert!(
        b.placements
            .iter()
            .any(|p| p.status == "FAILED" && !p.failure_reason.is_empty())
    );
    assert!(b.orders.iter().all(|o| o.executed_qty <= o.target_qty));
}

#[test]
fn an_all_day_demo_stays_bounded() {
    let mut b = Book::seeded(7, t0());
    for _ in 0..3_000 {
        b.step(t0());
    }
    assert!(b.messages.len() <= 5_000 + 64 * 20);
    assert!(b.orders.iter().filter(|o| !o.is_open()).count() <= 500 + 64);
    assert!(b.placements.len() <= 200 * (b.orders.len() + 1));
    assert!(b.orders.iter().filter(|o| o.is_open()).count() >= 8);
}

#[test]
fn action_rules() {
    let mut b = Book::seeded(7, t0());
    let active = b
        .orders
        .iter()
        .find(|o| o.status == "ACTIVE" && o.parent.is_none())
        .map(|o| o.id.clone())
        .unwrap_or_default();
    assert!(b.pause(&active, t0()).is_ok());
    assert_eq!(
        b.pause(&active, t0()).err().map(|r| r.error),
        Some("Order is not running.".into())
    );
    assert!(b.resume(&active, t0()).is_ok());
    assert_eq!(
        b.resume(&active, t0()).err().map(|r| r.error),
        Some("Order is not paused.".into())
    );
    assert_eq!(b.cancel(&active, t0()).map(|c| c.1), Ok("Order canceled!"));
    assert_eq!(
        b.cancel(&active, t0()).map(|c| c.1),
        Ok("Order already canceled!")
    );
    assert_eq!(b.cancel("nope", t0()).err().map(|r| r.status), Some(404));
}

#[test]
fn orders_finish_with_the_market_around_them() {
    let mut b = Book::seeded(7, t0());
    // Seeded finished orders: the History tab has rows from the start, with every figure.
    let finished: Vec<&SimOrder> = b.orders.iter().filter(|o| !o.is_open()).collect();
    assert_eq!(finished.len(), 6);
    assert!(finished.iter().all(|o| o.arrival.is_some()
        && o.departure.is_some()
        && o.market_volume > o.executed_base));
    for _ in 0..600 {
        b.step(t0());
    }
    let done = |status: &str| {
        b.orders
            .iter()
            .filter(|o| o.status == status && o.market_volume > Decimal::ZERO)
            .count()
    };
    // Over ten demo minutes the book completes, fails and cancels orders, each with its
    // arrival, departure and the market's volume (participation below 100 %).
    assert!(done("COMPLETE") > 6, "{}", done("COMPLETE"));
    assert!(done("FAILED") >= 2);
    assert!(done("CANCELED") >= 2, "{}", done("CANCELED"));
    for o in b
        .orders
        .iter()
        .filter(|o| !o.is_open() && !o.executed_base.is_zero())
    {
        assert!(o.arrival.is_some(), "{}", o.id);
        assert!(o.market_volume > o.executed_base, "{}", o.id);
        let vwap = o.market_notional / o.market_volume;
        let avg = o.executed_notional / o.executed_base;
        // The interval VWAP is near the fills (within 1 %), not equal to a made-up number.
        assert!(
            ((vwap - avg) / avg).abs() < d("0.01"),
            "{} {vwap} {avg}",
            o.id
        );
    }
}
