//! Private serde shapes of Tread.fi responses, as the documents show them. Every field is
//! optional and tolerant (see [`crate::venue::decode`]) except the few a row is useless
//! without (`id`, `pair`, `side`); unknown fields are ignored. Aliases are separate fields
//! (not `#[serde(alias)]`) because some payloads send both spellings at once
//! (`super_strategy` and `super_strategy_name`, `executed_qty` and `target_executed_qty`).

use std::fmt;

use jiff::Timestamp;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::domain::Shared;
use crate::venue::decode::{
    bool_lenient, id_string, opt_decimal, opt_i64, opt_shared, opt_string, opt_timestamp, opt_u32,
    shared, shared_list, string_list,
};

/// One single-leg order row (`/api/orders/`, `/api/active_orders/`, `/api/order/{id}`,
/// `/api/order_summary/{id}`, `/api/orders_with_stats/`, multi-order `child_orders`).
#[derive(Debug, Deserialize)]
pub(super) struct WireOrder {
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    #[serde(default, deserialize_with = "opt_shared")]
    pub custom_order_id: Option<Shared>,
    #[serde(default, deserialize_with = "opt_string")]
    pub parent_order_id: Option<String>,
    #[serde(deserialize_with = "shared")]
    pub pair: Shared,
    #[serde(deserialize_with = "shared")]
    pub side: Shared,
    #[serde(default, deserialize_with = "opt_shared")]
    pub strategy: Option<Shared>,
    #[serde(default, deserialize_with = "opt_shared")]
    pub super_strategy: Option<Shared>,
    #[serde(default, deserialize_with = "opt_shared")]
    pub super_strategy_name: Option<Shared>,
    #[serde(default, deserialize_with = "opt_shared")]
    pub status: Option<Shared>,

    #[serde(default, deserialize_with = "opt_decimal")]
    pub target_order_qty: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub order_qty: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_shared")]
    pub target_token: Option<Shared>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub executed_qty: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub target_executed_qty: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub target_remaining_qty: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub remaining_qty: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub pct_filled: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub average_executed_price: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub executed_price: Option<Decimal>,
    /// Raw text of `limit_price` (numbers as their exact text); interpreted in `convert`.
    #[serde(default, deserialize_with = "opt_string")]
    pub limit_price: Option<String>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub executed_notional: Option<Decimal>,
    /// Market price at order start (the table puts it on the order; the examples nest it
    /// in `stats`). Populated on completion.
    #[serde(default, deserialize_with = "opt_decimal")]
    pub arrival_price: Option<Decimal>,
    /// The market's VWAP over the order's window (order detail `GET /api/order/{id}`, a
    /// field of the order; "Populated on completion").
    #[serde(default, deserialize_with = "opt_decimal")]
    pub vwap: Option<Decimal>,
    /// The market's volume over the order's window (order detail; "Populated on
    /// completion").
    #[serde(default, deserialize_with = "opt_decimal")]
    pub interval_volume: Option<Decimal>,
    /// Market price at order end (order detail; "Populated on completion").
    #[serde(default, deserialize_with = "opt_decimal")]
    pub departure_price: Option<Decimal>,
    /// `/api/orders_with_stats/`'s `stats` object, kept as its raw text and read in
    /// `convert` (see [`RawStats`]): a malformed one must not cost the row, and rows without
    /// one (the common case) cost nothing.
    #[serde(default)]
    pub stats: Option<Box<RawValue>>,
    /// The row's own `fills` (`/api/active_orders/`, `/api/orders_with_stats/`, order detail),
    /// kept raw and read in `convert` into totals when the row has no executed figures of its
    /// own; a malformed fill costs only itself. `[]` is kept: it says nothing has executed.
    #[serde(default)]
    pub fills: Option<Box<RawValue>>,

    #[serde(default, deserialize_with = "opt_shared")]
    pub buy_token: Option<Shared>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub buy_token_amount: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_shared")]
    pub sell_token: Option<Shared>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub sell_token_amount: Option<Decimal>,

    #[serde(default, deserialize_with = "shared_list")]
    pub account_names: Vec<Shared>,
    #[serde(default, deserialize_with = "shared_list")]
    pub exchanges: Vec<Shared>,
    #[serde(default, deserialize_with = "shared_list")]
    pub exchange_names: Vec<Shared>,
    #[serde(default, deserialize_with = "shared_list")]
    pub unique_venues: Vec<Shared>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub pov_target: Option<Decimal>,

    #[serde(default, deserialize_with = "opt_timestamp")]
    pub time_start: Option<Timestamp>,
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub start_datetime: Option<Timestamp>,
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub start_timedate: Option<Timestamp>,
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub time_end: Option<Timestamp>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub duration: Option<i64>,
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub created_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub updated_at: Option<Timestamp>,

    #[serde(default, deserialize_with = "opt_decimal")]
    pub total_fee: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_shared")]
    pub fee_asset: Option<Shared>,
    #[serde(default, deserialize_with = "opt_shared")]
    pub notes: Option<Shared>,
    #[serde(default, deserialize_with = "opt_shared")]
    pub failure_reason: Option<Shared>,
}

/// One multi-order (`/api/multi_orders/` rows, `/api/multi_order/{id}`).
#[derive(Debug, Deserialize)]
pub(super) struct WireMultiOrder {
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    #[serde(default, deserialize_with = "opt_string")]
    pub custom_order_id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub calculated_status: Option<String>,
    #[serde(default, deserialize_with = "string_list")]
    pub pairs: Vec<String>,
    #[serde(default, deserialize_with = "string_list")]
    pub account_names: Vec<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub strategy: Option<String>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub executed_notional: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub notional_exposure: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub exposure_tolerance: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub pct_filled: Option<Decimal>,
    #[serde(default, deserialize_with = "bool_lenient")]
    pub is_paused: bool,
    #[serde(default, deserialize_with = "bool_lenient")]
    pub is_active: bool,
    #[serde(default, deserialize_with = "string_list")]
    pub child_order_ids: Vec<String>,
    #[serde(default)]
    pub child_orders: Option<Vec<WireOrder>>,
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub start_datetime: Option<Timestamp>,
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub start_timedate: Option<Timestamp>,
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub time_start: Option<Timestamp>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub duration: Option<i64>,
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub created_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub updated_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "opt_string")]
    pub failure_reason: Option<String>,
}

/// One placement (`/api/placements/` rows, and `placements` inside order detail).
#[derive(Debug, Deserialize)]
pub(super) struct WirePlacement {
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    /// The owning order, where the row carries it (order detail's placements do).
    #[serde(default, deserialize_with = "opt_string")]
    pub order: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub exchange: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub placement_type: Option<String>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub qty: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub executed_qty: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub price: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_string")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub failure_reason: Option<String>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub pct_filled: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_string")]
    pub external_id: Option<String>,
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub created_at: Option<Timestamp>,
}

/// One entry of an `/api/order_errors/` list.
#[derive(Debug, Deserialize)]
pub(super) struct WireMessage {
    #[serde(default, deserialize_with = "opt_string")]
    pub message: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub message_type: Option<String>,
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub created_at: Option<Timestamp>,
}

/// `/api/order_errors/`: an object keyed by order id, each value a list of messages. Kept as
/// pairs in document order.
#[derive(Debug)]
pub(super) struct WireOrderErrors(pub Vec<(String, Vec<WireMessage>)>);

impl<'de> Deserialize<'de> for WireOrderErrors {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = WireOrderErrors;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of order id → list of messages")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    let msgs: Option<Vec<WireMessage>> = map.next_value()?;
                    out.push((key, msgs.unwrap_or_default()));
                }
                Ok(WireOrderErrors(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// Just the `id` of a row, to label a row that failed to decode.
#[derive(Deserialize)]
pub(super) struct IdOnly {
    #[serde(default, deserialize_with = "opt_string")]
    pub id: Option<String>,
}

/// A page envelope with its rows still undecoded, so each row can fail on its own.
pub(super) struct RawPage<'a> {
    pub rows: Vec<&'a RawValue>,
    pub page_number: Option<u32>,
    pub num_pages: Option<u32>,
}

/// Reads a page envelope `{"<rows_key>": [...], "page_number": n, "num_pages": m, ...}`.
/// A bare JSON array is accepted as the rows (the custom-id example of `/api/orders/` shows
/// one). A missing or non-array rows key is an error.
pub(super) struct PageSeed {
    pub rows_key: &'static str,
}

/// `page_number` / `num_pages` read tolerantly (see [`opt_u32`]).
pub(super) struct OptU32(pub Option<u32>);

impl<'de> Deserialize<'de> for OptU32 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        opt_u32(d).map(OptU32)
    }
}

impl<'de> DeserializeSeed<'de> for PageSeed {
    type Value = RawPage<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PageSeed {
    type Value = RawPage<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with a `{}` array", self.rows_key)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut rows = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(row) = seq.next_element::<&'de RawValue>()? {
            rows.push(row);
        }
        Ok(RawPage {
            rows,
            page_number: None,
            num_pages: None,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut rows = None;
        let mut page_number = None;
        let mut num_pages = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == self.rows_key {
                let r: Option<Vec<&'de RawValue>> = map.next_value()?;
                rows = Some(r.unwrap_or_default());
            } else if key == "page_number" {
                page_number = map.next_value::<OptU32>()?.0;
            } else if key == "num_pages" {
                num_pages = map.next_value::<OptU32>()?.0;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        let rows = rows.ok_or_else(|| de::Error::missing_field(self.rows_key))?;
        Ok(RawPage {
            rows,
            page_number,
            num_pages,
        })
    }
}

/// One fill, in any of the three shapes the Tread.fi documents show (aliases are separate
/// fields, see the module doc):
/// - `GET /api/order/{id}?include_fills=true` → `fills[]`: `placement_id, exchange, role,
///   executed_price, executed_qty, executed_notional, fee, fill_time` (decimals as strings);
/// - `GET /api/active_orders/` → `orders[].fills[]`: `id, order_id, exchange, pair, side,
///   quantity, price, timestamp, fee, fee_currency`;
/// - order detail's 200 tab → `placements[].fills[]`: `id, created_at, fill_time, role,
///   external_id, executed_price, executed_qty, exchange, fee` (numbers as floats), the
///   placement being the enclosing object.
#[derive(Debug, Deserialize)]
pub(super) struct WireFill {
    #[serde(default, deserialize_with = "opt_string")]
    pub placement_id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub exchange: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub role: Option<String>,
    /// Quote per base.
    #[serde(default, deserialize_with = "opt_decimal")]
    pub executed_price: Option<Decimal>,
    /// Alias of `executed_price` (active-orders fills).
    #[serde(default, deserialize_with = "opt_decimal")]
    pub price: Option<Decimal>,
    /// Base asset.
    #[serde(default, deserialize_with = "opt_decimal")]
    pub executed_qty: Option<Decimal>,
    /// Alias of `executed_qty` (active-orders fills).
    #[serde(default, deserialize_with = "opt_decimal")]
    pub quantity: Option<Decimal>,
    /// Quote asset.
    #[serde(default, deserialize_with = "opt_decimal")]
    pub executed_notional: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub fee: Option<Decimal>,
    /// The asset `fee` is charged in (active-orders fills).
    #[serde(default, deserialize_with = "opt_string")]
    pub fee_currency: Option<String>,
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub fill_time: Option<Timestamp>,
    /// Alias of `fill_time` (active-orders fills).
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub timestamp: Option<Timestamp>,
}

/// Just the amounts of one fill (any shape of [`WireFill`]), for an order row's totals on the
/// hot path: the other fields are skipped unread (no strings allocated, no times parsed), so a
/// fill with, say, an odd `timestamp` still counts.
#[derive(Debug, Deserialize)]
pub(super) struct WireFillAmounts {
    #[serde(default, deserialize_with = "opt_decimal")]
    pub executed_price: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub price: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub executed_qty: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub quantity: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub executed_notional: Option<Decimal>,
}

/// The fills of an order document, rows left raw for per-row decoding: its own `fills` and
/// those nested under `placements[].fills[]` (order detail's 200 tab).
#[derive(Debug, Deserialize)]
pub(super) struct RawFills<'a> {
    #[serde(borrow, default)]
    pub fills: Option<Vec<&'a RawValue>>,
    #[serde(borrow, default)]
    pub placements: Option<Vec<&'a RawValue>>,
}

/// A placement seen only for its fills: its `id` (the fills' placement) and its raw `fills`.
#[derive(Debug, Deserialize)]
pub(super) struct RawPlacementFills<'a> {
    #[serde(default, deserialize_with = "opt_string")]
    pub id: Option<String>,
    #[serde(borrow, default)]
    pub fills: Option<Vec<&'a RawValue>>,
}

/// The `stats` object of `/api/orders_with_stats/` rows, each value left raw so that one
/// malformed value costs only itself. Other keys (`order_id`, `stat_id`) are ignored.
#[derive(Debug, Default, Deserialize)]
pub(super) struct RawStats<'a> {
    #[serde(borrow, default)]
    pub arrival_price: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub vwap: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub departure_price: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub interval_volume: Option<&'a RawValue>,
}
