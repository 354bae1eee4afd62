//! Tread.fi wire → domain conversion and the public, pure decode functions (used by the
//! client, tests and `dump`).
//!
//! Pages are decoded per row: the envelope is read with its rows left as raw JSON, then each
//! row on its own, so one bad row becomes a [`BadRow`] (with its `id` and the failing field
//! path) and the rest of the page is kept.

use crate::venue::decode::{
    KeepsUnreadable, decode_doc, decode_doc_into, decode_row, decode_row_into,
};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::wire::{
    IdOnly, PageSeed, RawPage, WireMessage, WireMultiOrder, WireOrder, WireOrderErrors,
    WirePlacement,
};
use crate::domain::{
    BadRow, Fill, LimitPrice, MessageLevel, MultiOrder, Order, OrderId, OrderMessage, OrderStatus,
    Page, Placement, Ratio, Side,
};
use crate::venue::decode::parse_decimal;
use crate::venue::{VenueError, VenueResult};

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

/// Tread `pct_filled` (percent 0–100) → ratio 0–1.
fn pct_to_ratio(pct: Option<Decimal>) -> Option<Ratio> {
    pct.and_then(|p| p.checked_div(HUNDRED))
}

/// executed / target as a ratio 0–1, when both are known and target is not zero.
fn derive_ratio(executed: Option<Decimal>, target: Option<Decimal>) -> Option<Ratio> {
    match (executed, target) {
        (Some(e), Some(t)) if !t.is_zero() => e.checked_div(t),
        _ => None,
    }
}

/// Tread `limit_price`: `""`/`null`/`-1`/`-1.0` → `None` (no limit), numeric text or number →
/// [`LimitPrice::Price`], any other text → [`LimitPrice::Expression`].
pub(super) fn limit_price(raw: Option<String>) -> Option<LimitPrice> {
    let raw = raw?;
    let text = raw.trim();
    if text.is_empty() {
        return None;
    }
    match parse_decimal(text) {
        Some(d) if d == Decimal::NEGATIVE_ONE => None,
        Some(d) => Some(LimitPrice::Price(d)),
        None => Some(LimitPrice::Expression(raw)),
    }
}

fn status(raw: Option<String>) -> OrderStatus {
    match raw {
        Some(s) => OrderStatus::parse(&s),
        // `status` is documented nullable on order detail: kept visible as an empty word.
        None => OrderStatus::Other(String::new()),
    }
}

/// The first list that is not empty.
fn first_non_empty(lists: [Vec<String>; 3]) -> Vec<String> {
    lists
        .into_iter()
        .find(|l| !l.is_empty())
        .unwrap_or_default()
}

pub(super) fn order(w: WireOrder) -> Order {
    let target_qty = w.target_order_qty.or(w.order_qty);
    // `target_executed_qty` is explicitly "in target token terms"; `executed_qty` is the
    // documented fallback (the summary/stats endpoints only send that one).
    let executed_qty = w.target_executed_qty.or(w.executed_qty);
    let fill_ratio = pct_to_ratio(w.pct_filled).or_else(|| derive_ratio(executed_qty, target_qty));
    Order {
        venue: Default::default(),
        id: OrderId(w.id),
        custom_order_id: w.custom_order_id,
        parent_order_id: w.parent_order_id.map(OrderId),
        pair: w.pair,
        side: Side::parse(&w.side),
        strategy: w.strategy,
        // The name is what a user reads; `super_strategy` is sometimes a UUID.
        super_strategy: w.super_strategy_name.or(w.super_strategy),
        status: status(w.status),
        target_qty,
        target_token: w.target_token,
        executed_qty,
        remaining_qty: w.target_remaining_qty.or(w.remaining_qty),
        fill_ratio,
        avg_price: w.average_executed_price.or(w.executed_price),
        limit_price: limit_price(w.limit_price),
        executed_notional: w.executed_notional,
        arrival_price: w
            .arrival_price
            .or_else(|| stats_decimal(w.stats.as_ref(), "arrival_price")),
        buy_token: w.buy_token,
        buy_token_amount: w.buy_token_amount,
        sell_token: w.sell_token,
        sell_token_amount: w.sell_token_amount,
        account_names: w.account_names,
        exchanges: first_non_empty([w.exchanges, w.exchange_names, w.unique_venues]),
        pov_target: w.pov_target,
        time_start: w.time_start.or(w.start_datetime).or(w.start_timedate),
        time_end: w.time_end,
        duration_secs: w.duration,
        created_at: w.created_at,
        updated_at: w.updated_at,
        total_fee: w.total_fee,
        fee_asset: w.fee_asset,
        notes: w.notes,
        failure_reason: w.failure_reason,
        stats: None,
        unreadable: Vec::new(),
    }
}

pub(super) fn multi_order(w: WireMultiOrder) -> MultiOrder {
    MultiOrder {
        venue: Default::default(),
        id: OrderId(w.id),
        custom_order_id: w.custom_order_id,
        status: status(w.status),
        calculated_status: w.calculated_status.map(|s| OrderStatus::parse(&s)),
        pairs: w.pairs,
        account_names: w.account_names,
        strategy: w.strategy,
        executed_notional: w.executed_notional,
        notional_exposure: w.notional_exposure,
        exposure_tolerance: w.exposure_tolerance,
        fill_ratio: pct_to_ratio(w.pct_filled),
        is_paused: w.is_paused,
        is_active: w.is_active,
        child_order_ids: w.child_order_ids.into_iter().map(OrderId).collect(),
        child_orders: w
            .child_orders
            .unwrap_or_default()
            .into_iter()
            .map(order)
            .collect(),
        time_start: w.start_datetime.or(w.start_timedate).or(w.time_start),
        duration_secs: w.duration,
        created_at: w.created_at,
        updated_at: w.updated_at,
        failure_reason: w.failure_reason,
        unreadable: Vec::new(),
    }
}

pub(super) fn placement(w: WirePlacement, order_id: &OrderId) -> Placement {
    Placement {
        venue: Default::default(),
        id: w.id,
        order_id: w.order.map_or_else(|| order_id.clone(), OrderId),
        exchange: w.exchange,
        placement_type: w.placement_type.unwrap_or_default(),
        qty: w.qty,
        executed_qty: w.executed_qty,
        price: w.price,
        status: w.status.unwrap_or_default(),
        failure_reason: w.failure_reason,
        fill_ratio: pct_to_ratio(w.pct_filled),
        external_id: w.external_id,
        created_at: w.created_at,
        unreadable: Vec::new(),
    }
}

fn message(order_id: &str, w: WireMessage) -> OrderMessage {
    OrderMessage {
        venue: Default::default(),
        order_id: OrderId::new(order_id),
        level: MessageLevel::parse(w.message_type.as_deref().unwrap_or_default()),
        message: w.message.unwrap_or_default(),
        created_at: w.created_at,
    }
}

fn row_id(raw: &RawValue) -> Option<String> {
    serde_json::from_str::<IdOnly>(raw.get())
        .ok()
        .and_then(|r| r.id)
}

fn raw_page<'a>(bytes: &'a [u8], rows_key: &'static str) -> VenueResult<RawPage<'a>> {
    use serde::de::DeserializeSeed;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let page = PageSeed { rows_key }
        .deserialize(&mut de)
        .and_then(|p| de.end().map(|()| p))
        .map_err(|e| VenueError::Decode {
            path: "$".into(),
            message: e.to_string(),
        })?;
    Ok(page)
}

/// Decodes every row of a raw page with `convert`, collecting failures as [`BadRow`]s; a row
/// with unreadable fields is kept with them listed (see `decode_row_into`).
fn decode_page<W: DeserializeOwned, T: KeepsUnreadable>(
    page: RawPage<'_>,
    mut convert: impl FnMut(W) -> T,
) -> Page<T> {
    let mut rows = Vec::with_capacity(page.rows.len());
    let mut bad_rows = Vec::new();
    for (index, raw) in page.rows.into_iter().enumerate() {
        match decode_row_into(raw, "treadfi", |w: W| Ok(convert(w))) {
            Ok(row) => rows.push(row),
            Err(reason) => bad_rows.push(BadRow {
                index,
                id: row_id(raw),
                reason,
            }),
        }
    }
    Page {
        rows,
        bad_rows,
        page_number: page.page_number,
        num_pages: page.num_pages,
    }
}

/// Decodes a Tread.fi order list: `{"orders": [...], "page_number", "num_pages", ...}` as sent
/// by `GET /api/orders/`, `/api/active_orders/` and `/api/orders_with_stats/` (a bare JSON array
/// of orders is accepted too). Each row is decoded on its own: rows that fail are reported in
/// [`Page::bad_rows`] with the row's `id` and the failing field; quantities are exact decimals,
/// `pct_filled` (percent 0–100) becomes a ratio 0–1, times are UTC.
///
/// # Errors
/// [`VenueError::Decode`] when the body is not JSON or has no `orders` array.
pub fn decode_orders_page(bytes: &[u8]) -> VenueResult<Page<Order>> {
    Ok(decode_page(raw_page(bytes, "orders")?, order))
}

/// Decodes one order object: `GET /api/order/{id}` (also `/api/order_summary/{id}` and the
/// `POST /api/orders/` reply). Same field rules as [`decode_orders_page`].
///
/// # Errors
/// [`VenueError::Decode`] with the failing field path (e.g. `executed_qty`).
pub fn decode_order(bytes: &[u8]) -> VenueResult<Order> {
    decode_doc::<WireOrder>(bytes).map(order)
}

/// Decodes the `fills` of `GET /api/order/{id}?include_fills=true`, per row (a bad row is a
/// [`BadRow`], the rest kept), newest `fill_time` first. No `fills` key (or `null`) → none.
///
/// # Errors
/// [`VenueError::Decode`] when the body is not a JSON object.
pub fn decode_fills(bytes: &[u8], order_id: &OrderId) -> VenueResult<Page<Fill>> {
    let raw: super::wire::RawFills<'_> = decode_doc(bytes)?;
    let mut page = Page::default();
    for (index, row) in raw.fills.unwrap_or_default().into_iter().enumerate() {
        match decode_row::<super::wire::WireFill>(row) {
            Ok(w) => page.rows.push(Fill {
                venue: Default::default(),
                order_id: order_id.clone(),
                placement_id: w.placement_id,
                exchange: w.exchange,
                role: w.role,
                price: w.executed_price,
                qty: w.executed_qty,
                notional: w.executed_notional,
                fee: w.fee,
                fee_asset: None,
                time: w.fill_time,
            }),
            Err(reason) => page.bad_rows.push(BadRow {
                index,
                id: None,
                reason,
            }),
        }
    }
    page.rows.sort_by_key(|f| std::cmp::Reverse(f.time));
    Ok(page)
}

/// Decodes a multi-order list: `GET /api/multi_orders/` →
/// `{"multi_orders": [...], "page_number", "num_pages", ...}`, per row as
/// [`decode_orders_page`]. `pairs` (comma-joined) is split; `pct_filled` 0–100 → ratio 0–1;
/// `child_orders` (with `include_child_orders=true`) are decoded as orders.
///
/// # Errors
/// [`VenueError::Decode`] when the body is not JSON or has no `multi_orders` array.
pub fn decode_multi_orders_page(bytes: &[u8]) -> VenueResult<Page<MultiOrder>> {
    Ok(decode_page(raw_page(bytes, "multi_orders")?, multi_order))
}

/// Decodes one multi-order: `GET /api/multi_order/{id}` (also the `POST /api/multi_orders/`
/// reply). A field that cannot be read (e.g. `child_orders[0].executed_qty`) is listed in
/// [`MultiOrder::unreadable`] and the multi-order with its children kept, as in a page.
///
/// # Errors
/// [`VenueError::Decode`] when the body is not JSON or the multi-order has no readable `id`.
pub fn decode_multi_order(bytes: &[u8]) -> VenueResult<MultiOrder> {
    decode_doc_into(bytes, "treadfi", |w: WireMultiOrder| Ok(multi_order(w)))
}

/// Decodes `GET /api/placements/?order_id=ID` → `{"placements": [...], "page_number",
/// "num_pages", "count"}`, per row. `order_id` is the queried order, used where a row has no
/// `order` field. Quantities and price are exact decimals (price `null` for market
/// placements), `pct_filled` 0–100 → ratio 0–1, `""` failure reason / external id → `None`.
/// Also reads the `placements` array embedded in a `GET /api/order/{id}` body (whose rows
/// carry their `order`).
///
/// # Errors
/// [`VenueError::Decode`] when the body is not JSON or has no `placements` array.
pub fn decode_placements_page(bytes: &[u8], order_id: &OrderId) -> VenueResult<Page<Placement>> {
    Ok(decode_page(raw_page(bytes, "placements")?, |w| {
        placement(w, order_id)
    }))
}

/// Decodes `GET /api/order_errors/?order_ids=...` → `{"<order id>": [{"message",
/// "message_type", "created_at"}, ...], ...}` into one flat list, newest `created_at` first
/// (messages without a time last; ties keep the venue's order).
///
/// # Errors
/// [`VenueError::Decode`] with the failing path (e.g. `<id>[0].created_at`).
pub fn decode_order_errors(bytes: &[u8]) -> VenueResult<Vec<OrderMessage>> {
    let WireOrderErrors(groups) = decode_doc(bytes)?;
    let mut out: Vec<OrderMessage> = groups
        .into_iter()
        .flat_map(|(id, msgs)| {
            msgs.into_iter()
                .map(move |m| message(&id, m))
                .collect::<Vec<_>>()
        })
        .collect();
    // Newest first; `None` sorts before `Some` ascending, so reversing the key puts it last.
    out.sort_by_key(|m| std::cmp::Reverse(m.created_at));
    Ok(out)
}

/// A decimal field of the `stats` object (string or number), if present and valid.
fn stats_decimal(stats: Option<&serde_json::Value>, key: &str) -> Option<Decimal> {
    match stats?.get(key)? {
        serde_json::Value::String(s) => crate::venue::decode::parse_decimal(s),
        serde_json::Value::Number(n) => crate::venue::decode::parse_decimal(&n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_price_sentinels() {
        assert_eq!(limit_price(None), None);
        assert_eq!(limit_price(Some(String::new())), None);
        assert_eq!(limit_price(Some("-1".into())), None);
        assert_eq!(limit_price(Some("-1.0".into())), None);
        assert_eq!(
            limit_price(Some("45000.00".into())),
            Some(LimitPrice::Price(Decimal::new(4500000, 2)))
        );
        assert_eq!(
            limit_price(Some("BTC-USDT@Binance 0.99 *".into())),
            Some(LimitPrice::Expression("BTC-USDT@Binance 0.99 *".into()))
        );
    }

    #[test]
    fn ratio_helpers() {
        assert_eq!(
            pct_to_ratio(Some(Decimal::new(5000, 2))),
            Some(Decimal::new(5, 1))
        );
        assert_eq!(
            derive_ratio(Some(Decimal::ONE), Some(Decimal::TWO)),
            Some(Decimal::new(5, 1))
        );
        assert_eq!(derive_ratio(Some(Decimal::ONE), Some(Decimal::ZERO)), None);
    }
}
