//! Private serde shapes of AlphaSec order API responses (`alphasec-orders-api.txt`). Every field
//! is tolerant (see [`crate::venue::decode`]) except `orderId`; unknown fields are ignored.

use jiff::Timestamp;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{self, Deserializer};
use serde_json::value::RawValue;

use crate::venue::decode::{
    bool_lenient, id_string, opt_decimal, opt_i64, opt_string, parse_decimal, parse_timestamp,
};

/// `Option<Timestamp>` (UTC) from milliseconds since the Unix epoch ("All timestamps are in
/// milliseconds"), as a JSON number or numeric string; an ISO 8601 string is accepted too;
/// `null`/`""`/`0` → `None`.
pub(super) fn opt_epoch_ms<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
    let Some(text) = opt_string(d)? else {
        return Ok(None);
    };
    let t = text.trim();
    let ms = match t.parse::<i64>() {
        Ok(ms) => Some(ms),
        Err(_) => parse_decimal(t)
            .filter(|d| d.fract().is_zero())
            .and_then(|d| i64::try_from(d).ok()),
    };
    match ms {
        Some(0) => Ok(None),
        Some(ms) => Timestamp::from_millisecond(ms)
            .map(Some)
            .map_err(|_| de::Error::custom(format_args!("invalid epoch milliseconds {t}"))),
        None => parse_timestamp(t)
            .map(Some)
            .ok_or_else(|| de::Error::custom(format_args!("invalid timestamp {t:?}"))),
    }
}

/// The `{code, errMsg, result}` envelope of every response, `result` left raw.
#[derive(Debug, Deserialize)]
pub(super) struct Envelope<'a> {
    #[serde(default, deserialize_with = "opt_i64")]
    pub code: Option<i64>,
    #[serde(default, rename = "errMsg", deserialize_with = "opt_string")]
    pub err_msg: Option<String>,
    #[serde(default, borrow)]
    pub result: Option<&'a RawValue>,
}

/// One order (`/order/open` and `/order` rows, `/order/{orderId}` result). The database `id`
/// is not read (an internal row number; `orderId` identifies the order).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WireOrder {
    #[serde(deserialize_with = "id_string")]
    pub order_id: String,
    #[serde(default, deserialize_with = "opt_string")]
    pub account_address: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub market_id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub side: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub order_type: Option<String>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub order_mode: Option<i64>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub price: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub orig_qty: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub orig_quote_order_qty: Option<Decimal>,
    #[serde(default, deserialize_with = "bool_lenient")]
    pub is_trigger: bool,
    #[serde(default, deserialize_with = "bool_lenient")]
    pub is_triggered: bool,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub trigger_price: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_string")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub contingency_type: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub oto_leg_type: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub tx_hash: Option<String>,
    #[serde(default, deserialize_with = "opt_epoch_ms")]
    pub created_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "opt_epoch_ms")]
    pub updated_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub executed_qty: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub executed_quote_qty: Option<Decimal>,
}

/// One trade (`/order/trade` rows).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WireTrade {
    #[serde(default, deserialize_with = "opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub trade_id: Option<String>,
    #[serde(deserialize_with = "id_string")]
    pub order_id: String,
    #[serde(default, deserialize_with = "opt_string")]
    pub account_address: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub market_id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub side: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub order_type: Option<String>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub orig_price: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub orig_qty: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub price: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub quantity: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_string")]
    pub fee_token_id: Option<String>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub fee: Option<Decimal>,
    #[serde(default, deserialize_with = "bool_lenient")]
    pub is_maker: bool,
    #[serde(default, deserialize_with = "opt_epoch_ms")]
    pub created_at: Option<Timestamp>,
}

/// Just the ids of a row, for naming a row that failed to decode.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RowIds {
    #[serde(default, deserialize_with = "opt_string")]
    pub order_id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub trade_id: Option<String>,
}
