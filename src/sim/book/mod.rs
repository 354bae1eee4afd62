//! The simulated venue's order book: orders, multi-orders, placements and messages, and how
//! they progress step by step. Pure and deterministic for a seed: which orders fill by how much
//! depends only on the seed and the step count (timestamps are wall-clock, for a live demo).
//!
//! Here: the state (orders, multi-orders, placements, messages) and the seeded starting book;
//! `step.rs`: its time evolution; `actions.rs`: the endpoints' actions and their refusals.

use std::str::FromStr;

use jiff::{SignedDuration, Timestamp};
use rust_decimal::Decimal;

/// One simulated single-leg order (internal model; rendered to the wire by `json`).
#[derive(Debug, Clone)]
pub struct SimOrder {
    pub id: String,
    pub custom_order_id: String,
    pub parent: Option<String>,
    pub base: String,
    pub quote: String,
    pub perp: bool,
    pub side: &'static str,
    pub strategy: &'static str,
    pub status: String,
    /// Target quantity in the target token.
    pub target_qty: Decimal,
    /// True when the order was sized in the quote asset (target token is the quote).
    pub quote_sized: bool,
    /// Executed quantity in the target token.
    pub executed_qty: Decimal,
    /// Executed base quantity.
    pub executed_base: Decimal,
    pub executed_notional: Decimal,
    pub total_fee: Decimal,
    pub limit: Option<Decimal>,
    pub account: &'static str,
    pub exchange: &'static str,
    pub duration: i64,
    pub pov_target: Option<Decimal>,
    pub time_start: Timestamp,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub notes: String,
    pub failure_reason: String,
    /// Step at which this order fails (simulated insufficient balance).
    pub fail_at: Option<u64>,
    /// Step at which a SCHEDULED order starts.
    pub start_at: Option<u64>,
    /// Market mid when the order started (`arrival_price`, served from the start; a SCHEDULED
    /// order's is replaced when it starts).
    pub arrival: Option<Decimal>,
    /// Market mid when the order finished (`departure_price`), once finished.
    pub departure: Option<Decimal>,
    /// Market volume over the order's life so far, base asset (`interval_volume`).
    pub market_volume: Decimal,
    /// Market notional over the order's life so far, quote asset (`vwap` = notional ÷ volume).
    pub market_notional: Decimal,
}

impl SimOrder {
    /// `BASE-QUOTE` or `BASE:PERP-QUOTE`.
    pub fn pair(&self) -> String {
        if self.perp {
            format!("{}:PERP-{}", self.base, self.quote)
        } else {
            format!("{}-{}", self.base, self.quote)
        }
    }

    /// The token target/executed quantities are measured in.
    pub fn target_token(&self) -> String {
        if self.quote_sized {
            self.quote.clone()
        } else if self.perp {
            format!("{}:PERP", self.base)
        } else {
            self.base.clone()
        }
    }

    /// ACTIVE, PAUSED or SCHEDULED: listed by `/api/active_orders/`.
    pub fn is_open(&self) -> bool {
        matches!(self.status.as_str(), "ACTIVE" | "PAUSED" | "SCHEDULED")
    }

    /// Average executed price (quote per base), if anything filled.
    pub fn avg_price(&self) -> Option<Decimal> {
        if self.executed_base.is_zero() {
            None
        } else {
            Some((self.executed_notional / self.executed_base).round_dp(2))
        }
    }
}

/// A multi-order grouping child orders.
#[derive(Debug, Clone)]
pub struct SimMulti {
    pub id: String,
    pub custom_order_id: String,
    pub children: Vec<String>,
    pub strategy: &'static str,
    pub status: String,
    pub paused: bool,
    pub duration: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A placement sent to an exchange for an order.
#[derive(Debug, Clone)]
pub struct SimPlacement {
    pub id: String,
    pub order_id: String,
    pub exchange: &'static str,
    pub placement_type: &'static str,
    pub qty: Decimal,
    pub executed_qty: Decimal,
    pub price: Option<Decimal>,
    /// Price the placement filled at (for fills; `price` is the limit, none for TAKE).
    pub fill_price: Option<Decimal>,
    pub status: &'static str,
    pub failure_reason: String,
    pub external_id: String,
    pub created_at: Timestamp,
}

/// An order message (`/api/order_errors/`).
#[derive(Debug, Clone)]
pub struct SimMessage {
    pub order_id: String,
    pub message_type: &'static str,
    pub message: String,
    pub created_at: Timestamp,
}

/// Above this many orders, a step moves only [`BUSY_PER_STEP`] random orders.
const LARGE_BOOK: usize = 200;
/// Orders moved per step in a large book.
const BUSY_PER_STEP: usize = 200;

/// What changed in a step or an action, for the WebSocket: (order id, update type).
pub type Changes = Vec<(String, &'static str)>;

/// The whole simulated book.
#[derive(Debug, Clone)]
pub struct Book {
    pub orders: Vec<SimOrder>,
    pub multis: Vec<SimMulti>,
    pub placements: Vec<SimPlacement>,
    pub messages: Vec<SimMessage>,
    pub step: u64,
    rng: fastrand::Rng,
    mids: Vec<(&'static str, Decimal)>,
    /// The mids before the last step's move (the market trades between the two).
    prev_mids: Vec<Decimal>,
    /// Draws for what the History tab shows (finished orders, cancels), apart from `rng` so
    /// the seeded book and its progression stay what they were.
    history_rng: fastrand::Rng,
    next_id: u64,
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_default()
}

const PAIRS: [(&str, &str, bool, &str); 5] = [
    ("BTC", "USDT", false, "97012.50"),
    ("ETH", "USDT", false, "3401.25"),
    ("SOL", "USDT", false, "241.80"),
    ("BTC", "USDT", true, "97050.00"),
    ("ETH", "USDT", true, "3403.10"),
];
const ACCOUNTS: [(&str, &str); 3] = [
    ("binance_main", "Binance"),
    ("okx_main", "OKX"),
    ("bybit_perp", "Bybit"),
];

/// One seeded finished order: pair, side, strategy, quantity, duration (s), ended minutes ago,
/// status, fraction filled, slippage vs arrival in bps as the venue would see it (positive =
/// cost).
type FinishedPlan = (
    usize,
    &'static str,
    &'static str,
    &'static str,
    i64,
    i64,
    &'static str,
    &'static str,
    i64,
);

impl Book {
    /// The seeded starting book: a dozen orders across TWAP/VWAP/POV/Limit, one paused, one
    /// scheduled, one that will fail, one with no limit, one quote-sized, one with an id that
    /// is not a valid UUID, and two multi-orders with two legs each.
    pub fn seeded(seed: u64, now: Timestamp) -> Self {
        let mut b = Book {
            orders: Vec::new(),
            multis: Vec::new(),
            placements: Vec::new(),
            messages: Vec::new(),
            step: 0,
            rng: fastrand::Rng::with_seed(seed),
            mids: PAIRS.iter().map(|p| (p.0, d(p.3))).collect(),
            prev_mids: PAIRS.iter().map(|p| d(p.3)).collect(),
            history_rng: fastrand::Rng::with_seed(seed ^ 0x4849_5354_4f52_5921),
            next_id: 0,
        };
        let plan: [(usize, &str, &str, &str, i64, usize); 10] = [
            (0, "buy", "TWAP", "0.50000000", 3600, 0),
            (1, "sell", "VWAP", "12.5", 2700, 1),
            (2, "buy", "POV", "150", 5400, 0),
            (3, "sell", "TWAP", "1.25", 1800, 2),
            (1, "buy", "Limit", "4.0", 1200, 1),
            (4, "buy", "TWAP", "20", 3600, 2),
            (0, "sell", "VWAP", "0.75", 2400, 0),
            (2, "sell", "TWAP", "300", 900, 1),
            (0, "buy", "TWAP", "25000.00", 3600, 0),
            (1, "sell", "POV", "8", 3000, 1),
        ];
        for (i, (pair, side, strat, qty, dur, acct)) in plan.into_iter().enumerate() {
            let mut o = b.new_order(pair, side, strat, d(qty), dur, acct, now);
            let age = SignedDuration::from_secs(60 * (12 - i as i64));
            o.created_at = now.checked_sub(age).unwrap_or(now);
            o.time_start = o.created_at;
            match i {
                1 => o.status = "PAUSED".into(),
                3 => {
                    o.status = "SCHEDULED".into();
                    o.start_at = Some(4);
                }
                5 => o.fail_at = Some(6),
                6 => o.limit = None,
                7 => o.id = "7fecb061-725b-5477-c84c-8e8685ge0f26".into(),
                8 => {
                    o.quote_sized = true;
                    o.notes = "Quote-sized buy: 25000 USDT of BTC".into();
                }
                _ => {}
            }
            if i == 1 {
                // Paused part-way through.
                b.fill(&mut o, d("0.3"), now);
            }
            b.orders.push(o);
        }
        for (m, legs) in [
            (0usize, [(0usize, "buy"), (3, "sell")]),
            (1, [(1, "buy"), (4, "sell")]),
        ] {
            let mid = b.fresh_id();
            let mut children = Vec::new();
            for (pair, side) in legs {
                let qty = if pair == 0 || pair == 3 {
                    "0.40"
                } else {
                    "6.0"
                };
                let mut o = b.new_order(pair, side, "TWAP", d(qty), 1800, 2 - m, now);
                o.parent = Some(mid.clone());
                o.created_at = now
                    .checked_sub(SignedDuration::from_secs(900 + 60 * m as i64))
                    .unwrap_or(now);
                o.time_start = o.created_at;
                children.push(o.id.clone());
                b.orders.push(o);
            }
            b.multis.push(SimMulti {
                id: mid,
                custom_order_id: format!("spread_{}", m + 1),
                children,
                strategy: "TWAP",
                status: "ACTIVE".into(),
                paused: false,
                duration: 1800,
                created_at: now
                    .checked_sub(SignedDuration::from_secs(900 + 60 * m as i64))
                    .unwrap_or(now),
                updated_at: now,
            });
        }
        for o in b.orders.clone() {
            b.message(&o.id, "INFO", "Generating execution schedule", o.created_at);
        }
        b.seed_finished(now);
        b
    }

    /// Orders that finished earlier (complete, canceled, failed), with the figures the venue
    /// fills in on completion, so the History tab has rows from the start. Their ids and
    /// prices come from `history_rng`: the rest of the seeded book is unchanged.
    fn seed_finished(&mut self, now: Timestamp) {
        let plan: [FinishedPlan; 6] = [
            (0, "buy", "TWAP", "0.40", 1800, 6, "COMPLETE", "1", 4),
            (1, "sell", "VWAP", "10.0", 2700, 14, "COMPLETE", "1", -3),
            (2, "buy", "POV", "200", 1200, 22, "CANCELED", "0.45", 7),
            (3, "sell", "TWAP", "0.80", 900, 31, "COMPLETE", "1", 12),
            (4, "buy", "Limit", "5.0", 600, 38, "FAILED", "0.10", 2),
            (1, "buy", "TWAP", "6.0", 1800, 47, "COMPLETE", "1", -1),
        ];
        for (n, (pair, side, strat, qty, dur, ago, status, filled, slip)) in
            plan.into_iter().enumerate()
        {
            let (base, quote, perp, mid) = PAIRS[pair];
            let arrival = d(mid);
            let sign = if side == "buy" { 1 } else { -1 };
            let bps = |b: i64| Decimal::from(b) / Decimal::from(10_000);
            let avg = (arrival * (Decimal::ONE + bps(sign * slip))).round_dp(2);
            let vwap_drift = self.history_rng.i64(-6..=6);
            let vwap = (arrival * (Decimal::ONE + bps(sign * slip + vwap_drift))).round_dp(2);
            let departure =
                (arrival * (Decimal::ONE + bps(self.history_rng.i64(-25..=25)))).round_dp(2);
            let target = d(qty);
            let executed = (target * d(filled)).round_dp(8).normalize();
            let notional = (executed * avg).round_dp(2);
            let participation = Decimal::from(self.history_rng.u32(3..=12)) / Decimal::from(100);
            let volume = (executed / participation).round_dp(4);
            let ended = now
                .checked_sub(SignedDuration::from_mins(ago))
                .unwrap_or(now);
            // A finished order ran for (a share of) its duration before it ended.
            let ran = if status == "COMPLETE" { dur } else { dur / 3 };
            let start = ended
                .checked_sub(SignedDuration::from_secs(ran))
                .unwrap_or(ended);
            let (acct, exch) = ACCOUNTS[n % ACCOUNTS.len()];
            let r = self.history_rng.u64(..);
            self.orders.push(SimOrder {
                id: format!(
                    "{:08x}-{:04x}-4{:03x}-9{:03x}-{:012x}",
                    (r >> 32) as u32,
                    (r >> 16) as u16,
                    n,
                    (r >> 4) & 0xfff,
                    r & 0xffff_ffff_ffff
                ),
                custom_order_id: String::new(),
                parent: None,
                base: base.into(),
                quote: quote.into(),
                perp,
                side,
                strategy: strat,
                status: status.into(),
                target_qty: target,
                quote_sized: false,
                executed_qty: executed,
                executed_base: executed,
                executed_notional: notional,
                total_fee: (notional * d("0.0004")).round_dp(4),
                limit: None,
                account: acct,
                exchange: exch,
                duration: dur,
                pov_target: (strat == "POV").then(|| d("0.10")),
                time_start: start,
                created_at: start,
                updated_at: ended,
                notes: String::new(),
                failure_reason: if status == "FAILED" {
                    "Insufficient balance for order execution".into()
                } else {
                    String::new()
                },
                fail_at: None,
                start_at: None,
                arrival: Some(arrival),
                departure: Some(departure),
                market_volume: volume,
                market_notional: (volume * vwap).round_dp(2),
            });
        }
    }

    fn fresh_id(&mut self) -> String {
        self.next_id += 1;
        let r = self.rng.u64(..);
        format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            (r >> 32) as u32,
            (r >> 16) as u16,
            self.next_id & 0xfff,
            (r >> 4) & 0xfff,
            r & 0xffff_ffff_ffff
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn new_order(
        &mut self,
        pair: usize,
        side: &'static str,
        strategy: &'static str,
        qty: Decimal,
        duration: i64,
        account: usize,
        now: Timestamp,
    ) -> SimOrder {
        let (base, quote, perp, _) = PAIRS[pair % PAIRS.len()];
        let mid = self.mids[pair % PAIRS.len()].1;
        let offset = if side == "buy" { d("1.02") } else { d("0.98") };
        let (acct, exch) = ACCOUNTS[account % ACCOUNTS.len()];
        let id = self.fresh_id();
        SimOrder {
            custom_order_id: if self.next_id.is_multiple_of(3) {
                format!("desk-{}", self.next_id)
            } else {
                String::new()
            },
            id,
            parent: None,
            base: base.into(),
            quote: quote.into(),
            perp,
            side,
            strategy,
            status: "ACTIVE".into(),
            target_qty: qty,
            quote_sized: false,
            executed_qty: Decimal::ZERO,
            executed_base: Decimal::ZERO,
            executed_notional: Decimal::ZERO,
            total_fee: Decimal::ZERO,
            limit: Some((mid * offset).round_dp(2)),
            account: acct,
            exchange: exch,
            duration,
            pov_target: (strategy == "POV").then(|| d("0.10")),
            time_start: now,
            created_at: now,
            updated_at: now,
            notes: String::new(),
            failure_reason: String::new(),
            fail_at: None,
            start_at: None,
            arrival: Some(mid),
            departure: None,
            market_volume: Decimal::ZERO,
            market_notional: Decimal::ZERO,
        }
    }
}

mod actions;
mod step;
#[cfg(test)]
mod tests;

pub use actions::{Amend, Bulk, Reject};
