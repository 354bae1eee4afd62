//! A recording HTTP stub for the paging and request-budget tests (and `benches/requests.rs`):
//! every request's method, path and query is logged; the answer comes from a closure, so a
//! test can page, change orders between cycles and count what the client asked for.
#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

/// One request as the stub saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub method: String,
    pub path: String,
    /// Raw query string ("" when none).
    pub query: String,
}

impl Seen {
    /// The raw (still percent-encoded) value of query parameter `key`.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query
            .split('&')
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }
}

/// Answers a request: (method, path, query) → (status, JSON body).
pub type Answer = Arc<dyn Fn(&str, &str, &str) -> (u16, String) + Send + Sync>;

#[derive(Clone)]
struct Ctx {
    answer: Answer,
    log: Arc<Mutex<Vec<Seen>>>,
}

async fn handle(State(c): State<Ctx>, method: Method, uri: Uri) -> Response {
    let seen = Seen {
        method: method.to_string(),
        path: uri.path().to_owned(),
        query: uri.query().unwrap_or("").to_owned(),
    };
    let (status, body) = (c.answer)(&seen.method, &seen.path, &seen.query);
    c.log.lock().unwrap().push(seen);
    (
        StatusCode::from_u16(status).unwrap(),
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

/// A running stub: its base URL and the log of requests.
pub struct Recording {
    pub base: String,
    pub log: Arc<Mutex<Vec<Seen>>>,
}

impl Recording {
    /// Requests so far whose path is `path`.
    pub fn to(&self, path: &str) -> Vec<Seen> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.path == path)
            .cloned()
            .collect()
    }

    /// Number of requests so far.
    pub fn count(&self) -> usize {
        self.log.lock().unwrap().len()
    }
}

/// Starts a stub on 127.0.0.1 answering with `answer`.
pub async fn start(answer: Answer) -> Recording {
    let log = Arc::new(Mutex::new(Vec::new()));
    let app = Router::new().fallback(handle).with_state(Ctx {
        answer,
        log: log.clone(),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Recording {
        base: format!("http://{addr}"),
        log,
    }
}

/// One Tread placement (`GET /api/placements/` row) with this id, status and creation time.
pub fn tread_placement(id: &str, status: &str, created_at: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id, "exchange": "Binance", "qty": 1.0, "executed_qty": 0.5, "base_qty": null,
        "executed_base_qty": null, "price": 100.5, "status": status, "placement_type": "MAKE",
        "passiveness": 0.02, "failure_reason": "", "created_at": created_at, "pct_filled": 50.0,
        "external_id": ""
    })
}

/// One Tread order (`/api/active_orders/` row): `id`, status ACTIVE, `executed_qty`/`updated_at`
/// from `version` (so a new version is a changed order).
pub fn tread_order(id: &str, version: u32) -> serde_json::Value {
    serde_json::json!({
        "id": id, "pair": "BTC-USDT", "side": "buy", "status": "ACTIVE",
        "buy_token": "BTC", "buy_token_amount": "10", "sell_token": "USDT",
        "executed_qty": format!("0.{version}"), "strategy": "TWAP", "duration": 3600,
        "time_start": "2024-01-01T00:00:00Z", "created_at": "2024-01-01T00:00:00Z",
        "updated_at": format!("2024-01-01T00:{:02}:{:02}Z", (version / 60) % 60, version % 60),
        "limit_price": ""
    })
}

/// One AlphaSec order row (`/api/v1/order/open`) created at `created_ms`.
pub fn alphasec_order(id: &str, created_ms: i64) -> serde_json::Value {
    serde_json::json!({
        "id": 1, "orderId": id, "accountAddress": "0xabc", "marketId": "1_2", "side": "BUY",
        "orderType": "LIMIT", "orderMode": 0, "price": "2.3", "origQty": "10.5",
        "origQuoteOrderQty": "0", "isTrigger": false, "isTriggered": false, "triggerPrice": "0",
        "status": "PARTIALLY_FILLED", "contingencyType": "NONE", "otoLegType": "NONE",
        "txHash": id, "createdAt": created_ms, "updatedAt": created_ms,
        "executedQty": "5.2", "executedQuoteQty": "11.96"
    })
}

/// One AlphaSec trade row (`/api/v1/order/trade`) of `order_id` at `created_ms`.
pub fn alphasec_trade(trade_id: &str, order_id: &str, created_ms: i64) -> serde_json::Value {
    serde_json::json!({
        "id": 1, "orderId": order_id, "accountAddress": "0xabc", "marketId": "1_2",
        "side": "BUY", "orderType": "LIMIT", "origPrice": "7", "origQty": "2", "price": "7",
        "quantity": "1", "feeTokenId": "2", "fee": "0.0001", "isMaker": true,
        "tradeId": trade_id, "createdAt": created_ms
    })
}

/// An AlphaSec success envelope around `result`.
pub fn envelope(result: serde_json::Value) -> String {
    serde_json::json!({"code": 200, "errMsg": "OK", "result": result}).to_string()
}
