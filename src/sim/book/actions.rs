//! The book's actions as the documented endpoints define them: pause, resume, cancel, amend
//! (with its 404/422 rules and reply texts), multi-order pause/resume/cancel and the bulk calls,
//! and the refusal type they return.

use std::str::FromStr;

use jiff::Timestamp;
use rust_decimal::Decimal;

use super::{ACCOUNTS, Book, Changes, SimOrder};

impl Book {
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
            let mid = self.order(&cid).map(|c| self.mid_of(c));
            if let Some(c) = self.order_mut(&cid)
                && c.is_open()
            {
                c.status = "CANCELED".into();
                c.updated_at = now;
                c.departure = mid;
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
