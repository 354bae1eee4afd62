//! AlphaSec-style endpoints of the simulator, under `/alphasec` (base URL
//! `http://127.0.0.1:PORT/alphasec`): `GET /api/v1/order/open`, `/api/v1/order` (history),
//! `/api/v1/order/{orderId}` and `/api/v1/order/trade`, every answer in the documented
//! `{code, errMsg, result}` envelope, for the wallet [`DEMO_ADDRESS`]. Read-only: AlphaSec
//! writes are signed on-chain transactions. Seeded orders: a partly filled limit order (filled
//! over time), a quote-mode market order (`orderMode` 1), a limit order with take-profit /
//! stop-loss legs (same `txHash`), and two finished ones (a filled sell, a partly filled buy
//! that was canceled) for the History tab. The history endpoint checks `from`/`to`/`limit` as
//! the document states them.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::{Shared, lock};

/// The wallet address whose orders the embedded AlphaSec venue serves.
pub const DEMO_ADDRESS: &str = "0x5a1ec0de00000000000000000000000000000001";

/// Token ids of the demo markets: `1` ALP, `2` USDT, `3` WETH (for the token map).
pub const DEMO_TOKENS: [(&str, &str); 3] = [("1", "ALP"), ("2", "USDT"), ("3", "WETH")];

/// One simulated AlphaSec order (kept as its wire JSON, with numbers as strings).
#[derive(Debug, Clone)]
pub(super) struct AlphaOrder {
    id: i64,
    order_id: String,
    market: &'static str,
    side: &'static str,
    order_type: &'static str,
    mode: u8,
    price: Decimal,
    qty: Decimal,
    quote_qty: Decimal,
    executed: Decimal,
    status: &'static str,
    leg: &'static str,
    contingency: &'static str,
    trigger_price: Decimal,
    tx_hash: String,
    created_ms: i64,
    updated_ms: i64,
}

/// The simulated AlphaSec book.
#[derive(Debug, Default)]
pub(super) struct AlphaBook {
    orders: Vec<AlphaOrder>,
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap_or_default()
}

/// A 32-byte hex hash (`0x` + 64 hex digits) derived from `n` (splitmix64), so ids look like
/// transaction hashes and differ in their first characters.
fn hash(n: u64) -> String {
    let mut x = n;
    let mut out = String::from("0x");
    for _ in 0..4 {
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        out.push_str(&format!("{:016x}", z ^ (z >> 31)));
    }
    out
}

impl AlphaBook {
    /// Three working orders, one of them with TP/SL legs.
    pub(super) fn seeded(now_ms: i64) -> Self {
        let base = |id: i64, market, side, price: &str, qty: &str, age_min: i64| AlphaOrder {
            id,
            order_id: hash(0xa1fa_0000 + id as u64),
            market,
            side,
            order_type: "LIMIT",
            mode: 0,
            price: d(price),
            qty: d(qty),
            quote_qty: Decimal::ZERO,
            executed: Decimal::ZERO,
            status: "NEW",
            leg: "NONE",
            contingency: "NONE",
            trigger_price: Decimal::ZERO,
            tx_hash: hash(0x7a00_0000 + id as u64),
            created_ms: now_ms - age_min * 60_000,
            updated_ms: now_ms - age_min * 60_000,
        };
        let mut partly = base(1_011_335, "1_2", "BUY", "2.3", "10.5", 42);
        partly.executed = d("5.2");
        partly.status = "PARTIALLY_FILLED";
        let mut quote = base(1_011_340, "3_2", "BUY", "0", "0", 12);
        quote.order_type = "MARKET";
        quote.mode = 1;
        quote.quote_qty = d("2500");
        let mut working = base(1_011_351, "3_2", "SELL", "3480.5", "1.2", 5);
        working.contingency = "OTO";
        working.leg = "WORKING_LEG";
        let tx = working.tx_hash.clone();
        let mut tp = base(1_011_352, "3_2", "BUY", "3300", "1.2", 5);
        tp.leg = "TP_LEG";
        tp.contingency = "OTO";
        tp.trigger_price = d("3310");
        tp.tx_hash = tx.clone();
        let mut sl = base(1_011_353, "3_2", "BUY", "3600", "1.2", 5);
        sl.leg = "SL_LEG";
        sl.contingency = "OTO";
        sl.trigger_price = d("3590");
        sl.tx_hash = tx;
        // Finished earlier: served by the history endpoint (`GET /api/v1/order`).
        let mut filled = base(1_011_301, "3_2", "SELL", "3395.2", "0.8", 25);
        filled.executed = d("0.8");
        filled.status = "FILLED";
        filled.updated_ms = now_ms - 20 * 60_000;
        let mut canceled = base(1_011_322, "1_2", "BUY", "2.28", "40", 50);
        canceled.executed = d("12.5");
        canceled.status = "CANCELED";
        canceled.updated_ms = now_ms - 35 * 60_000;
        Self {
            orders: vec![partly, quote, working, tp, sl, filled, canceled],
        }
    }

    /// The partly filled order fills a little more each step until done.
    pub(super) fn step(&mut self, now_ms: i64) {
        if let Some(o) = self
            .orders
            .iter_mut()
            .find(|o| o.status == "PARTIALLY_FILLED")
        {
            o.executed = (o.executed + d("0.1")).min(o.qty);
            o.updated_ms = now_ms;
            if o.executed >= o.qty {
                o.status = "FILLED";
            }
        }
    }
}

fn wire(o: &AlphaOrder) -> Value {
    json!({
        "id": o.id,
        "orderId": o.order_id,
        "accountAddress": DEMO_ADDRESS,
        "marketId": o.market,
        "side": o.side,
        "orderType": o.order_type,
        "orderMode": o.mode,
        "price": o.price.to_string(),
        "origQty": o.qty.to_string(),
        "origQuoteOrderQty": o.quote_qty.to_string(),
        "isTrigger": !o.trigger_price.is_zero(),
        "isTriggered": false,
        "triggerPrice": o.trigger_price.to_string(),
        "status": o.status,
        "contingencyType": o.contingency,
        "otoLegType": o.leg,
        "txHash": o.tx_hash,
        "createdAt": o.created_ms,
        "updatedAt": o.updated_ms,
        "executedQty": o.executed.to_string(),
        "executedQuoteQty": (o.executed * o.price).normalize().to_string(),
    })
}

fn envelope(result: Value) -> Response {
    axum::Json(json!({"code": 200, "errMsg": "OK", "result": result})).into_response()
}

fn refuse(msg: &str) -> Response {
    axum::Json(json!({"code": 400, "errMsg": msg, "result": null})).into_response()
}

type Params = Query<std::collections::HashMap<String, String>>;

fn check_address(q: &std::collections::HashMap<String, String>) -> Result<(), Box<Response>> {
    match q.get("address").map(String::as_str) {
        Some(DEMO_ADDRESS) => Ok(()),
        Some(_) => Err(Box::new(envelope(json!([])))),
        None => Err(Box::new(refuse("address is required"))),
    }
}

fn is_open(o: &AlphaOrder) -> bool {
    matches!(o.status, "NEW" | "PARTIALLY_FILLED" | "PENDING_NEW")
}

/// The open orders (`open`) or the finished ones, all of them, in the envelope.
fn listed(s: &Shared, q: &std::collections::HashMap<String, String>, open: bool) -> Response {
    if let Err(r) = check_address(q) {
        return *r;
    }
    let book = lock(&s.alphasec);
    envelope(Value::Array(
        book.orders
            .iter()
            .filter(|o| is_open(o) == open)
            .map(wire)
            .collect(),
    ))
}

async fn open(State(s): State<Arc<Shared>>, Query(q): Params) -> Response {
    listed(&s, &q, true)
}

/// What the document says of `from`, `to` and `limit` on the history endpoint, as the sim
/// checks it: the range (default: the last 30 days when both are 0 or absent; `to` defaults to
/// now) is at most 90 days, reaches back at most 730 days and holds no future time; `limit`
/// 1–500 (default 100). Refusals carry the envelope's `errMsg` (the document shows no error
/// texts; these are ours).
fn history_range(
    q: &std::collections::HashMap<String, String>,
    now_ms: i64,
) -> Result<(i64, i64, usize), &'static str> {
    const DAY: i64 = 86_400_000;
    let num = |k: &str| -> Result<Option<i64>, &'static str> {
        match q.get(k) {
            None => Ok(None),
            Some(v) => v
                .parse::<i64>()
                .map(Some)
                .map_err(|_| "from/to/limit must be integers"),
        }
    };
    let from = num("from")?.unwrap_or(0);
    let to = num("to")?.unwrap_or(0);
    let limit = num("limit")?.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err("limit must be between 1 and 500");
    }
    if from > now_ms || to > now_ms {
        return Err("future timestamps are not allowed");
    }
    let (from, to) = match (from, to) {
        (0, 0) => (now_ms - 30 * DAY, now_ms),
        (f, 0) => (f, now_ms),
        (f, t) => (f, t),
    };
    if to < from {
        return Err("from must not be after to");
    }
    if to - from > 90 * DAY {
        return Err("time range must not exceed 90 days");
    }
    if from < now_ms - 730 * DAY {
        return Err("history is limited to 730 days");
    }
    Ok((from, to, limit as usize))
}

/// `GET /api/v1/order`: the orders no longer open, created within the range, newest first,
/// at most `limit` (see [`history_range`]).
async fn history(State(s): State<Arc<Shared>>, Query(q): Params) -> Response {
    if let Err(r) = check_address(&q) {
        return *r;
    }
    let now_ms = jiff::Timestamp::now().as_millisecond();
    let (from, to, limit) = match history_range(&q, now_ms) {
        Ok(r) => r,
        Err(msg) => return refuse(msg),
    };
    let book = lock(&s.alphasec);
    let mut rows: Vec<&AlphaOrder> = book
        .orders
        .iter()
        .filter(|o| !is_open(o) && (from..=to).contains(&o.created_ms))
        .collect();
    rows.sort_by_key(|o| std::cmp::Reverse(o.created_ms));
    envelope(Value::Array(
        rows.into_iter().take(limit).map(wire).collect(),
    ))
}

async fn by_id(State(s): State<Arc<Shared>>, Path(id): Path<String>, Query(q): Params) -> Response {
    if let Err(r) = check_address(&q) {
        return *r;
    }
    let book = lock(&s.alphasec);
    match book.orders.iter().find(|o| o.order_id == id) {
        Some(o) => envelope(wire(o)),
        None => refuse("order not found"),
    }
}

async fn trades(State(s): State<Arc<Shared>>, Query(q): Params) -> Response {
    if let Err(r) = check_address(&q) {
        return *r;
    }
    let book = lock(&s.alphasec);
    let rows: Vec<Value> = book
        .orders
        .iter()
        .filter(|o| !o.executed.is_zero())
        .map(|o| {
            // A maker fee of 2 bps of the trade's notional, in the market's quote token.
            let fee = (o.price * o.executed * Decimal::new(2, 4))
                .round_dp(6)
                .normalize();
            let quote_token = o.market.split_once('_').map_or("2", |(_, q)| q);
            json!({
                "id": o.id * 10,
                "orderId": o.order_id,
                "accountAddress": DEMO_ADDRESS,
                "marketId": o.market,
                "side": o.side,
                "orderType": o.order_type,
                "origPrice": o.price.to_string(),
                "origQty": o.qty.to_string(),
                "price": o.price.to_string(),
                "quantity": o.executed.to_string(),
                "feeTokenId": quote_token,
                "fee": fee.to_string(),
                "isMaker": true,
                "tradeId": format!("{}", 23_040_400_030_001_i64 + o.id),
                "createdAt": o.updated_ms,
            })
        })
        .collect();
    envelope(Value::Array(rows))
}

/// The routes, to be nested under `/alphasec`.
pub(super) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/api/v1/order/open", get(open))
        .route("/api/v1/order/trade", get(trades))
        .route("/api/v1/order/{id}", get(by_id))
        .route("/api/v1/order", get(history))
}

/// The demo book behind a mutex (shared with the simulator's state).
pub(super) type Book = Mutex<AlphaBook>;
