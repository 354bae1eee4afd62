//! Anboto adapter: signing known answers (computed with openssl, independent of the code),
//! every documented example payload, and a stub venue (axum) that verifies signatures and
//! timestamps by the document's rules.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::fs;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use hmac::{Hmac, KeyInit as _, Mac};
use rust_decimal::Decimal;
use secrecy::SecretString;
use sha2::Sha256;

use blotter::domain::{MessageLevel, OrderId, OrderStatus, Side};
use blotter::venue::anboto::sign::{canonical_query, decode_secret, sign, string_to_sign};
use blotter::venue::anboto::{
    AnbotoClient, DEFAULT_RECV_WINDOW_MS, MAINNET_URL, SignatureEncoding, TESTNET_URL,
    decode_error_message, decode_order_summary, decode_orders_page, decode_summaries, map_status,
    order_messages,
};
use blotter::venue::{Action, AmendChanges, Venue, VenueError};

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

// ---------------------------------------------------------------------------------------------
// Known answers. Secret text `c2VjcmV0LWtleS1mb3ItdGVzdHMtMDEyMzQ1Njc4OQ==` is the base64 of
// `secret-key-for-tests-0123456789` (hex 7365637265742d6b65792d666f722d74657374732d30313233343536373839).
// Computed with (bash):
//   printf '%s' "$S" | openssl dgst -sha256 -mac HMAC \
//       -macopt hexkey:7365637265742d6b65792d666f722d74657374732d30313233343536373839
//   printf '%s' "$S" | openssl dgst -sha256 -hmac 'secret-key-for-tests-0123456789' -binary | base64
// where $S is the string to sign given with each constant.

const KAT_SECRET_B64: &str = "c2VjcmV0LWtleS1mb3ItdGVzdHMtMDEyMzQ1Njc4OQ==";
const KAT_KEY: &str = "test-api-key";
const KAT_TS: i64 = 1_700_000_000_000;

/// GET byId with params given unsorted (`orderIds`, then `clientOrderIds`), raw `^` value.
/// S = `1700000000000test-api-key5000clientOrderIds=ABC-12345^12-10-23&orderIds=123456,789`
const KAT_BYID_HEX: &str = "e063b5b0b30d1af754a06bf251eb22b3c02e0d47c98f747b8b4937ea29cdd9d8";
const KAT_BYID_B64: &str = "4GO1sLMNGvdUoGvyUesis8AuDUfJj3R7i0k36inN2dg=";

/// GET find with params given as startMs, limit, endMs.
/// S = `1700000000000test-api-key5000endMs=1700003600000&limit=50&startMs=1700000000000`
const KAT_FIND_HEX: &str = "b59eafe5fba7a67f03424ba581c10d3fe84287fe513495207fcf709b0d306cc0";
const KAT_FIND_B64: &str = "tZ6v5funpn8DQkulgcENP+hCh/5RNJUgf89wmw0wbMA=";

/// POST cancel with body `{"order_id":123456}`.
/// S = `1700000000000test-api-key5000{"order_id":123456}`
const KAT_CANCEL_HEX: &str = "148030d87f589f2d97fd6b11af8eef7e4f14348921562961b1a1391efa776a2d";
const KAT_CANCEL_B64: &str = "FIAw2H9Yny2X/WsRr47vfk8UNIkhVilhsaE5Hvp3ai0=";

/// Binary (non-UTF-8) secret, empty payload (GET open orders):
///   H=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
///   printf '%s' $H | xxd -r -p | base64      → the secret text below
///   printf '%s' '1700000000000test-api-key5000' | openssl dgst -sha256 -mac HMAC -macopt hexkey:$H
///   … -binary | base64
const KAT_BIN_SECRET_B64: &str = "ABEiM0RVZneImaq7zN3u/wARIjNEVWZ3iJmqu8zd7v8=";
const KAT_BIN_HEX: &str = "51d2a4b17d87f7f4e679fce926ff90685f4664f20e84f43496a0e4dca2192d5d";
const KAT_BIN_B64: &str = "UdKksX2H9/TmefzpJv+QaF9GZPIOhPQ0lqDk3KIZLV0=";

#[test]
fn known_answers_hex_and_base64() {
    let secret = decode_secret(KAT_SECRET_B64).unwrap();
    assert_eq!(secret, b"secret-key-for-tests-0123456789");
    let byid = canonical_query(&[
        ("orderIds", "123456,789"),
        ("clientOrderIds", "ABC-12345^12-10-23"),
    ]);
    assert_eq!(
        byid,
        "clientOrderIds=ABC-12345^12-10-23&orderIds=123456,789"
    );
    let find = canonical_query(&[
        ("startMs", "1700000000000"),
        ("limit", "50"),
        ("endMs", "1700003600000"),
    ]);
    assert_eq!(find, "endMs=1700003600000&limit=50&startMs=1700000000000");
    let body = r#"{"order_id":123456}"#;
    assert_eq!(
        string_to_sign(KAT_TS, KAT_KEY, 5000, body),
        r#"1700000000000test-api-key5000{"order_id":123456}"#
    );
    let cases = [
        (&byid[..], KAT_BYID_HEX, KAT_BYID_B64),
        (&find[..], KAT_FIND_HEX, KAT_FIND_B64),
        (body, KAT_CANCEL_HEX, KAT_CANCEL_B64),
    ];
    for (payload, hex, b64) in cases {
        assert_eq!(
            sign(
                &secret,
                KAT_TS,
                KAT_KEY,
                5000,
                payload,
                SignatureEncoding::Hex
            ),
            hex,
            "{payload}"
        );
        assert_eq!(
            sign(
                &secret,
                KAT_TS,
                KAT_KEY,
                5000,
                payload,
                SignatureEncoding::Base64
            ),
            b64,
            "{payload}"
        );
    }
    let bin = decode_secret(KAT_BIN_SECRET_B64).unwrap();
    assert_eq!(bin.len(), 32);
    assert_eq!(
        sign(&bin, KAT_TS, KAT_KEY, 5000, "", SignatureEncoding::Hex),
        KAT_BIN_HEX
    );
    assert_eq!(
        sign(&bin, KAT_TS, KAT_KEY, 5000, "", SignatureEncoding::Base64),
        KAT_BIN_B64
    );
}

// ---------------------------------------------------------------------------------------------
// Every example payload of the document (tests/fixtures/anboto, see its README.md).

fn fixture(name: &str) -> Vec<u8> {
    fs::read(Path::new("tests/fixtures/anboto").join(name)).unwrap()
}

#[test]
fn every_fixture_is_json_and_every_response_decodes() {
    let dir = Path::new("tests/fixtures/anboto");
    let mut n = 0;
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        n += 1;
        let bytes = fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        serde_json::from_slice::<serde_json::Value>(&bytes)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let order_lists = [
            "get_orders_response",
            "find_orders_response",
            "get_open_orders_response",
            "schema_order_details_list",
        ];
        let summaries = [
            "cancel_order_response",
            "cancel_many_response",
            "create_order_response",
            "schema_order_summary.json",
        ];
        if order_lists.iter().any(|k| name.contains(k)) {
            let page = decode_orders_page(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(page.rows.len(), 1, "{name}");
            assert!(page.bad_rows.is_empty(), "{name}: {:?}", page.bad_rows);
        } else if summaries.iter().any(|k| name.contains(k)) {
            let s = decode_order_summary(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(s.error_code.as_deref(), Some("INVALID_ORDER"), "{name}");
            assert_eq!(decode_summaries(&bytes).unwrap().len(), 1, "{name}");
        } else if name.contains("create_many_orders_response")
            || name.contains("schema_order_summary_list")
        {
            let list = decode_summaries(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(list.len(), 1, "{name}");
        }
    }
    assert_eq!(n, 34, "one fixture per JSON example in the document");
}

#[test]
fn order_details_example_maps_onto_domain() {
    let page = decode_orders_page(&fixture("12_get_open_orders_response_200.json")).unwrap();
    let o = &page.rows[0];
    assert_eq!(o.id, OrderId::new("123456"));
    assert_eq!(o.custom_order_id.as_deref(), Some("xxx-yyy-zzz"));
    assert_eq!(o.pair, "string");
    assert_eq!(o.side, Side::Buy);
    assert_eq!(o.status, OrderStatus::Submitted);
    assert_eq!(o.notes.as_deref(), Some("status PENDING_NEW"));
    assert_eq!(o.executed_qty, Some(Decimal::ZERO));
    assert_eq!(o.remaining_qty, Some(Decimal::ZERO));
    // average_price 0 with nothing filled is "not given".
    assert_eq!(o.avg_price, None);
    assert_eq!(o.fill_ratio, None);
    assert_eq!(o.failure_reason, None);
}

#[test]
fn summary_example_is_a_rejection() {
    let s = decode_order_summary(&fixture("04_cancel_order_response_200.json")).unwrap();
    assert_eq!(s.order_id, Some(OrderId::new("0")));
    assert_eq!(s.client_order_id.as_deref(), Some("ABC-12345^12-10-23"));
    assert_eq!(s.order_status(), Some(OrderStatus::Submitted));
    assert_eq!(s.created_at, Some("2024-01-22T22:05:00Z".parse().unwrap()));
    assert!(s.is_rejected());
    assert_eq!(s.failure().as_deref(), Some("INVALID_ORDER: string"));
}

#[test]
fn enum_examples_map() {
    let word = |f: &str| serde_json::from_slice::<String>(&fixture(f)).unwrap();
    assert_eq!(
        map_status(&word("25_schema_order_status.json")),
        OrderStatus::Submitted
    );
    assert_eq!(Side::parse(&word("30_schema_side.json")), Side::Buy);
    assert_eq!(word("13_schema_api_error_code.json"), "OTHER");
}

#[test]
fn quirky_rows_are_kept_or_reported_per_row() {
    let body = br#"{"orders":[
        {"order_id":"1","symbol":"BTC/USDT","status":"PARTIALLY_FILLED","side":"SHORT_SELL",
         "filled_quantity":"0.25","leaves_quantity":0.75,"last_quantity":0.05,"last_price":"42000.10",
         "average_price":41999.5},
        {"order_id":2,"symbol":"ETH/USDT","status":"REJECTED","side":"BUY","filled_quantity":0,
         "leaves_quantity":1,"last_quantity":0,"last_price":0,"average_price":0,
         "error_code":"INSUFFICIENT_FUNDS","message":"Not enough USDT"},
        {"order_id":3,"symbol":"ETH/USDT","status":"EXPIRED","filled_quantity":"abc"},
        {"client_order_id":"c-4","symbol":"SOL/USDT","status":"SOMETHING_NEW","filled_quantity":0,
         "leaves_quantity":2},
        {"symbol":"X/Y","status":"FILLED"},
        {"order_id":6,"symbol":"ETH/USDT","status":"CANCEL_REJECTED","side":"SELL"}
    ]}"#;
    let page = decode_orders_page(body).unwrap();
    // Issue 14: a row with an unreadable field stays listed, the field named; only the row
    // without any id is dropped.
    assert_eq!(page.rows.len(), 5, "{:?}", page.bad_rows);
    assert_eq!(page.bad_rows.len(), 1);
    assert_eq!(page.bad_rows[0].index, 4);
    let three = &page.rows[2];
    assert_eq!(three.id, OrderId::new("3"));
    assert_eq!(three.executed_qty, None);
    assert_eq!(three.unreadable.len(), 1, "{:?}", three.unreadable);
    assert_eq!(three.unreadable[0].path, "filled_quantity");
    assert!(
        three.unreadable[0].reason.contains(r#""abc""#),
        "{:?}",
        three.unreadable
    );

    let a = &page.rows[0];
    assert_eq!(a.side, Side::Sell);
    assert_eq!(a.status, OrderStatus::Active);
    assert_eq!(a.target_qty, Some(dec("1.00")));
    assert_eq!(a.fill_ratio, Some(dec("0.25")));
    assert_eq!(a.avg_price, Some(dec("41999.5")));
    assert_eq!(a.executed_notional, Some(dec("10499.875")));
    assert_eq!(a.target_token.as_deref(), Some("BTC"));
    assert_eq!(
        a.notes.as_deref(),
        Some("status PARTIALLY_FILLED; side SHORT_SELL; last fill 0.05 @ 42000.10")
    );

    let b = &page.rows[1];
    assert_eq!(b.status, OrderStatus::Failed);
    assert_eq!(
        b.failure_reason.as_deref(),
        Some("INSUFFICIENT_FUNDS: Not enough USDT")
    );

    let c = &page.rows[3];
    assert_eq!(c.id, OrderId::new("c-4"));
    assert_eq!(c.status, OrderStatus::Other("SOMETHING_NEW".into()));

    let msgs = order_messages(&page.rows);
    assert_eq!(msgs.len(), 2);
    assert_eq!(msgs[0].order_id, OrderId::new("2"));
    assert_eq!(msgs[0].level, MessageLevel::Error);
    assert_eq!(msgs[0].message, "INSUFFICIENT_FUNDS: Not enough USDT");
    assert_eq!(msgs[1].order_id, OrderId::new("6"));
    assert!(msgs[1].message.starts_with("CANCEL_REJECTED"));
}

#[test]
fn cancel_many_accepts_single_and_list_replies() {
    let one = br#"{"order_id":1,"status":"PENDING_CANCEL","created_at":"2024-01-22T22:05:00Z"}"#;
    assert_eq!(decode_summaries(one).unwrap().len(), 1);
    let list = br#"[{"order_id":1,"status":"PENDING_CANCEL","created_at":null},
                    {"order_id":2,"status":"CANCEL_REJECTED","error_code":"INVALID_ORDER","created_at":null}]"#;
    let l = decode_summaries(list).unwrap();
    assert_eq!(l.len(), 2);
    assert!(!l[0].is_rejected());
    assert!(l[1].is_rejected());
    let wrapped = br#"{"orders":[{"order_id":1,"status":"PENDING_CANCEL","created_at":null}]}"#;
    assert_eq!(decode_summaries(wrapped).unwrap().len(), 1);
    assert_eq!(
        decode_error_message(br#"{"error_code":"SLIPPAGE_EXCEEDED","message":"too far"}"#),
        "SLIPPAGE_EXCEEDED: too far"
    );
}

#[test]
fn hosts_are_exposed() {
    assert_eq!(MAINNET_URL, "https://api.anboto.xyz");
    assert_eq!(TESTNET_URL, "https://api.testnet.anboto.xyz");
    assert_eq!(DEFAULT_RECV_WINDOW_MS, 5000);
}

// ---------------------------------------------------------------------------------------------
// Stub venue: verifies X-API-KEY / X-TIMESTAMP / X-RECV-WINDOW / X-SIGN independently of the
// client's code (its own HMAC and query canonicalisation).

const KEY: &str = "stub-api-key";
const SECRET_B64: &str = KAT_SECRET_B64;

#[derive(Clone, Debug)]
struct Seen {
    method: Method,
    path: String,
    query: String,
    body: String,
    headers: HeaderMap,
}

#[derive(Clone)]
struct Stub {
    encoding: SignatureEncoding,
    /// Server clock minus real clock, ms.
    skew_ms: i64,
    cancel_many_list: bool,
    seen: Arc<Mutex<Vec<Seen>>>,
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// The document's rule, written independently: decoded values, keys sorted, `k=v&…`.
fn stub_canonical(raw_query: &str) -> String {
    let mut pairs: Vec<(String, String)> = raw_query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn error(status: StatusCode, code: &str, message: &str, date_ms: Option<i64>) -> Response {
    // No error body is documented; the OrderSummary shape (error_code + message) is used.
    let body = serde_json::json!({
        "order_id": null, "client_order_id": null, "status": "REJECTED",
        "created_at": null, "message": message, "error_code": code,
    });
    let mut resp = (status, axum::Json(body)).into_response();
    if let Some(ms) = date_ms {
        let ts = jiff::Timestamp::from_millisecond(ms).unwrap();
        let date = jiff::fmt::rfc2822::DateTimePrinter::new()
            .timestamp_to_rfc9110_string(&ts)
            .unwrap();
        resp.headers_mut()
            .insert(axum::http::header::DATE, date.parse().unwrap());
    }
    resp
}

fn json(body: &str) -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body.to_owned(),
    )
        .into_response()
}

async fn handle(
    State(stub): State<Stub>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = String::from_utf8(body.to_vec()).unwrap();
    let query = uri.query().unwrap_or("").to_owned();
    stub.seen.lock().unwrap().push(Seen {
        method: method.clone(),
        path: uri.path().to_owned(),
        query: query.clone(),
        body: body.clone(),
        headers: headers.clone(),
    });
    if uri.path() == "/status/ping" {
        return json(r#""OK""#);
    }
    let h = |k: &str| {
        headers
            .get(k)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let server_now = jiff::Timestamp::now().as_millisecond() + stub.skew_ms;
    if h("X-API-KEY").as_deref() != Some(KEY) {
        return error(
            StatusCode::UNAUTHORIZED,
            "INVALID_API_KEY",
            "unknown key",
            None,
        );
    }
    let Some(ts) = h("X-TIMESTAMP").and_then(|t| t.parse::<i64>().ok()) else {
        return error(
            StatusCode::UNAUTHORIZED,
            "INVALID_TIMESTAMP",
            "missing",
            None,
        );
    };
    let recv: i64 = h("X-RECV-WINDOW")
        .and_then(|r| r.parse().ok())
        .unwrap_or(5000);
    if (server_now - ts).abs() > recv {
        return error(
            StatusCode::UNAUTHORIZED,
            "INVALID_TIMESTAMP",
            "Timestamp outside of recv window",
            Some(server_now),
        );
    }
    let payload = if body.is_empty() {
        stub_canonical(&query)
    } else {
        body.clone()
    };
    let to_sign = format!("{ts}{KEY}{recv}{payload}");
    let key = base64::engine::general_purpose::STANDARD
        .decode(SECRET_B64)
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(to_sign.as_bytes());
    let digest = mac.finalize().into_bytes();
    let expected = match stub.encoding {
        SignatureEncoding::Hex => digest.iter().map(|b| format!("{b:02x}")).collect(),
        SignatureEncoding::Base64 => base64::engine::general_purpose::STANDARD.encode(digest),
    };
    if h("X-SIGN").as_deref() != Some(expected.as_str()) {
        return error(
            StatusCode::UNAUTHORIZED,
            "INVALID_SIGNATURE",
            "Signature verification failed",
            None,
        );
    }
    match (method.as_str(), uri.path()) {
        ("GET", "/api/v2/trading/order/open") => json(
            r#"{"orders":[{"order_id":11,"client_order_id":"c-11","symbol":"BTC/USDT","status":"ACCEPTED",
              "filled_quantity":"0.1","leaves_quantity":"0.9","side":"BUY","last_quantity":0.1,
              "last_price":"42000","average_price":"42000"},
              {"order_id":12,"symbol":"ETH/USDT","status":"PAUSED","filled_quantity":"x"}]}"#,
        ),
        ("GET", "/api/v2/trading/order/find") => json(r#"{"orders":[]}"#),
        ("GET", "/api/v2/trading/order/byId") => json(
            r#"{"orders":[{"order_id":21,"symbol":"ETH/USDT","status":"REJECTED","side":"SELL",
              "filled_quantity":0,"leaves_quantity":1,"last_quantity":0,"last_price":0,"average_price":0,
              "error_code":"SLIPPAGE_EXCEEDED","message":"Price moved beyond the limit"},
              {"order_id":22,"symbol":"ETH/USDT","status":"ACCEPTED","side":"SELL",
              "filled_quantity":0,"leaves_quantity":1,"last_quantity":0,"last_price":0,"average_price":0}]}"#,
        ),
        ("POST", "/api/v2/trading/order/cancel") => {
            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
            if v.get("order_id").and_then(|i| i.as_i64()) == Some(999) {
                json(
                    r#"{"order_id":999,"client_order_id":null,"status":"CANCEL_REJECTED",
                       "created_at":"2024-01-22T22:05:00Z","message":"Order already filled",
                       "error_code":"INVALID_ORDER"}"#,
                )
            } else {
                json(
                    r#"{"order_id":123,"client_order_id":null,"status":"PENDING_CANCEL",
                       "created_at":"2024-01-22T22:05:00Z","message":null,"error_code":null}"#,
                )
            }
        }
        ("POST", "/api/v2/trading/order/cancelMany") => {
            if stub.cancel_many_list {
                json(
                    r#"[{"order_id":1,"status":"PENDING_CANCEL","created_at":null},
                        {"order_id":2,"status":"PENDING_CANCEL","created_at":null}]"#,
                )
            } else {
                json(r#"{"order_id":1,"status":"PENDING_CANCEL","created_at":null}"#)
            }
        }
        _ => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

async fn start(stub: Stub) -> String {
    let app = Router::new().fallback(handle).with_state(stub);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

fn stub(encoding: SignatureEncoding, skew_ms: i64) -> Stub {
    Stub {
        encoding,
        skew_ms,
        cancel_many_list: false,
        seen: Arc::new(Mutex::new(Vec::new())),
    }
}

fn client(base: &str, secret_b64: &str, encoding: SignatureEncoding) -> AnbotoClient {
    AnbotoClient::new(
        base,
        SecretString::from(KEY),
        SecretString::from(secret_b64),
        encoding,
        DEFAULT_RECV_WINDOW_MS,
        Duration::from_secs(5),
    )
    .unwrap()
}

#[tokio::test]
async fn signed_requests_pass_in_both_encodings() {
    for encoding in [SignatureEncoding::Hex, SignatureEncoding::Base64] {
        let mut s = stub(encoding, 0);
        s.cancel_many_list = encoding == SignatureEncoding::Base64;
        let seen = s.seen.clone();
        let base = start(s).await;
        let c = client(&base, SECRET_B64, encoding);

        assert_eq!(c.ping().await.unwrap(), "OK");

        let page = c.active_orders().await.unwrap();
        // The row with `filled_quantity: "x"` stays listed with that field unreadable.
        assert_eq!(page.rows.len(), 2);
        assert!(page.bad_rows.is_empty(), "{:?}", page.bad_rows);
        assert_eq!(page.rows[1].id.as_str(), "12");
        assert_eq!(page.rows[1].unreadable[0].path, "filled_quantity");
        assert_eq!(page.rows[0].fill_ratio, Some(dec("0.1")));

        let found = c
            .find_orders(Some(1_700_000_000_000), Some(1_700_003_600_000), Some(50))
            .await
            .unwrap();
        assert!(found.rows.is_empty());

        // A client order id with a character that is percent-encoded on the wire.
        let byid = c
            .orders_by_id(&[OrderId::new("21"), OrderId::new("ABC-12345^12-10-23")])
            .await
            .unwrap();
        assert_eq!(byid.rows.len(), 2);

        let reply = c.act(&Action::Cancel(OrderId::new("123"))).await.unwrap();
        assert_eq!(reply.status, 200);
        assert_eq!(reply.message, "status PENDING_CANCEL");

        let many = c
            .cancel_many(&[OrderId::new("1"), OrderId::new("c-2")])
            .await
            .unwrap();
        let expected = if encoding == SignatureEncoding::Base64 {
            2
        } else {
            1
        };
        assert_eq!(many.len(), expected);

        let seen = seen.lock().unwrap().clone();
        let find = seen
            .iter()
            .find(|r| r.path.ends_with("/order/find"))
            .unwrap();
        // Issue 14: the query goes out in the order it was signed (keys sorted).
        assert_eq!(
            find.query,
            "endMs=1700003600000&limit=50&startMs=1700000000000"
        );
        let byid = seen
            .iter()
            .find(|r| r.path.ends_with("/order/byId"))
            .unwrap();
        assert_eq!(
            byid.query,
            "clientOrderIds=ABC-12345%5E12-10-23&orderIds=21"
        );
        let cancel = seen
            .iter()
            .find(|r| r.path.ends_with("/order/cancel"))
            .unwrap();
        assert_eq!(cancel.method, Method::POST);
        assert_eq!(cancel.body, r#"{"order_id":123}"#);
        assert_eq!(
            cancel.headers.get("content-type").unwrap(),
            "application/json"
        );
        assert_eq!(cancel.headers.get("x-recv-window").unwrap(), "5000");
        let many = seen
            .iter()
            .find(|r| r.path.ends_with("/order/cancelMany"))
            .unwrap();
        assert_eq!(
            many.body,
            r#"{"orders":[{"order_id":1},{"client_order_id":"c-2"}]}"#
        );
        let ping = seen.iter().find(|r| r.path == "/status/ping").unwrap();
        assert!(
            ping.headers.get("x-api-key").is_none(),
            "ping is unauthenticated"
        );
    }
}

#[tokio::test]
async fn wrong_secret_is_invalid_signature() {
    let s = stub(SignatureEncoding::Hex, 0);
    let base = start(s).await;
    let c = client(&base, KAT_BIN_SECRET_B64, SignatureEncoding::Hex);
    let e = c.active_orders().await.unwrap_err();
    let VenueError::Http {
        status, message, ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!(*status, 401);
    assert!(
        message.starts_with("INVALID_SIGNATURE: Signature verification failed"),
        "{message}"
    );
    assert!(e.is_auth());

    // The right secret with the other encoding is refused the same way.
    let c = client(&base, SECRET_B64, SignatureEncoding::Base64);
    let e = c.active_orders().await.unwrap_err().to_string();
    assert!(e.contains("INVALID_SIGNATURE"), "{e}");
}

#[tokio::test]
async fn clock_skew_is_learned_from_date_actions_not_retried() {
    let s = stub(SignatureEncoding::Hex, 60_000);
    let seen = s.seen.clone();
    let base = start(s).await;
    let c = client(&base, SECRET_B64, SignatureEncoding::Hex);

    let e = c
        .act(&Action::Cancel(OrderId::new("123")))
        .await
        .unwrap_err();
    let VenueError::Http {
        status, message, ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!(*status, 401);
    assert!(message.starts_with("INVALID_TIMESTAMP"), "{message}");
    assert_eq!(seen.lock().unwrap().len(), 1, "actions are not retried");
    let off = c.clock_offset_ms();
    assert!((58_000..=62_000).contains(&off), "offset {off}");

    let reply = c.act(&Action::Cancel(OrderId::new("123"))).await.unwrap();
    assert_eq!(reply.status, 200);
    assert_eq!(seen.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn reads_retry_once_after_clock_correction() {
    let s = stub(SignatureEncoding::Hex, -45_000);
    let seen = s.seen.clone();
    let base = start(s).await;
    let c = client(&base, SECRET_B64, SignatureEncoding::Hex);
    let page = c.active_orders().await.unwrap();
    assert_eq!(
        page.rows.len(),
        2,
        "the order with an unreadable field stays listed"
    );
    assert_eq!(seen.lock().unwrap().len(), 2, "one failure, one retry");
    let off = c.clock_offset_ms();
    assert!((-47_000..=-43_000).contains(&off), "offset {off}");
}

#[tokio::test]
async fn unsupported_actions_send_nothing() {
    let s = stub(SignatureEncoding::Hex, 0);
    let seen = s.seen.clone();
    let base = start(s).await;
    let c = client(&base, SECRET_B64, SignatureEncoding::Hex);
    let caps = c.capabilities();
    assert!(caps.cancel);
    assert!(!caps.pause && !caps.resume && !caps.amend && !caps.multi_orders && !caps.push);
    assert_eq!(c.name(), "Anboto");
    let id = OrderId::new("1");
    for a in [
        Action::Pause(id.clone()),
        Action::Resume(id.clone()),
        Action::Amend(id.clone(), AmendChanges::default()),
        Action::PauseMulti(id.clone()),
        Action::ResumeMulti(id.clone()),
        Action::CancelMulti(id.clone()),
    ] {
        let e = c.act(&a).await.unwrap_err();
        assert_eq!(
            e,
            VenueError::Unsupported {
                venue: "Anboto".into(),
                what: a.verb().into()
            }
        );
    }
    assert!(c.multi_orders(1).await.unwrap().rows.is_empty());
    assert!(c.placements(&id).await.unwrap().rows.is_empty());
    assert!(c.push().await.unwrap().is_none());
    assert!(c.order_errors(&[]).await.unwrap().is_empty());
    assert!(seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn order_errors_and_rejected_cancel() {
    let s = stub(SignatureEncoding::Hex, 0);
    let base = start(s).await;
    let c = client(&base, SECRET_B64, SignatureEncoding::Hex);
    let msgs = c
        .order_errors(&[OrderId::new("21"), OrderId::new("22")])
        .await
        .unwrap();
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].order_id, OrderId::new("21"));
    assert_eq!(msgs[0].level, MessageLevel::Error);
    assert_eq!(
        msgs[0].message,
        "SLIPPAGE_EXCEEDED: Price moved beyond the limit"
    );

    let e = c
        .act(&Action::Cancel(OrderId::new("999")))
        .await
        .unwrap_err();
    assert_eq!(
        e,
        VenueError::Http {
            status: 200,
            message: "INVALID_ORDER: Order already filled".into(),
            retry_after_secs: None
        }
    );
}

// ---- RSA-SHA256 (self-generated keys) ----

fn rsa_fixture(name: &str) -> String {
    fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/anboto/rsa")
            .join(name),
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn rsa_signatures_match_openssl_for_pkcs8_and_pkcs1_keys() {
    use blotter::venue::anboto::Signer;
    for pem in ["test_key_pkcs8.pem", "test_key_pkcs1.pem"] {
        let signer = Signer::rsa_pem(&rsa_fixture(pem)).unwrap();
        assert_eq!(
            signer.sign(1_700_000_000_000, "test-key", 5000, "limit=50&startMs=1"),
            rsa_fixture("expected_get.b64").trim(),
            "{pem} GET"
        );
        assert_eq!(
            signer.sign(
                1_700_000_000_000,
                "test-key",
                5000,
                r#"{"order_id":123456}"#
            ),
            rsa_fixture("expected_post.b64").trim(),
            "{pem} POST"
        );
        assert_eq!(format!("{signer:?}"), "Rsa([redacted])");
    }
    let err = Signer::rsa_pem("-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----")
        .unwrap_err();
    assert!(err.contains("PEM"), "{err}");
}

/// Requests a capture stub saw: query, headers, body.
type Captured = Arc<Mutex<Vec<(String, HeaderMap, String)>>>;

/// The client signs a real request with the RSA key; OpenSSL (an independent implementation)
/// verifies the captured `X-SIGN` against the public key over the documented string.
#[tokio::test]
async fn rsa_signed_requests_verify_with_openssl() {
    use blotter::venue::anboto::{AnbotoClient, Signer};
    if std::process::Command::new("openssl")
        .arg("version")
        .output()
        .is_err()
    {
        eprintln!("skipped: openssl not installed");
        return;
    }
    let seen: Captured = Arc::default();
    let app = Router::new()
        .fallback(
            |State(seen): State<Captured>, uri: Uri, headers: HeaderMap, body: Bytes| async move {
                seen.lock().unwrap().push((
                    uri.query().unwrap_or("").to_owned(),
                    headers,
                    String::from_utf8(body.to_vec()).unwrap(),
                ));
                axum::Json(serde_json::json!({"orders": []}))
            },
        )
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = AnbotoClient::with_signer(
        &format!("http://{addr}"),
        SecretString::from("rsa-key-id"),
        Signer::rsa_pem(&rsa_fixture("test_key_pkcs8.pem")).unwrap(),
        5000,
        Duration::from_secs(5),
    )
    .unwrap();
    client
        .find_orders(Some(1), Some(2), Some(50))
        .await
        .unwrap();
    let _ = client.act(&Action::Cancel(OrderId::new("42"))).await;
    let dir = tempfile::tempdir().unwrap();
    let public =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/anboto/rsa/test_key_pub.pem");
    let requests = seen.lock().unwrap().clone();
    assert_eq!(requests.len(), 2);
    for (i, (query, headers, body)) in requests.iter().enumerate() {
        let h = |k: &str| headers.get(k).unwrap().to_str().unwrap().to_owned();
        let payload = if body.is_empty() {
            stub_canonical(query)
        } else {
            body.clone()
        };
        let text = format!(
            "{}{}{}{}",
            h("X-TIMESTAMP"),
            h("X-API-KEY"),
            h("X-RECV-WINDOW"),
            payload
        );
        let data = dir.path().join(format!("data{i}"));
        let sig = dir.path().join(format!("sig{i}"));
        fs::write(&data, &text).unwrap();
        fs::write(
            &sig,
            base64::engine::general_purpose::STANDARD
                .decode(h("X-SIGN"))
                .unwrap(),
        )
        .unwrap();
        let out = std::process::Command::new("openssl")
            .args(["dgst", "-sha256", "-verify"])
            .arg(&public)
            .arg("-signature")
            .arg(&sig)
            .arg(&data)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "request {i} ({text}): {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Issue 14: the query goes out exactly as signed, EXPIRED is final, bulk cancel is cancelMany.

/// The stub's HMAC over `to_sign`, in `encoding`.
fn stub_sign(to_sign: &str, encoding: SignatureEncoding) -> String {
    let key = base64::engine::general_purpose::STANDARD
        .decode(SECRET_B64)
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(to_sign.as_bytes());
    let digest = mac.finalize().into_bytes();
    match encoding {
        SignatureEncoding::Hex => digest.iter().map(|b| format!("{b:02x}")).collect(),
        SignatureEncoding::Base64 => base64::engine::general_purpose::STANDARD.encode(digest),
    }
}

#[tokio::test]
async fn query_string_is_sent_as_signed_sorted() {
    let s = stub(SignatureEncoding::Hex, 0);
    let seen = s.seen.clone();
    let base = start(s).await;
    let c = client(&base, SECRET_B64, SignatureEncoding::Hex);
    // Parameters given out of order (startMs before endMs; orderIds before clientOrderIds).
    c.find_orders(Some(1_700_000_000_000), Some(1_700_003_600_000), Some(50))
        .await
        .unwrap();
    c.orders_by_id(&[OrderId::new("21"), OrderId::new("c-9")])
        .await
        .unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "{seen:?}");
    let wire: Vec<&str> = seen.iter().map(|r| r.query.as_str()).collect();
    assert_eq!(
        wire,
        [
            "endMs=1700003600000&limit=50&startMs=1700000000000",
            "clientOrderIds=c-9&orderIds=21"
        ]
    );
    for r in &seen {
        // The signature is over the query string exactly as it arrived (no re-sorting).
        let ts = r.headers.get("x-timestamp").unwrap().to_str().unwrap();
        let to_sign = format!("{ts}{KEY}5000{}", r.query);
        assert_eq!(
            r.headers.get("x-sign").unwrap().to_str().unwrap(),
            stub_sign(&to_sign, SignatureEncoding::Hex),
            "{}",
            r.query
        );
    }
}

/// A venue that lists an `EXPIRED` order among the open ones (no signature checks).
async fn start_open_with_expired() -> String {
    let app = Router::new().fallback(|| async {
        json(
            r#"{"orders":[{"order_id":31,"symbol":"BTC/USDT","status":"ACCEPTED","side":"BUY",
              "filled_quantity":"0","leaves_quantity":"1"},
              {"order_id":32,"symbol":"BTC/USDT","status":"EXPIRED","side":"BUY",
              "filled_quantity":"0","leaves_quantity":"1"}]}"#,
        )
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test]
async fn expired_is_final_and_leaves_the_active_set() {
    assert!(map_status("EXPIRED").is_terminal());
    assert!(!map_status("PENDING_CANCEL").is_terminal());
    let base = start_open_with_expired().await;
    let c = client(&base, SECRET_B64, SignatureEncoding::Hex);
    let all = c.open_orders().await.unwrap();
    assert_eq!(all.rows.len(), 2, "the venue listed both");
    let active = c.active_orders().await.unwrap();
    let ids: Vec<&str> = active.rows.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["31"]);
}

#[tokio::test]
async fn bulk_cancel_goes_to_cancel_many_in_one_request() {
    let s = stub(SignatureEncoding::Hex, 0);
    let seen = s.seen.clone();
    let base = start(s).await;
    let c = client(&base, SECRET_B64, SignatureEncoding::Hex);
    let reply = c
        .act(&Action::CancelMany {
            venue: Default::default(),
            order_ids: vec![OrderId::new("1"), OrderId::new("c-2")],
        })
        .await
        .unwrap();
    assert_eq!(reply.status, 200);
    assert_eq!(reply.message, "Cancel requested for 2 order(s)");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].method, Method::POST);
    assert_eq!(seen[0].path, "/api/v2/trading/order/cancelMany");
    assert_eq!(
        seen[0].body,
        r#"{"orders":[{"order_id":1},{"client_order_id":"c-2"}]}"#
    );
}
