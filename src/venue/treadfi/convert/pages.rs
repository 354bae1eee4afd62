//! The public, pure decode functions: a page's envelope read with its rows left raw, then
//! each row on its own (one bad row becomes a [`BadRow`]), for orders, multi-orders,
//! placements, fills and order errors.

use crate::venue::decode::{
    KeepsUnreadable, decode_doc, decode_doc_into, decode_row, decode_row_into,
};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::domain::{BadRow, Fill, MultiOrder, Order, OrderId, OrderMessage, Page, Placement};
use crate::venue::treadfi::wire::{
    IdOnly, PageSeed, RawFills, RawPage, RawPlacementFills, WireFill, WireMultiOrder, WireOrder,
    WireOrderErrors,
};
use crate::venue::{VenueError, VenueResult};

use super::fills::fill;
use super::{message, multi_order, order, placement};

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
