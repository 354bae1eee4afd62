//! The simulated venue's order book: orders, multi-orders, placements and messages, and how
//! they progress step by step. Pure and deterministic for a seed: which orders fill by how much
//! depends only on the seed and the step count (timestamps are wall-clock, for a live demo).

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
        b
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
        }
    }

    fn mid(&self, o: &SimOrder) -> Decimal {
        let i = PAIRS
            .iter()
            .position(|p| p.0 == o.base && p.2 == o.perp)
            .unwrap_or(0);
        self.mids[i].1
    }

    /// Fills `fraction` (0–1) of the order's target at the current mid, recording a placement.
    fn fill(&mut self, o: &mut SimOrder, fraction: Decimal, now: Timestamp) {
        let remaining = o.target_qty - o.executed_qty;
        let dp = (o.target_qty.scale() + 2).clamp(2, 8);
        let slice = (o.target_qty * fraction)
            .round_dp(dp)
            .normalize()
            .min(remaining);
        if slice <= Decimal::ZERO {
            return;
        }
        let price = self.mid(o);
        let (base_qty, notional) = if o.quote_sized {
            ((slice / price).round_dp(8).normalize(), slice)
        } else {
            (slice, (slice * price).round_dp(2))
        };
        o.executed_qty += slice;
        o.executed_base += base_qty;
        o.executed_notional += notional;
        o.total_fee += (notional * d("0.0004")).round_dp(4);
        o.updated_at = now;
        let make = self.rng.bool();
        let pid = self.fresh_id();
        self.placements.push(SimPlacement {
            id: pid,
            order_id: o.id.clone(),
            exchange: o.exchange,
            placement_type: if make { "MAKE" } else { "TAKE" },
            qty: base_qty,
            executed_qty: base_qty,
            price: make.then_some(price),
            fill_price: Some(price),
            status: "FILLED",
            failure_reason: String::new(),
            external_id: format!("{}", 10_000_000 + self.rng.u32(..9_000_000)),
            created_at: now,
        });
    }

    fn message(&mut self, order_id: &str, kind: &'static str, text: &str, at: Timestamp) {
        self.messages.push(SimMessage {
            order_id: order_id.into(),
            message_type: kind,
            message: text.into(),
            created_at: at,
        });
    }

    /// One simulation step at wall time `now`: prices move, working orders fill, some
    /// placements fail, scheduled orders start, one order fails, filled orders complete, and new
    /// orders arrive when fewer than 8 are open.
    pub fn step(&mut self, now: Timestamp) -> Changes {
        self.step += 1;
        let mut changes = Vec::new();
        for i in 0..self.mids.len() {
            let bps = Decimal::from(self.rng.i64(-15..=15)) / Decimal::from(10_000);
            let m = self.mids[i].1;
            self.mids[i].1 = (m + m * bps).round_dp(2);
        }
        let mut orders = std::mem::take(&mut self.orders);
        // A large book (`--orders N`) moves a random subset per step, like a busy desk;
        // the small demo book moves every order.
        let n = orders.len();
        let picked: Vec<usize> = if n > LARGE_BOOK {
            (0..BUSY_PER_STEP).map(|_| self.rng.usize(0..n)).collect()
        } else {
            (0..n).collect()
        };
        for i in picked {
            let o = &mut orders[i];
            match o.status.as_str() {
                "SCHEDULED" if o.start_at.is_some_and(|s| self.step >= s) => {
                    o.status = "ACTIVE".into();
                    o.time_start = now;
                    o.updated_at = now;
                    self.message(&o.id, "INFO", "Order activated: schedule started", now);
                    changes.push((o.id.clone(), "order_activated"));
                }
                "ACTIVE" if o.fail_at.is_some_and(|f| self.step >= f) => {
                    o.status = "FAILED".into();
                    o.failure_reason = "Insufficient balance".into();
                    o.updated_at = now;
                    self.message(
                        &o.id,
                        "ERROR",
                        "Failed to place order on exchange: insufficient balance",
                        now,
                    );
                    changes.push((o.id.clone(), "order_failed"));
                }
                "ACTIVE" => {
                    // Demo pace: about 10× real time (a 30-minute order completes in ~3 minutes
                    // of 1 s steps), with ±50% noise.
                    let pct =
                        Decimal::from(self.rng.u32(5..=15)) / Decimal::from(o.duration.max(60));
                    let roll = self.rng.u32(0..100);
                    if roll < 4 {
                        self.failed_placement(o, now);
                        changes.push((o.id.clone(), "placement_failed"));
                    } else if roll < 6 {
                        self.message(
                            &o.id,
                            "WARN",
                            "Order partially filled due to market conditions",
                            now,
                        );
                    }
                    self.fill(o, pct, now);
                    if o.executed_qty >= o.target_qty {
                        o.status = "COMPLETE".into();
                        self.message(&o.id, "INFO", "Order execution completed", now);
                        changes.push((o.id.clone(), "order_completed"));
                    } else {
                        changes.push((o.id.clone(), "fill_received"));
                    }
                }
                _ => {}
            }
        }
        self.orders = orders;
        self.refresh_multis(now);
        if self.step.is_multiple_of(64) {
            self.prune();
        }
        let open = self
            .orders
            .iter()
            .filter(|o| o.is_open() && o.parent.is_none())
            .count();
        if open < 8 {
            let pair = self.rng.usize(0..PAIRS.len());
            let side = if self.rng.bool() { "buy" } else { "sell" };
            let strat = ["TWAP", "VWAP", "POV", "Limit"][self.rng.usize(0..4)];
            let qty = match pair {
                0 | 3 => "0.25",
                1 | 4 => "5.0",
                _ => "120",
            };
            let acct = self.rng.usize(0..ACCOUNTS.len());
            let o = self.new_order(pair, side, strat, d(qty), 1800, acct, now);
            self.message(&o.id, "INFO", "Generating execution schedule", now);
            changes.push((o.id.clone(), "order_created"));
            self.orders.push(o);
        }
        changes
    }

    /// Bounds memory for an all-day demo: newest placements per order, newest messages, and
    /// only the most recent finished orders are kept.
    fn prune(&mut self) {
        const PLACEMENTS_PER_ORDER: usize = 200;
        const MESSAGES: usize = 5_000;
        const FINISHED_ORDERS: usize = 500;
        if self.placements.len() > PLACEMENTS_PER_ORDER * 4 {
            let mut seen: std::collections::HashMap<&str, usize> = Default::default();
            let mut keep = vec![false; self.placements.len()];
            for (i, p) in self.placements.iter().enumerate().rev() {
                let n = seen.entry(p.order_id.as_str()).or_default();
                *n += 1;
                keep[i] = *n <= PLACEMENTS_PER_ORDER;
            }
            let mut k = keep.into_iter();
            self.placements.retain(|_| k.next().unwrap_or(true));
        }
        if self.messages.len() > MESSAGES {
            let extra = self.messages.len() - MESSAGES;
            self.messages.drain(..extra);
        }
        let finished = self.orders.iter().filter(|o| !o.is_open()).count();
        if finished > FINISHED_ORDERS {
            let mut drop = finished - FINISHED_ORDERS;
            let in_multi: std::collections::HashSet<String> = self
                .multis
                .iter()
                .flat_map(|m| m.children.iter().cloned())
                .collect();
            self.orders.retain(|o| {
                if drop > 0 && !o.is_open() && !in_multi.contains(&o.id) {
                    drop -= 1;
                    false
                } else {
                    true
                }
            });
        }
    }

    fn failed_placement(&mut self, o: &SimOrder, now: Timestamp) {
        let reasons = [
            "MIN_AMOUNT",
            "Insufficient margin",
            "Post-only order would cross",
        ];
        let reason = reasons[self.rng.usize(0..reasons.len())];
        let pid = self.fresh_id();
        self.placements.push(SimPlacement {
            id: pid,
            order_id: o.id.clone(),
            exchange: o.exchange,
            placement_type: "MAKE",
            qty: (o.target_qty * d("0.01")).round_dp(8),
            executed_qty: Decimal::ZERO,
            price: Some(self.mid(o)),
            fill_price: None,
            status: "FAILED",
            failure_reason: reason.into(),
            external_id: String::new(),
            created_at: now,
        });
    }

    fn refresh_multis(&mut self, now: Timestamp) {
        for m in &mut self.multis {
            let kids: Vec<&SimOrder> = self
                .orders
                .iter()
                .filter(|o| m.children.contains(&o.id))
                .collect();
            if m.status == "CANCELED" {
                continue;
            }
            if !kids.is_empty() && kids.iter().all(|k| !k.is_open()) {
                if m.status != "COMPLETE" {
                    m.status = "COMPLETE".into();
                    m.updated_at = now;
                }
            } else if kids.iter().any(|k| k.updated_at == now) {
                m.updated_at = now;
            }
        }
    }

    /// Adds `n` synthetic working orders (for performance runs: `blotter sim --orders N`).
    pub fn add_bulk_orders(&mut self, n: usize, now: Timestamp) {
        self.orders.reserve(n);
        for i in 0..n {
            let side = if i % 2 == 0 { "buy" } else { "sell" };
            let strategy = ["TWAP", "VWAP", "POV", "Limit"][i % 4];
            let qty = ["0.50", "12.5", "150", "1.25", "20"][i % 5];
            let mut o = self.new_order(
                i % PAIRS.len(),
                side,
                strategy,
                d(qty),
                3600,
                i % ACCOUNTS.len(),
                now,
            );
            o.created_at = now
                .checked_sub(SignedDuration::from_secs(i as i64))
                .unwrap_or(now);
            o.time_start = o.created_at;
            self.orders.push(o);
        }
    }

    /// The order with this id.
    pub fn order(&self, id: &str) -> Option<&SimOrder> {
        self.orders.iter().find(|o| o.id == id)
    }

    fn order_mut(&mut self, id: &str) -> Option<&mut SimOrder> {
        self.orders.iter_mut().find(|o| o.id == id)
    }

    /// `POST /api/pause_order/`.
    pub fn pause(&mut self, id: &str, now: Timestamp) -> Result<Changes, Reject> {
        let o = self
            .order_mut(id)
            .ok_or(Reject::new(404, "No order found with given ID!"))?;
        if o.status != "ACTIVE" {
            return Err(Reject::new(422, "Order is not running."));
        }
        o.status = "PAUSED".into();
        o.updated_at = now;
        Ok(vec![(id.into(), "order_paused")])
    }

    /// `POST /api/resume_order/`.
    pub fn resume(&mut self, id: &str, now: Timestamp) -> Result<Changes, Reject> {
        let o = self
            .order_mut(id)
            .ok_or(Reject::new(404, "Order not found."))?;
        if o.status != "PAUSED" {
            return Err(Reject::new(422, "Order is not paused."));
        }
        o.status = "ACTIVE".into();
        o.updated_at = now;
        Ok(vec![(id.into(), "order_resumed")])
    }

    /// `DELETE /api/order/{id}`: cancels the order (and its siblings, for a child); replies
    /// `Order canceled!` or `Order already canceled!`.
    pub fn cancel(&mut self, id: &str, now: Timestamp) -> Result<(Changes, &'static str), Reject> {
        let o = self
            .order(id)
            .ok_or(Reject::new(404, "No order found with given ID!"))?;
        if o.status == "CANCELED" {
            return Ok((Vec::new(), "Order already canceled!"));
        }
        let mut ids = vec![id.to_string()];
        if let Some(parent) = o.parent.clone()
            && let Some(m) = self.multis.iter().find(|m| m.id == parent)
        {
            ids = m.children.clone();
        }
        let mut changes = Vec::new();
        for cid in ids {
            if let Some(c) = self.order_mut(&cid)
                && c.is_open()
            {
                c.status = "CANCELED".into();
                c.updated_at = now;
                changes.push((cid, "order_canceled"));
            }
        }
        self.refresh_multis(now);
        Ok((changes, "Order canceled!"))
    }

    /// `POST /api/amend_order/` with the `changes` object already parsed. The document's
    /// 404 and 422 rules, in this order: unknown order (404 `Order <id> not found`); both
    /// quantities; a finished order; a child order of a multi-order; less than
    /// [`AMEND_MIN_REMAINING_SECS`] left; a quantity not positive or less than 5% above what
    /// has executed; a duration less than 5% above the elapsed time; a POV target outside
    /// 0–1; a limit price that is no valid price. Only the "both quantities" body is quoted by
    /// the document; the other texts are ours.
    pub fn amend(&mut self, id: &str, c: &Amend, now: Timestamp) -> Result<Changes, Reject> {
        let o = self
            .order_mut(id)
            .ok_or(Reject::new(404, &format!("Order {id} not found")))?;
        if c.base_asset_qty.is_some() && c.quote_asset_qty.is_some() {
            return Err(Reject::new(422, AMEND_BOTH_QTY));
        }
        if !o.is_open() {
            return Err(Reject::new(422, "Order is not running."));
        }
        if o.parent.is_some() {
            return Err(Reject::new(422, AMEND_CHILD));
        }
        let elapsed = now.duration_since(o.time_start).as_secs().max(0);
        if o.status != "SCHEDULED" && o.duration - elapsed < AMEND_MIN_REMAINING_SECS {
            return Err(Reject::new(422, AMEND_TOO_LATE));
        }
        let checks = [
            (c.base_asset_qty, o.executed_base),
            (
                c.quote_asset_qty,
                if o.quote_sized {
                    o.executed_qty
                } else {
                    o.executed_notional
                },
            ),
        ];
        for (q, executed) in checks {
            let Some(q) = q else { continue };
            if q <= Decimal::ZERO {
                return Err(Reject::new(422, "Quantity must be positive"));
            }
            // "The new sell_token_amount is less than 5% above executed quantity".
            if q * Decimal::from(20) < executed * Decimal::from(21) {
                return Err(Reject::new(422, AMEND_QTY_BELOW_EXECUTED));
            }
        }
        if let Some(dur) = c.duration
            && dur * 20 < elapsed * 21
        {
            return Err(Reject::new(422, AMEND_DURATION));
        }
        if let Some(p) = c.pov_target
            && (p <= Decimal::ZERO || p > Decimal::ONE)
        {
            return Err(Reject::new(422, "pov_target must be between 0 and 1"));
        }
        let limit = match &c.limit_price {
            None => None,
            Some(l) => match Decimal::from_str(l.trim()) {
                Ok(p) if p > Decimal::ZERO => Some(p),
                _ => return Err(Reject::new(422, AMEND_LIMIT)),
            },
        };
        if let Some(dur) = c.duration {
            o.duration = dur;
        }
        if let Some(q) = c.base_asset_qty {
            o.target_qty = q;
            o.quote_sized = false;
        }
        if let Some(q) = c.quote_asset_qty {
            o.target_qty = q;
            o.quote_sized = true;
        }
        if let Some(p) = c.pov_target {
            o.pov_target = Some(p);
        }
        if limit.is_some() {
            o.limit = limit;
        }
        o.updated_at = now;
        Ok(vec![(id.into(), "order_amended")])
    }

    /// `POST /api/pause_multi_order/` and `/api/resume_multi_order/`.
    pub fn set_multi_paused(
        &mut self,
        id: &str,
        pause: bool,
        now: Timestamp,
    ) -> Result<Changes, Reject> {
        let m = self
            .multis
            .iter_mut()
            .find(|m| m.id == id)
            .ok_or(Reject::new(404, "No multi order found with given ID!"))?;
        if pause && (m.paused || m.status != "ACTIVE") {
            return Err(Reject::new(400, "Multi Order already paused or terminated"));
        }
        if !pause && !m.paused {
            return Err(Reject::new(400, "Multi order is not paused"));
        }
        m.paused = pause;
        m.status = if pause { "PAUSED" } else { "ACTIVE" }.into();
        m.updated_at = now;
        let children = m.children.clone();
        let (from, to, kind) = if pause {
            ("ACTIVE", "PAUSED", "child_order_paused")
        } else {
            ("PAUSED", "ACTIVE", "child_order_resumed")
        };
        let mut changes = Vec::new();
        for c in children {
            if let Some(o) = self.order_mut(&c)
                && o.status == from
            {
                o.status = to.into();
                o.updated_at = now;
                changes.push((c, kind));
            }
        }
        Ok(changes)
    }

    /// `POST /api/cancel_multi_orders/`.
    pub fn cancel_multis(&mut self, ids: &[String], now: Timestamp) -> Changes {
        let mut changes = Vec::new();
        let children: Vec<String> = self
            .multis
            .iter_mut()
            .filter(|m| ids.contains(&m.id) || ids.contains(&m.custom_order_id))
            .flat_map(|m| {
                m.status = "CANCELED".into();
                m.updated_at = now;
                m.children.clone()
            })
            .collect();
        for c in children {
            if let Some(o) = self.order_mut(&c)
                && o.is_open()
            {
                o.status = "CANCELED".into();
                o.updated_at = now;
                changes.push((c, "child_order_canceled"));
            }
        }
        changes
    }

    /// `POST /api/pause_all_orders/` / `resume_all_orders` / `cancel_all_orders`: applies to open
    /// orders of `accounts` (all when empty; names no account has are reported, not applied).
    /// Orders in `fail` are left as they are and reported as failures.
    pub fn bulk(
        &mut self,
        op: Bulk,
        accounts: &[String],
        exclude_paused: bool,
        fail: &[String],
        now: Timestamp,
    ) -> BulkOutcome {
        let mut out = BulkOutcome {
            unknown_accounts: accounts
                .iter()
                .filter(|a| !ACCOUNTS.iter().any(|(name, _)| name == a))
                .cloned()
                .collect(),
            ..BulkOutcome::default()
        };
        for o in &mut self.orders {
            if !accounts.is_empty() && !accounts.iter().any(|a| a == o.account) {
                continue;
            }
            let (from, to, kind): (&[&str], &str, &'static str) = match op {
                Bulk::Pause => (&["ACTIVE"], "PAUSED", "order_paused"),
                Bulk::Resume => (&["PAUSED"], "ACTIVE", "order_resumed"),
                Bulk::Cancel if exclude_paused => {
                    (&["ACTIVE", "SCHEDULED"], "CANCELED", "order_canceled")
                }
                Bulk::Cancel => (
                    &["ACTIVE", "SCHEDULED", "PAUSED"],
                    "CANCELED",
                    "order_canceled",
                ),
            };
            if from.contains(&o.status.as_str()) {
                if fail.contains(&o.id) {
                    out.failed.push(o.id.clone());
                    continue;
                }
                o.status = to.into();
                o.updated_at = now;
                out.changes.push((o.id.clone(), kind));
            }
        }
        out
    }
}

/// What a bulk call did.
#[derive(Debug, Clone, Default)]
pub struct BulkOutcome {
    /// The orders changed.
    pub changes: Changes,
    /// Orders that should have changed but failed (ids).
    pub failed: Vec<String>,
    /// Requested account names that no account has.
    pub unknown_accounts: Vec<String>,
}

/// Least time left (seconds) for an amend: "The order is too close to completion (less than
/// 15 seconds remaining)".
pub const AMEND_MIN_REMAINING_SECS: i64 = 15;
/// 422 body text: both quantities (the document's own sample).
pub const AMEND_BOTH_QTY: &str = "Cannot update both base_asset_qty and quote_asset_qty";
/// 422 body text: a child order of a multi-order.
pub const AMEND_CHILD: &str = "Cannot amend a child order";
/// 422 body text: less than 15 s left.
pub const AMEND_TOO_LATE: &str = "Order is too close to completion to amend";
/// 422 body text: new quantity less than 5% above the executed quantity.
pub const AMEND_QTY_BELOW_EXECUTED: &str =
    "New quantity must be at least 5% above the executed quantity";
/// 422 body text: new duration less than 5% above the elapsed time.
pub const AMEND_DURATION: &str = "Duration must be at least 5% more than elapsed time";
/// 422 body text: a limit price that is not a valid price.
pub const AMEND_LIMIT: &str = "Invalid limit price";

/// Bulk operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bulk {
    Pause,
    Resume,
    Cancel,
}

/// An amend's changes as received.
#[derive(Debug, Clone, Default)]
pub struct Amend {
    pub base_asset_qty: Option<Decimal>,
    pub quote_asset_qty: Option<Decimal>,
    pub duration: Option<i64>,
    pub pov_target: Option<Decimal>,
    pub limit_price: Option<String>,
}

/// A refusal with the HTTP status and the venue's `error` text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    pub status: u16,
    pub error: String,
}

impl Reject {
    fn new(status: u16, error: &str) -> Self {
        Self {
            status,
            error: error.into(),
        }
    }
}

#[cfg(test)]
mod tests {
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
}
