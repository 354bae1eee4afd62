//! The blotter's own order model, shared by every venue adapter, the feed, the app state and
//! the UI. No venue wire type and no ratatui type appears here.
//!
//! Conventions (see `ARCHITECTURE.md`):
//! - every quantity, price and notional is a [`Decimal`] holding the exact decimal the venue sent
//!   (`"45000.00"` keeps its two places);
//! - "not given" is `None`, never `0` or `-1` (Tread's `limit_price: -1.0` decodes to `None`);
//! - percentages are stored as **ratios 0–1** ([`Ratio`]); venues that send 0–100 are converted
//!   at the adapter edge;
//! - times are UTC [`Timestamp`]s.

use std::fmt;
use std::sync::Arc;

use jiff::Timestamp;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A venue's order id. A string newtype because venue ids are not always valid UUIDs
/// (Tread's own example uses `7fecb061-725b-5477-c84c-8e8685ge0f26`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct OrderId(pub String);

impl OrderId {
    /// Builds an id from any string-like value.
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The id as sent by the venue.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first 8 characters, for narrow table columns (the full id is in dumps and detail).
    pub fn short(&self) -> &str {
        let end = self
            .0
            .char_indices()
            .nth(8)
            .map_or(self.0.len(), |(i, _)| i);
        &self.0[..end]
    }
}

impl fmt::Display for OrderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Which configured venue connection a row came from: the `name` of its `[[venue]]` section
/// (e.g. `treadfi`, `anboto`, `alphasec`). Empty in a single-venue blotter and in rows decoded
/// by an adapter before the feed stamps them. Cheap to clone (shared string).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct VenueId(pub Arc<str>);

impl VenueId {
    /// Builds a venue id from a name.
    pub fn new(name: &str) -> Self {
        Self(Arc::from(name))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for VenueId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A fraction 0–1 (e.g. fill ratio). Venues that send percent 0–100 are divided by 100 when
/// decoded; render multiplies back.
pub type Ratio = Decimal;

/// Order side, from Tread's `side` (`"buy"` / `"sell"`, any case).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Side {
    /// Buying the base asset.
    Buy,
    /// Selling the base asset.
    Sell,
    /// A side word the documents don't list, kept as sent.
    Other(String),
}

impl Side {
    /// Parses a venue side word, case-insensitively; unknown words are kept as [`Side::Other`].
    pub fn parse(s: &str) -> Self {
        match s.trim().to_ascii_lowercase().as_str() {
            "buy" | "b" | "bid" => Side::Buy,
            "sell" | "s" | "ask" | "offer" => Side::Sell,
            _ => Side::Other(s.to_string()),
        }
    }

    /// The API word: `buy`, `sell`, or the unknown text.
    pub fn as_str(&self) -> &str {
        match self {
            Side::Buy => "buy",
            Side::Sell => "sell",
            Side::Other(s) => s,
        }
    }
}

/// Order (or multi-order) status. Covers every word the Tread.fi documents and official client
/// use; spelling variants collapse (`COMPLETE`/`COMPLETED`, `CANCELED`/`CANCELLED`); anything
/// else is kept verbatim in [`OrderStatus::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrderStatus {
    /// `SCHEDULED`: accepted, starts later.
    Scheduled,
    /// `SUBMITTED`: sent, not yet working.
    Submitted,
    /// `ACTIVE`: working.
    Active,
    /// `FINISHER`: in its final clean-up phase.
    Finisher,
    /// `PAUSED`: stopped by a user or a condition, can be resumed.
    Paused,
    /// `COMPLETE` / `COMPLETED`.
    Complete,
    /// `CANCELED` / `CANCELLED`.
    Canceled,
    /// `FAILED`.
    Failed,
    /// A word the documents don't list, kept as sent.
    Other(String),
}

impl OrderStatus {
    /// Parses a venue status word, case-insensitively.
    pub fn parse(s: &str) -> Self {
        match s.trim().to_ascii_uppercase().as_str() {
            "SCHEDULED" => Self::Scheduled,
            "SUBMITTED" => Self::Submitted,
            "ACTIVE" => Self::Active,
            "FINISHER" => Self::Finisher,
            "PAUSED" => Self::Paused,
            "COMPLETE" | "COMPLETED" => Self::Complete,
            "CANCELED" | "CANCELLED" => Self::Canceled,
            "FAILED" => Self::Failed,
            _ => Self::Other(s.to_string()),
        }
    }

    /// Display word (upper case, canonical spelling; unknown words as sent).
    pub fn as_str(&self) -> &str {
        match self {
            Self::Scheduled => "SCHEDULED",
            Self::Submitted => "SUBMITTED",
            Self::Active => "ACTIVE",
            Self::Finisher => "FINISHER",
            Self::Paused => "PAUSED",
            Self::Complete => "COMPLETE",
            Self::Canceled => "CANCELED",
            Self::Failed => "FAILED",
            Self::Other(s) => s,
        }
    }

    /// True for states that will not change again (complete, canceled, failed, `EXPIRED`).
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Complete | Self::Canceled | Self::Failed)
            // Anboto's and AlphaSec's `EXPIRED` (no domain word of its own) is final too.
            || matches!(self, Self::Other(w) if w.trim().eq_ignore_ascii_case("EXPIRED"))
    }
}

/// A limit price: Tread's `limit_price` is "a price or an expression"; `-1`, `""` and `null`
/// mean no limit and decode to `None` in [`Order::limit_price`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LimitPrice {
    /// A plain price in quote asset per base asset.
    Price(Decimal),
    /// A price expression the venue evaluates (kept verbatim).
    Expression(String),
}

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
    pub custom_order_id: Option<String>,
    /// `parent_order_id`: the multi-order this is a child of.
    pub parent_order_id: Option<OrderId>,
    /// `pair`, e.g. `BTC-USDT`, `BTC:PERP-USDT`.
    pub pair: String,
    /// `side`.
    pub side: Side,
    /// `strategy` (TWAP, VWAP, POV, Limit, … or a strategy UUID).
    pub strategy: Option<String>,
    /// `super_strategy` / `super_strategy_name`.
    pub super_strategy: Option<String>,
    /// `status`.
    pub status: OrderStatus,
    /// `target_order_qty` (alias `order_qty`), in [`Order::target_token`].
    pub target_qty: Option<Decimal>,
    /// `target_token`: the asset target/executed/remaining quantities are measured in.
    pub target_token: Option<String>,
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
    pub buy_token: Option<String>,
    /// `buy_token_amount`: target amount of the buy token, when the order was sized in it.
    pub buy_token_amount: Option<Decimal>,
    /// `sell_token`.
    pub sell_token: Option<String>,
    /// `sell_token_amount`: target amount of the sell token, when the order was sized in it.
    pub sell_token_amount: Option<Decimal>,
    /// `account_names`.
    pub account_names: Vec<String>,
    /// `exchanges` (alias `exchange_names`).
    pub exchanges: Vec<String>,
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
    pub fee_asset: Option<String>,
    /// `notes` (`""` decodes to `None`).
    pub notes: Option<String>,
    /// `failure_reason` (`""` decodes to `None`).
    pub failure_reason: Option<String>,
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
        pair: impl Into<String>,
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
    /// Fields that could not be read (see [`Order::unreadable`]).
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

/// Severity of an order message, from Tread's `message_type`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum MessageLevel {
    /// `ERROR`.
    Error,
    /// `WARN` / `WARNING`.
    Warn,
    /// `INFO`.
    Info,
    /// Any other word, kept as sent.
    Other(String),
}

impl MessageLevel {
    /// How bad it is: ERROR 3, WARN 2, INFO 1, anything else 0 (for "worst level" in groups).
    pub fn severity(&self) -> u8 {
        match self {
            MessageLevel::Error => 3,
            MessageLevel::Warn => 2,
            MessageLevel::Info => 1,
            MessageLevel::Other(_) => 0,
        }
    }

    /// Parses `message_type` case-insensitively.
    pub fn parse(s: &str) -> Self {
        match s.trim().to_ascii_uppercase().as_str() {
            "ERROR" => Self::Error,
            "WARN" | "WARNING" => Self::Warn,
            "INFO" => Self::Info,
            _ => Self::Other(s.to_string()),
        }
    }

    /// Display word.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Error => "ERROR",
            Self::Warn => "WARN",
            Self::Info => "INFO",
            Self::Other(s) => s,
        }
    }
}

/// One order message (error, warning or info), from Tread's `/api/order_errors/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderMessage {
    /// The venue connection this row came from (stamped by the feed; not a venue field).
    #[serde(default)]
    pub venue: VenueId,
    /// The order the message is about (the response object's key).
    pub order_id: OrderId,
    /// `message_type`.
    pub level: MessageLevel,
    /// `message`.
    pub message: String,
    /// `created_at`, UTC.
    pub created_at: Option<Timestamp>,
}

/// A row of a page that could not be decoded: reported, never silently dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadRow {
    /// Position in the page (0-based).
    pub index: usize,
    /// The row's `id`, when it could be read.
    pub id: Option<String>,
    /// What was wrong, with the field path where known (e.g. `executed_qty: invalid decimal "abc"`).
    pub reason: String,
}

/// One decoded page of rows plus the rows that failed to decode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// Rows that decoded.
    pub rows: Vec<T>,
    /// Rows that did not, with reasons.
    pub bad_rows: Vec<BadRow>,
    /// `page_number` where the endpoint is paged.
    pub page_number: Option<u32>,
    /// `num_pages` where the endpoint is paged.
    pub num_pages: Option<u32>,
}

impl<T> Page<T> {
    /// A page with just these rows.
    pub fn of(rows: Vec<T>) -> Self {
        Self {
            rows,
            bad_rows: Vec::new(),
            page_number: None,
            num_pages: None,
        }
    }
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Self::of(Vec::new())
    }
}
