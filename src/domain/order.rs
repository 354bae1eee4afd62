//! Orders: the single-leg [`Order`] (with its [`ExecutionStats`] and the fields that could not
//! be read, [`Unreadable`]) and the [`MultiOrder`] that parents several of them.

use jiff::Timestamp;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{LimitPrice, OrderId, OrderStatus, Ratio, Shared, Side, VenueId};

/// One single-leg order, from Tread's `/api/active_orders/`, `/api/orders/`, `/api/order/{id}`
/// and multi-order `child_orders`. Fields the venue did not send are `None` / empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    /// The venue connection this row came from (stamped by the feed; not a venue field).
    #[serde(default)]
    pub venue: VenueId,
    /// `id`.
    pub id: OrderId,
    /// `custom_order_id` (`""` decodes to `None`).
    pub custom_order_id: Option<Shared>,
    /// `parent_order_id`: the multi-order this is a child of.
    pub parent_order_id: Option<OrderId>,
    /// `pair`, e.g. `BTC-USDT`, `BTC:PERP-USDT`.
    pub pair: Shared,
    /// `side`.
    pub side: Side,
    /// `strategy` (TWAP, VWAP, POV, Limit, … or a strategy UUID).
    pub strategy: Option<Shared>,
    /// `super_strategy` / `super_strategy_name`.
    pub super_strategy: Option<Shared>,
    /// `status`.
    pub status: OrderStatus,
    /// `target_order_qty` (alias `order_qty`), in [`Order::target_token`].
    pub target_qty: Option<Decimal>,
    /// `target_token`: the asset target/executed/remaining quantities are measured in.
    pub target_token: Option<Shared>,
    /// `executed_qty` (alias `target_executed_qty`), in the target token.
    pub executed_qty: Option<Decimal>,
    /// `target_remaining_qty` (alias `remaining_qty`), in the target token.
    pub remaining_qty: Option<Decimal>,
    /// `pct_filled` converted from percent 0–100 to a ratio 0–1. When absent, derived by the
    /// adapter from executed/target where both are known.
    pub fill_ratio: Option<Ratio>,
    /// `average_executed_price` (alias `executed_price`), quote per base.
    pub avg_price: Option<Decimal>,
    /// `limit_price`; `None` for no limit.
    pub limit_price: Option<LimitPrice>,
    /// `executed_notional`, in the quote asset.
    pub executed_notional: Option<Decimal>,
    /// `arrival_price` (or `stats.arrival_price`): market price at order start, quote per base;
    /// the venue fills it in on completion.
    #[serde(default)]
    pub arrival_price: Option<Decimal>,
    /// `buy_token`.
    pub buy_token: Option<Shared>,
    /// `buy_token_amount`: target amount of the buy token, when the order was sized in it.
    pub buy_token_amount: Option<Decimal>,
    /// `sell_token`.
    pub sell_token: Option<Shared>,
    /// `sell_token_amount`: target amount of the sell token, when the order was sized in it.
    pub sell_token_amount: Option<Decimal>,
    /// `account_names`.
    pub account_names: Vec<Shared>,
    /// `exchanges` (alias `exchange_names`).
    pub exchanges: Vec<Shared>,
    /// `pov_target`, ratio 0–1 (Tread's amend rule: "between 0 and 1").
    pub pov_target: Option<Ratio>,
    /// `time_start` (aliases `start_datetime`, `start_timedate`), UTC.
    pub time_start: Option<Timestamp>,
    /// `time_end`, UTC.
    pub time_end: Option<Timestamp>,
    /// `duration`, seconds.
    pub duration_secs: Option<i64>,
    /// `created_at`, UTC.
    pub created_at: Option<Timestamp>,
    /// `updated_at`, UTC.
    pub updated_at: Option<Timestamp>,
    /// `total_fee`, in [`Order::fee_asset`].
    pub total_fee: Option<Decimal>,
    /// `fee_asset`.
    pub fee_asset: Option<Shared>,
    /// `notes` (`""` decodes to `None`).
    pub notes: Option<Shared>,
    /// `failure_reason` (`""` decodes to `None`).
    pub failure_reason: Option<Shared>,
    /// Tread's `stats` block (`/api/orders_with_stats/`, `/api/order_summary/{id}`): interval
    /// VWAP, departure price and interval volume. Boxed: most rows have none.
    #[serde(default)]
    pub stats: Option<Box<ExecutionStats>>,
    /// Fields the venue sent that could not be read. The row stays listed and actionable; the
    /// table shows each such field as `?` and the detail view gives the reason.
    #[serde(default)]
    pub unreadable: Vec<Unreadable>,
}

/// Execution statistics a venue reports for an order (Tread.fi `stats`, filled in on
/// completion). Prices in quote asset per base asset; volume in base asset.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ExecutionStats {
    /// `stats.arrival_price`: market price when the order started.
    pub arrival_price: Option<Decimal>,
    /// `stats.vwap`: the market's volume-weighted average price over the order's interval.
    pub interval_vwap: Option<Decimal>,
    /// `stats.departure_price`: market price when the order ended.
    pub departure_price: Option<Decimal>,
    /// `stats.interval_volume`: market volume over the order's interval, base asset.
    pub interval_volume: Option<Decimal>,
}

/// One field of a venue row that could not be read (a number out of range, a wrong type).
/// The row is kept; the field decodes as "not given" and is listed here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unreadable {
    /// The field's path in the venue's JSON row, e.g. `executed_qty` or `fills[2].price`.
    pub path: String,
    /// Why it could not be read, e.g. `invalid decimal "1e99"`.
    pub reason: String,
}

impl Order {
    /// An order with only an id, pair, side and status set; every other field `None`/empty.
    /// Useful for tests and as a base for adapters.
    pub fn new(
        id: impl Into<String>,
        pair: impl Into<Shared>,
        side: Side,
        status: OrderStatus,
    ) -> Self {
        Self {
            venue: VenueId::default(),
            id: OrderId::new(id),
            custom_order_id: None,
            parent_order_id: None,
            pair: pair.into(),
            side,
            strategy: None,
            super_strategy: None,
            status,
            target_qty: None,
            target_token: None,
            executed_qty: None,
            remaining_qty: None,
            fill_ratio: None,
            avg_price: None,
            limit_price: None,
            executed_notional: None,
            arrival_price: None,
            buy_token: None,
            buy_token_amount: None,
            sell_token: None,
            sell_token_amount: None,
            account_names: Vec::new(),
            exchanges: Vec::new(),
            pov_target: None,
            time_start: None,
            time_end: None,
            duration_secs: None,
            created_at: None,
            updated_at: None,
            total_fee: None,
            fee_asset: None,
            notes: None,
            failure_reason: None,
            stats: None,
            unreadable: Vec::new(),
        }
    }

    /// Notional of the whole order in the quote asset, as best known: the sized quote amount
    /// (`sell_token_amount` for a buy, `buy_token_amount` for a sell) when the order was sized
    /// in quote, else target qty × limit price, else `None`.
    pub fn target_notional(&self) -> Option<Decimal> {
        let quote_sized = match self.side {
            Side::Buy => self.sell_token_amount,
            Side::Sell => self.buy_token_amount,
            Side::Other(_) => None,
        };
        if quote_sized.is_some() {
            return quote_sized;
        }
        match (&self.limit_price, self.target_qty) {
            (Some(LimitPrice::Price(p)), Some(q)) => q.checked_mul(*p),
            _ => None,
        }
    }
}

/// A multi-order (parent of several child orders), from Tread's `/api/multi_orders/` and
/// `/api/multi_order/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultiOrder {
    /// The venue connection this row came from (stamped by the feed; not a venue field).
    #[serde(default)]
    pub venue: VenueId,
    /// `id`.
    pub id: OrderId,
    /// `custom_order_id`.
    pub custom_order_id: Option<String>,
    /// `status` (the stored status; see [`MultiOrder::calculated_status`]).
    pub status: OrderStatus,
    /// `calculated_status`, the venue's derived status where sent.
    pub calculated_status: Option<OrderStatus>,
    /// `pairs`: comma-joined string split into pairs.
    pub pairs: Vec<String>,
    /// `account_names`.
    pub account_names: Vec<String>,
    /// `strategy`.
    pub strategy: Option<String>,
    /// `executed_notional`, quote asset.
    pub executed_notional: Option<Decimal>,
    /// `notional_exposure`, quote asset.
    pub notional_exposure: Option<Decimal>,
    /// `exposure_tolerance`, as sent (ratio).
    pub exposure_tolerance: Option<Decimal>,
    /// `pct_filled` converted from 0–100 to a ratio 0–1.
    pub fill_ratio: Option<Ratio>,
    /// `is_paused`.
    pub is_paused: bool,
    /// `is_active`.
    pub is_active: bool,
    /// `child_order_ids`.
    pub child_order_ids: Vec<OrderId>,
    /// `child_orders` when requested with `include_child_orders=true`.
    pub child_orders: Vec<Order>,
    /// `start_datetime` / `start_timedate`, UTC.
    pub time_start: Option<Timestamp>,
    /// `duration`, seconds.
    pub duration_secs: Option<i64>,
    /// `created_at`, UTC.
    pub created_at: Option<Timestamp>,
    /// `updated_at`, UTC.
    pub updated_at: Option<Timestamp>,
    /// `failure_reason` (`""`/`null` → `None`).
    pub failure_reason: Option<String>,
    /// Fields that could not be read (see [`Order::unreadable`]).
    #[serde(default)]
    pub unreadable: Vec<Unreadable>,
}
