//! A server that answers with exactly the Tread.fi documents' example payloads: the feed, the
//! app and the screen show every order with its exact decimals (the paused one included), its
//! placements and its errors; `dump --format json` prints the exact decimals received.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::time::Duration;

use axum::Router;
use axum::extract::Query;
use axum::response::IntoResponse;
use axum::routing::get;
use blotter::app::{FeedEvent, Msg, State, Tab, update};
use blotter::feed::{self, FeedConfig};
use blotter::venue::Venue;
use blotter::venue::treadfi::TreadfiClient;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::collections::HashMap;
use std::sync::Arc;

const ACTIVE: &str = include_str!("fixtures/treadfi/active_orders.json");
const PLACEMENTS: &str = include_str!("fixtures/treadfi/placements.json");
const ERRORS: &str = include_str!("fixtures/treadfi/order_errors.json");
const MULTI: &str = include_str!("fixtures/treadfi/multi_orders.json");
/// `GET /api/orders/` (the History tab's read since issue 15).
const ORDERS: &str = include_str!("fixtures/treadfi/orders_list.json");
/// `GET /api/order/{id}` 200 tab: its fills are nested under `placements[].fills[]`.
const DETAIL_200: &str = include_str!("fixtures/treadfi/order_detail_200.json");

async fn doc_server() -> String {
    let json = |body: &'static str| {
        move || async move {
            (
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                body,
            )
        }
    };
    let app = Router::new()
        .route("/api/active_orders/", get(json(ACTIVE)))
        .route(
            "/api/placements/",
            get(|Query(q): Query<HashMap<String, String>>| async move {
                // The documented placements belong to the first documented order.
                let body = if q.get("order_id").map(String::as_str) == Some("6debb950-614a-4366-b73b-7d7574fd9e15") {
                    PLACEMENTS
                } else {
                    r#"{"placements": [], "page_number": 1, "page_size": 100, "num_pages": 1, "count": 0}"#
                };
                ([(axum::http::header::CONTENT_TYPE, "application/json")], body)
            }),
        )
        .route("/api/order_errors/", get(json(ERRORS)))
        .route("/api/orders/", get(json(ORDERS)))
        .route(
            "/api/order/{id}",
            get(|axum::extract::Path(id): axum::extract::Path<String>| async move {
                // The 200 tab's order has the first documented order's id.
                if id == "6debb950-614a-4366-b73b-7d7574fd9e15" {
                    ([(axum::http::header::CONTENT_TYPE, "application/json")], DETAIL_200)
                        .into_response()
                } else {
                    (axum::http::StatusCode::NOT_FOUND, "No order found with given ID!")
                        .into_response()
                }
            }),
        )
        .route("/api/multi_orders/", get(json(MULTI)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

fn screen(state: &State) -> String {
    let mut t = Terminal::new(TestBackend::new(200, 30)).unwrap_or_else(|e| panic!("{e}"));
    t.draw(|f| blotter::ui::render(state, f))
        .unwrap_or_else(|e| panic!("{e}"));
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

#[tokio::test]
async fn every_documented_order_placement_and_error_is_on_screen_exactly() {
    let url = doc_server().await;
    let venue: Arc<dyn Venue> = Arc::new(
        TreadfiClient::new(&url, None, Duration::from_secs(5)).unwrap_or_else(|e| panic!("{e}")),
    );
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let handle = feed::spawn(venue.clone(), FeedConfig::default(), tx);
    let mut state = State::new(venue.name(), venue.capabilities(), jiff::Timestamp::now());
    state.size = (200, 30);
    let mut seen = [false; 4];
    while seen.iter().any(|s| !s) {
        let ev = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .unwrap_or_else(|_| panic!("feed stalled; seen {seen:?}"))
            .unwrap_or_else(|| panic!("feed ended"));
        match &ev {
            FeedEvent::ActiveOrders { .. } => seen[0] = true,
            FeedEvent::MultiOrders { .. } => seen[1] = true,
            FeedEvent::Placements { by_order, .. } if by_order.len() == 2 => seen[2] = true,
            FeedEvent::OrderErrors { .. } => seen[3] = true,
            FeedEvent::FetchFailed { error, tab, .. } => panic!("{tab:?}: {error}"),
            _ => {}
        }
        update(&mut state, Msg::Feed(ev));
    }
    handle.stop();

    assert_eq!(state.book.orders().len(), 2);
    let active = screen(&state);
    for needle in [
        "6debb950",
        "7fecb061",
        "BTC-USD",
        "ETH-USD",
        "45000.00",
        "2000.00",
        "⏸ PAUSED",
        "0.5 BTC",
        "2.5 ETH",
    ] {
        assert!(active.contains(needle), "{needle:?} missing:\n{active}");
    }
    state.tab = Tab::Placements;
    let placements = screen(&state);
    assert!(placements.contains("45000.1"), "{placements}");
    assert!(placements.contains("Binance"), "{placements}");
    state.tab = Tab::Errors;
    let errors = screen(&state);
    for needle in [
        "Insufficient balance for order execution",
        "Generating execution schedule",
        "Order execution completed",
        "ERROR",
        "INFO",
    ] {
        assert!(errors.contains(needle), "{needle:?} missing:\n{errors}");
    }
}

#[tokio::test]
async fn dump_json_prints_exact_decimals_and_null_for_no_limit() {
    let url = doc_server().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_blotter"))
        .args([
            "--treadfi-url",
            &url,
            "dump",
            "active",
            "--format",
            "json",
            "--log-file",
        ])
        .arg(dir.path().join("log"))
        .env("HOME", dir.path())
        .output()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(r#""limit_price": "45000.00""#), "{text}");
    assert!(
        text.contains(r#""sell_token_amount": "22500.00""#),
        "{text}"
    );
    assert!(text.contains(r#""status": "PAUSED""#), "{text}");
    assert!(
        text.contains(r#""id": "7fecb061-725b-5477-c84c-8e8685ge0f26""#),
        "{text}"
    );
}

/// Issue 14: against a server that answers like the documents, the active table shows what the
/// first order's own `fills` say has executed (its row has no `executed_qty`, `pct_filled` or
/// `target_*`), and its detail shows the fills of `GET /api/order/{id}?include_fills=true`
/// as the 200 tab nests them (`placements[].fills[]`, numbers as floats) — not `— @ — = —`.
#[tokio::test]
async fn the_documented_orders_show_what_executed_and_their_nested_fills() {
    let url = doc_server().await;
    let venue: Arc<dyn Venue> = Arc::new(
        TreadfiClient::new(&url, None, Duration::from_secs(5)).unwrap_or_else(|e| panic!("{e}")),
    );
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let handle = feed::spawn(venue.clone(), FeedConfig::default(), tx);
    let mut state = State::new(venue.name(), venue.capabilities(), jiff::Timestamp::now());
    state.size = (200, 40);
    let id = blotter::domain::OrderId::new("6debb950-614a-4366-b73b-7d7574fd9e15");
    let mut asked = false;
    loop {
        let ev = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .unwrap_or_else(|_| panic!("feed stalled"))
            .unwrap_or_else(|| panic!("feed ended"));
        let done = matches!(&ev, FeedEvent::Fills { .. });
        let active = matches!(&ev, FeedEvent::ActiveOrders { .. });
        if let FeedEvent::FetchFailed { error, tab, .. } = &ev {
            panic!("{tab:?}: {error}");
        }
        update(&mut state, Msg::Feed(ev));
        if active && !asked {
            let table = screen(&state);
            let row = table
                .lines()
                .find(|l| l.contains("6debb950"))
                .unwrap_or_else(|| panic!("no row:\n{table}"));
            for needle in ["0.1", "█░░░░ 20.0%", "44950", "0.5 BTC"] {
                assert!(row.contains(needle), "{needle:?} not in {row:?}");
            }
            state.modal = Some(blotter::app::Modal::Detail(id.clone()));
            state.fills = Some((id.clone(), None));
            handle
                .send(feed::FeedCommand::FetchFills(id.clone()))
                .unwrap_or_else(|e| panic!("{e:?}"));
            asked = true;
        }
        if done {
            break;
        }
    }
    handle.stop();
    let detail = screen(&state);
    assert!(
        detail.contains("fills (1) · VWAP 1658.4 · fees 0.0443"),
        "{detail}"
    );
    assert!(
        detail.contains("08:25:31 MAKE Binance      3.5 @ 1658.40 = —"),
        "{detail}"
    );
    assert!(!detail.contains("— @ —"), "{detail}");
}
