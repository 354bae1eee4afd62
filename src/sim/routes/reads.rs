//! The documented read endpoints: active orders, orders (with the date filters), one order,
//! multi-orders, placements and order errors, paged as the documents say.

use std::collections::HashMap;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde_json::{Value, json};

use crate::sim::book::SimOrder;
use crate::sim::{Shared, json as wire};

use super::{Params, S, error, flag, list, ok, page_params};

pub(super) async fn active_orders(State(shared): S, Query(q): Params) -> Response {
    let exclude_paused = flag(&q, "exclude_paused", true);
    let only_active = flag(&q, "only_active", false);
    let accounts = list(&q, "account_names");
    // A snapshot of the rows (the book's lock is not held while the reply goes out); each is
    // rendered to JSON only when its chunk is sent.
    let rows: Vec<SimOrder> = shared
        .book()
        .orders
        .iter()
        .filter(|o| o.is_open())
        .filter(|o| !(exclude_paused && o.status == "PAUSED"))
        .filter(|o| !only_active || o.status == "ACTIVE")
        .filter(|o| accounts.is_empty() || accounts.iter().any(|a| a == o.account))
        .cloned()
        .collect();
    let shapes = shared.cfg.shapes;
    let head = format!(r#"{{"order_count":{},"orders":["#, rows.len());
    streamed_rows(head, rows, move |o| wire::order(o, shapes), "]}")
}

/// Rows sent per chunk of a streamed reply ([`streamed_rows`]).
const ROWS_PER_CHUNK: usize = 256;

/// A 200 `application/json` reply whose body is `head`, the rows rendered by `render` and
/// joined by `,`, then `tail`, sent [`ROWS_PER_CHUNK`] rows per chunk as the client reads:
/// a 100k-order `/api/active_orders/` reply (111 MB) is never one string, and its first
/// bytes leave before its last row is rendered. Byte for byte what `axum::Json` sends for the
/// same value (compact serde_json, `head`/`tail` written the same way).
fn streamed_rows<T: Send + 'static>(
    head: String,
    rows: Vec<T>,
    render: impl Fn(&T) -> Value + Send + 'static,
    tail: &'static str,
) -> Response {
    let mut head = Some(head);
    let mut rows = rows.into_iter();
    let mut first = true;
    let mut done = false;
    let chunks = std::iter::from_fn(move || {
        if done {
            return None;
        }
        let mut buf = head.take().unwrap_or_default().into_bytes();
        for _ in 0..ROWS_PER_CHUNK {
            let Some(row) = rows.next() else {
                buf.extend_from_slice(tail.as_bytes());
                done = true;
                break;
            };
            if !first {
                buf.push(b',');
            }
            first = false;
            // Writing a `Value` to a `Vec` cannot fail (no I/O, string keys only).
            if let Err(e) = serde_json::to_writer(&mut buf, &render(&row)) {
                return Some(Err(std::io::Error::other(e)));
            }
        }
        Some(Ok(Bytes::from(buf)))
    });
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        Body::from_stream(futures_util::stream::iter(chunks)),
    )
        .into_response()
}

pub(super) async fn orders(State(shared): S, Query(q): Params) -> Response {
    let statuses = list(&q, "statuses");
    let (page, size) = page_params(&q, "page");
    // `after` / `before`: "ISO 8601 format timestamp, orders after (before) this timestamp" —
    // read as the order's creation time, like the placements' filters; a bad date is refused
    // as there.
    let (after, before) = match (time_param(&q, "after"), time_param(&q, "before")) {
        (Ok(after), Ok(before)) => (after, before),
        (Err(()), _) => return bad_date("after"),
        (_, Err(())) => return bad_date("before"),
    };
    let book = shared.book();
    let all: Vec<&_> = book
        .orders
        .iter()
        .filter(|o| {
            statuses.is_empty() || statuses.iter().any(|s| s.eq_ignore_ascii_case(&o.status))
        })
        .filter(|o| after.is_none_or(|t| o.created_at > t))
        .filter(|o| before.is_none_or(|t| o.created_at < t))
        .collect();
    let rows: Vec<Value> = all
        .iter()
        .skip((page - 1) * size)
        .take(size)
        .map(|o| wire::order(o, shared.cfg.shapes))
        .collect();
    ok(
        StatusCode::OK,
        json!({"orders": rows, "page_number": page, "page_size": size,
               "num_pages": all.len().div_ceil(size).max(1), "order_count": all.len()}),
    )
}

pub(super) async fn order(State(shared): S, Path(id): Path<String>, Query(q): Params) -> Response {
    let book = shared.book();
    let Some(o) = book.order(&id) else {
        return ok(
            StatusCode::NOT_FOUND,
            json!("No order found with given ID!"),
        );
    };
    let mut v = wire::order(o, shared.cfg.shapes);
    // The order's own completion figures ("populated on completion"; `null` before).
    if let Some(obj) = v.as_object_mut() {
        obj.extend(wire::completion(o));
    }
    if flag(&q, "include_fills", false)
        && let Some(obj) = v.as_object_mut()
    {
        let fills: Vec<Value> = book
            .placements
            .iter()
            .filter(|p| p.order_id == id && p.status == "FILLED")
            .map(|p| wire::fill(o, p, shared.cfg.shapes))
            .collect();
        obj.insert("fills".into(), Value::Array(fills));
    }
    ok(StatusCode::OK, v)
}

fn multi_json(shared: &Shared, id: Option<&str>, include: bool) -> Vec<Value> {
    let book = shared.book();
    book.multis
        .iter()
        .filter(|m| id.is_none_or(|id| m.id == id))
        .map(|m| {
            let kids: Vec<_> = book
                .orders
                .iter()
                .filter(|o| m.children.contains(&o.id))
                .collect();
            wire::multi(m, &kids, include, shared.cfg.shapes)
        })
        .collect()
}

pub(super) async fn multi_orders(State(shared): S, Query(q): Params) -> Response {
    let include = flag(&q, "include_child_orders", false);
    let (page, size) = page_params(&q, "page_number");
    let all = multi_json(&shared, None, include);
    let count = all.len();
    let rows: Vec<Value> = all.into_iter().skip((page - 1) * size).take(size).collect();
    ok(
        StatusCode::OK,
        json!({"multi_orders": rows, "page_number": page, "page_size": size,
               "num_pages": count.div_ceil(size).max(1), "multi_order_count": count}),
    )
}

pub(super) async fn multi_order(
    State(shared): S,
    Path(id): Path<String>,
    Query(q): Params,
) -> Response {
    let include = flag(&q, "include_child_orders", false);
    match multi_json(&shared, Some(&id), include).into_iter().next() {
        Some(v) => ok(StatusCode::OK, v),
        None => error(404, "multi order not found"),
    }
}

pub(super) async fn placements(State(shared): S, Query(q): Params) -> Response {
    let Some(order_id) = q.get("order_id").filter(|s| !s.is_empty()) else {
        return error(400, "Missing required field: order_id");
    };
    let statuses = list(&q, "statuses");
    // `after` / `before`: "ISO 8601 timestamp (UTC). Filter placements created after (before)
    // this time." (treadfi-multi-order-api.md, Get Placements). That section documents no
    // error; the core document answers a bad date with 400 `{"message": "Invalid after date
    // format"}` (Get all orders, Get order details by custom ID), so the same here.
    let (after, before) = match (time_param(&q, "after"), time_param(&q, "before")) {
        (Ok(after), Ok(before)) => (after, before),
        (Err(()), _) => return bad_date("after"),
        (_, Err(())) => return bad_date("before"),
    };
    let (page, size) = page_params(&q, "page_number");
    let book = shared.book();
    let mut all: Vec<_> = book
        .placements
        .iter()
        .filter(|p| &p.order_id == order_id)
        .filter(|p| statuses.is_empty() || statuses.iter().any(|s| s == p.status))
        // To the microsecond, as the rows are written (and as the venue's database keeps them).
        .filter(|p| after.is_none_or(|t| p.created_at.as_microsecond() > t.as_microsecond()))
        .filter(|p| before.is_none_or(|t| p.created_at.as_microsecond() < t.as_microsecond()))
        .collect();
    all.reverse();
    let rows: Vec<Value> = all
        .iter()
        .skip((page - 1) * size)
        .take(size)
        .map(|p| wire::placement(p, shared.cfg.shapes))
        .collect();
    ok(
        StatusCode::OK,
        json!({"placements": rows, "page_number": page, "page_size": size,
               "num_pages": all.len().div_ceil(size).max(1), "count": all.len()}),
    )
}

/// The document's 400 for a date parameter that is not ISO 8601. The core document's sample
/// reads `Invalid after date format` for both `after` and `before` (its `before` scenario
/// repeats the `after` text); the parameter's own name is used here.
fn bad_date(param: &str) -> Response {
    ok(
        StatusCode::BAD_REQUEST,
        json!({ "message": format!("Invalid {param} date format") }),
    )
}

/// A time query parameter: absent or empty is `Ok(None)`; ISO 8601 with a zone (`Z`,
/// `+02:00`) or without one (read as UTC, as the documents' naive timestamps are), date and
/// time or a bare date (midnight UTC); anything else `Err`.
fn time_param(q: &HashMap<String, String>, key: &str) -> Result<Option<Timestamp>, ()> {
    let Some(text) = q.get(key).map(|v| v.trim()).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if let Ok(t) = text.parse::<Timestamp>() {
        return Ok(Some(t));
    }
    text.parse::<jiff::civil::DateTime>()
        .ok()
        .and_then(|dt| dt.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| Some(z.timestamp()))
        .ok_or(())
}

pub(super) async fn order_errors(State(shared): S, Query(q): Params) -> Response {
    let ids = list(&q, "order_ids");
    let book = shared.book();
    let mut out: std::collections::BTreeMap<&str, Vec<Value>> = Default::default();
    // Newest first within each order.
    for m in book.messages.iter().rev() {
        if ids.is_empty() || ids.contains(&m.order_id) {
            out.entry(m.order_id.as_str())
                .or_default()
                .push(wire::message(m));
        }
    }
    ok(StatusCode::OK, json!(out))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly
    use super::*;
    use crate::sim::Shapes;
    use crate::sim::book::Book;

    /// The streamed `/api/active_orders/` body is byte for byte the `axum::Json` reply it
    /// replaced, for no rows, exactly two chunks of rows and a part chunk, in both shapes.
    #[tokio::test]
    async fn streamed_body_is_the_json_reply_byte_for_byte() {
        let book = Book::seeded(7, jiff::Timestamp::UNIX_EPOCH);
        let all: Vec<SimOrder> = book.orders.iter().cycle().take(700).cloned().collect();
        for shapes in [Shapes::Sim, Shapes::Docs] {
            for n in [0, 1, 2 * ROWS_PER_CHUNK, 700] {
                let rows: Vec<SimOrder> = all.iter().take(n).cloned().collect();
                let values: Vec<Value> = rows.iter().map(|o| wire::order(o, shapes)).collect();
                let expected =
                    serde_json::to_vec(&json!({"order_count": values.len(), "orders": values}))
                        .unwrap();
                let head = format!(r#"{{"order_count":{},"orders":["#, rows.len());
                let resp = streamed_rows(head, rows, move |o| wire::order(o, shapes), "]}");
                assert_eq!(resp.status(), StatusCode::OK);
                assert_eq!(resp.headers()[header::CONTENT_TYPE], "application/json");
                let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
                    .await
                    .unwrap();
                assert_eq!(
                    String::from_utf8_lossy(&body),
                    String::from_utf8_lossy(&expected),
                    "{shapes:?}, {n} rows"
                );
            }
        }
    }
}
