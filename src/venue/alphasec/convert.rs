//! AlphaSec wire → domain conversion and the public, pure decode functions.
//!
//! Every response is the envelope `{"code": 200, "errMsg": "OK", "result": …}`; any `code`
//! other than 200 is a [`VenueError::Http`] carrying `errMsg`, whatever the HTTP status.
//!
//! Mapping decisions (`alphasec-orders-api.txt`):
//! - **Market**: `marketId` `baseTokenId_quoteTokenId` (e.g. `1_2`) is shown as `BASE-QUOTE`
//!   through the token map (token id → symbol) given to the client; when either token is
//!   unmapped the raw `marketId` is kept as the pair.
//! - **Status**: `NEW`/`PARTIALLY_FILLED` → `Active`, `PENDING_NEW` → `Submitted`, `FILLED` →
//!   `Complete`, `CANCELED` → `Canceled`, `REJECTED` → `Failed`; `EXPIRED`, `PENDING_CANCEL` and
//!   unknown words → `Other(word)`. A collapsed word is kept in `notes` as `status WORD`.
//! - **Quantities**: base mode (`orderMode` 0, or absent with a non-zero `origQty`): target =
//!   `origQty` in the base token, executed = `executedQty`. Quote mode (`orderMode` 1, market
//!   orders "buy with 1000 USDT"): target = `origQuoteOrderQty` with `target_token` = the
//!   **quote** symbol, executed = `executedQuoteQty`, and the quote amount is also put in
//!   `sell_token_amount` (buy) / `buy_token_amount` (sell) so the order's notional is known.
//!   Remaining = target − executed; fill ratio = executed / target (0–1). Average price =
//!   `executedQuoteQty` / `executedQty`; `executed_notional` = `executedQuoteQty` (quote).
//!   `price` / `triggerPrice` `"0"` mean "none".
//! - **TP/SL legs**: AlphaSec sends no parent id. Legs (`otoLegType` `TP_LEG`, `SL_LEG`,
//!   `OCO_LEG`) are grouped under the `WORKING_LEG` of the same page that shares their
//!   `txHash` (one transaction places the whole OTO order): each leg gets
//!   `parent_order_id` = the working leg's `orderId`, and the working leg's `notes` list its
//!   legs (`legs: TP_LEG 0x1234ab, SL_LEG 0x9876cd`). Every leg also says what it is in its own
//!   `notes` (`OTO TP_LEG; trigger 2.9 (waiting)`).
//! - **Rejections**: AlphaSec sends no reason; a `REJECTED` order gets the document's wording
//!   `REJECTED: Order was rejected by the system` as `failure_reason`, and
//!   [`order_messages`] turns it into an error message.

use crate::venue::decode::{KeepsUnreadable, decode_doc, decode_row, decode_row_into};
use std::collections::HashMap;

use jiff::Timestamp;
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::wire::{Envelope, RowIds, WireOrder, WireTrade};
use crate::domain::{
    BadRow, LimitPrice, MessageLevel, Order, OrderId, OrderMessage, OrderStatus, Page, Placement,
    Side,
};
use crate::venue::http::truncate;
use crate::venue::{VenueError, VenueResult};

/// Token id → symbol (e.g. `"1"` → `"ALP"`, `"2"` → `"USDT"`), given to the client.
pub type TokenMap = HashMap<String, String>;

/// The failure text of a `REJECTED` order (AlphaSec sends no reason; the document's wording).
const REJECTED_TEXT: &str = "REJECTED: Order was rejected by the system";

/// Maps an AlphaSec order status (any case) onto [`OrderStatus`]; see the module docs.
pub fn map_status(word: &str) -> OrderStatus {
    match word.trim().to_ascii_uppercase().as_str() {
        "NEW" | "PARTIALLY_FILLED" => OrderStatus::Active,
        "PENDING_NEW" => OrderStatus::Submitted,
        "FILLED" => OrderStatus::Complete,
        "CANCELED" | "CANCELLED" => OrderStatus::Canceled,
        "REJECTED" => OrderStatus::Failed,
        _ => OrderStatus::Other(word.trim().into()),
    }
}

/// The symbol of a token id, or the id itself when unmapped.
fn token(id: &str, tokens: &TokenMap) -> String {
    tokens.get(id).cloned().unwrap_or_else(|| id.to_owned())
}

/// A `marketId` (`baseTokenId_quoteTokenId`) as `BASE-QUOTE` via `tokens`; the raw id when it
/// is not of that form or either token is unmapped (`"1_2"` with `{1: ALP, 2: USDT}` →
/// `ALP-USDT`; with `{1: ALP}` → `1_2`).
pub fn market_symbol(market_id: &str, tokens: &TokenMap) -> String {
    match market_id.split_once('_') {
        Some((b, q)) => match (tokens.get(b), tokens.get(q)) {
            (Some(b), Some(q)) => format!("{b}-{q}"),
            _ => market_id.to_owned(),
        },
        None => market_id.to_owned(),
    }
}

/// (base, quote) symbols (or raw token ids) of a market id.
fn base_quote(market_id: &str, tokens: &TokenMap) -> (Option<String>, Option<String>) {
    match market_id.split_once('_') {
        Some((b, q)) => (Some(token(b, tokens)), Some(token(q, tokens))),
        None => (None, None),
    }
}

fn non_zero(d: Option<Decimal>) -> Option<Decimal> {
    d.filter(|v| !v.is_zero())
}

fn ratio(executed: Option<Decimal>, target: Option<Decimal>) -> Option<Decimal> {
    match (executed, target) {
        (Some(e), Some(t)) if !t.is_zero() => e.checked_div(t),
        _ => None,
    }
}

/// What grouping needs to know about a row beyond the domain order.
struct Leg {
    kind: String,
    tx_hash: Option<String>,
}

fn is_none_word(w: &Option<String>) -> bool {
    w.as_deref()
        .is_none_or(|s| s.trim().is_empty() || s.eq_ignore_ascii_case("NONE"))
}

fn order(w: WireOrder, tokens: &TokenMap) -> (Order, Leg) {
    let market_id = w.market_id.clone().unwrap_or_default();
    let (base, quote) = base_quote(&market_id, tokens);
    let side = Side::parse(w.side.as_deref().unwrap_or_default());
    let status_word = w.status.clone().unwrap_or_default();
    let status = map_status(&status_word);
    let mut notes: Vec<String> = Vec::new();
    if !status_word.is_empty() && status.as_str() != status_word.trim().to_ascii_uppercase() {
        notes.push(format!("status {}", status_word.trim()));
    }
    let quote_mode = match w.order_mode {
        Some(1) => true,
        Some(_) => false,
        None => non_zero(w.orig_qty).is_none() && non_zero(w.orig_quote_order_qty).is_some(),
    };
    let mut o = Order::new(
        w.order_id,
        market_symbol(&market_id, tokens),
        side.clone(),
        status,
    );
    if quote_mode {
        notes.push("sized in quote".into());
        o.target_qty = w.orig_quote_order_qty;
        o.target_token = quote.as_deref().map(Into::into);
        o.executed_qty = w.executed_quote_qty;
        match side {
            Side::Buy => o.sell_token_amount = w.orig_quote_order_qty,
            Side::Sell => o.buy_token_amount = w.orig_quote_order_qty,
            Side::Other(_) => {}
        }
    } else {
        o.target_qty = w.orig_qty;
        o.target_token = base.as_deref().map(Into::into);
        o.executed_qty = w.executed_qty;
    }
    o.remaining_qty = match (o.target_qty, o.executed_qty) {
        (Some(t), Some(e)) => t.checked_sub(e),
        _ => None,
    };
    o.fill_ratio = ratio(o.executed_qty, o.target_qty);
    o.avg_price = match (non_zero(w.executed_qty), w.executed_quote_qty) {
        (Some(q), Some(n)) => n.checked_div(q).map(|p| p.normalize()),
        _ => None,
    };
    o.executed_notional = w.executed_quote_qty;
    o.limit_price = non_zero(w.price).map(LimitPrice::Price);
    o.strategy = w.order_type.map(Into::into);
    match side {
        Side::Buy => {
            o.buy_token = base.map(Into::into);
            o.sell_token = quote.map(Into::into);
        }
        Side::Sell => {
            o.buy_token = quote.map(Into::into);
            o.sell_token = base.map(Into::into);
        }
        Side::Other(_) => {}
    }
    o.account_names = w.account_address.into_iter().collect();
    o.created_at = w.created_at;
    o.updated_at = w.updated_at;
    if !is_none_word(&w.contingency_type) || !is_none_word(&w.oto_leg_type) {
        let mut part = w.contingency_type.clone().unwrap_or_default();
        if !is_none_word(&w.oto_leg_type) {
            if !part.is_empty() && !part.eq_ignore_ascii_case("NONE") {
                part.push(' ');
            } else {
                part.clear();
            }
            part.push_str(w.oto_leg_type.as_deref().unwrap_or_default());
        }
        notes.push(part);
    }
    if w.is_trigger {
        let state = if w.is_triggered {
            "triggered"
        } else {
            "waiting"
        };
        match non_zero(w.trigger_price) {
            Some(p) => notes.push(format!("trigger {p} ({state})")),
            None => notes.push(format!("trigger ({state})")),
        }
    }
    if let Some(tx) = &w.tx_hash
        && tx != o.id.as_str()
    {
        notes.push(format!("tx {tx}"));
    }
    if o.status == OrderStatus::Failed {
        o.failure_reason = Some(REJECTED_TEXT.into());
    }
    o.notes = (!notes.is_empty()).then(|| notes.join("; ").into());
    let leg = Leg {
        kind: w
            .oto_leg_type
            .map(|s| s.trim().to_ascii_uppercase())
            .unwrap_or_default(),
        tx_hash: w.tx_hash,
    };
    (o, leg)
}

fn push_note(o: &mut Order, note: String) {
    o.notes = Some(match o.notes.take() {
        Some(n) => format!("{n}; {note}").into(),
        None => note.into(),
    });
}

/// Groups TP/SL/OCO legs under the working leg with the same `txHash` (see the module docs).
fn group_legs(rows: &mut [(Order, Leg)]) {
    let mut working: HashMap<String, usize> = HashMap::new();
    for (i, (_, leg)) in rows.iter().enumerate() {
        if leg.kind == "WORKING_LEG"
            && let Some(tx) = &leg.tx_hash
        {
            working.entry(tx.clone()).or_insert(i);
        }
    }
    let mut children: Vec<(usize, String)> = Vec::new();
    for i in 0..rows.len() {
        let (o, leg) = &rows[i];
        if !matches!(leg.kind.as_str(), "TP_LEG" | "SL_LEG" | "OCO_LEG") {
            continue;
        }
        let Some(&w) = leg.tx_hash.as_ref().and_then(|tx| working.get(tx)) else {
            continue;
        };
        if w == i {
            continue;
        }
        let label = format!("{} {}", leg.kind, o.id.short());
        let parent = rows[w].0.id.clone();
        rows[i].0.parent_order_id = Some(parent);
        children.push((w, label));
    }
    let mut by_parent: HashMap<usize, Vec<String>> = HashMap::new();
    for (w, label) in children {
        by_parent.entry(w).or_default().push(label);
    }
    for (w, labels) in by_parent {
        push_note(&mut rows[w].0, format!("legs: {}", labels.join(", ")));
    }
}

/// One AlphaSec trade (`GET /api/v1/order/trade` row), as sent, with the market and fee token
/// shown through the token map. Quantities are exact decimals: `quantity` in the base token,
/// prices quote per base, `fee` in `fee_token`; time UTC.
#[derive(Debug, Clone, PartialEq)]
pub struct Trade {
    /// `tradeId` (the row's `id` when `tradeId` is missing).
    pub trade_id: String,
    /// `id`, the trade's database id.
    pub id: Option<String>,
    /// `orderId`: the order that generated this trade.
    pub order_id: OrderId,
    /// `accountAddress`.
    pub account_address: Option<String>,
    /// `marketId` via the token map (`BASE-QUOTE`, or the raw id).
    pub market: String,
    /// `side`.
    pub side: Side,
    /// `orderType` (`LIMIT`, `MARKET`, …).
    pub order_type: Option<String>,
    /// `origPrice`: the order's price (quote per base; `None` for 0).
    pub orig_price: Option<Decimal>,
    /// `origQty`: the order's quantity (base).
    pub orig_qty: Option<Decimal>,
    /// `price`: execution price, quote per base.
    pub price: Option<Decimal>,
    /// `quantity`: executed quantity, base token.
    pub quantity: Option<Decimal>,
    /// `fee`, in [`Trade::fee_token`].
    pub fee: Option<Decimal>,
    /// `feeTokenId` via the token map (symbol, or the raw id).
    pub fee_token: Option<String>,
    /// `isMaker`: true when the trade provided liquidity.
    pub is_maker: bool,
    /// `createdAt` (ms since epoch) as UTC.
    pub created_at: Option<Timestamp>,
}

/// A trade cannot list unreadable fields: a trade row with one is reported whole as a
/// [`BadRow`] (its order stays listed).
impl KeepsUnreadable for Trade {
    fn unreadable_mut(&mut self) -> Option<&mut Vec<crate::domain::Unreadable>> {
        None
    }
}

impl Trade {
    /// The trade as a [`Placement`] row of its order: `id` = `tradeId`, `placement_type`
    /// `MAKE`/`TAKE` from `isMaker`, `qty` = `executed_qty` = `quantity`, status `FILLED`,
    /// fill ratio 1, `external_id` = the database `id`. The fee has no placement field; it is
    /// kept on [`Trade`].
    pub fn to_placement(&self) -> Placement {
        Placement {
            venue: Default::default(),
            id: self.trade_id.clone(),
            order_id: self.order_id.clone(),
            exchange: None,
            placement_type: if self.is_maker { "MAKE" } else { "TAKE" }.into(),
            qty: self.quantity,
            executed_qty: self.quantity,
            price: self.price,
            status: "FILLED".into(),
            failure_reason: None,
            fill_ratio: Some(Decimal::ONE),
            external_id: self.id.clone(),
            created_at: self.created_at,
            unreadable: Vec::new(),
        }
    }
}

fn trade(w: WireTrade, tokens: &TokenMap) -> Result<Trade, String> {
    let trade_id = w
        .trade_id
        .or_else(|| w.id.clone())
        .ok_or_else(|| "neither tradeId nor id is set".to_owned())?;
    Ok(Trade {
        trade_id,
        id: w.id,
        order_id: OrderId::new(w.order_id),
        account_address: w.account_address,
        market: market_symbol(w.market_id.as_deref().unwrap_or_default(), tokens),
        side: Side::parse(w.side.as_deref().unwrap_or_default()),
        order_type: w.order_type,
        orig_price: non_zero(w.orig_price),
        orig_qty: w.orig_qty,
        price: w.price,
        quantity: w.quantity,
        fee: w.fee,
        fee_token: w.fee_token_id.map(|id| token(&id, tokens)),
        is_maker: w.is_maker,
        created_at: w.created_at,
    })
}

// --- envelope and per-row decoding ----------------------------------------------------------

fn row_id(raw: &RawValue) -> Option<String> {
    serde_json::from_str::<RowIds>(raw.get())
        .ok()
        .and_then(|r| r.order_id.or(r.trade_id))
}

/// The error of an envelope whose `code` is not 200: status = `code` when it looks like an HTTP
/// status (100–599), else `http_status` with `code N: ` before the message; message = `errMsg`.
fn code_error(code: i64, err_msg: Option<String>, http_status: u16) -> VenueError {
    let msg = err_msg.unwrap_or_default();
    match u16::try_from(code).ok().filter(|c| (100..=599).contains(c)) {
        Some(status) => VenueError::Http {
            status,
            message: if msg.is_empty() {
                format!("code {code}")
            } else {
                msg
            },
            retry_after_secs: None,
        },
        None => VenueError::Http {
            status: http_status,
            message: if msg.is_empty() {
                format!("code {code}")
            } else {
                format!("code {code}: {msg}")
            },
            retry_after_secs: None,
        },
    }
}

/// The raw `result` of a successful envelope (`None` for `null`/missing).
fn result_of(bytes: &[u8]) -> VenueResult<Option<&RawValue>> {
    let text = std::str::from_utf8(bytes).map_err(|e| VenueError::Decode {
        path: "$".into(),
        message: e.to_string(),
    })?;
    let env: Envelope<'_> = decode_doc(text.as_bytes())?;
    match env.code {
        Some(200) => Ok(env.result.filter(|r| r.get().trim() != "null")),
        Some(code) => Err(code_error(code, env.err_msg, 200)),
        None => Err(VenueError::Decode {
            path: "code".into(),
            message: "missing envelope code".into(),
        }),
    }
}

/// The error for a non-2xx HTTP answer: the envelope's `errMsg` when the body is one (with its
/// `code` as the status when that code is not 200), else the body's text cut to ~200
/// characters, else the HTTP reason phrase.
pub fn decode_error(http_status: u16, bytes: &[u8]) -> VenueError {
    let env = std::str::from_utf8(bytes)
        .ok()
        .and_then(|t| serde_json::from_str::<Envelope<'_>>(t).ok());
    match env {
        Some(Envelope {
            code: Some(code),
            err_msg,
            ..
        }) if code != 200 => code_error(code, err_msg, http_status),
        Some(Envelope {
            err_msg: Some(m), ..
        }) => VenueError::Http {
            status: http_status,
            message: m,
            retry_after_secs: None,
        },
        _ => {
            let mut message = truncate(&String::from_utf8_lossy(bytes));
            if message.is_empty() {
                message = reqwest::StatusCode::from_u16(http_status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or_default()
                    .to_owned();
            }
            VenueError::Http {
                status: http_status,
                message,
                retry_after_secs: None,
            }
        }
    }
}

fn raw_list(bytes: &[u8]) -> VenueResult<Vec<&RawValue>> {
    match result_of(bytes)? {
        None => Ok(Vec::new()),
        Some(raw) => decode_doc::<Vec<&RawValue>>(raw.get().as_bytes()).map_err(|e| match e {
            VenueError::Decode { path, message } => VenueError::Decode {
                path: if path == "$" {
                    "result".into()
                } else {
                    format!("result.{path}")
                },
                message,
            },
            other => other,
        }),
    }
}

fn decode_rows<W: DeserializeOwned, T: KeepsUnreadable>(
    raws: Vec<&RawValue>,
    mut convert: impl FnMut(W) -> Result<T, String>,
) -> (Vec<T>, Vec<BadRow>) {
    let mut rows = Vec::with_capacity(raws.len());
    let mut bad_rows = Vec::new();
    for (index, raw) in raws.into_iter().enumerate() {
        match decode_row_into(raw, "alphasec", &mut convert) {
            Ok(t) => rows.push(t),
            Err(reason) => bad_rows.push(BadRow {
                index,
                id: row_id(raw),
                reason,
            }),
        }
    }
    (rows, bad_rows)
}

/// Decodes an order list: `GET /api/v1/order/open` or `GET /api/v1/order` →
/// `{"code": 200, "errMsg": "OK", "result": [order…]}`. Per row: a row that fails becomes a
/// [`BadRow`] (with its `orderId` and the failing field) and the rest is kept. Markets are
/// shown through `tokens`; TP/SL legs are grouped under their working leg; see the module docs
/// for every rule. `result: null` is an empty page.
///
/// # Errors
/// [`VenueError::Http`] with `errMsg` when `code` ≠ 200; [`VenueError::Decode`] when the body
/// is not the envelope or `result` is not a list.
pub fn decode_orders_page(bytes: &[u8], tokens: &TokenMap) -> VenueResult<Page<Order>> {
    let (mut rows, bad_rows) = decode_rows(raw_list(bytes)?, |w: WireOrder| Ok(order(w, tokens)));
    group_legs(&mut rows);
    let mut page = Page::of(rows.into_iter().map(|(o, _)| o).collect());
    page.bad_rows = bad_rows;
    Ok(page)
}

/// Decodes `GET /api/v1/order/{orderId}` → `{"code": 200, "errMsg": "OK", "result": {order}}`
/// (same rules as [`decode_orders_page`], no leg grouping).
///
/// # Errors
/// [`VenueError::Http`] with `errMsg` when `code` ≠ 200; [`VenueError::Decode`] with the
/// failing field path (`result.price`), or `result` when it is missing.
pub fn decode_order(bytes: &[u8], tokens: &TokenMap) -> VenueResult<Order> {
    let raw = result_of(bytes)?.ok_or_else(|| VenueError::Decode {
        path: "result".into(),
        message: "missing order".into(),
    })?;
    let w: WireOrder = decode_row(raw).map_err(|m| VenueError::Decode {
        path: "result".into(),
        message: m,
    })?;
    Ok(order(w, tokens).0)
}

/// Decodes `GET /api/v1/order/trade` → `{"code": 200, "errMsg": "OK", "result": [trade…]}`,
/// per row as [`decode_orders_page`].
///
/// # Errors
/// As [`decode_orders_page`].
pub fn decode_trades_page(bytes: &[u8], tokens: &TokenMap) -> VenueResult<Page<Trade>> {
    let (rows, bad_rows) = decode_rows(raw_list(bytes)?, |w: WireTrade| trade(w, tokens));
    let mut page = Page::of(rows);
    page.bad_rows = bad_rows;
    Ok(page)
}

/// Error messages derived from orders (AlphaSec has no messages endpoint): one
/// [`MessageLevel::Error`] message per order with a `failure_reason` (i.e. `REJECTED`), timed
/// at its `updatedAt`/`createdAt`. Input order is kept.
pub fn order_messages(orders: &[Order]) -> Vec<OrderMessage> {
    orders
        .iter()
        .filter_map(|o| {
            o.failure_reason.as_ref().map(|r| OrderMessage {
                venue: Default::default(),
                order_id: o.id.clone(),
                level: MessageLevel::Error,
                message: r.to_string(),
                created_at: o.updated_at.or(o.created_at),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        assert_eq!(map_status("NEW"), OrderStatus::Active);
        assert_eq!(map_status("PARTIALLY_FILLED"), OrderStatus::Active);
        assert_eq!(map_status("PENDING_NEW"), OrderStatus::Submitted);
        assert_eq!(map_status("FILLED"), OrderStatus::Complete);
        assert_eq!(map_status("CANCELED"), OrderStatus::Canceled);
        assert_eq!(map_status("REJECTED"), OrderStatus::Failed);
        assert_eq!(map_status("EXPIRED"), OrderStatus::Other("EXPIRED".into()));
        assert_eq!(
            map_status("PENDING_CANCEL"),
            OrderStatus::Other("PENDING_CANCEL".into())
        );
    }

    #[test]
    fn markets() {
        let t: TokenMap = [("1".into(), "ALP".into()), ("2".into(), "USDT".into())].into();
        assert_eq!(market_symbol("1_2", &t), "ALP-USDT");
        assert_eq!(market_symbol("3_2", &t), "3_2");
        assert_eq!(market_symbol("weird", &t), "weird");
    }

    #[test]
    fn envelope_codes() {
        let e = result_of(br#"{"code":400,"errMsg":"invalid address","result":null}"#).unwrap_err();
        assert_eq!(e.to_string(), "400 invalid address");
        let e = result_of(br#"{"code":10001,"errMsg":"bad market"}"#).unwrap_err();
        assert_eq!(e.to_string(), "200 code 10001: bad market");
        assert!(
            result_of(br#"{"code":"200","result":null}"#)
                .unwrap()
                .is_none()
        );
        assert!(matches!(
            result_of(br#"{"result":[]}"#),
            Err(VenueError::Decode { .. })
        ));
        assert_eq!(
            decode_error(502, b"<html>bad gateway</html>").to_string(),
            "502 <html>bad gateway</html>"
        );
        assert_eq!(
            decode_error(500, br#"{"code":500,"errMsg":"internal"}"#).to_string(),
            "500 internal"
        );
    }
}
