//! Issue 15, the History tab's reads: every venue's history endpoint requested as its document
//! says (method, path, query asserted), every page read, finished rows only; Tread's finished
//! orders get their `stats` from the order detail once. The real clients run against the
//! recording stub.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod recording;

use std::sync::Arc;
use std::time::Duration;

use blotter::domain::{OrderId, OrderStatus};
use blotter::venue::alphasec::{AlphaSecClient, MAX_LIMIT, TokenMap};
use blotter::venue::anboto::{
    AnbotoClient, DEFAULT_RECV_WINDOW_MS, HISTORY_LIMIT, SignatureEncoding,
};
use blotter::venue::treadfi::TreadfiClient;
use blotter::venue::{Venue, is_partial};
use jiff::Timestamp;
use recording::{Recording, envelope, start};
use rust_decimal::Decimal;
use secrecy::SecretString;
use serde_json::json;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// 00:00 UTC of a fixed day, the History window's start in these tests.
fn midnight() -> Timestamp {
    "2026-12-01T00:00:00Z".parse().unwrap()
}

/// One finished Tread order (`GET /api/orders/` row, no stats: "basic info, no stats").
fn tread_finished(id: &str, status: &str) -> serde_json::Value {
    json!({
        "id": id, "pair": "BTC-USDT", "side": "buy", "status": status,
        "buy_token": "BTC", "sell_token": "USDT", "target_token": "BTC",
        "target_order_qty": "1", "executed_qty": "1", "average_executed_price": "101",
        "executed_notional": "101", "total_fee": "0.101", "strategy": "TWAP", "duration": 600,
        "time_start": "2026-12-01T08:00:00Z", "created_at": "2026-12-01T08:00:00Z",
        "updated_at": "2026-12-01T08:09:00Z", "limit_price": "", "active": false
    })
}

fn param<'a>(query: &'a str, key: &str) -> Option<&'a str> {
    query
        .split('&')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

/// A Tread stub: `/api/orders/` in 3 pages (two finished rows and, on page 2, one row still
/// active, which the client must drop); `/api/order/{id}` answers with the documented
/// completion fields for `o-1a` only.
async fn tread_stub() -> Recording {
    start(Arc::new(|_, path, q| {
        if path == "/api/orders/" {
            let n: u32 = param(q, "page").unwrap().parse().unwrap();
            let mut rows = vec![
                tread_finished(&format!("o-{n}a"), "COMPLETE"),
                tread_finished(&format!("o-{n}b"), "CANCELED"),
            ];
            if n == 2 {
                rows.push(json!({"id": "live", "pair": "BTC-USDT", "side": "buy",
                                 "status": "ACTIVE"}));
            }
            if n == 3 {
                // Canceled before anything executed: no figures to read.
                let mut zero = tread_finished("o-zero", "CANCELED");
                zero["executed_qty"] = json!("0");
                rows.push(zero);
            }
            let body = json!({"orders": rows, "page_number": n, "page_size": 100,
                              "num_pages": 3, "order_count": 7});
            return (200, body.to_string());
        }
        if let Some(id) = path.strip_prefix("/api/order/") {
            let mut o = tread_finished(id, "COMPLETE");
            if id == "o-1a" {
                o["stats"] = json!({"arrival_price": "100", "vwap": "100.5",
                                    "departure_price": "102", "interval_volume": "40"});
            }
            return (200, o.to_string());
        }
        (404, "\"No such path\"".into())
    }))
    .await
}

#[tokio::test]
async fn tread_history_reads_every_page_with_statuses_and_after() {
    let r = tread_stub().await;
    let c = TreadfiClient::new(&r.base, None, Duration::from_secs(5)).unwrap();
    let page = c.history(midnight()).await.unwrap();
    let ids: Vec<&str> = page.rows.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(
        ids,
        ["o-1a", "o-1b", "o-2a", "o-2b", "o-3a", "o-3b", "o-zero"]
    );
    assert!(!is_partial(&page));
    let seen = r.to("/api/orders/");
    assert_eq!(seen.len(), 3);
    for (i, s) in seen.iter().enumerate() {
        assert_eq!(s.method, "GET");
        assert_eq!(
            s.query,
            format!(
                "statuses=COMPLETE,COMPLETED,CANCELED,CANCELLED,FAILED\
                 &after=2026-12-01T00%3A00%3A00Z&page={}&page_size=100",
                i + 1
            )
        );
    }
}

#[tokio::test]
async fn tread_history_reads_stats_from_the_order_detail_once() {
    let r = tread_stub().await;
    let c = TreadfiClient::new(&r.base, None, Duration::from_secs(5)).unwrap();
    let page = c.history(midnight()).await.unwrap();
    let o = page.rows.iter().find(|o| o.id.as_str() == "o-1a").unwrap();
    let stats = o.stats.as_deref().unwrap();
    assert_eq!(stats.interval_vwap, Some(d("100.5")));
    assert_eq!(stats.interval_volume, Some(d("40")));
    assert_eq!(o.arrival_price, Some(d("100")));
    let t = blotter::tca::Tca::of(o, midnight());
    assert_eq!(t.slippage_arrival_bps, Some(d("100")));
    assert_eq!(t.participation, Some(d("0.025")));
    // No figures for the others: left at None, never invented.
    let other = page.rows.iter().find(|o| o.id.as_str() == "o-2a").unwrap();
    assert_eq!(other.stats, None);
    assert_eq!(other.arrival_price, None);
    let details = |r: &Recording| {
        r.log
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.path.starts_with("/api/order/"))
            .map(|s| (s.method.clone(), s.path.clone()))
            .collect::<Vec<_>>()
    };
    let first = details(&r);
    assert_eq!(
        first.len(),
        6,
        "one per finished order that executed: {first:?}"
    );
    assert!(first.contains(&("GET".into(), "/api/order/o-1a".into())));
    // Next read: o-1a's figures are remembered (not asked again) and still on the row.
    let again = c.history(midnight()).await.unwrap();
    let o = again.rows.iter().find(|o| o.id.as_str() == "o-1a").unwrap();
    assert_eq!(o.stats.as_deref().unwrap().interval_vwap, Some(d("100.5")));
    let second = details(&r);
    assert_eq!(
        second[first.len()..]
            .iter()
            .filter(|(_, p)| p == "/api/order/o-1a")
            .count(),
        0
    );
}

/// One AlphaSec completed order (`GET /api/v1/order` row) created at `ms`.
fn alphasec_done(id: &str, status: &str, ms: i64) -> serde_json::Value {
    json!({
        "orderId": id, "accountAddress": "0xabc", "marketId": "1_2", "side": "SELL",
        "orderType": "LIMIT", "price": "2.5", "origQty": "8.0", "origQuoteOrderQty": "0",
        "status": status, "txHash": id, "createdAt": ms, "updatedAt": ms + 1000,
        "executedQty": "8.0", "executedQuoteQty": "20.0"
    })
}

#[tokio::test]
async fn alphasec_history_from_the_window_start_paged_back_by_to() {
    let since = Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_hours(6))
        .unwrap();
    let since_ms = since.as_millisecond();
    // First answer: a full page (MAX_LIMIT rows) down to since + 1000 s; second: the rest.
    let r = start(Arc::new(move |_, _, q| {
        let to = param(q, "to").map(|t| t.parse::<i64>().unwrap());
        let rows: Vec<_> = match to {
            None => (0..MAX_LIMIT as i64)
                .map(|i| {
                    let status = if i % 2 == 0 { "FILLED" } else { "CANCELED" };
                    alphasec_done(&format!("0x{i}"), status, since_ms + 1_000_000 + i)
                })
                .collect(),
            Some(_) => vec![
                alphasec_done("0xold", "REJECTED", since_ms + 10),
                alphasec_done("0xopen", "NEW", since_ms + 5),
            ],
        };
        (200, envelope(json!(rows)))
    }))
    .await;
    let c = AlphaSecClient::new(
        &r.base,
        "0xabc".into(),
        TokenMap::new(),
        Duration::from_secs(5),
    )
    .unwrap();
    let page = Venue::history(&c, since).await.unwrap();
    assert_eq!(
        page.rows.len(),
        MAX_LIMIT as usize + 1,
        "open order dropped"
    );
    assert!(page.rows.iter().all(|o| o.status.is_terminal()));
    assert!(page.rows.iter().any(|o| o.status == OrderStatus::Failed));
    let seen = r.to("/api/v1/order");
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|s| s.method == "GET"));
    assert_eq!(
        seen[0].query,
        format!("address=0xabc&from={since_ms}&limit=500")
    );
    assert_eq!(
        seen[1].query,
        format!(
            "address=0xabc&from={since_ms}&to={}&limit=500",
            since_ms + 1_000_000
        )
    );
}

#[tokio::test]
async fn anboto_history_is_order_find_from_the_window_start() {
    let r = start(Arc::new(|_, _, _| {
        let body = json!({"orders": [
            {"order_id": 1, "client_order_id": "a", "symbol": "BTC-USDT", "status": "FILLED",
             "filled_quantity": "1", "leaves_quantity": "0", "side": "BUY",
             "average_price": "100"},
            {"order_id": 2, "client_order_id": "b", "symbol": "BTC-USDT",
             "status": "CANCELLED", "filled_quantity": "0", "leaves_quantity": "1",
             "side": "SELL"},
            {"order_id": 3, "client_order_id": "c", "symbol": "BTC-USDT", "status": "ACCEPTED",
             "filled_quantity": "0", "leaves_quantity": "1", "side": "SELL"}
        ]});
        (200, body.to_string())
    }))
    .await;
    let c = AnbotoClient::new(
        &r.base,
        SecretString::from("key"),
        SecretString::from("c2VjcmV0"),
        SignatureEncoding::Hex,
        DEFAULT_RECV_WINDOW_MS,
        Duration::from_secs(5),
    )
    .unwrap();
    let page = Venue::history(&c, midnight()).await.unwrap();
    let ids: Vec<&OrderId> = page.rows.iter().map(|o| &o.id).collect();
    assert_eq!(ids, [&OrderId::new("1"), &OrderId::new("2")]);
    assert!(!is_partial(&page));
    let seen = r.to("/api/v2/trading/order/find");
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "GET");
    assert_eq!(
        seen[0].query,
        format!(
            "limit={HISTORY_LIMIT}&startMs={}",
            midnight().as_millisecond()
        )
    );
}

/// Raw `GET /alphasec/api/v1/order?…` against the simulator: the envelope's `code`, `errMsg`.
async fn alphasec_sim_get(base: &str, query: &str) -> (i64, String, serde_json::Value) {
    let url = format!(
        "{base}/api/v1/order?address={}&{query}",
        blotter::sim::alphasec::DEMO_ADDRESS
    );
    blotter::venue::install_crypto_provider();
    let v: serde_json::Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    (
        v["code"].as_i64().unwrap(),
        v["errMsg"].as_str().unwrap_or_default().to_string(),
        v["result"].clone(),
    )
}

#[tokio::test]
async fn alphasec_sim_serves_finished_orders_and_refuses_what_the_document_refuses() {
    let sim = blotter::sim::spawn(blotter::sim::SimConfig {
        auto_advance: false,
        ..blotter::sim::SimConfig::default()
    })
    .await
    .unwrap();
    let base = sim.alphasec_url();
    let now = Timestamp::now().as_millisecond();
    const DAY: i64 = 86_400_000;
    for (query, why) in [
        (format!("from={}", now + 60_000), "future"),
        (
            format!("from={}&to={}", now - 92 * DAY, now - DAY),
            "90 days",
        ),
        ("limit=501".to_string(), "500"),
        ("limit=0".to_string(), "500"),
    ] {
        let (code, msg, _) = alphasec_sim_get(&base, &query).await;
        assert_ne!(code, 200, "{query}");
        assert!(msg.contains(why), "{query}: {msg}");
    }
    let (code, _, rows) = alphasec_sim_get(&base, "limit=1").await;
    assert_eq!(code, 200);
    assert_eq!(rows.as_array().unwrap().len(), 1, "limit honoured");
    // The client, from an hour ago: the two seeded finished orders, nothing open.
    let tokens: TokenMap = blotter::sim::alphasec::DEMO_TOKENS
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let c = AlphaSecClient::new(
        &base,
        blotter::sim::alphasec::DEMO_ADDRESS.into(),
        tokens,
        Duration::from_secs(5),
    )
    .unwrap();
    let since = Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_hours(1))
        .unwrap();
    let page = Venue::history(&c, since).await.unwrap();
    let statuses: Vec<&OrderStatus> = page.rows.iter().map(|o| &o.status).collect();
    assert_eq!(statuses, [&OrderStatus::Complete, &OrderStatus::Canceled]);
    assert_eq!(page.rows[0].pair, "WETH-USDT");
    // Ten minutes back: created before that, so not listed.
    let recent = Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_mins(10))
        .unwrap();
    assert!(Venue::history(&c, recent).await.unwrap().rows.is_empty());
    sim.shutdown().await;
}

/// The order detail's own completion fields (`vwap`, `interval_volume`, `arrival_price`,
/// `departure_price`, "populated on completion") are the order's execution statistics; `null`
/// (an order still working, as the document's example) gives none.
#[test]
fn tread_order_detail_completion_fields_are_its_stats() {
    let done = json!({"id": "o-1", "pair": "BTC:PERP-USDT", "side": "buy", "status": "COMPLETED",
        "vwap": "89392.75", "interval_volume": "125847.32", "arrival_price": "89411.25",
        "departure_price": "89378.50"});
    let o = blotter::venue::treadfi::decode_order(done.to_string().as_bytes()).unwrap();
    let s = o.stats.as_deref().unwrap();
    assert_eq!(s.interval_vwap, Some(d("89392.75")));
    assert_eq!(s.interval_volume, Some(d("125847.32")));
    assert_eq!(s.departure_price, Some(d("89378.50")));
    assert_eq!(s.arrival_price, Some(d("89411.25")));
    assert_eq!(o.arrival_price, Some(d("89411.25")));
    let working = json!({"id": "o-2", "pair": "BTC:PERP-USDT", "side": "buy", "status": "ACTIVE",
        "vwap": null, "interval_volume": null, "arrival_price": null, "departure_price": null});
    let o = blotter::venue::treadfi::decode_order(working.to_string().as_bytes()).unwrap();
    assert_eq!(o.stats, None);
}

/// The embedded Tread.fi venue: finished orders listed by `GET /api/orders/` with `statuses`
/// and `after` (creation time; a bad date refused as the document says), their completion
/// figures served by `GET /api/order/{id}` — so the History tab of the demo has believable
/// figures from the start, in the sign convention (a buy 4 bps above arrival costs +4, a sell
/// 3 bps above arrival gains: −3).
#[tokio::test]
async fn tread_sim_serves_finished_orders_with_their_figures() {
    use secrecy::ExposeSecret;
    let sim = blotter::sim::spawn(blotter::sim::SimConfig {
        auto_advance: false,
        ..blotter::sim::SimConfig::default()
    })
    .await
    .unwrap();
    let c = TreadfiClient::new(&sim.base_url(), Some(sim.token()), Duration::from_secs(5)).unwrap();
    let since = Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_hours(2))
        .unwrap();
    let page = c.history(since).await.unwrap();
    let mut statuses: Vec<&str> = page.rows.iter().map(|o| o.status.as_str()).collect();
    statuses.sort_unstable();
    assert_eq!(
        statuses,
        [
            "CANCELED", "COMPLETE", "COMPLETE", "COMPLETE", "COMPLETE", "FAILED"
        ]
    );
    let now = Timestamp::now();
    let figures: Vec<(String, Option<Decimal>)> = page
        .rows
        .iter()
        .map(|o| {
            let t = blotter::tca::Tca::of(o, now);
            (
                o.side.as_str().to_string(),
                t.slippage_arrival_bps.map(|b| b.round_dp(1)),
            )
        })
        .collect();
    assert!(
        figures.contains(&("buy".into(), Some(d("4.0")))),
        "{figures:?}"
    );
    assert!(
        figures.contains(&("sell".into(), Some(d("-3.0")))),
        "{figures:?}"
    );
    for o in &page.rows {
        let s = o
            .stats
            .as_deref()
            .unwrap_or_else(|| panic!("{} has no stats", o.id));
        assert!(
            s.interval_vwap.is_some() && s.interval_volume.is_some(),
            "{s:?}"
        );
        let t = blotter::tca::Tca::of(o, now);
        let p = t.participation.unwrap();
        assert!(p > Decimal::ZERO && p < Decimal::ONE, "{p}");
    }
    let reqs = sim.requests();
    let list: Vec<_> = reqs.iter().filter(|r| r.path == "/api/orders/").collect();
    assert_eq!(list.len(), 1);
    let q = list[0].query.clone().unwrap_or_default();
    assert!(
        q.starts_with("statuses=COMPLETE,COMPLETED,CANCELED,CANCELLED,FAILED&after="),
        "{q}"
    );
    assert_eq!(
        reqs.iter()
            .filter(|r| r.path.starts_with("/api/order/"))
            .count(),
        6,
        "one detail per finished order"
    );
    // Nothing finished after now.
    assert!(c.history(Timestamp::now()).await.unwrap().rows.is_empty());
    // A date the venue cannot read is refused.
    let resp = {
        blotter::venue::install_crypto_provider();
        reqwest::Client::new()
    }
    .get(format!("{}/api/orders/?after=yesterday", sim.base_url()))
    .header(
        "Authorization",
        format!("Token {}", sim.token().expose_secret()),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(resp.status(), 400);
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("Invalid after date format")
    );
    sim.shutdown().await;
}

/// The embedded Anboto venue: `order/find` honours `startMs`, `endMs` and `limit`, newest
/// first; the client's History read keeps the finished ones (the seeded rejected and filled
/// orders).
#[tokio::test]
async fn anboto_sim_find_honours_its_parameters() {
    let sim = blotter::sim::spawn(blotter::sim::SimConfig {
        auto_advance: false,
        ..blotter::sim::SimConfig::default()
    })
    .await
    .unwrap();
    let c = AnbotoClient::new(
        &sim.anboto_url(),
        SecretString::from(blotter::sim::anboto::DEMO_KEY),
        SecretString::from(blotter::sim::anboto::DEMO_SECRET_B64),
        SignatureEncoding::Hex,
        DEFAULT_RECV_WINDOW_MS,
        Duration::from_secs(5),
    )
    .unwrap();
    let now = Timestamp::now().as_millisecond();
    let all = c.find_orders(None, None, None).await.unwrap();
    assert_eq!(all.rows.len(), 6);
    let created: Vec<_> = all.rows.iter().map(|o| o.created_at).collect();
    let mut newest_first = created.clone();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(created, newest_first);
    assert_eq!(
        c.find_orders(None, None, Some(2)).await.unwrap().rows.len(),
        2
    );
    // Created in the last 30 minutes: 7001 (20 min), 7002 (8), 7003 (1).
    let recent = c
        .find_orders(Some(now - 30 * 60_000), None, None)
        .await
        .unwrap();
    assert_eq!(recent.rows.len(), 3);
    let older = c
        .find_orders(None, Some(now - 30 * 60_000), None)
        .await
        .unwrap();
    assert_eq!(older.rows.len(), 3);
    let since = Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_hours(2))
        .unwrap();
    let page = Venue::history(&c, since).await.unwrap();
    let mut statuses: Vec<&str> = page.rows.iter().map(|o| o.status.as_str()).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, ["COMPLETE", "FAILED"]);
    sim.shutdown().await;
}

/// `[history]`: the window and the poll interval from the config; a window that is not
/// `today`, `<n>h` or `<n>d` is an error at start, naming the section.
#[test]
fn history_config_window_and_interval() {
    use blotter::config::Config;
    use blotter::history::Window;
    let path = std::path::Path::new("test.toml");
    let cfg = Config::parse("[history]\nwindow = \"7d\"\npoll_secs = 120\n", path).unwrap();
    assert_eq!(cfg.history.window(), Ok(Window::Hours(168)));
    assert_eq!(cfg.history.interval(), Duration::from_secs(120));
    assert_eq!(cfg.prefs().unwrap().history_window, Window::Hours(168));
    let default = Config::parse("", path).unwrap();
    assert_eq!(default.history.window(), Ok(Window::Today));
    assert_eq!(default.history.interval(), Duration::from_secs(60));
    let bad = Config::parse("[history]\nwindow = \"7w\"\n", path).unwrap_err();
    assert!(bad.to_string().contains("[history]"), "{bad}");
    // A session built from these prefs starts on that window and widens from it.
    let mut s = blotter::app::State::new("x", blotter::venue::Capabilities::NONE, Timestamp::now());
    s.apply_prefs(&cfg.prefs().unwrap());
    assert_eq!(s.history_window, Window::Hours(168));
    assert_eq!(s.history_window_configured, Window::Hours(168));
}

/// `blotter dump history` against the embedded venue: every finished order of the window with
/// the venue's figures and the computed ones, exact decimals, as JSON.
#[tokio::test]
async fn dump_history_prints_the_finished_orders_with_their_figures() {
    use secrecy::ExposeSecret;
    let sim = blotter::sim::spawn(blotter::sim::SimConfig {
        auto_advance: false,
        ..blotter::sim::SimConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_blotter"))
        .args(["--treadfi-url", &sim.base_url(), "--log-file"])
        .arg(dir.path().join("log"))
        .args(["dump", "history", "--since", "2h", "--format", "json"])
        .env("TREADFI_API_KEY", sim.token().expose_secret())
        .env("HOME", dir.path())
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 6);
    for r in &rows {
        for key in [
            "arrival_price",
            "vwap",
            "interval_volume",
            "slippage_vs_arrival_bps",
        ] {
            assert!(r[key].is_string(), "{key} in {r}");
        }
    }
    let buy = rows
        .iter()
        .find(|r| r["side"] == "buy" && r["strategy"] == "TWAP" && r["pair"] == "BTC-USDT")
        .unwrap();
    // (97051.3 − 97012.5) ÷ 97012.5 × 10 000 = 3.9995 bps, a cost.
    assert_eq!(buy["slippage_vs_arrival_bps"], "3.9995");
    // A window the blotter cannot read is refused before any request.
    let bad = tokio::process::Command::new(env!("CARGO_BIN_EXE_blotter"))
        .args(["--treadfi-url", &sim.base_url(), "--log-file"])
        .arg(dir.path().join("log"))
        .args(["dump", "history", "--since", "yesterday"])
        .env("TREADFI_API_KEY", sim.token().expose_secret())
        .env("HOME", dir.path())
        .output()
        .await
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("history window"));
    sim.shutdown().await;
}
