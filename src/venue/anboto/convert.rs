//! Anboto wire → domain conversion and the public, pure decode functions.
//!
//! Mapping (`anboto-trading-api-v2.md`, schemas `OrderDetails`, `OrderSummary`, `OrderStatus`,
//! `ApiErrorCode`, `Side`):
//!
//! | Anboto `status`    | [`OrderStatus`]                     |
//! |--------------------|-------------------------------------|
//! | `PENDING_NEW`      | `Submitted`                         |
//! | `ACCEPTED`         | `Active`                            |
//! | `PARTIALLY_FILLED` | `Active` (fill shown by the ratio)  |
//! | `FILLED`           | `Complete`                          |
//! | `CANCELLED`        | `Canceled`                          |
//! | `REJECTED`         | `Failed`                            |
//! | `PAUSED`           | `Paused`                            |
//! | `PENDING_CANCEL`, `PENDING_PAUSE`, `PENDING_UNPAUSE`, `EXPIRED`, `CANCEL_REJECTED`, any other word | `Other(word)` |
//!
//! When a word collapses onto a domain status (`ACCEPTED`, `PARTIALLY_FILLED`, `PENDING_NEW`, …)
//! the venue's word is kept in [`Order::notes`] as `status WORD`, so nothing is lost.
//!
//! Rejections: `error_code` (an `ApiErrorCode` such as `INSUFFICIENT_FUNDS`,
//! `SLIPPAGE_EXCEEDED`, or any other text) and `message` become [`Order::failure_reason`]
//! `CODE: message`; [`order_messages`] turns failure reasons and rejected statuses into
//! [`OrderMessage`]s of level [`MessageLevel::Error`].

use crate::venue::decode::{KeepsUnreadable, decode_doc, decode_row, decode_row_into};
use jiff::Timestamp;
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

use super::wire::{RawOrders, RowIds, WireOrderDetails, WireOrderSummary};
use crate::domain::{BadRow, MessageLevel, Order, OrderId, OrderMessage, OrderStatus, Page, Side};
use crate::venue::http::truncate;
use crate::venue::{VenueError, VenueResult};

/// Maps an Anboto `OrderStatus` word (any case) onto [`OrderStatus`]; see the module table.
/// Words without an exact domain equivalent are kept verbatim as [`OrderStatus::Other`].
pub fn map_status(word: &str) -> OrderStatus {
    match word.trim().to_ascii_uppercase().as_str() {
        "PENDING_NEW" => OrderStatus::Submitted,
        "ACCEPTED" | "PARTIALLY_FILLED" | "NEW" => OrderStatus::Active,
        "FILLED" => OrderStatus::Complete,
        "CANCELLED" | "CANCELED" => OrderStatus::Canceled,
        "REJECTED" => OrderStatus::Failed,
        "PAUSED" => OrderStatus::Paused,
        _ => OrderStatus::Other(word.trim().into()),
    }
}

/// True for the Anboto statuses that report a rejection: `REJECTED` (the order) and
/// `CANCEL_REJECTED` (a cancel request).
fn is_rejected_word(word: &str) -> bool {
    matches!(
        word.trim().to_ascii_uppercase().as_str(),
        "REJECTED" | "CANCEL_REJECTED"
    )
}

/// `CODE: message`, `CODE`, or `message` — whichever parts are present.
fn code_and_message(code: Option<&str>, message: Option<&str>) -> Option<String> {
    match (code, message) {
        (Some(c), Some(m)) => Some(format!("{c}: {m}")),
        (Some(c), None) => Some(c.to_owned()),
        (None, Some(m)) => Some(m.to_owned()),
        (None, None) => None,
    }
}

/// An Anboto `OrderSummary` (reply of `POST order/cancel`, `order/cancelMany`, `order/create`;
/// rows of `order/createMany`), as sent. Times are UTC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderSummary {
    /// `order_id` (Anboto's int64 id, as text); `None` when the venue sent `null`.
    pub order_id: Option<OrderId>,
    /// `client_order_id`.
    pub client_order_id: Option<String>,
    /// `status`, the venue's word as sent (e.g. `PENDING_CANCEL`); see [`map_status`].
    pub status: Option<String>,
    /// `created_at`, UTC.
    pub created_at: Option<Timestamp>,
    /// `message`: "any additional information, usually if the order was rejected".
    pub message: Option<String>,
    /// `error_code`: an `ApiErrorCode` (e.g. `INVALID_ORDER`, `INSUFFICIENT_FUNDS`) or other text.
    pub error_code: Option<String>,
}

impl OrderSummary {
    /// `status` mapped with [`map_status`].
    pub fn order_status(&self) -> Option<OrderStatus> {
        self.status.as_deref().map(map_status)
    }

    /// True when the venue reports a rejection: an `error_code` is present or the status is
    /// `REJECTED` / `CANCEL_REJECTED`.
    pub fn is_rejected(&self) -> bool {
        self.error_code.is_some() || self.status.as_deref().is_some_and(is_rejected_word)
    }

    /// The rejection text: `CODE: message` (or whichever part is present), else the status word
    /// when it is a rejection; `None` when not rejected.
    pub fn failure(&self) -> Option<String> {
        if !self.is_rejected() {
            return None;
        }
        code_and_message(self.error_code.as_deref(), self.message.as_deref())
            .or_else(|| self.status.clone())
    }

    /// One line for an action reply: the venue's `message`, else `status WORD`, else `""`.
    pub fn text(&self) -> String {
        match (&self.message, &self.status) {
            (Some(m), _) => m.clone(),
            (None, Some(s)) => format!("status {s}"),
            (None, None) => String::new(),
        }
    }
}

fn summary(w: WireOrderSummary) -> OrderSummary {
    OrderSummary {
        order_id: w.order_id.map(OrderId::new),
        client_order_id: w.client_order_id,
        status: w.status,
        created_at: w.created_at,
        message: w.message,
        error_code: w.error_code,
    }
}

/// The base asset of an Anboto symbol (`BTC/USDT` → `BTC`, `BTC/USDT:USDT` → `BTC`); `None`
/// without a `/`.
fn base_asset(symbol: &str) -> Option<String> {
    symbol
        .split_once('/')
        .map(|(b, _)| b.trim().to_owned())
        .filter(|b| !b.is_empty())
}

fn non_zero(d: Option<Decimal>) -> Option<Decimal> {
    d.filter(|v| !v.is_zero())
}

/// One `OrderDetails` row → [`Order`]. Quantities are in the traded (base) asset:
/// `target_qty` = `filled_quantity` + `leaves_quantity`, `executed_qty` = `filled_quantity`,
/// `remaining_qty` = `leaves_quantity`, fill ratio = filled / target; `average_price` 0 with
/// nothing filled → no average price; `executed_notional` = filled × average price (quote).
fn order(w: WireOrderDetails) -> Result<Order, String> {
    let id = w
        .order_id
        .clone()
        .or_else(|| w.client_order_id.clone())
        .ok_or_else(|| "neither order_id nor client_order_id is set".to_owned())?;
    let status_word = w.status.clone().unwrap_or_default();
    let status = map_status(&status_word);
    let mut notes: Vec<String> = Vec::new();
    if !status_word.is_empty() && status.as_str() != status_word.trim().to_ascii_uppercase() {
        notes.push(format!("status {}", status_word.trim()));
    }
    let side = match w.side.as_deref().map(str::trim) {
        Some(s) if s.eq_ignore_ascii_case("SHORT_SELL") => {
            notes.push("side SHORT_SELL".into());
            Side::Sell
        }
        Some(s) => Side::parse(s),
        None => Side::Other("".into()),
    };
    let filled = w.filled_quantity;
    let target_qty = match (filled, w.leaves_quantity) {
        (Some(f), Some(l)) => f.checked_add(l),
        _ => None,
    };
    let fill_ratio = match (filled, target_qty) {
        (Some(f), Some(t)) if !t.is_zero() => f.checked_div(t),
        _ => None,
    };
    let avg_price = if non_zero(filled).is_some() {
        non_zero(w.average_price)
    } else {
        None
    };
    let executed_notional = match (filled, avg_price) {
        (Some(f), Some(p)) => f.checked_mul(p),
        _ => None,
    };
    if let Some(q) = non_zero(w.last_quantity) {
        match w.last_price {
            Some(p) => notes.push(format!("last fill {q} @ {p}")),
            None => notes.push(format!("last fill {q}")),
        }
    }
    let rejected = is_rejected_word(&status_word) || w.error_code.is_some();
    let failure_reason = if rejected {
        code_and_message(w.error_code.as_deref(), w.message.as_deref())
    } else {
        if let Some(m) = &w.message {
            notes.push(m.clone());
        }
        None
    };
    let mut o = Order::new(id, w.symbol.clone(), side, status);
    o.custom_order_id = w.client_order_id.map(Into::into);
    o.target_token = base_asset(&w.symbol).map(Into::into);
    o.target_qty = target_qty;
    o.executed_qty = filled;
    o.remaining_qty = w.leaves_quantity;
    o.fill_ratio = fill_ratio;
    o.avg_price = avg_price;
    o.executed_notional = executed_notional;
    o.created_at = w.created_at;
    o.notes = (!notes.is_empty()).then(|| notes.join("; ").into());
    o.failure_reason = failure_reason.map(Into::into);
    Ok(o)
}

fn row_id(raw: &RawValue) -> Option<String> {
    serde_json::from_str::<RowIds>(raw.get())
        .ok()
        .and_then(|r| r.order_id.or(r.client_order_id))
}

/// The raw rows of `{"orders": [...]}` or of a bare JSON array.
fn raw_rows(bytes: &[u8]) -> VenueResult<Vec<&RawValue>> {
    let starts_with_array = bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'[');
    if starts_with_array {
        decode_doc::<Vec<&RawValue>>(bytes)
    } else {
        decode_doc::<RawOrders<'_>>(bytes).map(|r| r.orders)
    }
}

fn decode_rows<W: DeserializeOwned, T: KeepsUnreadable>(
    rows_raw: Vec<&RawValue>,
    mut convert: impl FnMut(W) -> Result<T, String>,
) -> Page<T> {
    let mut rows = Vec::with_capacity(rows_raw.len());
    let mut bad_rows = Vec::new();
    for (index, raw) in rows_raw.into_iter().enumerate() {
        match decode_row_into(raw, "anboto", &mut convert) {
            Ok(t) => rows.push(t),
            Err(reason) => bad_rows.push(BadRow {
                index,
                id: row_id(raw),
                reason,
            }),
        }
    }
    let mut page = Page::of(rows);
    page.bad_rows = bad_rows;
    page
}

/// Decodes an Anboto `OrderDetailsList` — `{"orders": [OrderDetails…]}` as sent by
/// `GET /api/v2/trading/order/open`, `/order/find` and `/order/byId` (a bare JSON array is
/// accepted too). Per row: a row that fails (or has neither `order_id` nor `client_order_id`)
/// becomes a [`BadRow`] and the rest is kept. Quantities are exact decimals in the traded
/// (base) asset, prices quote per base; see the module docs for statuses and rejections.
///
/// # Errors
/// [`VenueError::Decode`] when the body is not JSON or has no `orders` array.
pub fn decode_orders_page(bytes: &[u8]) -> VenueResult<Page<Order>> {
    Ok(decode_rows(raw_rows(bytes)?, order))
}

/// Decodes one `OrderSummary` object (`POST order/cancel`, `order/create`).
///
/// # Errors
/// [`VenueError::Decode`] with the failing field path.
pub fn decode_order_summary(bytes: &[u8]) -> VenueResult<OrderSummary> {
    decode_doc::<WireOrderSummary>(bytes).map(summary)
}

/// Decodes the reply of `POST order/cancelMany` (or `order/createMany`): the document shows a
/// single `OrderSummary`, the vendor's Java example reads a list; accepted are a single object,
/// `{"orders": [OrderSummary…]}` and a bare array. Always returns a list (one entry for a
/// single summary).
///
/// # Errors
/// [`VenueError::Decode`] when the body is none of these shapes (the first failing row's path
/// for lists).
pub fn decode_summaries(bytes: &[u8]) -> VenueResult<Vec<OrderSummary>> {
    let value: Value = decode_doc(bytes)?;
    let is_list = value.is_array() || value.get("orders").is_some_and(Value::is_array);
    if !is_list {
        return decode_order_summary(bytes).map(|s| vec![s]);
    }
    let rows = raw_rows(bytes)?;
    let mut out = Vec::with_capacity(rows.len());
    for (i, raw) in rows.into_iter().enumerate() {
        let w = decode_row::<WireOrderSummary>(raw).map_err(|message| VenueError::Decode {
            path: format!("orders[{i}]"),
            message,
        })?;
        out.push(summary(w));
    }
    Ok(out)
}

/// Error and warning messages derived from orders (Anboto has no order-messages endpoint):
/// one [`MessageLevel::Error`] message per order with a [`Order::failure_reason`]
/// (`CODE: message`), else per order whose status is `REJECTED` ([`OrderStatus::Failed`]) or
/// `CANCEL_REJECTED`, worded from the status. Timed at the order's `updated_at`/`created_at`
/// where known. Input order is kept.
pub fn order_messages(orders: &[Order]) -> Vec<OrderMessage> {
    orders
        .iter()
        .filter_map(|o| {
            let message = match (&o.failure_reason, &o.status) {
                (Some(r), _) => r.to_string(),
                (None, OrderStatus::Failed) => "REJECTED: order was rejected".to_owned(),
                (None, OrderStatus::Other(w)) if w.eq_ignore_ascii_case("CANCEL_REJECTED") => {
                    "CANCEL_REJECTED: cancel request was rejected".to_owned()
                }
                _ => return None,
            };
            Some(OrderMessage {
                venue: Default::default(),
                order_id: o.id.clone(),
                level: MessageLevel::Error,
                message,
                created_at: o.updated_at.or(o.created_at),
            })
        })
        .collect()
}

fn str_field<'a>(map: &'a serde_json::Map<String, Value>, key: &str) -> Option<&'a str> {
    map.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The `error_code` of an error body shaped like `OrderSummary`, when there is one.
pub(super) fn error_code(bytes: &[u8]) -> Option<String> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => str_field(&map, "error_code").map(str::to_owned),
        _ => None,
    }
}

/// The venue's error text from an error body. No error body is documented; the
/// `OrderSummary` shape is assumed: `{"error_code": C, "message": M}` → `C: M` (or whichever is
/// present); `{"error": t}` / `{"detail": t}` → `t`; a bare JSON string → itself; anything else
/// → its text cut to ~200 characters; an empty body → `""`.
pub fn decode_error_message(bytes: &[u8]) -> String {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::String(s)) => s,
        Ok(Value::Object(map)) => {
            code_and_message(str_field(&map, "error_code"), str_field(&map, "message"))
                .or_else(|| str_field(&map, "error").map(str::to_owned))
                .or_else(|| str_field(&map, "detail").map(str::to_owned))
                .unwrap_or_else(|| truncate(&String::from_utf8_lossy(bytes)))
        }
        _ => truncate(&String::from_utf8_lossy(bytes)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        assert_eq!(map_status("PENDING_NEW"), OrderStatus::Submitted);
        assert_eq!(map_status("partially_filled"), OrderStatus::Active);
        assert_eq!(map_status("FILLED"), OrderStatus::Complete);
        assert_eq!(map_status("CANCELLED"), OrderStatus::Canceled);
        assert_eq!(map_status("REJECTED"), OrderStatus::Failed);
        assert_eq!(map_status("PAUSED"), OrderStatus::Paused);
        for w in [
            "PENDING_CANCEL",
            "PENDING_PAUSE",
            "PENDING_UNPAUSE",
            "EXPIRED",
            "CANCEL_REJECTED",
            "WEIRD",
        ] {
            assert_eq!(map_status(w), OrderStatus::Other(w.into()));
        }
    }

    #[test]
    fn error_bodies() {
        assert_eq!(
            decode_error_message(br#"{"error_code":"INVALID_SIGNATURE","message":"bad"}"#),
            "INVALID_SIGNATURE: bad"
        );
        assert_eq!(
            decode_error_message(br#"{"error_code":"INVALID_TIMESTAMP"}"#),
            "INVALID_TIMESTAMP"
        );
        assert_eq!(decode_error_message(br#"{"message":"m"}"#), "m");
        assert_eq!(decode_error_message(br#""s""#), "s");
        assert_eq!(decode_error_message(b"<html>"), "<html>");
        assert_eq!(decode_error_message(b""), "");
        assert_eq!(
            error_code(br#"{"error_code":"INVALID_TIMESTAMP"}"#).as_deref(),
            Some("INVALID_TIMESTAMP")
        );
    }
}
