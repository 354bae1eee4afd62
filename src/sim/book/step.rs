//! The book's time evolution: one [`Book::step`] moves prices, fills working orders at the
//! mid, fails placements, starts scheduled orders, completes filled ones, brings new orders and
//! prunes history (plus the bulk orders of a performance run).

use jiff::{SignedDuration, Timestamp};
use rust_decimal::Decimal;

use super::{
    ACCOUNTS, BUSY_PER_STEP, Book, Changes, LARGE_BOOK, PAIRS, SimMessage, SimOrder, SimPlacement,
    d,
};

/// Steps (seconds of a demo) before the desk starts cancelling working orders: the seeded book
/// keeps its scripted cases (paused, scheduled, failing, no limit, …) meanwhile.
const CANCELS_FROM_STEP: u64 = 60;

impl Book {
    /// The order's market mid now.
    pub(super) fn mid_of(&self, o: &SimOrder) -> Decimal {
        self.mid(o)
    }

    fn mid(&self, o: &SimOrder) -> Decimal {
        let i = PAIRS
            .iter()
            .position(|p| p.0 == o.base && p.2 == o.perp)
            .unwrap_or(0);
        self.mids[i].1
    }

    /// The pair's mid before the last step's move.
    fn prev_mid(&self, o: &SimOrder) -> Decimal {
        let i = PAIRS
            .iter()
            .position(|p| p.0 == o.base && p.2 == o.perp)
            .unwrap_or(0);
        self.prev_mids
            .get(i)
            .copied()
            .unwrap_or_else(|| self.mids[i].1)
    }

    /// Fills `fraction` (0–1) of the order's target at the current mid, recording a placement.
    pub(super) fn fill(&mut self, o: &mut SimOrder, fraction: Decimal, now: Timestamp) {
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
        // The market around the order: it was `participation` of what traded, at prices between
        // the last mid and this one (so the interval VWAP is near, not at, the fills).
        let participation = o.pov_target.unwrap_or(d("0.08"));
        let volume = (base_qty / participation).round_dp(8);
        let before = self.prev_mid(o);
        o.market_volume += volume;
        o.market_notional += (volume * (before + price) / Decimal::TWO).round_dp(8);
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

    pub(super) fn message(
        &mut self,
        order_id: &str,
        kind: &'static str,
        text: &str,
        at: Timestamp,
    ) {
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
        self.prev_mids = self.mids.iter().map(|m| m.1).collect();
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
                    o.arrival = Some(self.mid(o));
                    self.message(&o.id, "INFO", "Order activated: schedule started", now);
                    changes.push((o.id.clone(), "order_activated"));
                }
                "ACTIVE" if o.fail_at.is_some_and(|f| self.step >= f) => {
                    o.status = "FAILED".into();
                    o.failure_reason = "Insufficient balance for order execution".into();
                    o.updated_at = now;
                    o.departure = Some(self.mid(o));
                    self.message(
                        &o.id,
                        "ERROR",
                        "Failed to place order on exchange: insufficient balance",
                        now,
                    );
                    changes.push((o.id.clone(), "order_failed"));
                }
                // Now and then, after the first minute, the desk cancels a working order
                // (about one order-step in 200; not the legs of a multi-order, not the order
                // that is to fail).
                "ACTIVE"
                    if self.step > CANCELS_FROM_STEP
                        && o.parent.is_none()
                        && o.fail_at.is_none()
                        && self.history_rng.u32(0..200) == 0 =>
                {
                    o.status = "CANCELED".into();
                    o.updated_at = now;
                    o.departure = Some(self.mid(o));
                    self.message(&o.id, "INFO", "Order canceled by user", now);
                    changes.push((o.id.clone(), "order_canceled"));
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
                        o.departure = Some(self.mid(o));
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

    pub(super) fn refresh_multis(&mut self, now: Timestamp) {
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
}
