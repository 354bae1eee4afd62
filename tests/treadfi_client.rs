//! `TreadfiClient` against an axum stub that records each request and answers a canned body.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use blotter::domain::OrderId;
use blotter::venue::treadfi::TreadfiClient;
use blotter::venue::{Action, AmendChanges, Capabilities, Venue, VenueError};
use rust_decimal::Decimal;
use secrecy::SecretString;

const KEY: &str = "k3y-abc123";

#[derive(Debug, Clone)]
struct Recorded {
    method: Method,
    path: String,
    query: Option<String>,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Recorded {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn body_text(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap()
    }
}

#[derive(Clone)]
struct Canned {
    status: u16,
    body: Vec<u8>,
    headers: Vec<(&'static str, &'static str)>,
    delay: Duration,
    log: Arc<Mutex<Vec<Recorded>>>,
}

async fn handler(
    State(c): State<Canned>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    c.log.lock().unwrap().push(Recorded {
        method,
        path: uri.path().to_owned(),
        query: uri.query().map(str::to_owned),
        headers,
        body: body.to_vec(),
    });
    tokio::time::sleep(c.delay).await;
    let mut h = HeaderMap::new();
    for (k, v) in &c.headers {
        h.insert(*k, v.parse().unwrap());
    }
    (StatusCode::from_u16(c.status).unwrap(), h, c.body.clone()).into_response()
}

struct Stub {
    client: TreadfiClient,
    log: Arc<Mutex<Vec<Recorded>>>,
}

impl Stub {
    fn only(&self) -> Recorded {
        let log = self.log.lock().unwrap();
        assert_eq!(log.len(), 1, "{log:?}");
        log[0].clone()
    }
}

async fn stub_with(
    status: u16,
    body: impl Into<Vec<u8>>,
    headers: Vec<(&'static str, &'static str)>,
    delay: Duration,
    timeout: Duration,
) -> Stub {
    let log = Arc::new(Mutex::new(Vec::new()));
    let canned = Canned {
        status,
        body: body.into(),
        headers,
        delay,
        log: log.clone(),
    };
    let app = Router::new().fallback(handler).with_state(canned);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = TreadfiClient::new(
        &format!("http://{addr}/"),
        Some(SecretString::from(KEY)),
        timeout,
    )
    .unwrap();
    Stub { client, log }
}

async fn stub(status: u16, body: impl Into<Vec<u8>>) -> Stub {
    stub_with(
        status,
        body,
        vec![("content-type", "application/json")],
        Duration::ZERO,
        Duration::from_secs(5),
    )
    .await
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/treadfi/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn assert_get(r: &Recorded, path: &str, query: &str) {
    assert_eq!(r.method, Method::GET);
    assert_eq!(r.path, path);
    assert_eq!(r.query.as_deref(), Some(query));
    assert_eq!(
        r.header("authorization"),
        Some(format!("Token {KEY}").as_str())
    );
}

#[tokio::test]
async fn identity_and_capabilities() {
    let s = stub(200, "{}").await;
    assert_eq!(s.client.name(), "Tread.fi");
    assert_eq!(s.client.capabilities(), Capabilities::ALL);
    assert!(!format!("{:?}", s.client).contains(KEY));
}

#[tokio::test]
async fn active_orders_include_paused() {
    let s = stub(200, fixture("active_orders.json")).await;
    let page = s.client.active_orders().await.unwrap();
    assert_eq!(page.rows.len(), 2);
    assert_get(&s.only(), "/api/active_orders/", "exclude_paused=false");
}

#[tokio::test]
async fn placements_query_order_id() {
    let s = stub(200, fixture("placements.json")).await;
    let id = OrderId::new("6debb950-614a-4366-b73b-7d7574fd9e15");
    let page = s.client.placements(&id).await.unwrap();
    assert_eq!(page.rows.len(), 3);
    assert_eq!(page.rows[0].order_id, id);
    assert_get(
        &s.only(),
        "/api/placements/",
        "order_id=6debb950-614a-4366-b73b-7d7574fd9e15",
    );
}

#[tokio::test]
async fn order_errors_comma_joined() {
    let s = stub(200, fixture("order_errors.json")).await;
    let msgs = s
        .client
        .order_errors(&[OrderId::new("a"), OrderId::new("b")])
        .await
        .unwrap();
    assert_eq!(msgs.len(), 3);
    assert_get(&s.only(), "/api/order_errors/", "order_ids=a,b");
}

#[tokio::test]
async fn order_errors_without_ids_sends_nothing() {
    let s = stub(200, fixture("order_errors.json")).await;
    assert!(s.client.order_errors(&[]).await.unwrap().is_empty());
    assert!(s.log.lock().unwrap().is_empty());
}

#[tokio::test]
async fn multi_orders_page_number() {
    let s = stub(200, fixture("multi_orders.json")).await;
    let page = s.client.multi_orders(2).await.unwrap();
    assert_eq!(page.rows.len(), 1);
    assert_get(&s.only(), "/api/multi_orders/", "page_number=2");
}

#[tokio::test]
async fn multi_order_with_children() {
    let s = stub(200, fixture("multi_order.json")).await;
    let id = OrderId::new("397e42c1-a617-458b-9db9-dc51f326b918");
    let m = s.client.multi_order(&id).await.unwrap();
    assert_eq!(m.id, id);
    assert_get(
        &s.only(),
        "/api/multi_order/397e42c1-a617-458b-9db9-dc51f326b918",
        "include_child_orders=true",
    );
}

/// Sends `action` to a stub answering `status`/`reply`; returns the recorded request and the
/// reply message.
async fn act(action: Action, status: u16, reply: &str) -> (Recorded, String, u16) {
    let s = stub(status, reply.as_bytes().to_vec()).await;
    let r = s.client.act(&action).await.unwrap();
    (s.only(), r.message, r.status)
}

fn assert_json_post(r: &Recorded, path: &str, body: &str) {
    assert_eq!(r.method, Method::POST);
    assert_eq!(r.path, path);
    assert_eq!(r.query, None);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.header("authorization"),
        Some(format!("Token {KEY}").as_str())
    );
    assert_eq!(r.body_text(), body);
}

#[tokio::test]
async fn pause_and_resume() {
    let id = OrderId::new("6debb950-614a-4366-b73b-7d7574fd9e15");
    let (r, msg, status) = act(
        Action::Pause(id.clone()),
        202,
        r#"{"message": "Successfully paused order."}"#,
    )
    .await;
    assert_json_post(
        &r,
        "/api/pause_order/",
        r#"{"order_id":"6debb950-614a-4366-b73b-7d7574fd9e15"}"#,
    );
    assert_eq!((msg.as_str(), status), ("Successfully paused order.", 202));

    let (r, msg, _) = act(
        Action::Resume(id),
        202,
        r#"{"message": "Successfully resumed order."}"#,
    )
    .await;
    assert_json_post(
        &r,
        "/api/resume_order/",
        r#"{"order_id":"6debb950-614a-4366-b73b-7d7574fd9e15"}"#,
    );
    assert_eq!(msg, "Successfully resumed order.");
}

#[tokio::test]
async fn cancel_is_delete_with_bare_string_reply() {
    let id = OrderId::new("7fecb061-725b-5477-c84c-8e8685ge0f26");
    let (r, msg, status) = act(Action::Cancel(id), 200, r#""Order canceled!""#).await;
    assert_eq!(r.method, Method::DELETE);
    assert_eq!(r.path, "/api/order/7fecb061-725b-5477-c84c-8e8685ge0f26");
    assert!(r.body.is_empty());
    assert_eq!(r.header("content-type"), None);
    assert_eq!(
        r.header("authorization"),
        Some(format!("Token {KEY}").as_str())
    );
    assert_eq!((msg.as_str(), status), ("Order canceled!", 200));
}

#[tokio::test]
async fn amend_sends_only_set_fields_with_exact_numbers() {
    let id = OrderId::new("6debb950-614a-4366-b73b-7d7574fd9e15");
    let changes = AmendChanges {
        base_asset_qty: Some("0.50".parse::<Decimal>().unwrap()),
        duration_secs: Some(900),
        pov_target: Some("0.05".parse::<Decimal>().unwrap()),
        limit_price: Some("51000".into()),
        ..AmendChanges::default()
    };
    let (r, msg, _) = act(
        Action::Amend(id.clone(), changes),
        202,
        r#"{"message": "Successfully amended order."}"#,
    )
    .await;
    assert_json_post(
        &r,
        "/api/amend_order/",
        r#"{"order_id":"6debb950-614a-4366-b73b-7d7574fd9e15","changes":{"base_asset_qty":0.50,"duration":900,"pov_target":0.05,"limit_price":"51000"}}"#,
    );
    assert_eq!(msg, "Successfully amended order.");

    let changes = AmendChanges {
        quote_asset_qty: Some("1000.000000000000000001".parse::<Decimal>().unwrap()),
        ..AmendChanges::default()
    };
    let (r, _, _) = act(Action::Amend(id, changes), 202, r#"{"message": "ok"}"#).await;
    assert_eq!(
        r.body_text(),
        r#"{"order_id":"6debb950-614a-4366-b73b-7d7574fd9e15","changes":{"quote_asset_qty":1000.000000000000000001}}"#
    );
}

#[tokio::test]
async fn multi_order_actions() {
    let id = OrderId::new("6debb950-614a-4366-b73b-7d7574fd9e15");
    let (r, msg, _) = act(
        Action::PauseMulti(id.clone()),
        202,
        r#"{"message": "Successfully paused multi order."}"#,
    )
    .await;
    assert_json_post(
        &r,
        "/api/pause_multi_order/",
        r#"{"multi_order_id":"6debb950-614a-4366-b73b-7d7574fd9e15"}"#,
    );
    assert_eq!(msg, "Successfully paused multi order.");

    let (r, _, _) = act(
        Action::ResumeMulti(id.clone()),
        202,
        r#"{"message": "Successfully resumed multi order."}"#,
    )
    .await;
    assert_json_post(
        &r,
        "/api/resume_multi_order/",
        r#"{"multi_order_id":"6debb950-614a-4366-b73b-7d7574fd9e15"}"#,
    );

    let (r, msg, _) = act(
        Action::CancelMulti(id),
        200,
        r#"{"message": "Multi orders canceled!"}"#,
    )
    .await;
    assert_json_post(
        &r,
        "/api/cancel_multi_orders/",
        r#"{"order_ids":["6debb950-614a-4366-b73b-7d7574fd9e15"]}"#,
    );
    assert_eq!(msg, "Multi orders canceled!");
}

async fn http_error(status: u16, body: impl Into<Vec<u8>>) -> VenueError {
    let s = stub(status, body).await;
    s.client
        .act(&Action::Resume(OrderId::new("x")))
        .await
        .unwrap_err()
}

#[tokio::test]
async fn error_bodies_become_venue_text() {
    let e = http_error(401, fixture("error_401_detail_invalid_token.json")).await;
    assert_eq!(
        e,
        VenueError::Http {
            status: 401,
            message: "Invalid token.".into(),
            retry_after_secs: None
        }
    );
    assert_eq!(e.to_string(), "401 Invalid token.");
    assert!(e.is_auth());

    let e = http_error(422, fixture("error_422_not_paused.json")).await;
    assert_eq!(e.to_string(), "422 Order is not paused.");

    let e = http_error(404, r#""No order found with given ID!""#).await;
    assert_eq!(e.to_string(), "404 No order found with given ID!");

    let e = http_error(404, fixture("error_404_no_order.txt")).await;
    assert_eq!(e.to_string(), "404 No order found with given ID!");

    let e = http_error(400, r#"{"errors": ["a", "b"]}"#).await;
    assert_eq!(e.to_string(), "400 a; b");

    let e = http_error(500, fixture("error_500_message.json")).await;
    assert_eq!(e.to_string(), "500 Something went wrong");

    let html = format!("<html><body>{}</body></html>", "Bad gateway ".repeat(100));
    match http_error(502, html).await {
        VenueError::Http {
            status, message, ..
        } => {
            assert_eq!(status, 502);
            assert!(message.starts_with("<html><body>Bad gateway"), "{message}");
            assert!(message.chars().count() <= 201, "{}", message.len());
        }
        other => panic!("{other:?}"),
    }

    // Empty body: the HTTP reason phrase.
    assert_eq!(
        http_error(503, "").await.to_string(),
        "503 Service Unavailable"
    );
}

#[tokio::test]
async fn retry_after_is_read() {
    let s = stub_with(
        429,
        r#"{"detail": "Request was throttled. Expected available in 7 seconds."}"#,
        vec![("retry-after", "7")],
        Duration::ZERO,
        Duration::from_secs(5),
    )
    .await;
    match s.client.active_orders().await {
        Err(VenueError::Http {
            status: 429,
            retry_after_secs: Some(7),
            message,
        }) => assert!(message.starts_with("Request was throttled"), "{message}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn malformed_success_body_is_decode_error() {
    let s = stub(200, "<html>maintenance</html>").await;
    assert!(matches!(
        s.client.active_orders().await,
        Err(VenueError::Decode { .. })
    ));
    let s = stub(200, r#"{"multi_orders": "nope"}"#).await;
    assert!(matches!(
        s.client.multi_orders(1).await,
        Err(VenueError::Decode { .. })
    ));
}

#[tokio::test]
async fn timeout_is_network_error() {
    let s = stub_with(
        200,
        "{}",
        vec![],
        Duration::from_secs(3),
        Duration::from_millis(200),
    )
    .await;
    match s.client.active_orders().await {
        Err(VenueError::Network(m)) => assert!(m.contains("timed out"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn connection_refused_is_network_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let c = TreadfiClient::new(&format!("http://{addr}"), None, Duration::from_secs(2)).unwrap();
    assert!(matches!(
        c.active_orders().await,
        Err(VenueError::Network(_))
    ));
}

#[tokio::test]
async fn no_key_sends_no_authorization() {
    let s = stub(200, fixture("active_orders.json")).await;
    let base = s.client.base_url().to_owned();
    let c = TreadfiClient::new(&base, None, Duration::from_secs(5)).unwrap();
    c.active_orders().await.unwrap();
    assert_eq!(s.only().header("authorization"), None);
}

#[test]
fn bad_base_url_is_rejected() {
    assert!(TreadfiClient::new("app.tread.fi", None, Duration::from_secs(1)).is_err());
    assert!(TreadfiClient::new("ftp://x", None, Duration::from_secs(1)).is_err());
}

// Issue 14: the bulk resume is the documented `resume_all_orders`; no bulk cancel by ids.

#[tokio::test]
async fn resume_all_goes_to_resume_all_orders() {
    let (r, message, status) = act(
        Action::ResumeAll {
            venue: Default::default(),
        },
        200,
        r#"{"message": "Successfully resumed all orders."}"#,
    )
    .await;
    assert_eq!(r.method, Method::POST);
    assert_eq!(r.path, "/api/resume_all_orders/");
    assert_eq!(r.query, None);
    assert!(r.body.is_empty(), "no body: {}", r.body_text());
    assert_eq!(
        r.header("authorization"),
        Some(format!("Token {KEY}").as_str())
    );
    assert_eq!(
        (message.as_str(), status),
        ("Successfully resumed all orders.", 200)
    );
}

#[tokio::test]
async fn cancel_many_is_refused_without_a_request() {
    let s = stub(200, "{}").await;
    let e = s
        .client
        .act(&Action::CancelMany {
            venue: Default::default(),
            order_ids: vec![OrderId::new("a"), OrderId::new("b")],
        })
        .await
        .unwrap_err();
    assert!(matches!(e, VenueError::Unsupported { .. }), "{e:?}");
    assert!(s.log.lock().unwrap().is_empty());
}
