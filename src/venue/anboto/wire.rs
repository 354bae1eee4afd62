//! Private serde shapes of Anboto Trading API v2 responses (`anboto-trading-api-v2.md`,
//! "Schemas"). Every field is tolerant (see [`crate::venue::decode`]); unknown fields are
//! ignored.

use jiff::Timestamp;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::venue::decode::{opt_decimal, opt_string, opt_timestamp};

/// `OrderDetails`: one row of `OrderDetailsList.orders` (`GET order/open`, `order/find`,
/// `order/byId`). `order_id` is `integer(int64)¦null`, kept as its text. `message`,
/// `error_code` and `created_at` are not documented on this schema (only on `OrderSummary`) but
/// are read when present so a rejection reason is never dropped.
#[derive(Debug, Deserialize)]
pub(super) struct WireOrderDetails {
    #[serde(default, deserialize_with = "opt_string")]
    pub order_id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub client_order_id: Option<String>,
    pub symbol: String,
    #[serde(default, deserialize_with = "opt_string")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub filled_quantity: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub leaves_quantity: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_string")]
    pub side: Option<String>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub last_quantity: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub last_price: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub average_price: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_string")]
    pub message: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub error_code: Option<String>,
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub created_at: Option<Timestamp>,
}

/// `OrderSummary`: the reply of `order/cancel`, `order/cancelMany` (documented), `order/create`;
/// rows of `OrderSummaryList` (`order/createMany`). Also the assumed shape of error bodies
/// (no error body is documented).
#[derive(Debug, Deserialize)]
pub(super) struct WireOrderSummary {
    #[serde(default, deserialize_with = "opt_string")]
    pub order_id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub client_order_id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub created_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "opt_string")]
    pub message: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub error_code: Option<String>,
}

/// A list envelope `{"orders": [...]}` with rows left raw for per-row decoding.
#[derive(Debug, Deserialize)]
pub(super) struct RawOrders<'a> {
    #[serde(borrow)]
    pub orders: Vec<&'a RawValue>,
}

/// Just the ids of a row, for naming a row that failed to decode.
#[derive(Debug, Deserialize)]
pub(super) struct RowIds {
    #[serde(default, deserialize_with = "opt_string")]
    pub order_id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub client_order_id: Option<String>,
}
