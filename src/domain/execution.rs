//! How an order executed: its [`Placement`]s on exchanges, its [`Fill`]s, and the totals over
//! them ([`FillStats`]).

use jiff::Timestamp;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{OrderId, Ratio, Unreadable, VenueId};

/// A placement (child order sent to an exchange), from Tread's `/api/placements/?order_id=`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Placement {
    /// The venue connection this row came from (stamped by the feed; not a venue field).
    #[serde(default)]
    pub venue: VenueId,
    /// `id`.
    pub id: String,
    /// The order this placement belongs to (the `order_id` queried, or the row's `order`).
    pub order_id: OrderId,
    /// `exchange` (nullable).
    pub exchange: Option<String>,
    /// `placement_type`: `MAKE`, `TAKE`, `TAKE-PROFIT`, or other text.
    pub placement_type: String,
    /// `qty`.
    pub qty: Option<Decimal>,
    /// `executed_qty`.
    pub executed_qty: Option<Decimal>,
    /// `price` (null for market placements).
    pub price: Option<Decimal>,
    /// `status`: PENDING, ACTIVE, FILLED, CANCELED, CANCEL_PENDING, FAILED, MISSING, or other.
    pub status: String,
    /// `failure_reason` (`""` → `None`).
    pub failure_reason: Option<String>,
    /// `pct_filled` 0–100 converted to ratio 0–1.
    pub fill_ratio: Option<Ratio>,
    /// `external_id` (`""` → `None`).
    pub external_id: Option<String>,
    /// `created_at`, UTC.
    pub created_at: Option<Timestamp>,
    /// Fields that could not be read (see [`Order::unreadable`](super::Order::unreadable)).
    #[serde(default)]
    pub unreadable: Vec<Unreadable>,
}

/// Totals over an order's fills, for the detail view (exact decimals).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FillStats {
    /// Fills counted.
    pub count: usize,
    /// Fills with a quantity and a price (or notional): the ones the VWAP is over.
    pub priced: usize,
    /// Volume-weighted average price (quote per base) over the priced fills: Σ notional ÷
    /// Σ qty, where a fill's notional is the venue's `notional`, else price × qty. `None`
    /// when no fill is priced.
    pub vwap: Option<Decimal>,
    /// Sum of the fees the venue reported; `None` when no fill carries a fee (unknown, not
    /// zero).
    pub fees: Option<Decimal>,
}

impl FillStats {
    /// The totals of `fills` (pure). A fill without a price never drags the VWAP down: it is
    /// left out of both sums and counted in `count - priced`. Checked arithmetic: a sum that
    /// would overflow the decimal range leaves the VWAP (or the fees) `None` rather than
    /// panicking.
    pub fn of(fills: &[Fill]) -> Self {
        use crate::num;
        // `None` once a sum overflowed.
        let mut qty = Some(Decimal::ZERO);
        let mut notional = Some(Decimal::ZERO);
        let mut priced = 0;
        for f in fills {
            let n = f
                .notional
                .or_else(|| f.price.zip(f.qty).and_then(|(p, q)| num::mul(p, q)));
            if let (Some(q), Some(n)) = (f.qty, n)
                && !q.is_zero()
            {
                qty = qty.and_then(|t| num::add(t, q));
                notional = notional.and_then(|t| num::add(t, n));
                priced += 1;
            }
        }
        let fees: Vec<Decimal> = fills.iter().filter_map(|f| f.fee).collect();
        let fees = if fees.is_empty() {
            None
        } else {
            num::sum(fees)
        };
        let vwap = qty
            .zip(notional)
            .filter(|(q, _)| !q.is_zero())
            .and_then(|(q, n)| num::div(n, q))
            .map(|v| v.round_dp(8).normalize());
        FillStats {
            count: fills.len(),
            priced,
            vwap,
            fees,
        }
    }
}

/// One execution of an order, from Tread's `GET /api/order/{id}?include_fills=true` (`fills`)
/// or AlphaSec's trades. Quantities in the base asset, price in the quote asset, notional and
/// fee as the venue sent them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fill {
    /// The venue connection this row came from.
    #[serde(default)]
    pub venue: VenueId,
    /// The order it belongs to.
    pub order_id: OrderId,
    /// `placement_id` (AlphaSec: `tradeId`).
    pub placement_id: Option<String>,
    /// `exchange`.
    pub exchange: Option<String>,
    /// `role`: `MAKE` / `TAKE`.
    pub role: Option<String>,
    /// `executed_price`, quote asset.
    pub price: Option<Decimal>,
    /// `executed_qty`, base asset.
    pub qty: Option<Decimal>,
    /// `executed_notional`, quote asset.
    pub notional: Option<Decimal>,
    /// `fee`, in [`Fill::fee_asset`] where given.
    pub fee: Option<Decimal>,
    /// `fee_currency` (active-orders fills), the asset the fee is charged in.
    #[serde(default)]
    pub fee_asset: Option<String>,
    /// `fill_time` (alias `timestamp`), UTC.
    pub time: Option<Timestamp>,
}
