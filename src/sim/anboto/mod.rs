//! Anboto-style endpoints of the simulator, under `/anboto` (base URL
//! `http://127.0.0.1:PORT/anboto`): `GET /status/ping`, `GET /api/v2/trading/order/open`,
//! `order/find`, `order/byId`, `POST order/cancel` and `order/cancelMany`, with the documented
//! signed headers checked (`X-API-KEY`, `X-TIMESTAMP` within `X-RECV-WINDOW`, `X-SIGN`
//! HMAC-SHA256 in hex (the document) or base64 (the vendor's examples), or RSA-SHA256 in base64
//! for the self-generated key, over timestamp + key + recv window + sorted query or body) and
//! the documented `INVALID_SIGNATURE` / `INVALID_TIMESTAMP` rejections. The check is this
//! module's own code, straight from the document, never the client's signer in the venue layer,
//! so a signing bug cannot pass on both sides. A handful of seeded orders fill a little on
//! every simulator step.
//!
//! Here: the demo book, the routes and their handlers; `auth.rs`: the signed-header check.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::{Shared, lock};

/// The demo API key the embedded Anboto venue accepts (not a secret: demo only).
pub const DEMO_KEY: &str = "demo-anboto-key";
/// The demo HMAC secret (base64) the embedded Anboto venue accepts (not a secret: demo only).
pub const DEMO_SECRET_B64: &str = "ZGVtby1hbmJvdG8tc2VjcmV0LW5vdC1hLXJlYWwtb25l";
/// The demo self-generated (RSA) API key the embedded Anboto venue accepts, signed with the
/// private half of [`DEMO_RSA_PUBLIC_PEM`] (the test-only key in
/// `tests/fixtures/anboto/rsa/test_key_pkcs8.pem`; not a secret: demo only).
pub const DEMO_RSA_KEY: &str = "demo-anboto-rsa-key";
/// The public key registered for [`DEMO_RSA_KEY`] (PEM, SubjectPublicKeyInfo), made with
/// OpenSSL (see `tests/fixtures/anboto/rsa/README.md`).
pub const DEMO_RSA_PUBLIC_PEM: &str =
    include_str!("../../../tests/fixtures/anboto/rsa/test_key_pub.pem");

/// One simulated Anboto parent order.
#[derive(Debug, Clone)]
pub(super) struct AnbotoOrder {
    order_id: i64,
    client_order_id: String,
    symbol: &'static str,
    side: &'static str,
    status: &'static str,
    quantity: Decimal,
    filled: Decimal,
    price: Decimal,
    /// Fill per step, base asset.
    rate: Decimal,
    error_code: Option<&'static str>,
    message: Option<&'static str>,
    created_ms: i64,
}

/// The simulated Anboto book.
#[derive(Debug, Default)]
pub(super) struct AnbotoBook {
    orders: Vec<AnbotoOrder>,
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap_or_default()
}

impl AnbotoBook {
    /// Six orders: three working, one with a slippage warning, one rejected and one filled
    /// (both in history).
    pub(super) fn seeded(now_ms: i64) -> Self {
        let o = |order_id: i64,
                 symbol: &'static str,
                 side: &'static str,
                 status: &'static str,
                 quantity: &str,
                 filled: &str,
                 price: &str,
                 rate: &str,
                 age_min: i64| AnbotoOrder {
            order_id,
            client_order_id: format!("desk-{order_id}"),
            symbol,
            side,
            status,
            quantity: d(quantity),
            filled: d(filled),
            price: d(price),
            rate: d(rate),
            error_code: None,
            message: None,
            created_ms: now_ms - age_min * 60_000,
        };
        let mut slipping = o(
            7004, "ETH/USDT", "SELL", "ACCEPTED", "40", "12.5", "3120.25", "0.25", 35,
        );
        slipping.error_code = Some("SLIPPAGE_EXCEEDED");
        slipping.message = Some("Price moved beyond the slippage limit; slice skipped");
        let mut rejected = o(
            7005, "SOL/USDT", "BUY", "REJECTED", "500", "0", "148.10", "0", 50,
        );
        rejected.error_code = Some("INSUFFICIENT_FUNDS");
        rejected.message = Some("Not enough USDT on binance to place the order");
        Self {
            orders: vec![
                o(
                    7001,
                    "BTC/USDT",
                    "BUY",
                    "PARTIALLY_FILLED",
                    "2.5",
                    "0.84",
                    "64210.5",
                    "0.01",
                    20,
                ),
                o(
                    7002, "ETH/USDT", "BUY", "ACCEPTED", "15", "0", "3118.40", "0.05", 8,
                ),
                o(
                    7003,
                    "DOGE/USDT",
                    "SELL",
                    "PENDING_NEW",
                    "250000",
                    "0",
                    "0.1582",
                    "0",
                    1,
                ),
                slipping,
                rejected,
                // Filled earlier: on the History tab from the start.
                o(
                    7000, "BTC/USDT", "SELL", "FILLED", "1.2", "1.2", "64188.0", "0", 70,
                ),
            ],
        }
    }

    /// Fills every working order a little (never past its quantity).
    pub(super) fn step(&mut self) {
        for o in &mut self.orders {
            if matches!(o.status, "ACCEPTED" | "PARTIALLY_FILLED") && !o.rate.is_zero() {
                o.filled = (o.filled + o.rate).min(o.quantity);
                o.status = if o.filled >= o.quantity {
                    "FILLED"
                } else {
                    "PARTIALLY_FILLED"
                };
            }
        }
    }

    fn is_open(o: &AnbotoOrder) -> bool {
        matches!(
            o.status,
            "PENDING_NEW" | "ACCEPTED" | "PARTIALLY_FILLED" | "PENDING_CANCEL"
        )
    }
}

/// `OrderDetails` as the document shows it (numbers as JSON numbers and strings, mixed).
fn details(o: &AnbotoOrder) -> Value {
    let avg = if o.filled.is_zero() {
        Decimal::ZERO
    } else {
        o.price
    };
    json!({
        "order_id": o.order_id,
        "client_order_id": o.client_order_id,
        "symbol": o.symbol,
        "status": o.status,
        "filled_quantity": o.filled.to_string(),
        "leaves_quantity": (o.quantity - o.filled).to_string(),
        "side": o.side,
        "last_quantity": if o.filled.is_zero() { Decimal::ZERO } else { o.rate }.to_string(),
        "last_price": o.price.to_string(),
        "average_price": avg.to_string(),
        "error_code": o.error_code,
        "message": o.message,
        "created_at": jiff::Timestamp::from_millisecond(o.created_ms)
            .map(|t| t.to_string())
            .unwrap_or_default(),
    })
}

/// The routes, to be nested under `/anboto`.
pub(super) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/status/ping", get(|| async { axum::Json(json!("OK")) }))
        .route("/api/v2/trading/order/open", get(open))
        .route("/api/v2/trading/order/find", get(find))
        .route("/api/v2/trading/order/byId", get(by_id))
        .route("/api/v2/trading/order/cancel", post(cancel))
        .route("/api/v2/trading/order/cancelMany", post(cancel_many))
}

type Params = Query<Vec<(String, String)>>;

/// An error in the `OrderSummary` shape (no error body is documented).
fn reject(status: StatusCode, code: &str, message: &str) -> Response {
    let mut resp = (
        status,
        axum::Json(json!({
            "order_id": null, "client_order_id": null, "status": "REJECTED",
            "created_at": null, "message": message, "error_code": code,
        })),
    )
        .into_response();
    let now = jiff::Timestamp::now();
    if let Ok(date) = jiff::fmt::rfc2822::DateTimePrinter::new().timestamp_to_rfc9110_string(&now)
        && let Ok(v) = date.parse()
    {
        resp.headers_mut().insert(axum::http::header::DATE, v);
    }
    resp
}

fn list(orders: impl Iterator<Item = Value>) -> Response {
    axum::Json(json!({ "orders": orders.collect::<Vec<_>>() })).into_response()
}

async fn open(State(s): State<Arc<Shared>>, headers: HeaderMap, Query(q): Params) -> Response {
    if let Err(r) = verify(&headers, &q, "") {
        return *r;
    }
    let book = lock(&s.anboto);
    list(
        book.orders
            .iter()
            .filter(|o| AnbotoBook::is_open(o))
            .map(details),
    )
}

/// `GET order/find`: every order created between `startMs` and `endMs` (ms since the epoch;
/// each bound optional), newest first, at most `limit` (the document's three parameters; no
/// default limit is documented: all of them).
async fn find(State(s): State<Arc<Shared>>, headers: HeaderMap, Query(q): Params) -> Response {
    if let Err(r) = verify(&headers, &q, "") {
        return *r;
    }
    let num = |k: &str| {
        q.iter()
            .find(|(key, _)| key == k)
            .and_then(|(_, v)| v.trim().parse::<i64>().ok())
    };
    let (start, end) = (num("startMs"), num("endMs"));
    let limit = num("limit").map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(0));
    let book = lock(&s.anboto);
    let mut rows: Vec<&AnbotoOrder> = book
        .orders
        .iter()
        .filter(|o| start.is_none_or(|t| o.created_ms >= t))
        .filter(|o| end.is_none_or(|t| o.created_ms <= t))
        .collect();
    rows.sort_by_key(|o| std::cmp::Reverse(o.created_ms));
    list(rows.into_iter().take(limit).map(details))
}

async fn by_id(State(s): State<Arc<Shared>>, headers: HeaderMap, Query(q): Params) -> Response {
    if let Err(r) = verify(&headers, &q, "") {
        return *r;
    }
    let wanted: Vec<String> = q
        .iter()
        .filter(|(k, _)| k == "orderIds" || k == "clientOrderIds")
        .flat_map(|(_, v)| v.split(',').map(str::to_owned).collect::<Vec<_>>())
        .collect();
    let book = lock(&s.anboto);
    list(
        book.orders
            .iter()
            .filter(|o| {
                wanted
                    .iter()
                    .any(|w| *w == o.order_id.to_string() || *w == o.client_order_id)
            })
            .map(details),
    )
}

/// Cancels one order named by `{"order_id"}` or `{"client_order_id"}`; the summary.
fn cancel_one(book: &mut AnbotoBook, target: &Value) -> Value {
    let id = target.get("order_id").and_then(Value::as_i64);
    let client = target.get("client_order_id").and_then(Value::as_str);
    let found = book
        .orders
        .iter_mut()
        .find(|o| Some(o.order_id) == id || Some(o.client_order_id.as_str()) == client);
    let now = jiff::Timestamp::now().to_string();
    match found {
        Some(o) if AnbotoBook::is_open(o) => {
            o.status = "CANCELLED";
            json!({"order_id": o.order_id, "client_order_id": o.client_order_id,
                   "status": "PENDING_CANCEL", "created_at": now, "message": null, "error_code": null})
        }
        Some(o) => json!({"order_id": o.order_id, "client_order_id": o.client_order_id,
                          "status": "CANCEL_REJECTED", "created_at": now,
                          "message": format!("Order is {}", o.status), "error_code": "INVALID_ORDER"}),
        None => json!({"order_id": id, "client_order_id": client, "status": "CANCEL_REJECTED",
                       "created_at": now, "message": "Order not found", "error_code": "ORDER_NOT_FOUND"}),
    }
}

async fn cancel(State(s): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let text = String::from_utf8_lossy(&body);
    if let Err(r) = verify(&headers, &[], &text) {
        return *r;
    }
    let Ok(target) = serde_json::from_str::<Value>(&text) else {
        return reject(
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST",
            "Body is not JSON",
        );
    };
    let summary = cancel_one(&mut lock(&s.anboto), &target);
    axum::Json(summary).into_response()
}

async fn cancel_many(State(s): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let text = String::from_utf8_lossy(&body);
    if let Err(r) = verify(&headers, &[], &text) {
        return *r;
    }
    let Ok(req) = serde_json::from_str::<Value>(&text) else {
        return reject(
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST",
            "Body is not JSON",
        );
    };
    let targets = req
        .get("orders")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut book = lock(&s.anboto);
    let out: Vec<Value> = targets.iter().map(|t| cancel_one(&mut book, t)).collect();
    axum::Json(Value::Array(out)).into_response()
}

/// The demo book behind a mutex (shared with the simulator's state).
pub(super) type Book = Mutex<AnbotoBook>;

mod auth;

use auth::verify;
