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
    include_str!("../../tests/fixtures/anboto/rsa/test_key_pub.pem");

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
    /// Five orders: three working, one with a slippage warning, one rejected (in history).
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

/// A refusal of the signed headers: the documented `error_code` and our message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Refusal {
    code: &'static str,
    message: &'static str,
}

/// What the simulator knows about an API key: the HMAC secret of a system-generated key
/// (base64 text, as issued) or the RSA public key of a self-generated one (PEM).
#[derive(Debug, Clone, Copy)]
enum Credential {
    Hmac(&'static str),
    Rsa(&'static str),
}

/// The key registry of the simulated venue.
fn credential(api_key: &str) -> Option<Credential> {
    match api_key {
        DEMO_KEY => Some(Credential::Hmac(DEMO_SECRET_B64)),
        DEMO_RSA_KEY => Some(Credential::Rsa(DEMO_RSA_PUBLIC_PEM)),
        _ => None,
    }
}

/// The query string as the document's step 1 says to assemble it: `key=value` pairs in
/// alphabetical (byte) order of the key, repeated keys in the order sent, joined with `&`;
/// values as sent before percent-encoding (the decoded values the server reads).
///
/// Written here, not borrowed from the client's signer, so a bug there cannot pass both sides.
fn sorted_query(params: &[(String, String)]) -> String {
    let mut pairs: Vec<&(String, String)> = params.iter().collect();
    pairs.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut out = String::new();
    for (i, (k, v)) in pairs.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// Decodes lower- or upper-case hex; `None` for anything else.
fn from_hex(text: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks(2)
        .map(|pair| match pair {
            [hi, lo] => Some(digit(*hi)? << 4 | digit(*lo)?),
            _ => None,
        })
        .collect()
}

/// Whether `x_sign` is a valid signature of `to_sign` for `credential`.
///
/// - HMAC-SHA256 keyed with the base64-decoded secret (step 2; "Base664" is base64). The MAC
///   is accepted as **hex** (64 characters, the document's step 3) or as standard **base64**
///   (44 characters, what the vendor's example programs send): the client may be configured
///   either way. The comparison is constant-time (`Mac::verify_slice`).
/// - RSA-SHA256 (PKCS#1 v1.5) with the key's public key, the signature in standard base64
///   (step 3).
fn signature_ok(credential: Credential, to_sign: &str, x_sign: &str) -> bool {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    match credential {
        Credential::Hmac(secret_b64) => {
            use hmac::{KeyInit as _, Mac as _};
            let Ok(secret) = STANDARD.decode(secret_b64) else {
                return false;
            };
            let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(&secret) else {
                return false;
            };
            mac.update(to_sign.as_bytes());
            let given = if x_sign.len() == 64 {
                from_hex(x_sign)
            } else {
                STANDARD.decode(x_sign).ok()
            };
            given.is_some_and(|tag| mac.verify_slice(&tag).is_ok())
        }
        Credential::Rsa(public_pem) => {
            use rsa::pkcs8::DecodePublicKey as _;
            use rsa::signature::Verifier as _;
            let Ok(key) = rsa::RsaPublicKey::from_public_key_pem(public_pem) else {
                return false;
            };
            let Ok(raw) = STANDARD.decode(x_sign) else {
                return false;
            };
            let Ok(signature) = rsa::pkcs1v15::Signature::try_from(raw.as_slice()) else {
                return false;
            };
            rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(key)
                .verify(to_sign.as_bytes(), &signature)
                .is_ok()
        }
    }
}

/// Checks the documented signed headers at `now_ms` (ms since the Unix epoch):
/// `X-API-KEY` known, `X-TIMESTAMP` within `X-RECV-WINDOW` (default 5000 ms) of now, and
/// `X-SIGN` over `timestamp + API key + recv_window + (queryString | jsonBodyString)` — the
/// sorted query of a GET ([`sorted_query`]) or the exact body of a POST.
fn check_signed(
    header: impl Fn(&str) -> Option<String>,
    params: &[(String, String)],
    body: &str,
    now_ms: i64,
) -> Result<(), Refusal> {
    let api_key = header("X-API-KEY").unwrap_or_default();
    let Some(credential) = credential(&api_key) else {
        return Err(Refusal {
            code: "INVALID_API_KEY",
            message: "Unknown API key",
        });
    };
    let Some(ts) = header("X-TIMESTAMP").and_then(|t| t.trim().parse::<i64>().ok()) else {
        return Err(Refusal {
            code: "INVALID_TIMESTAMP",
            message: "Missing X-TIMESTAMP",
        });
    };
    let recv: u64 = header("X-RECV-WINDOW")
        .and_then(|r| r.trim().parse().ok())
        .unwrap_or(5000);
    if now_ms.abs_diff(ts) > recv {
        return Err(Refusal {
            code: "INVALID_TIMESTAMP",
            message: "Timestamp outside of recv window",
        });
    }
    let payload = if body.is_empty() {
        sorted_query(params)
    } else {
        body.to_owned()
    };
    let to_sign = format!("{ts}{api_key}{recv}{payload}");
    let x_sign = header("X-SIGN").unwrap_or_default();
    if signature_ok(credential, &to_sign, x_sign.trim()) {
        Ok(())
    } else {
        Err(Refusal {
            code: "INVALID_SIGNATURE",
            message: "Signature verification failed",
        })
    }
}

/// Checks the documented signed headers now; `Err` is the documented 401 rejection.
fn verify(
    headers: &HeaderMap,
    params: &[(String, String)],
    body: &str,
) -> Result<(), Box<Response>> {
    let header = |k: &str| {
        headers
            .get(k)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let now = jiff::Timestamp::now().as_millisecond();
    check_signed(header, params, body, now)
        .map_err(|r| Box::new(reject(StatusCode::UNAUTHORIZED, r.code, r.message)))
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

async fn find(State(s): State<Arc<Shared>>, headers: HeaderMap, Query(q): Params) -> Response {
    if let Err(r) = verify(&headers, &q, "") {
        return *r;
    }
    let book = lock(&s.anboto);
    list(book.orders.iter().map(details))
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    // Known answers computed with OpenSSL, independently of any blotter code (bash):
    //   K=$(printf '%s' "$DEMO_SECRET_B64" | base64 -d | xxd -p | tr -d '\n')
    //   printf '%s' "$S" | openssl dgst -sha256 -mac HMAC -macopt hexkey:$K
    //   printf '%s' "$S" | openssl dgst -sha256 -mac HMAC -macopt hexkey:$K -binary | base64

    /// S = `1700000000000demo-anboto-key5000clientOrderIds=ABC-12345^12-10-23&orderIds=123456,789`
    const BYID_HEX: &str = "ade64371329f23ac85996cacb8bc3909aaa6ae4b74b9d51b6d279d421bbea2bb";
    const BYID_B64: &str = "reZDcTKfI6yFmWysuLw5Caqmrkt0udUbbSedQhu+ors=";
    /// The same request signed over the query as sent (unsorted), a subtly wrong canonical
    /// string: S = `1700000000000demo-anboto-key5000orderIds=123456,789&clientOrderIds=ABC-12345^12-10-23`
    const BYID_UNSORTED_HEX: &str =
        "9dd5402530f020c453edaf49ec7c6cf93a65a36cc04e43117ba4762c0d86bd4b";
    /// S = `1700000000000demo-anboto-key5000{"order_id":7001}`
    const CANCEL_HEX: &str = "d8eee4e22e19f21b2eaf58c4629667839afa53785eb26d64b3f3b9fc4f52cef6";
    const CANCEL_B64: &str = "2O7k4i4Z8hsur1jEYpZng5r6U3hesm1ks/O5/E9SzvY=";
    const TS: i64 = 1_700_000_000_000;

    fn byid_params() -> Vec<(String, String)> {
        vec![
            ("orderIds".into(), "123456,789".into()),
            ("clientOrderIds".into(), "ABC-12345^12-10-23".into()),
        ]
    }

    fn headers(key: &str, sign: &str) -> impl Fn(&str) -> Option<String> {
        let (key, sign) = (key.to_owned(), sign.to_owned());
        move |name: &str| match name {
            "X-API-KEY" => Some(key.clone()),
            "X-TIMESTAMP" => Some(TS.to_string()),
            "X-RECV-WINDOW" => Some("5000".into()),
            "X-SIGN" => Some(sign.clone()),
            _ => None,
        }
    }

    #[test]
    fn openssl_known_answers_pass_in_hex_and_base64() {
        assert_eq!(
            sorted_query(&byid_params()),
            "clientOrderIds=ABC-12345^12-10-23&orderIds=123456,789"
        );
        for sign in [BYID_HEX, BYID_B64, &BYID_HEX.to_ascii_uppercase()] {
            assert_eq!(
                check_signed(headers(DEMO_KEY, sign), &byid_params(), "", TS + 1000),
                Ok(()),
                "{sign}"
            );
        }
        for sign in [CANCEL_HEX, CANCEL_B64] {
            assert_eq!(
                check_signed(
                    headers(DEMO_KEY, sign),
                    &[],
                    r#"{"order_id":7001}"#,
                    TS - 1000
                ),
                Ok(()),
                "{sign}"
            );
        }
    }

    #[test]
    fn a_subtly_wrong_canonical_string_is_invalid_signature() {
        let refused = Err(Refusal {
            code: "INVALID_SIGNATURE",
            message: "Signature verification failed",
        });
        // Signed over the unsorted query.
        assert_eq!(
            check_signed(headers(DEMO_KEY, BYID_UNSORTED_HEX), &byid_params(), "", TS),
            refused
        );
        // Right signature, one byte of the body changed.
        assert_eq!(
            check_signed(
                headers(DEMO_KEY, CANCEL_HEX),
                &[],
                r#"{"order_id":7002}"#,
                TS
            ),
            refused
        );
        // Base64 without its padding, truncated hex: neither documented encoding.
        assert_eq!(
            check_signed(
                headers(DEMO_KEY, CANCEL_B64.trim_end_matches('=')),
                &[],
                r#"{"order_id":7001}"#,
                TS
            ),
            refused
        );
        assert_eq!(
            check_signed(
                headers(DEMO_KEY, &CANCEL_HEX[..62]),
                &[],
                r#"{"order_id":7001}"#,
                TS
            ),
            refused
        );
        // Outside the recv window, the signature is not even looked at.
        assert_eq!(
            check_signed(headers(DEMO_KEY, BYID_HEX), &byid_params(), "", TS + 5001)
                .map_err(|r| r.code),
            Err("INVALID_TIMESTAMP")
        );
        assert_eq!(
            check_signed(headers("someone-else", BYID_HEX), &byid_params(), "", TS)
                .map_err(|r| r.code),
            Err("INVALID_API_KEY")
        );
    }

    /// The RSA fixtures were signed by `openssl dgst -sha256 -sign` (tests/fixtures/anboto/rsa).
    #[test]
    fn openssl_rsa_signatures_verify_with_the_public_key() {
        let get = include_str!("../../tests/fixtures/anboto/rsa/expected_get.b64").trim();
        let post = include_str!("../../tests/fixtures/anboto/rsa/expected_post.b64").trim();
        let rsa = Credential::Rsa(DEMO_RSA_PUBLIC_PEM);
        assert!(signature_ok(
            rsa,
            "1700000000000test-key5000limit=50&startMs=1",
            get
        ));
        assert!(signature_ok(
            rsa,
            r#"1700000000000test-key5000{"order_id":123456}"#,
            post
        ));
        assert!(!signature_ok(
            rsa,
            "1700000000000test-key5000startMs=1&limit=50",
            get
        ));
        assert!(!signature_ok(
            rsa,
            r#"1700000000000test-key5000{"order_id":123456}"#,
            get
        ));
        // An RSA key does not take an HMAC.
        assert!(!signature_ok(rsa, "1700000000000test-key5000", CANCEL_HEX));
    }

    /// The check is the simulator's own: this file names nothing from the client's venue layer.
    #[test]
    fn the_check_does_not_use_the_clients_signer() {
        let source = include_str!("anboto.rs");
        let needle = ["crate", "::venue"].concat();
        assert!(!source.contains(&needle), "src/sim/anboto.rs uses {needle}");
    }
}
