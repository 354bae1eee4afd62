//! Orders: the single-leg [`Order`] (with its [`ExecutionStats`] and the fields that could not
//! be read, [`Unreadable`]) and the [`MultiOrder`] that parents several of them.

use jiff::Timestamp;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{LimitPrice, OrderId, OrderStatus, Ratio, Shared, SharedList, Side, VenueId};

/// One single-leg order, from Tread's `/api/active_orders/`, `/api/orders/`, `/api/order/{id}`
/// and multi-order `child_orders`. Fields the venue did not send are `None` / empty.
///
/// Compact: the fields the table, filter, sort, alerts and feed read on every frame are held
/// inline; the ones most rows leave empty (see [`OrderExtra`]) sit in one box that is absent
/// when they all are. They still read and write as fields of the order (`o.notes`,
/// `o.failure_reason = …`) through `Deref`/`DerefMut` to [`OrderExtra`]; writing one makes the
/// box. Equality treats an absent box and an empty one alike. Serialised exactly as the flat
/// order it always was (same fields, same order).
#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    /// The venue connection this row came from (stamped by the feed; not a venue field).
    pub venue: VenueId,
    /// `id`.
    pub id: OrderId,
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
    /// `buy_token`.
    pub buy_token: Option<Shared>,
    /// `buy_token_amount`: target amount of the buy token, when the order was sized in it.
    pub buy_token_amount: Option<Decimal>,
    /// `sell_token`.
    pub sell_token: Option<Shared>,
    /// `sell_token_amount`: target amount of the sell token, when the order was sized in it.
    pub sell_token_amount: Option<Decimal>,
    /// `account_names`: pooled, rows naming the same accounts share one list.
    pub account_names: SharedList,
    /// `exchanges` (alias `exchange_names`): pooled like `account_names`.
    pub exchanges: SharedList,
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
    /// Fields the venue sent that could not be read. The row stays listed and actionable; the
    /// table shows each such field as `?` and the detail view gives the reason. Inline (the
    /// table reads it on every frame; empty costs no allocation).
    pub unreadable: Vec<Unreadable>,
    /// The rarely-sent fields; `None` when every one of them is absent/empty. Read them as
    /// fields of the order (`o.notes`) or through [`Order::extra`].
    extra: ExtraBox,
}

/// The fields of an [`Order`] most rows leave empty (Tread's active rows send `""`/`null` for
/// them) or that only the detail view, history and TCA read. Held in one box per order, absent
/// when all are empty; read and written as fields of the order through `Deref`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OrderExtra {
    /// `custom_order_id` (`""` decodes to `None`).
    pub custom_order_id: Option<Shared>,
    /// `parent_order_id`: the multi-order this is a child of.
    pub parent_order_id: Option<OrderId>,
    /// `arrival_price` (or `stats.arrival_price`): market price at order start, quote per base;
    /// the venue fills it in on completion.
    pub arrival_price: Option<Decimal>,
    /// `pov_target`, ratio 0–1 (Tread's amend rule: "between 0 and 1").
    pub pov_target: Option<Ratio>,
    /// `notes` (`""` decodes to `None`).
    pub notes: Option<Shared>,
    /// `failure_reason` (`""` decodes to `None`).
    pub failure_reason: Option<Shared>,
    /// Tread's `stats` block (`/api/orders_with_stats/`, `/api/order_summary/{id}`): interval
    /// VWAP, departure price and interval volume. Boxed: most rows have none.
    pub stats: Option<Box<ExecutionStats>>,
}

/// What an order without extras reads as.
static NO_EXTRA: OrderExtra = OrderExtra::EMPTY;

/// An order's box of extras, absent when they are all empty. Equal when the extras read the
/// same: a box emptied by writes equals no box (so `Order` can derive its equality).
#[derive(Debug, Clone, Default)]
struct ExtraBox(Option<Box<OrderExtra>>);

impl ExtraBox {
    /// The extras, or [`OrderExtra::EMPTY`] without a box.
    fn get(&self) -> &OrderExtra {
        self.0.as_deref().unwrap_or(&NO_EXTRA)
    }
}

impl PartialEq for ExtraBox {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl std::ops::Deref for ExtraBox {
    type Target = Option<Box<OrderExtra>>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl OrderExtra {
    /// Every field absent/empty.
    pub const EMPTY: OrderExtra = OrderExtra {
        custom_order_id: None,
        parent_order_id: None,
        arrival_price: None,
        pov_target: None,
        notes: None,
        failure_reason: None,
        stats: None,
    };

    /// True when every field is absent/empty (the order then holds no box). Private: through
    /// `Deref` it would read as `order.is_empty()`.
    fn is_empty(&self) -> bool {
        let Self {
            custom_order_id,
            parent_order_id,
            arrival_price,
            pov_target,
            notes,
            failure_reason,
            stats,
        } = self;
        custom_order_id.is_none()
            && parent_order_id.is_none()
            && arrival_price.is_none()
            && pov_target.is_none()
            && notes.is_none()
            && failure_reason.is_none()
            && stats.is_none()
    }

    /// The box an order holds for these: `None` when all are empty.
    fn boxed(self) -> Option<Box<Self>> {
        (!self.is_empty()).then(|| Box::new(self))
    }
}

impl std::ops::Deref for Order {
    type Target = OrderExtra;
    fn deref(&self) -> &OrderExtra {
        self.extra()
    }
}

impl std::ops::DerefMut for Order {
    fn deref_mut(&mut self) -> &mut OrderExtra {
        self.extra_mut()
    }
}

/// The serialised shape of an [`Order`]: the flat struct it always was, fields in their
/// original order (dumps, NATS/serve messages and recordings read and write this).
#[derive(Serialize)]
#[serde(rename = "Order")]
struct FlatRef<'a> {
    venue: &'a VenueId,
    id: &'a OrderId,
    custom_order_id: &'a Option<Shared>,
    parent_order_id: &'a Option<OrderId>,
    pair: &'a Shared,
    side: &'a Side,
    strategy: &'a Option<Shared>,
    super_strategy: &'a Option<Shared>,
    status: &'a OrderStatus,
    target_qty: &'a Option<Decimal>,
    target_token: &'a Option<Shared>,
    executed_qty: &'a Option<Decimal>,
    remaining_qty: &'a Option<Decimal>,
    fill_ratio: &'a Option<Ratio>,
    avg_price: &'a Option<Decimal>,
    limit_price: &'a Option<LimitPrice>,
    executed_notional: &'a Option<Decimal>,
    arrival_price: &'a Option<Decimal>,
    buy_token: &'a Option<Shared>,
    buy_token_amount: &'a Option<Decimal>,
    sell_token: &'a Option<Shared>,
    sell_token_amount: &'a Option<Decimal>,
    account_names: &'a SharedList,
    exchanges: &'a SharedList,
    pov_target: &'a Option<Ratio>,
    time_start: &'a Option<Timestamp>,
    time_end: &'a Option<Timestamp>,
    duration_secs: &'a Option<i64>,
    created_at: &'a Option<Timestamp>,
    updated_at: &'a Option<Timestamp>,
    total_fee: &'a Option<Decimal>,
    fee_asset: &'a Option<Shared>,
    notes: &'a Option<Shared>,
    failure_reason: &'a Option<Shared>,
    stats: &'a Option<Box<ExecutionStats>>,
    unreadable: &'a Vec<Unreadable>,
}

/// [`FlatRef`]'s owned twin, with the defaults the flat struct had.
#[derive(Deserialize)]
#[serde(rename = "Order")]
struct Flat {
    #[serde(default)]
    venue: VenueId,
    id: OrderId,
    custom_order_id: Option<Shared>,
    parent_order_id: Option<OrderId>,
    pair: Shared,
    side: Side,
    strategy: Option<Shared>,
    super_strategy: Option<Shared>,
    status: OrderStatus,
    target_qty: Option<Decimal>,
    target_token: Option<Shared>,
    executed_qty: Option<Decimal>,
    remaining_qty: Option<Decimal>,
    fill_ratio: Option<Ratio>,
    avg_price: Option<Decimal>,
    limit_price: Option<LimitPrice>,
    executed_notional: Option<Decimal>,
    #[serde(default)]
    arrival_price: Option<Decimal>,
    buy_token: Option<Shared>,
    buy_token_amount: Option<Decimal>,
    sell_token: Option<Shared>,
    sell_token_amount: Option<Decimal>,
    account_names: SharedList,
    exchanges: SharedList,
    pov_target: Option<Ratio>,
    time_start: Option<Timestamp>,
    time_end: Option<Timestamp>,
    duration_secs: Option<i64>,
    created_at: Option<Timestamp>,
    updated_at: Option<Timestamp>,
    total_fee: Option<Decimal>,
    fee_asset: Option<Shared>,
    notes: Option<Shared>,
    failure_reason: Option<Shared>,
    #[serde(default)]
    stats: Option<Box<ExecutionStats>>,
    #[serde(default)]
    unreadable: Vec<Unreadable>,
}

impl Serialize for Order {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let x = self.extra();
        FlatRef {
            venue: &self.venue,
            id: &self.id,
            custom_order_id: &x.custom_order_id,
            parent_order_id: &x.parent_order_id,
            pair: &self.pair,
            side: &self.side,
            strategy: &self.strategy,
            super_strategy: &self.super_strategy,
            status: &self.status,
            target_qty: &self.target_qty,
            target_token: &self.target_token,
            executed_qty: &self.executed_qty,
            remaining_qty: &self.remaining_qty,
            fill_ratio: &self.fill_ratio,
            avg_price: &self.avg_price,
            limit_price: &self.limit_price,
            executed_notional: &self.executed_notional,
            arrival_price: &x.arrival_price,
            buy_token: &self.buy_token,
            buy_token_amount: &self.buy_token_amount,
            sell_token: &self.sell_token,
            sell_token_amount: &self.sell_token_amount,
            account_names: &self.account_names,
            exchanges: &self.exchanges,
            pov_target: &x.pov_target,
            time_start: &self.time_start,
            time_end: &self.time_end,
            duration_secs: &self.duration_secs,
            created_at: &self.created_at,
            updated_at: &self.updated_at,
            total_fee: &self.total_fee,
            fee_asset: &self.fee_asset,
            notes: &x.notes,
            failure_reason: &x.failure_reason,
            stats: &x.stats,
            unreadable: &self.unreadable,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Order {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let f = Flat::deserialize(d)?;
        Ok(Order {
            venue: f.venue,
            id: f.id,
            pair: f.pair,
            side: f.side,
            strategy: f.strategy,
            super_strategy: f.super_strategy,
            status: f.status,
            target_qty: f.target_qty,
            target_token: f.target_token,
            executed_qty: f.executed_qty,
            remaining_qty: f.remaining_qty,
            fill_ratio: f.fill_ratio,
            avg_price: f.avg_price,
            limit_price: f.limit_price,
            executed_notional: f.executed_notional,
            buy_token: f.buy_token,
            buy_token_amount: f.buy_token_amount,
            sell_token: f.sell_token,
            sell_token_amount: f.sell_token_amount,
            account_names: f.account_names,
            exchanges: f.exchanges,
            time_start: f.time_start,
            time_end: f.time_end,
            duration_secs: f.duration_secs,
            created_at: f.created_at,
            updated_at: f.updated_at,
            total_fee: f.total_fee,
            fee_asset: f.fee_asset,
            unreadable: f.unreadable,
            extra: ExtraBox(
                OrderExtra {
                    custom_order_id: f.custom_order_id,
                    parent_order_id: f.parent_order_id,
                    arrival_price: f.arrival_price,
                    pov_target: f.pov_target,
                    notes: f.notes,
                    failure_reason: f.failure_reason,
                    stats: f.stats,
                }
                .boxed(),
            ),
        })
    }
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
        id: impl AsRef<str>,
        pair: impl Into<Shared>,
        side: Side,
        status: OrderStatus,
    ) -> Self {
        Self {
            venue: VenueId::default(),
            id: OrderId::new(id),
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
            buy_token: None,
            buy_token_amount: None,
            sell_token: None,
            sell_token_amount: None,
            account_names: SharedList::new(),
            exchanges: SharedList::new(),
            time_start: None,
            time_end: None,
            duration_secs: None,
            created_at: None,
            updated_at: None,
            total_fee: None,
            fee_asset: None,
            unreadable: Vec::new(),
            extra: ExtraBox(None),
        }
    }

    /// The rarely-sent fields ([`OrderExtra::EMPTY`] when the order holds none).
    pub fn extra(&self) -> &OrderExtra {
        self.extra.get()
    }

    /// The rarely-sent fields, to write; makes the box if the order had none.
    pub fn extra_mut(&mut self) -> &mut OrderExtra {
        self.extra.0.get_or_insert_with(Box::default)
    }

    /// Replaces the rarely-sent fields (no box is held when `extra` is empty).
    pub fn set_extra(&mut self, extra: OrderExtra) {
        self.extra = ExtraBox(extra.boxed());
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

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// An order with every field set, extras included.
    fn full() -> Order {
        let mut o = Order::new("o-1", "BTC-USDT", Side::Buy, OrderStatus::Active);
        o.venue = VenueId::new("treadfi");
        o.strategy = Some("TWAP".into());
        o.super_strategy = Some("Impact Minimization".into());
        o.target_qty = Some(dec("0.50"));
        o.target_token = Some("BTC".into());
        o.executed_qty = Some(dec("0.25"));
        o.remaining_qty = Some(dec("0.25"));
        o.fill_ratio = Some(dec("0.5"));
        o.avg_price = Some(dec("97012.5"));
        o.limit_price = Some(LimitPrice::Price(dec("98000.00")));
        o.executed_notional = Some(dec("24253.1"));
        o.buy_token = Some("BTC".into());
        o.buy_token_amount = Some(dec("0.50"));
        o.sell_token = Some("USDT".into());
        o.sell_token_amount = Some(dec("1"));
        o.account_names = ["binance_main"].into_iter().collect();
        o.exchanges = ["binance"].into_iter().collect();
        o.time_start = Some(Timestamp::UNIX_EPOCH);
        o.time_end = Some(Timestamp::UNIX_EPOCH);
        o.duration_secs = Some(3600);
        o.created_at = Some(Timestamp::UNIX_EPOCH);
        o.updated_at = Some(Timestamp::UNIX_EPOCH);
        o.total_fee = Some(dec("9.70"));
        o.fee_asset = Some("USDT".into());
        o.unreadable = vec![Unreadable {
            path: "x".into(),
            reason: "y".into(),
        }];
        o.custom_order_id = Some("c-1".into());
        o.parent_order_id = Some(OrderId::new("p-1"));
        o.arrival_price = Some(dec("97000"));
        o.pov_target = Some(dec("0.1"));
        o.notes = Some("n".into());
        o.failure_reason = Some("f".into());
        o.stats = Some(Box::new(ExecutionStats {
            interval_vwap: Some(dec("1")),
            ..ExecutionStats::default()
        }));
        o
    }

    #[test]
    fn inline_size_is_pinned() {
        // 712 B before the rarely-sent fields moved into `OrderExtra` (600 B) and the account
        // and exchange lists became pooled `SharedList`s (8 B each instead of a 24 B `Vec`),
        // and `Side`/`OrderStatus` box an unknown word (16 B each, were 24); 544 since the id
        // is a shared `Arc<str>` (16 B, was a 24 B `String`).
        assert_eq!(size_of::<Order>(), 544);
    }

    #[test]
    fn reads_make_no_box_and_writes_do() {
        let mut o = Order::new("o-1", "BTC-USDT", Side::Buy, OrderStatus::Active);
        assert_eq!(o.notes, None);
        assert_eq!(o.stats.as_deref(), None);
        assert!(o.extra.is_none(), "a read made the box");
        o.notes = Some("n".into());
        assert_eq!(o.extra().notes.as_deref(), Some("n"));
        assert!(o.extra.is_some());
        o.set_extra(OrderExtra::default());
        assert!(o.extra.is_none(), "an empty extra is not held");
    }

    #[test]
    fn an_empty_box_equals_none() {
        let a = Order::new("o-1", "BTC-USDT", Side::Buy, OrderStatus::Active);
        let mut b = a.clone();
        b.notes = Some("n".into());
        assert_ne!(a, b);
        b.notes = None;
        assert!(b.extra.is_some());
        assert_eq!(a, b);
        let mut c = a.clone();
        c.pair = "ETH-USDT".into();
        assert_ne!(a, c, "inline fields still count");
    }

    #[test]
    fn serialised_as_the_flat_order_it_was() {
        let o = full();
        let json = serde_json::to_string(&o).unwrap();
        let keys: Vec<String> =
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&json)
                .unwrap()
                .keys()
                .cloned()
                .collect();
        assert_eq!(
            keys,
            [
                "venue",
                "id",
                "custom_order_id",
                "parent_order_id",
                "pair",
                "side",
                "strategy",
                "super_strategy",
                "status",
                "target_qty",
                "target_token",
                "executed_qty",
                "remaining_qty",
                "fill_ratio",
                "avg_price",
                "limit_price",
                "executed_notional",
                "arrival_price",
                "buy_token",
                "buy_token_amount",
                "sell_token",
                "sell_token_amount",
                "account_names",
                "exchanges",
                "pov_target",
                "time_start",
                "time_end",
                "duration_secs",
                "created_at",
                "updated_at",
                "total_fee",
                "fee_asset",
                "notes",
                "failure_reason",
                "stats",
                "unreadable",
            ]
        );
        assert!(
            json.contains(r#""notes":"n","failure_reason":"f""#),
            "{json}"
        );
        let back: Order = serde_json::from_str(&json).unwrap();
        assert_eq!(back, o);
        assert_eq!(serde_json::to_string(&back).unwrap(), json);
        // The defaults the flat order had: venue, arrival_price, stats, unreadable may be absent.
        let min = r#"{"id":"a","custom_order_id":null,"parent_order_id":null,"pair":"BTC-USDT",
            "side":"Buy","strategy":null,"super_strategy":null,"status":"Active",
            "target_qty":null,"target_token":null,"executed_qty":null,"remaining_qty":null,
            "fill_ratio":null,"avg_price":null,"limit_price":null,"executed_notional":null,
            "buy_token":null,"buy_token_amount":null,"sell_token":null,"sell_token_amount":null,
            "account_names":[],"exchanges":[],"pov_target":null,"time_start":null,
            "time_end":null,"duration_secs":null,"created_at":null,"updated_at":null,
            "total_fee":null,"fee_asset":null,"notes":null,"failure_reason":null}"#;
        let m: Order = serde_json::from_str(min).unwrap();
        assert_eq!(
            m,
            Order::new("a", "BTC-USDT", Side::Buy, OrderStatus::Active)
        );
        assert!(m.extra.is_none());
    }
}
