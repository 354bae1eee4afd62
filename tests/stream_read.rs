//! The Tread.fi active-orders read streamed (issue 19): the row scanner against serde_json on
//! random pages cut into random chunks, the real `TreadfiClient::active_orders_parts` against
//! an axum stub that sends its body in tiny chunks (the first part arrives before the stub
//! sends the rest; a cut body, error statuses), and against the in-process simulator.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use blotter::domain::{Order, Page};
use blotter::sim::{self, SimConfig};
use blotter::venue::decode::stream::RowScanner;
use blotter::venue::treadfi::{TreadfiClient, decode_orders_page};
use blotter::venue::{Venue, VenueError, VenueResult};
use futures_util::StreamExt;
use proptest::prelude::*;
use secrecy::SecretString;
use serde_json::value::RawValue;
use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};

const KEY: &str = "k3y-stream";

// ---------------------------------------------------------------------------------------------
// The scanner against serde_json.

/// Text with every character that could fool a byte scanner: quotes, backslashes, brackets,
/// braces, commas, colons, control characters and 2-, 3- and 4-byte UTF-8.
fn tricky_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "\"", "\\", "]", "}", ",", "[", "{", ":", "\\\"", "\n", "\t", "\u{1}", "a", "Z", "0",
            " ", "é", "日本", "🚀", "\\u00e9",
        ]),
        0..8,
    )
    .prop_map(|parts| parts.concat())
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        tricky_text().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "-?(0|[1-9][0-9]{0,11})\\.[0-9]{1,8}".prop_map(|s| Value::Number(s.parse().unwrap())),
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
    ]
}

/// A row: mostly an object (with nested arrays and objects), sometimes a scalar.
fn row() -> impl Strategy<Value = Value> {
    let value = leaf().prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((tricky_text(), inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    });
    prop_oneof![
        4 => prop::collection::vec((tricky_text(), value), 0..5).prop_map(|kv| {
            let mut m: serde_json::Map<String, Value> = kv.into_iter().collect();
            m.insert("id".into(), Value::from("row"));
            Value::Object(m)
        }),
        1 => leaf(),
    ]
}

/// A body: the page envelope (the rows key among other keys, one of which nests an `orders`
/// key of its own) or a bare array; compact or pretty.
fn body() -> impl Strategy<Value = (Value, bool)> {
    (
        prop::collection::vec(row(), 0..12),
        any::<bool>(),
        0usize..4,
        any::<bool>(),
    )
        .prop_map(|(rows, bare, at, pretty)| {
            if bare {
                return (Value::Array(rows), pretty);
            }
            let mut others = vec![
                ("page_number", json!(3)),
                ("meta", json!({"orders": [1, 2], "s": "\"orders\":["})),
                ("num_pages", json!(7)),
            ];
            others.insert(at.min(others.len()), ("orders", Value::Array(rows)));
            let m: serde_json::Map<String, Value> =
                others.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            (Value::Object(m), pretty)
        })
}

/// Feeds `bytes` cut at the given chunk sizes (cycled); the rows' text and the envelope.
fn scan(bytes: &[u8], sizes: &[usize]) -> VenueResult<(Vec<String>, Vec<u8>)> {
    let mut scanner = RowScanner::new("orders");
    let mut rows = Vec::new();
    let mut rest = bytes;
    for size in sizes.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (chunk, tail) = rest.split_at((*size).min(rest.len()));
        rest = tail;
        scanner.feed(chunk, |row| {
            rows.push(std::str::from_utf8(row).unwrap().to_owned());
            Ok(())
        })?;
    }
    Ok((rows, scanner.finish()?))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Each row's bytes are exactly the element serde_json reads from the whole buffer, and
    /// the envelope is the whole value with the rows array emptied, wherever the chunks cut.
    #[test]
    fn scanner_rows_and_envelope_match_serde(
        (value, pretty) in body(),
        sizes in prop::collection::vec(1usize..64, 1..16),
    ) {
        let text = if pretty {
            serde_json::to_string_pretty(&value).unwrap()
        } else {
            serde_json::to_string(&value).unwrap()
        };
        let (rows, envelope) = scan(text.as_bytes(), &sizes).unwrap();

        let expected_rows: Vec<&RawValue> = match &value {
            Value::Array(_) => serde_json::from_str(&text).unwrap(),
            _ => {
                let m: HashMap<String, &RawValue> = serde_json::from_str(&text).unwrap();
                serde_json::from_str(m["orders"].get()).unwrap()
            }
        };
        let expected_rows: Vec<&str> = expected_rows.iter().map(|r| r.get()).collect();
        prop_assert_eq!(rows, expected_rows);

        let mut emptied = value.clone();
        match &mut emptied {
            Value::Array(rows) => rows.clear(),
            Value::Object(m) => { m.insert("orders".into(), json!([])); }
            _ => unreachable!(),
        }
        let envelope: Value = serde_json::from_slice(&envelope).unwrap();
        prop_assert_eq!(envelope, emptied);
    }

    /// A body cut anywhere before its last byte is an error, never a panic or a short page.
    #[test]
    fn truncated_body_is_an_error(
        (value, pretty) in body(),
        sizes in prop::collection::vec(1usize..64, 1..16),
        cut in any::<prop::sample::Index>(),
    ) {
        let text = if pretty {
            serde_json::to_string_pretty(&value).unwrap()
        } else {
            serde_json::to_string(&value).unwrap()
        };
        let cut = 1 + cut.index(text.len() - 1);
        let result = scan(&text.as_bytes()[..cut], &sizes);
        prop_assert!(
            matches!(result, Err(VenueError::Decode { .. })),
            "cut at {} of {}: {:?}", cut, text.len(), result
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The real client against a stub that streams its body.

/// One request as the stub saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: Method,
    path: String,
    query: Option<String>,
    authorization: Option<String>,
}

/// The body of one stub reply, sent by a task: `before` in tiny chunks, then (after `go`, if
/// given) `after` in tiny chunks; `sent_all` is set once the last byte went out. A `fail` body
/// ends with a stream error (the connection is dropped) instead of the chunked end.
struct Script {
    status: u16,
    before: Vec<u8>,
    go: Option<oneshot::Receiver<()>>,
    after: Vec<u8>,
    fail: bool,
}

struct StreamStub {
    client: TreadfiClient,
    seen: Arc<Mutex<Vec<Seen>>>,
    sent_all: Arc<AtomicBool>,
}

/// Sends `bytes` in chunks of 1 to 13 bytes, yielding (and every 50 chunks sleeping a
/// millisecond) in between so they leave as separate writes.
async fn trickle(tx: &mpsc::Sender<Result<Bytes, std::io::Error>>, bytes: &[u8]) -> bool {
    let mut rest = bytes;
    let mut n = 0usize;
    while !rest.is_empty() {
        let size = (n % 13 + 1).min(rest.len());
        let (chunk, tail) = rest.split_at(size);
        rest = tail;
        if tx.send(Ok(Bytes::copy_from_slice(chunk))).await.is_err() {
            return false;
        }
        n += 1;
        if n.is_multiple_of(50) {
            tokio::time::sleep(Duration::from_millis(1)).await;
        } else {
            tokio::task::yield_now().await;
        }
    }
    true
}

async fn stream_stub(script: Script) -> StreamStub {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sent_all = Arc::new(AtomicBool::new(false));
    let script = Arc::new(Mutex::new(Some(script)));
    let app = {
        let seen = seen.clone();
        let sent_all = sent_all.clone();
        Router::new().fallback(move |method: Method, uri: Uri, headers: HeaderMap| {
            let seen = seen.clone();
            let sent_all = sent_all.clone();
            let script = script.lock().unwrap().take();
            async move {
                seen.lock().unwrap().push(Seen {
                    method,
                    path: uri.path().to_owned(),
                    query: uri.query().map(str::to_owned),
                    authorization: headers
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned),
                });
                let Some(script) = script else {
                    return StatusCode::GONE.into_response();
                };
                let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
                tokio::spawn(async move {
                    if !trickle(&tx, &script.before).await {
                        return;
                    }
                    if let Some(go) = script.go {
                        let _ = go.await;
                    }
                    if !trickle(&tx, &script.after).await {
                        return;
                    }
                    sent_all.store(true, Ordering::SeqCst);
                    if script.fail {
                        let _ = tx.send(Err(std::io::Error::other("stub drops"))).await;
                    }
                });
                let body = futures_util::stream::unfold(rx, |mut rx| async move {
                    rx.recv().await.map(|item| (item, rx))
                });
                Response::builder()
                    .status(script.status)
                    .header("content-type", "application/json")
                    .body(Body::from_stream(body))
                    .unwrap()
            }
        })
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = TreadfiClient::new(
        &format!("http://{addr}/"),
        Some(SecretString::from(KEY)),
        Duration::from_secs(20),
    )
    .unwrap();
    StreamStub {
        client,
        seen,
        sent_all,
    }
}

fn fixture_rows() -> Vec<Value> {
    let text = std::fs::read(format!(
        "{}/tests/fixtures/treadfi/active_orders.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let v: Value = serde_json::from_slice(&text).unwrap();
    v["orders"].as_array().unwrap().clone()
}

/// 40 rows from the documented example (ids `o-0` …, strings holding quotes, backslashes,
/// brackets and non-ASCII text), rows 12 and 13 bad (no readable id; a bare number), in the
/// envelope with `page_number`/`num_pages`. Also the byte offset of the middle of row 4.
fn page_body() -> (Vec<u8>, usize) {
    let base = fixture_rows();
    let mut rows: Vec<String> = Vec::new();
    for i in 0..40 {
        let row = match i {
            12 => json!({"id": {"not": "an id"}, "notes": "bad ] } \" row"}),
            13 => json!(42),
            _ => {
                let mut r = base[i % base.len()].clone();
                r["id"] = json!(format!("o-{i}"));
                r["notes"] = json!(format!("note {i}: \"q\" \\ ] }} , [ {{ é 日本 🚀"));
                r
            }
        };
        rows.push(serde_json::to_string(&row).unwrap());
    }
    let head = r#"{"order_count": 40, "orders": ["#;
    let mid_row_4 = head.len() + rows[..4].iter().map(|r| r.len() + 1).sum::<usize>() + 10;
    let body = format!(
        r#"{head}{}], "page_number": 1, "num_pages": 1}}"#,
        rows.join(",")
    );
    (body.into_bytes(), mid_row_4)
}

fn concat(parts: &[Page<Order>]) -> Page<Order> {
    let mut all = Page::default();
    for p in parts {
        all.rows.extend(p.rows.iter().cloned());
        all.bad_rows.extend(p.bad_rows.iter().cloned());
        all.page_number = p.page_number;
        all.num_pages = p.num_pages;
    }
    all
}

fn assert_request(seen: &Arc<Mutex<Vec<Seen>>>) {
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].method, Method::GET);
    assert_eq!(seen[0].path, "/api/active_orders/");
    assert_eq!(seen[0].query.as_deref(), Some("exclude_paused=false"));
    assert_eq!(
        seen[0].authorization.as_deref(),
        Some(format!("Token {KEY}").as_str())
    );
}

/// The first part arrives while the stub still holds the rest of the body (it waits for the
/// test's go-ahead), and the parts together are `decode_orders_page` of the whole body: rows,
/// bad rows (index over the whole read, id, reason), `page_number`/`num_pages` on the last
/// part only.
#[tokio::test]
async fn parts_arrive_before_the_body_ends_and_join_to_the_whole_page() {
    let (body, split) = page_body();
    let whole = decode_orders_page(&body).unwrap();
    assert_eq!(whole.rows.len(), 38);
    assert_eq!(
        whole.bad_rows.iter().map(|b| b.index).collect::<Vec<_>>(),
        [12, 13]
    );
    let (go, wait) = oneshot::channel();
    let s = stream_stub(Script {
        status: 200,
        before: body[..split].to_vec(),
        go: Some(wait),
        after: body[split..].to_vec(),
        fail: false,
    })
    .await;
    let mut parts = s.client.active_orders_parts();
    let first = parts.next().await.unwrap().unwrap();
    assert!(
        !s.sent_all.load(Ordering::SeqCst),
        "the first part came only after the whole body"
    );
    assert!(!first.rows.is_empty());
    assert!(first.rows.len() <= 4, "{} rows", first.rows.len());
    assert_eq!(first.rows[0].id.as_str(), "o-0");
    assert_eq!((first.page_number, first.num_pages), (None, None));
    go.send(()).unwrap();
    let mut all = vec![first];
    while let Some(part) = parts.next().await {
        all.push(part.unwrap());
    }
    assert!(s.sent_all.load(Ordering::SeqCst));
    let last = all.last().unwrap();
    assert_eq!((last.page_number, last.num_pages), (Some(1), Some(1)));
    for p in &all[..all.len() - 1] {
        assert_eq!((p.page_number, p.num_pages), (None, None));
    }
    assert_eq!(concat(&all), whole);
    assert_request(&s.seen);
}

/// A body that ends in the middle of a row: the rows before it as parts, then a decode error
/// (the read is not complete); a connection dropped mid-row: a network error.
#[tokio::test]
async fn a_body_cut_mid_row_ends_with_an_error_after_the_earlier_parts() {
    let (body, split) = page_body();
    for fail in [false, true] {
        let s = stream_stub(Script {
            status: 200,
            before: body[..split].to_vec(),
            go: None,
            after: Vec::new(),
            fail,
        })
        .await;
        let items: Vec<VenueResult<Page<Order>>> = s.client.active_orders_parts().collect().await;
        let (last, earlier) = items.split_last().unwrap();
        assert!(!earlier.is_empty(), "no part before the error");
        let rows: Vec<String> = earlier
            .iter()
            .flat_map(|p| p.as_ref().unwrap().rows.iter())
            .map(|o| o.id.as_str().to_owned())
            .collect();
        assert_eq!(rows, ["o-0", "o-1", "o-2", "o-3"]);
        match (fail, last) {
            (false, Err(VenueError::Decode { message, .. })) => {
                assert!(message.contains("truncated"), "{message}");
            }
            (true, Err(VenueError::Network(_))) => {}
            other => panic!("{other:?}"),
        }
        assert_request(&s.seen);
    }
}

/// Error statuses are the same `VenueError` (status, venue message, `Retry-After`) as
/// `active_orders()` gives, and end the stream.
#[tokio::test]
async fn error_statuses_are_the_errors_of_active_orders() {
    for (status, body) in [
        (401, r#"{"detail": "Invalid token."}"#),
        (500, r#"{"message": "Internal error"}"#),
        (404, "<html>not found</html>"),
    ] {
        let script = || Script {
            status,
            before: body.as_bytes().to_vec(),
            go: None,
            after: Vec::new(),
            fail: false,
        };
        let whole = stream_stub(script()).await;
        let expected = whole.client.active_orders().await.unwrap_err();
        assert!(
            matches!(&expected, VenueError::Http { status: s, .. } if *s == status),
            "{expected:?}"
        );
        let s = stream_stub(script()).await;
        let items: Vec<VenueResult<Page<Order>>> = s.client.active_orders_parts().collect().await;
        assert_eq!(items, [Err(expected)]);
        assert_request(&s.seen);
    }
}

// ---------------------------------------------------------------------------------------------
// Against the simulator.

/// 5,000 extra orders streamed by the simulator: several parts, which together are what
/// `active_orders()` reads.
#[tokio::test]
async fn simulator_parts_join_to_active_orders() {
    let s = sim::spawn(SimConfig {
        auto_advance: false,
        token: Some(KEY.into()),
        extra_orders: 5000,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let c = TreadfiClient::new(
        &s.base_url(),
        Some(SecretString::from(KEY)),
        Duration::from_secs(30),
    )
    .unwrap();
    let whole = c.active_orders().await.unwrap();
    assert!(whole.rows.len() > 5000, "{}", whole.rows.len());
    let parts: Vec<Page<Order>> = c.active_orders_parts().map(|p| p.unwrap()).collect().await;
    assert!(parts.len() >= 3, "{} parts", parts.len());
    assert!(parts[0].rows.len() < whole.rows.len());
    assert_eq!(concat(&parts), whole);
}
