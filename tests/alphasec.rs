//! AlphaSec adapter: every documented example payload, the mapping rules (markets, quote mode,
//! TP/SL legs, statuses), and a stub venue (axum) for the envelope, `address` and read-only
//! behaviour.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::collections::HashMap;
use std::fs;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path as UrlPath, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rust_decimal::Decimal;

use blotter::domain::{LimitPrice, MessageLevel, OrderId, OrderStatus, Side};
use blotter::venue::alphasec::{
    AlphaSecClient, TokenMap, decode_order, decode_orders_page, decode_trades_page, order_messages,
};
use blotter::venue::{Action, AmendChanges, Venue, VenueError};

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn tokens() -> TokenMap {
    HashMap::from([
        ("1".to_owned(), "ALP".to_owned()),
        ("2".to_owned(), "USDT".to_owned()),
    ])
}

fn fixture(name: &str) -> Vec<u8> {
    fs::read(Path::new("tests/fixtures/alphasec").join(name)).unwrap()
}

#[test]
fn every_fixture_decodes() {
    let mut n = 0;
    for entry in fs::read_dir("tests/fixtures/alphasec").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        n += 1;
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let bytes = fs::read(&path).unwrap();
        match name.as_str() {
            "order_open_response.json" | "order_history_response.json" => {
                let page = decode_orders_page(&bytes, &tokens()).unwrap();
                assert_eq!(page.rows.len(), 1, "{name}");
                assert!(page.bad_rows.is_empty(), "{name}: {:?}", page.bad_rows);
            }
            "order_by_id_response.json" => {
                decode_order(&bytes, &tokens()).unwrap();
            }
            "order_trade_response.json" => {
                let page = decode_trades_page(&bytes, &tokens()).unwrap();
                assert_eq!(page.rows.len(), 1);
                assert!(page.bad_rows.is_empty());
            }
            other => panic!("fixture without a test: {other}"),
        }
    }
    assert_eq!(n, 4, "one fixture per Response example in the document");
}

#[test]
fn open_order_example_maps() {
    let page = decode_orders_page(&fixture("order_open_response.json"), &tokens()).unwrap();
    let o = &page.rows[0];
    assert_eq!(
        o.id.as_str(),
        "0x57edb3d6e2eff8e6cdf45ee171609975a5ad0318a8c8d896dcd93eef18584b52"
    );
    assert_eq!(o.pair, "ALP-USDT");
    assert_eq!(o.side, Side::Buy);
    assert_eq!(o.status, OrderStatus::Active);
    assert_eq!(o.strategy.as_deref(), Some("LIMIT"));
    assert_eq!(o.limit_price, Some(LimitPrice::Price(dec("2.3"))));
    assert_eq!(o.target_qty, Some(dec("10.5")));
    assert_eq!(o.target_token.as_deref(), Some("ALP"));
    assert_eq!(o.executed_qty, Some(dec("5.2")));
    assert_eq!(o.remaining_qty, Some(dec("5.3")));
    assert_eq!(o.fill_ratio, Some(dec("5.2") / dec("10.5")));
    assert_eq!(o.avg_price, Some(dec("2.3")));
    assert_eq!(o.executed_notional, Some(dec("11.96")));
    assert_eq!(o.buy_token.as_deref(), Some("ALP"));
    assert_eq!(o.sell_token.as_deref(), Some("USDT"));
    assert_eq!(o.sell_token_amount, None, "base mode: no quote sizing");
    assert_eq!(
        o.account_names,
        vec!["0x1234567890123456789012345678901234567890".to_owned()]
    );
    assert_eq!(
        o.created_at,
        Some(jiff::Timestamp::from_millisecond(1_758_005_316_000).unwrap())
    );
    assert_eq!(
        o.updated_at,
        Some(jiff::Timestamp::from_millisecond(1_758_005_416_000).unwrap())
    );
    assert_eq!(o.notes.as_deref(), Some("status PARTIALLY_FILLED"));
    assert_eq!(o.failure_reason, None);
}

#[test]
fn history_and_by_id_examples_map() {
    let page = decode_orders_page(&fixture("order_history_response.json"), &tokens()).unwrap();
    let h = &page.rows[0];
    assert_eq!(h.status, OrderStatus::Complete);
    assert_eq!(h.side, Side::Sell);
    // No orderMode, both quantities non-zero: base mode (origQty).
    assert_eq!(h.target_qty, Some(dec("8.0")));
    assert_eq!(h.target_token.as_deref(), Some("ALP"));
    assert_eq!(h.fill_ratio, Some(Decimal::ONE));
    assert_eq!(h.avg_price, Some(dec("2.5")));
    assert_eq!(h.buy_token.as_deref(), Some("USDT"));

    let o = decode_order(&fixture("order_by_id_response.json"), &tokens()).unwrap();
    assert_eq!(o.status, OrderStatus::Active);
    assert_eq!(o.notes.as_deref(), Some("status NEW"));
    assert_eq!(o.executed_qty, Some(dec("0")));
    assert_eq!(o.avg_price, None);
    assert_eq!(o.fill_ratio, Some(Decimal::ZERO));
}

#[test]
fn trade_example_maps() {
    let page = decode_trades_page(&fixture("order_trade_response.json"), &tokens()).unwrap();
    let t = &page.rows[0];
    assert_eq!(t.trade_id, "23040400030001");
    assert_eq!(t.id.as_deref(), Some("971249"));
    assert_eq!(
        t.market, "3_2",
        "unmapped base token keeps the raw market id"
    );
    assert_eq!(t.fee, Some(dec("0.0001")));
    assert_eq!(t.fee_token.as_deref(), Some("3"));
    assert!(t.is_maker);
    let p = t.to_placement();
    assert_eq!(p.id, "23040400030001");
    assert_eq!(
        p.order_id.as_str(),
        "0x20c859e2a894d76d1e022e24b608b59c567e74c89baa3c71abe2c05e65f3b0aa"
    );
    assert_eq!(p.placement_type, "MAKE");
    assert_eq!(p.qty, Some(dec("1")));
    assert_eq!(p.price, Some(dec("7")));
    assert_eq!(p.status, "FILLED");
    assert_eq!(
        p.created_at,
        Some(jiff::Timestamp::from_millisecond(1_758_684_608_000).unwrap())
    );
}

const OTO_PAGE: &str = r#"{"code":200,"errMsg":"OK","result":[
  {"orderId":"0xw","marketId":"1_2","side":"BUY","orderType":"LIMIT","orderMode":0,"price":"2.3",
   "origQty":"10","origQuoteOrderQty":"0","isTrigger":false,"isTriggered":false,"triggerPrice":"0",
   "status":"NEW","contingencyType":"OTO","otoLegType":"WORKING_LEG","txHash":"0xtx1",
   "createdAt":1758005316000,"updatedAt":1758005316000,"executedQty":"0","executedQuoteQty":"0"},
  {"orderId":"0xtp","marketId":"1_2","side":"SELL","orderType":"TAKE_PROFIT_LIMIT","orderMode":0,
   "price":"2.9","origQty":"10","origQuoteOrderQty":"0","isTrigger":true,"isTriggered":false,
   "triggerPrice":"2.85","status":"PENDING_NEW","contingencyType":"OTO","otoLegType":"TP_LEG",
   "txHash":"0xtx1","createdAt":1758005316000,"updatedAt":1758005316000,"executedQty":"0",
   "executedQuoteQty":"0"},
  {"orderId":"0xsl","marketId":"1_2","side":"SELL","orderType":"STOP_LOSS_MARKET","orderMode":0,
   "price":"0","origQty":"10","origQuoteOrderQty":"0","isTrigger":true,"isTriggered":false,
   "triggerPrice":"2.0","status":"PENDING_NEW","contingencyType":"OTO","otoLegType":"SL_LEG",
   "txHash":"0xtx1","createdAt":1758005316000,"updatedAt":1758005316000,"executedQty":"0",
   "executedQuoteQty":"0"},
  {"orderId":"0xq","marketId":"1_2","side":"BUY","orderType":"MARKET","orderMode":1,"price":"0",
   "origQty":"0","origQuoteOrderQty":"1000","status":"FILLED","txHash":"0xq",
   "createdAt":1758005316000,"updatedAt":1758005317000,"executedQty":"400",
   "executedQuoteQty":"1000"},
  {"orderId":"0xbad","marketId":"1_2","side":"BUY","origQty":"ten","status":"NEW"},
  {"orderId":"0xr","marketId":"9_2","side":"SELL","orderType":"LIMIT","price":"3","origQty":"1",
   "status":"REJECTED","createdAt":"1758005316000","updatedAt":null},
  {"orderId":"0xe","marketId":"1_2","side":"SELL","status":"EXPIRED"}
]}"#;

#[test]
fn quote_mode_legs_and_bad_rows() {
    let page = decode_orders_page(OTO_PAGE.as_bytes(), &tokens()).unwrap();
    // Issue 14: the row with an unreadable `origQty` stays listed, the field named.
    assert_eq!(page.rows.len(), 7);
    assert!(page.bad_rows.is_empty(), "{:?}", page.bad_rows);
    let bad = page.rows.iter().find(|o| o.id.as_str() == "0xbad").unwrap();
    assert_eq!(bad.target_qty, None);
    assert_eq!(bad.unreadable.len(), 1, "{:?}", bad.unreadable);
    assert_eq!(bad.unreadable[0].path, "origQty");
    assert!(
        bad.unreadable[0].reason.contains(r#""ten""#),
        "{:?}",
        bad.unreadable
    );

    let by_id = |id: &str| page.rows.iter().find(|o| o.id.as_str() == id).unwrap();
    let w = by_id("0xw");
    assert_eq!(w.parent_order_id, None);
    assert_eq!(
        w.notes.as_deref(),
        Some("status NEW; OTO WORKING_LEG; tx 0xtx1; legs: TP_LEG 0xtp, SL_LEG 0xsl")
    );
    let tp = by_id("0xtp");
    assert_eq!(tp.parent_order_id, Some(OrderId::new("0xw")));
    assert_eq!(tp.status, OrderStatus::Submitted);
    assert_eq!(tp.strategy.as_deref(), Some("TAKE_PROFIT_LIMIT"));
    assert_eq!(
        tp.notes.as_deref(),
        Some("status PENDING_NEW; OTO TP_LEG; trigger 2.85 (waiting); tx 0xtx1")
    );
    let sl = by_id("0xsl");
    assert_eq!(sl.parent_order_id, Some(OrderId::new("0xw")));
    assert_eq!(sl.limit_price, None, "price 0 is no limit");

    let q = by_id("0xq");
    assert_eq!(q.status, OrderStatus::Complete);
    assert_eq!(q.target_qty, Some(dec("1000")));
    assert_eq!(q.target_token.as_deref(), Some("USDT"));
    assert_eq!(q.executed_qty, Some(dec("1000")));
    assert_eq!(q.sell_token_amount, Some(dec("1000")));
    assert_eq!(q.target_notional(), Some(dec("1000")));
    assert_eq!(q.fill_ratio, Some(Decimal::ONE));
    assert_eq!(q.avg_price, Some(dec("2.5")));
    assert_eq!(q.notes.as_deref(), Some("status FILLED; sized in quote"));

    let r = by_id("0xr");
    assert_eq!(r.status, OrderStatus::Failed);
    assert_eq!(r.pair, "9_2");
    assert_eq!(
        r.failure_reason.as_deref(),
        Some("REJECTED: Order was rejected by the system")
    );
    assert_eq!(by_id("0xe").status, OrderStatus::Other("EXPIRED".into()));

    let msgs = order_messages(&page.rows);
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].order_id, OrderId::new("0xr"));
    assert_eq!(msgs[0].level, MessageLevel::Error);
}

#[test]
fn envelope_error_with_http_200_is_http_error() {
    let e = decode_orders_page(
        br#"{"code":400,"errMsg":"address is required","result":null}"#,
        &tokens(),
    )
    .unwrap_err();
    assert_eq!(
        e,
        VenueError::Http {
            status: 400,
            message: "address is required".into(),
            retry_after_secs: None
        }
    );
}

// ---------------------------------------------------------------------------------------------
// Stub venue.

#[derive(Clone, Default)]
struct Stub {
    seen: Arc<Mutex<Vec<(String, String)>>>,
}

impl Stub {
    fn record(&self, path: &str, query: &Option<String>) -> String {
        let q = query.clone().unwrap_or_default();
        self.seen.lock().unwrap().push((path.to_owned(), q.clone()));
        q
    }
}

fn json(status: StatusCode, body: String) -> Response {
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

/// Answers `{"code": 400, …}` with HTTP 200 for the address `0xbad`, HTTP 500 with an
/// envelope for `0xdown`, else the fixture.
fn answer(q: &str, fixture_name: &str) -> Response {
    if q.contains("address=0xbad") {
        return json(
            StatusCode::OK,
            r#"{"code":400,"errMsg":"invalid address format","result":null}"#.into(),
        );
    }
    if q.contains("address=0xdown") {
        return json(
            StatusCode::INTERNAL_SERVER_ERROR,
            r#"{"code":500,"errMsg":"service unavailable","result":null}"#.into(),
        );
    }
    if !q.contains("address=") {
        return json(
            StatusCode::OK,
            r#"{"code":400,"errMsg":"address is required","result":null}"#.into(),
        );
    }
    json(
        StatusCode::OK,
        String::from_utf8(fixture(fixture_name)).unwrap(),
    )
}

async fn start(stub: Stub) -> String {
    let app = Router::new()
        .route(
            "/api/v1/order/open",
            get(|State(s): State<Stub>, RawQuery(q): RawQuery| async move {
                let q = s.record("/api/v1/order/open", &q);
                answer(&q, "order_open_response.json")
            }),
        )
        .route(
            "/api/v1/order/trade",
            get(|State(s): State<Stub>, RawQuery(q): RawQuery| async move {
                let q = s.record("/api/v1/order/trade", &q);
                answer(&q, "order_trade_response.json")
            }),
        )
        .route(
            "/api/v1/order",
            get(|State(s): State<Stub>, RawQuery(q): RawQuery| async move {
                let q = s.record("/api/v1/order", &q);
                answer(&q, "order_history_response.json")
            }),
        )
        .route(
            "/api/v1/order/{id}",
            get(
                |State(s): State<Stub>, UrlPath(id): UrlPath<String>, RawQuery(q): RawQuery| async move {
                    let q = s.record(&format!("/api/v1/order/{id}"), &q);
                    answer(&q, "order_by_id_response.json")
                },
            ),
        )
        .with_state(stub);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

const ADDR: &str = "0x1234567890123456789012345678901234567890";

fn client(base: &str, address: &str) -> AlphaSecClient {
    AlphaSecClient::new(base, address.into(), tokens(), Duration::from_secs(5)).unwrap()
}

#[tokio::test]
async fn every_request_carries_the_address() {
    let stub = Stub::default();
    let seen = stub.seen.clone();
    let base = start(stub).await;
    let c = client(&base, ADDR);

    let open = c.active_orders().await.unwrap();
    assert_eq!(open.rows[0].pair, "ALP-USDT");
    let hist = c
        .history(Some(1_758_000_000_000), Some(1_758_100_000_000), Some(500))
        .await
        .unwrap();
    assert_eq!(hist.rows.len(), 1);
    let one = c.order(&OrderId::new("0x4bed")).await.unwrap();
    assert_eq!(one.status, OrderStatus::Active);
    let trades = c.trades(None, None, None).await.unwrap();
    assert_eq!(trades.rows.len(), 1);
    let placements = c
        .placements(&OrderId::new(
            "0x20c859e2a894d76d1e022e24b608b59c567e74c89baa3c71abe2c05e65f3b0aa",
        ))
        .await
        .unwrap();
    assert_eq!(placements.rows.len(), 1);
    let none = c.placements(&OrderId::new("0xother")).await.unwrap();
    assert!(none.rows.is_empty());
    let msgs = c.order_errors(&[OrderId::new("0x4bed")]).await.unwrap();
    assert!(msgs.is_empty(), "the example order is not rejected");

    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 7);
    for (path, q) in &seen {
        assert!(q.starts_with(&format!("address={ADDR}")), "{path}?{q}");
    }
    assert_eq!(seen[0].0, "/api/v1/order/open");
    assert!(seen[0].1.contains("&from="), "{}", seen[0].1);
    assert!(seen[0].1.ends_with("&limit=100"), "{}", seen[0].1);
    assert_eq!(
        seen[1],
        (
            "/api/v1/order".to_owned(),
            format!("address={ADDR}&from=1758000000000&to=1758100000000&limit=500")
        )
    );
    assert_eq!(seen[2].0, "/api/v1/order/0x4bed");
    assert_eq!(seen[3].0, "/api/v1/order/trade");
    assert_eq!(seen[4].1, format!("address={ADDR}&limit=500"));
}

#[tokio::test]
async fn envelope_errors_show_err_msg_whatever_the_http_status() {
    let stub = Stub::default();
    let base = start(stub).await;

    let e = client(&base, "0xbad").active_orders().await.unwrap_err();
    assert_eq!(
        e,
        VenueError::Http {
            status: 400,
            message: "invalid address format".into(),
            retry_after_secs: None
        }
    );
    assert_eq!(e.to_string(), "400 invalid address format");

    let e = client(&base, "0xdown")
        .order(&OrderId::new("0x1"))
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "500 service unavailable");
}

#[tokio::test]
async fn read_only_refusals_send_nothing() {
    let stub = Stub::default();
    let seen = stub.seen.clone();
    let base = start(stub).await;
    let c = client(&base, ADDR);
    assert_eq!(c.name(), "AlphaSec");
    let caps = c.capabilities();
    assert!(
        !caps.pause
            && !caps.resume
            && !caps.amend
            && !caps.cancel
            && !caps.multi_orders
            && !caps.push
    );
    let id = OrderId::new("0x1");
    for a in [
        Action::Cancel(id.clone()),
        Action::Pause(id.clone()),
        Action::Resume(id.clone()),
        Action::Amend(id.clone(), AmendChanges::default()),
        Action::PauseMulti(id.clone()),
        Action::ResumeMulti(id.clone()),
        Action::CancelMulti(id.clone()),
    ] {
        assert_eq!(
            c.act(&a).await.unwrap_err(),
            VenueError::Unsupported {
                venue: "AlphaSec".into(),
                what: "read-only venue".into()
            }
        );
    }
    assert!(c.multi_orders(1).await.unwrap().rows.is_empty());
    assert!(matches!(
        c.multi_order(&id).await,
        Err(VenueError::Unsupported { .. })
    ));
    assert!(c.push().await.unwrap().is_none());
    assert!(c.order_errors(&[]).await.unwrap().is_empty());
    assert!(seen.lock().unwrap().is_empty(), "no request was sent");
}

#[test]
fn constructor_checks() {
    assert!(AlphaSecClient::new("ftp://x", ADDR.into(), tokens(), Duration::from_secs(1)).is_err());
    assert!(
        AlphaSecClient::new(
            "http://127.0.0.1:1",
            " ".into(),
            tokens(),
            Duration::from_secs(1)
        )
        .is_err()
    );
}
