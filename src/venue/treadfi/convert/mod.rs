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
    IdOnly, PageSeed, RawFills, RawPage, RawPlacementFills, RawStats, WireFill, WireFillAmounts,
    WireMessage, WireMultiOrder, WireOrder, WireOrderErrors, WirePlacement,
};
use crate::domain::{
    BadRow, ExecutionStats, Fill, LimitPrice, MessageLevel, MultiOrder, Order, OrderId,
    OrderMessage, OrderStatus, Page, Placement, Ratio, Side, Unreadable,
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
    let mut unreadable = Vec::new();
    let stats = w
        .stats
        .as_deref()
        .and_then(|raw| execution_stats(raw, &mut unreadable));
    let from_fills = w
        .fills
        .as_deref()
        .and_then(|raw| fill_totals(raw, &mut unreadable))
        .map(|t| executed_from_fills(&w, target_qty, executed_qty, &t));
    let mut o = Order {
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
            .or_else(|| stats.as_ref().and_then(|s| s.arrival_price)),
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
        stats: stats.map(Box::new),
        unreadable: Vec::new(),
    };
    if let Some(f) = from_fills {
        o.executed_qty = o.executed_qty.or(f.executed_qty);
        o.fill_ratio = o.fill_ratio.or(f.fill_ratio);
        o.avg_price = o.avg_price.or(f.avg_price);
        o.executed_notional = o.executed_notional.or(f.notional);
    }
    o.unreadable.extend(unreadable);
    o
}

/// A raw JSON value read as a decimal with the shared tolerant rules (string or number,
/// `null`/`""` → `None`); `Err` is the reason it could not be read.
fn raw_decimal(raw: Option<&RawValue>) -> Result<Option<Decimal>, String> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    let mut de = serde_json::Deserializer::from_str(raw.get());
    crate::venue::decode::opt_decimal(&mut de).map_err(|e| {
        let mut m = e.to_string();
        if let Some(at) = m.rfind(" at line ") {
            m.truncate(at);
        }
        m
    })
}

/// Tread's `stats` object (`/api/orders_with_stats/`): `arrival_price`, `vwap` (the market's
/// over the order's interval), `departure_price` (quote per base) and `interval_volume` (base).
/// A value that cannot be read is left out and listed in `unreadable` as `stats.<key>`; a
/// `stats` that is not an object is listed as `stats`. `None` when nothing was readable.
fn execution_stats(raw: &RawValue, unreadable: &mut Vec<Unreadable>) -> Option<ExecutionStats> {
    let text = raw.get();
    if text == "null" {
        return None;
    }
    // serde would also read a list positionally: only an object is a `stats`.
    let parsed = if text.starts_with('{') {
        serde_json::from_str::<RawStats<'_>>(text).map_err(|e| e.to_string())
    } else {
        Err(format!(
            "expected an object, got {}",
            crate::sanitize::clean_truncated(text, 40)
        ))
    };
    let r = match parsed {
        Ok(r) => r,
        Err(reason) => {
            unreadable.push(Unreadable {
                path: "stats".into(),
                reason,
            });
            return None;
        }
    };
    let mut read = |key: &str, v: Option<&RawValue>| {
        raw_decimal(v).unwrap_or_else(|reason| {
            unreadable.push(Unreadable {
                path: format!("stats.{key}"),
                reason,
            });
            None
        })
    };
    let s = ExecutionStats {
        arrival_price: read("arrival_price", r.arrival_price),
        interval_vwap: read("vwap", r.vwap),
        departure_price: read("departure_price", r.departure_price),
        interval_volume: read("interval_volume", r.interval_volume),
    };
    (s != ExecutionStats::default()).then_some(s)
}

/// One decoded fill of any documented shape (see [`WireFill`]) as a domain [`Fill`]. Field
/// aliases: `quantity` → qty, `price` → price, `timestamp` → time, `fee_currency` → fee asset;
/// `placement` is the enclosing placement's id for fills nested in `placements[]`.
fn fill(w: WireFill, order_id: &OrderId, placement: Option<&str>) -> Fill {
    Fill {
        venue: Default::default(),
        order_id: order_id.clone(),
        placement_id: w.placement_id.or_else(|| placement.map(str::to_owned)),
        exchange: w.exchange,
        role: w.role,
        price: w.executed_price.or(w.price),
        qty: w.executed_qty.or(w.quantity),
        notional: w.executed_notional,
        fee: w.fee,
        fee_asset: w.fee_currency,
        time: w.fill_time.or(w.timestamp),
    }
}

/// Totals over an order row's own `fills`, in the fills' units: quantity in the base asset,
/// notional in the quote asset.
#[derive(Debug, Default)]
struct FillTotals {
    /// Σ quantity (base).
    qty: Decimal,
    /// Σ notional (quote): the fill's `executed_notional`, else price × quantity. `None` when
    /// a fill with a quantity has neither (the sum would be short).
    notional: Option<Decimal>,
    /// Σ notional and Σ quantity over the fills that have a price: the VWAP's terms.
    priced_notional: Decimal,
    priced_qty: Decimal,
}

/// Reads a row's raw `fills` into [`FillTotals`]. `None` when `fills` is not a list, when any
/// fill cannot be read (each listed in `unreadable` as `fills[i].<field>`: a total missing a
/// fill would show too little as executed), or on overflow.
fn fill_totals(raw: &RawValue, unreadable: &mut Vec<Unreadable>) -> Option<FillTotals> {
    let rows: Vec<&RawValue> = match serde_json::from_str::<Option<Vec<&RawValue>>>(raw.get()) {
        Ok(rows) => rows?,
        Err(e) => {
            unreadable.push(Unreadable {
                path: "fills".into(),
                reason: e.to_string(),
            });
            return None;
        }
    };
    let mut t = FillTotals {
        notional: Some(Decimal::ZERO),
        ..FillTotals::default()
    };
    let mut complete = true;
    for (i, raw) in rows.into_iter().enumerate() {
        let w = match decode_row::<WireFillAmounts>(raw) {
            Ok(w) => w,
            Err(reason) => {
                // `decode_row` says `field: message` (just `message` for the fill itself).
                let (path, reason) = match reason.split_once(": ") {
                    Some((field, why)) if !field.contains(' ') => {
                        (format!("fills[{i}].{field}"), why.to_owned())
                    }
                    _ => (format!("fills[{i}]"), reason),
                };
                unreadable.push(Unreadable { path, reason });
                complete = false;
                continue;
            }
        };
        let Some(q) = w.executed_qty.or(w.quantity) else {
            continue;
        };
        let price = w.executed_price.or(w.price);
        let n = w
            .executed_notional
            .or_else(|| price.and_then(|p| p.checked_mul(q)));
        t.qty = t.qty.checked_add(q)?;
        t.notional = match (t.notional, n) {
            (Some(acc), Some(n)) => Some(acc.checked_add(n)?),
            _ => None,
        };
        if let Some(n) = n {
            t.priced_notional = t.priced_notional.checked_add(n)?;
            t.priced_qty = t.priced_qty.checked_add(q)?;
        }
    }
    complete.then_some(t)
}

/// What an order row's fills say about its execution, for the fields the row itself leaves
/// out.
#[derive(Debug, Default)]
struct FromFills {
    executed_qty: Option<Decimal>,
    fill_ratio: Option<Ratio>,
    avg_price: Option<Decimal>,
    notional: Option<Decimal>,
}

/// Execution figures from a row's own `fills`, used only where the row does not give them
/// (the main `/api/active_orders/` example has no `pct_filled`, `target_*` nor
/// `executed_qty`; what has executed is only in its `fills`).
///
/// The rule:
/// - Fill quantities are in the base asset and prices in quote per base, so Σ quantity is the
///   base executed and Σ notional (the fill's `executed_notional`, else price × quantity) the
///   quote executed.
/// - The base asset is the token bought on a buy and sold on a sell (`buy_token` /
///   `sell_token`); the other one is the quote.
/// - The order's size, in its target token: `target_order_qty` (alias `order_qty`) in
///   `target_token`; else the `buy_token_amount` or `sell_token_amount` whose token is
///   `target_token`; else, with no `target_token`, the side's own amount (`buy_token_amount`
///   on a buy, `sell_token_amount` on a sell: sized in base) or, failing that, the other
///   one (sized in quote) — the same amount the table shows as the order's size.
/// - Executed quantity = the base or quote total, whichever the size is in; only when the
///   row has no `executed_qty`/`target_executed_qty` (whose unit the documents do not pin
///   down when `target_token` is absent). Fill % = executed ÷ size (not when size is 0).
/// - Average price = Σ notional ÷ Σ quantity over the fills with a price.
///
/// All arithmetic is checked: an overflow leaves the figure `None`.
fn executed_from_fills(
    w: &WireOrder,
    target_qty: Option<Decimal>,
    executed_qty: Option<Decimal>,
    t: &FillTotals,
) -> FromFills {
    let avg_price = if t.priced_qty.is_zero() {
        None
    } else {
        t.priced_notional
            .checked_div(t.priced_qty)
            .map(|p| p.round_dp(8).normalize())
    };
    let mut out = FromFills {
        avg_price,
        notional: t.notional,
        ..FromFills::default()
    };
    if executed_qty.is_some() {
        return out;
    }
    let Some((size, in_base)) = order_size(w, target_qty) else {
        return out;
    };
    out.executed_qty = if in_base { Some(t.qty) } else { t.notional };
    out.fill_ratio = derive_ratio(out.executed_qty, Some(size));
    out
}

/// The order's size in its target token and whether that token is the base asset, per the
/// rule on [`executed_from_fills`]. `None` when the size or its unit is unknown.
fn order_size(w: &WireOrder, target_qty: Option<Decimal>) -> Option<(Decimal, bool)> {
    let (own, own_token, other, other_token) = match Side::parse(&w.side) {
        Side::Buy => (
            w.buy_token_amount,
            w.buy_token.as_deref(),
            w.sell_token_amount,
            w.sell_token.as_deref(),
        ),
        Side::Sell => (
            w.sell_token_amount,
            w.sell_token.as_deref(),
            w.buy_token_amount,
            w.buy_token.as_deref(),
        ),
        Side::Other(_) => return None,
    };
    match (w.target_token.as_deref(), target_qty) {
        (Some(tt), Some(q)) if Some(tt) == own_token => Some((q, true)),
        (Some(tt), Some(q)) if Some(tt) == other_token => Some((q, false)),
        (_, Some(_)) => None,
        (Some(tt), None) if Some(tt) == own_token => own.map(|a| (a, true)),
        (Some(tt), None) if Some(tt) == other_token => other.map(|a| (a, false)),
        (Some(_), None) => None,
        (None, None) => own.map(|a| (a, true)).or(other.map(|a| (a, false))),
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

/// Decodes the fills of an order document: `GET /api/order/{id}?include_fills=true` (its
/// `fills`, and the fills nested under `placements[].fills[]` as its 200 tab shows them, each
/// with its placement's id), or an `/api/active_orders/` row (`fills` with `quantity`,
/// `price`, `timestamp`, `fee_currency`). Every shape becomes the same [`Fill`]: quantity in
/// the base asset, price quote per base, UTC time. Per row (a bad row is a [`BadRow`] with the
/// fill's `id` where readable, the rest kept), newest time first. No `fills` (or `null`) →
/// none.
///
/// # Errors
/// [`VenueError::Decode`] when the body is not a JSON object.
pub fn decode_fills(bytes: &[u8], order_id: &OrderId) -> VenueResult<Page<Fill>> {
    let raw: RawFills<'_> = decode_doc(bytes)?;
    let mut page = Page::default();
    let take = |page: &mut Page<Fill>, rows: Vec<&RawValue>, placement: Option<&str>| {
        for row in rows {
            match decode_row::<WireFill>(row) {
                Ok(w) => page.rows.push(fill(w, order_id, placement)),
                Err(reason) => page.bad_rows.push(BadRow {
                    index: page.rows.len() + page.bad_rows.len(),
                    id: row_id(row),
                    reason,
                }),
            }
        }
    };
    take(&mut page, raw.fills.unwrap_or_default(), None);
    for p in raw.placements.unwrap_or_default() {
        match serde_json::from_str::<RawPlacementFills<'_>>(p.get()) {
            Ok(pl) => take(&mut page, pl.fills.unwrap_or_default(), pl.id.as_deref()),
            // A placement whose fills cannot be listed: said, not dropped.
            Err(e) => page.bad_rows.push(BadRow {
                index: page.rows.len() + page.bad_rows.len(),
                id: row_id(p),
                reason: format!("placements: {e}"),
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
