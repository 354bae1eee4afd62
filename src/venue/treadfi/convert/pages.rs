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

/// A page read in one pass: each row of the `rows_key` array is decoded as `W` and converted
/// as soon as it is read, with no intermediate copy of the row. `None` when anything in the
/// page fails to decode (a malformed row, a missing rows key): the caller then reads the page
/// again row by row ([`decode_page`]), which isolates the bad row and names its field. The
/// common, valid page is read once instead of twice.
fn one_pass<W, T>(
    bytes: &[u8],
    rows_key: &'static str,
    convert: impl FnMut(W) -> T,
) -> Option<Page<T>>
where
    W: DeserializeOwned,
{
    use serde::de::DeserializeSeed;
    // One UTF-8 check of the whole body, then a reader that trusts it: checking each string
    // on its own (`from_slice`) cost a quarter of the read.
    let text = std::str::from_utf8(bytes).ok()?;
    let mut de = serde_json::Deserializer::from_str(text);
    let seed = OnePass {
        rows_key,
        convert,
        _row: std::marker::PhantomData,
    };
    let page = seed.deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(page)
}

/// The one-pass page reader (see [`one_pass`]): the envelope `{"<rows_key>": [...],
/// "page_number", "num_pages", ...}` or a bare array of rows.
struct OnePass<W, F> {
    rows_key: &'static str,
    convert: F,
    _row: std::marker::PhantomData<fn() -> W>,
}

impl<'de, W: DeserializeOwned, T, F: FnMut(W) -> T> serde::de::DeserializeSeed<'de>
    for OnePass<W, F>
{
    type Value = Page<T>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Page<T>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, W: DeserializeOwned, T, F: FnMut(W) -> T> serde::de::Visitor<'de> for OnePass<W, F> {
    type Value = Page<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "an object with a `{}` array", self.rows_key)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(mut self, mut seq: A) -> Result<Page<T>, A::Error> {
        let mut rows = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(w) = seq.next_element::<W>()? {
            rows.push((self.convert)(w));
        }
        Ok(Page::of(rows))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Page<T>, A::Error> {
        use crate::venue::treadfi::wire::OptU32;
        let rows_key = self.rows_key;
        let mut rows_seed = Some(self);
        let mut page: Option<Page<T>> = None;
        let (mut page_number, mut num_pages) = (None, None);
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == rows_key {
                // A second rows key is left to the row-by-row read to judge.
                let Some(seed) = rows_seed.take() else {
                    return Err(serde::de::Error::duplicate_field("rows"));
                };
                page = Some(map.next_value_seed(seed)?);
            } else if key == "page_number" {
                page_number = map.next_value::<OptU32>()?.0;
            } else if key == "num_pages" {
                num_pages = map.next_value::<OptU32>()?.0;
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        let mut page = page.ok_or_else(|| serde::de::Error::missing_field("rows"))?;
        page.page_number = page_number;
        page.num_pages = num_pages;
        Ok(page)
    }
}

/// Logs the unreadable fields of the rows a one-pass read kept (the row-by-row read logs its
/// own as it goes).
fn log_kept(rows: &mut [Order]) {
    for o in rows {
        if o.unreadable_mut().is_some_and(|list| !list.is_empty()) {
            let id = o.id.0.clone();
            if let Some(list) = o.unreadable_mut() {
                crate::venue::decode::log_unreadable("treadfi", &id, list);
            }
        }
    }
}

/// One row of a page (the `index`-th, counted over the whole read) decoded on its own and
/// converted; a row with unreadable fields is kept with them listed (see `decode_row_into`),
/// a row that cannot be kept is a [`BadRow`] with its id where readable. Shared by the whole
/// read and the read in parts (`convert/stream.rs`), so both give the same rows.
pub(super) fn decode_one<W: DeserializeOwned, T: KeepsUnreadable>(
    raw: &RawValue,
    index: usize,
    convert: impl FnOnce(W) -> T,
) -> Result<T, BadRow> {
    decode_row_into(raw, "treadfi", |w: W| Ok(convert(w))).map_err(|reason| BadRow {
        index,
        id: row_id(raw),
        reason,
    })
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
        match decode_one(raw, index, &mut convert) {
            Ok(row) => rows.push(row),
            Err(bad) => bad_rows.push(bad),
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
    if let Some(mut page) = one_pass(bytes, "orders", order) {
        log_kept(&mut page.rows);
        return Ok(page);
    }
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
mod one_pass_tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly
    use super::*;

    /// The row-by-row read, the reference the one-pass read must equal.
    fn two_pass(bytes: &[u8]) -> Page<Order> {
        decode_page(raw_page(bytes, "orders").unwrap(), order)
    }

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/tests/fixtures/treadfi/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(path).unwrap()
    }

    #[test]
    fn one_pass_reads_every_documented_order_list_as_the_row_by_row_read_does() {
        for name in [
            "active_orders.json",
            "active_orders_200.json",
            "orders_list.json",
            "orders_list_200.json",
            "orders_with_stats.json",
            "orders_with_stats_200.json",
            "orders_by_custom_id.json",
            "orders_by_custom_id_200.json",
        ] {
            let bytes = fixture(name);
            let two = two_pass(&bytes);
            assert!(!two.rows.is_empty(), "{name}");
            if two.bad_rows.is_empty() {
                let one = one_pass(&bytes, "orders", order)
                    .unwrap_or_else(|| panic!("{name}: the one-pass read gave up"));
                assert_eq!(one, two, "{name}");
            } else {
                // e.g. the custom-id example's second row has no `id`: only the row-by-row
                // read can drop it alone.
                assert_eq!(one_pass(&bytes, "orders", order), None, "{name}");
                assert_eq!(decode_orders_page(&bytes).unwrap(), two, "{name}");
            }
        }
    }

    #[test]
    fn one_pass_keeps_a_row_whose_stats_cannot_be_read_with_the_field_listed() {
        let bytes = br#"{"orders":[{"id":"a","pair":"BTC-USDT","side":"buy","stats":{"arrival_price":"x"}},{"id":"b","pair":"ETH-USDT","side":"sell","executed_qty":12.5}],"page_number":2,"num_pages":3}"#;
        let one = one_pass(bytes, "orders", order).unwrap();
        assert_eq!(one, two_pass(bytes));
        assert_eq!(one.rows.len(), 2);
        assert_eq!((one.page_number, one.num_pages), (Some(2), Some(3)));
        assert_eq!(one.rows[0].unreadable.len(), 1);
        assert_eq!(
            one.rows[1].executed_qty,
            Some(rust_decimal::Decimal::new(125, 1))
        );
    }

    #[test]
    fn a_bad_row_makes_the_one_pass_read_give_way_to_the_row_by_row_read() {
        let bytes = br#"{"orders":[{"id":"a","pair":"BTC-USDT","side":"buy"},{"id":"b","pair":["no"],"side":"sell"},{"id":null,"pair":"ETH-USDT","side":"sell"},{"id":"c","pair":"ETH-USDT","side":"sell"}]}"#;
        assert_eq!(one_pass(bytes, "orders", order), None);
        let page = decode_orders_page(bytes).unwrap();
        let ids: Vec<&str> = page.rows.iter().map(|o| o.id.as_str()).collect();
        // `b` stays listed with its pair unreadable; the row without an id is a bad row.
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(page.rows[1].unreadable.len(), 1);
        assert_eq!(page.rows[1].unreadable[0].path, "pair");
        assert_eq!(page.bad_rows.len(), 1);
        assert_eq!(page.bad_rows[0].index, 2);
        // Not UTF-8: given way too, and the row-by-row read says why.
        assert_eq!(one_pass(b"{\"orders\":[\"\xff\"]}", "orders", order), None);
        assert!(decode_orders_page(b"{\"orders\":[\"\xff\"]}").is_err());
    }
}
