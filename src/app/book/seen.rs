//! "Changed since seen": the orders and multi-orders whose fill, status or terms changed since
//! the trader last looked at them. A row stays marked (a dot in the table's gutter, a count in
//! its tab title) until the selection moves onto it or every row is marked seen.
//!
//! Rules (pure; `app::update::feed` calls them where feed updates are applied):
//! - the first page of a venue marks nothing (nothing was "seen" before it);
//! - an order that appears later is new, and marked; an order that leaves takes its mark along;
//! - the selected row of the tab on screen is being looked at: its changes are not marked;
//! - a change this blotter caused (our own pause, resume, amend or cancel, confirmed by the
//!   venue) is not news to us: the next status/terms change of that order is not marked
//!   (a fill still is). Changes made from another blotter of the desk are marked.

use std::collections::BTreeSet;

use crate::domain::{MultiOrder, Order, OrderId};

/// What changed between two versions of one order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Change {
    /// Executed quantity, average price, fill ratio or remaining quantity.
    pub fill: bool,
    /// Status, or terms an amend changes (target, limit, end time, POV target).
    pub terms: bool,
}

impl Change {
    /// Between the order as shown (`prev`) and as the venue now sends it (`new`).
    pub fn of(prev: &Order, new: &Order) -> Self {
        Self {
            fill: prev.executed_qty != new.executed_qty
                || prev.avg_price != new.avg_price
                || prev.fill_ratio != new.fill_ratio
                || prev.remaining_qty != new.remaining_qty,
            terms: prev.status != new.status
                || prev.target_qty != new.target_qty
                || prev.limit_price != new.limit_price
                || prev.time_end != new.time_end
                || prev.pov_target != new.pov_target
                || prev.failure_reason != new.failure_reason,
        }
    }

    /// Between two versions of a multi-order: fill or status.
    pub fn of_multi(prev: &MultiOrder, new: &MultiOrder) -> Self {
        Self {
            fill: prev.fill_ratio != new.fill_ratio
                || prev.executed_notional != new.executed_notional,
            terms: prev.status != new.status
                || prev.calculated_status != new.calculated_status
                || prev.is_paused != new.is_paused,
        }
    }

    /// True when anything changed.
    pub fn any(self) -> bool {
        self.fill || self.terms
    }
}

/// The rows changed since seen, by id. See the module docs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seen {
    /// Active orders changed since seen.
    orders: BTreeSet<OrderId>,
    /// Multi-orders changed since seen.
    multi: BTreeSet<OrderId>,
    /// Orders (or multi-orders) our own confirmed action just changed: their next status/terms
    /// change is expected, not news.
    own: BTreeSet<OrderId>,
}

impl Seen {
    /// True when the active order or multi-order `id` changed since seen.
    pub fn is_changed(&self, id: &OrderId) -> bool {
        self.orders.contains(id) || self.multi.contains(id)
    }

    /// Active orders changed since seen.
    pub fn orders(&self) -> &BTreeSet<OrderId> {
        &self.orders
    }

    /// Multi-orders changed since seen.
    pub fn multi_orders(&self) -> &BTreeSet<OrderId> {
        &self.multi
    }

    /// Records an order's change (or its arrival: `change` `None`) unless the trader is
    /// `looking` at it or it is the change our own action caused.
    pub(super) fn note_order(&mut self, id: &OrderId, change: Option<Change>, looking: bool) {
        if self.is_news(id, change) && !looking {
            self.orders.insert(id.clone());
        }
    }

    /// Records a multi-order's change or arrival (see [`Seen::note_order`]).
    pub(super) fn note_multi(&mut self, id: &OrderId, change: Option<Change>, looking: bool) {
        if self.is_news(id, change) && !looking {
            self.multi.insert(id.clone());
        }
    }

    /// Whether a change (or an arrival, `None`) is news: something changed, and it is not only
    /// the status/terms change our own confirmed action caused (that expectation is used up).
    fn is_news(&mut self, id: &OrderId, change: Option<Change>) -> bool {
        match change {
            None => true,
            Some(c) if !c.any() => false,
            Some(c) => !(c.terms && self.own.remove(id) && !c.fill),
        }
    }

    /// Our own action on `id` was confirmed: its next status/terms change is not news.
    pub(super) fn expect_own(&mut self, id: OrderId) {
        self.own.insert(id);
    }

    /// The trader looked at `id`. True when it was marked.
    pub(super) fn look(&mut self, id: &OrderId) -> bool {
        let a = self.orders.remove(id);
        let b = self.multi.remove(id);
        a || b
    }

    /// Everything seen. Returns how many marks were cleared.
    pub(super) fn clear(&mut self) -> usize {
        let n = self.orders.len() + self.multi.len();
        self.orders.clear();
        self.multi.clear();
        n
    }

    /// Keeps the marks of rows still listed.
    pub(super) fn retain(
        &mut self,
        order: impl Fn(&OrderId) -> bool,
        multi: impl Fn(&OrderId) -> bool,
    ) {
        self.orders.retain(|id| order(id));
        self.multi.retain(|id| multi(id));
        self.own.retain(|id| order(id) || multi(id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{OrderStatus, Side};

    #[test]
    fn own_status_change_is_not_news_but_a_fill_is() {
        let id = OrderId::new("a");
        let prev = Order::new("a", "BTC-USDT", Side::Buy, OrderStatus::Active);
        let mut paused = prev.clone();
        paused.status = OrderStatus::Paused;
        let mut s = Seen::default();
        s.expect_own(id.clone());
        s.note_order(&id, Some(Change::of(&prev, &paused)), false);
        assert!(!s.is_changed(&id));
        // Expected once only: the next change marks.
        s.note_order(&id, Some(Change::of(&paused, &prev)), false);
        assert!(s.is_changed(&id));
        assert!(s.look(&id));
        assert!(!s.is_changed(&id));
        let mut filled = prev.clone();
        filled.executed_qty = Some(rust_decimal::Decimal::ONE);
        s.note_order(&id, Some(Change::of(&prev, &filled)), true);
        assert!(!s.is_changed(&id), "the selected row is being looked at");
        s.note_order(&id, Some(Change::of(&prev, &prev)), false);
        assert!(!s.is_changed(&id), "no change, no mark");
    }
}
