//! `Shapes::Docs` (`blotter sim --shapes docs`): the simulator writes rows as the documents'
//! examples vary (optional fields left out, numbers as strings or JSON numbers, timestamps
//! with and without a zone, each fill shape). The real Tread.fi client must read the same
//! orders from it as from the consistent `Shapes::Sim` simulator with the same seed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::time::Duration;

use blotter::domain::{Fill, Order, OrderId};
use blotter::sim::{self, Shapes, SimConfig, SimHandle};
use blotter::venue::Venue;
use blotter::venue::treadfi::TreadfiClient;
use rust_decimal::Decimal;
use secrecy::ExposeSecret;
use serde_json::Value;

async fn sim(shapes: Shapes) -> SimHandle {
    let s = sim::spawn(SimConfig {
        auto_advance: false,
        shapes,
        ..SimConfig::default()
    })
    .await
    .unwrap_or_else(|e| panic!("sim: {e}"));
    s.advance(12);
    s
}

fn client(s: &SimHandle) -> TreadfiClient {
    TreadfiClient::new(&s.base_url(), Some(s.token()), Duration::from_secs(5))
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn raw(s: &SimHandle, path: &str) -> Value {
    let text = {
        blotter::venue::install_crypto_provider();
        reqwest::Client::new()
    }
    .get(format!("{}{path}", s.base_url()))
    .header(
        "Authorization",
        format!("Token {}", s.token().expose_secret()),
    )
    .send()
    .await
    .unwrap_or_else(|e| panic!("{e}"))
    .text()
    .await
    .unwrap_or_default();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// What a person reads on an order's row.
fn row(o: &Order) -> String {
    format!(
        "{} {} {:?} {:?} executed {:?} of {:?} {:?} avg {:?} limit {:?} filled {:?}",
        o.id.as_str(),
        o.pair,
        o.side,
        o.status,
        o.executed_qty.map(|d| d.normalize()),
        o.target_qty.map(|d| d.normalize()),
        o.target_token,
        o.avg_price.map(|d| d.normalize()),
        o.limit_price,
        // Shown as a percentage with at most two decimals: `pct_filled` ("2.27") and
        // executed / target (0.022733…) read the same.
        o.fill_ratio.map(|d| d.round_dp(4).normalize()),
    )
}

#[tokio::test]
async fn the_blotter_reads_the_documents_shapes_as_it_reads_the_simulators() {
    let plain = sim(Shapes::Sim).await;
    let docs = sim(Shapes::Docs).await;

    // The documents' variety is really on the wire.
    let wire = raw(&docs, "/api/active_orders/?exclude_paused=false").await;
    let rows = wire["orders"].as_array().cloned().unwrap_or_default();
    assert!(rows.len() >= 12);
    let sparse = rows
        .iter()
        .filter(|r| r.get("pct_filled").is_none())
        .count();
    let numeric = rows
        .iter()
        .filter(|r| r["executed_qty"].is_number())
        .count();
    let stringy = rows
        .iter()
        .filter(|r| r["executed_qty"].is_string())
        .count();
    let naive = rows
        .iter()
        .filter(|r| r["created_at"].as_str().is_some_and(|t| !t.ends_with('Z')))
        .count();
    let null_limit = rows.iter().filter(|r| r["limit_price"].is_null()).count();
    assert!(
        sparse > 0 && numeric > 0 && stringy > 0 && naive > 0,
        "sparse {sparse}, numeric {numeric}, string {stringy}, naive time {naive}"
    );
    assert!(
        rows.iter().any(|r| r["limit_price"].as_f64() == Some(-1.0)) || null_limit > 0,
        "the no-limit order is there in one of its documented spellings"
    );

    let want = client(&plain)
        .active_orders()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let got = client(&docs)
        .active_orders()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(got.bad_rows.is_empty(), "{:?}", got.bad_rows);
    assert_eq!(got.rows.len(), want.rows.len(), "no order hidden");
    for w in &want.rows {
        let g = got
            .rows
            .iter()
            .find(|g| g.id == w.id)
            .unwrap_or_else(|| panic!("{} missing", w.id.as_str()));
        assert_eq!(row(g), row(w));
        // Zone-less timestamps are UTC: the same moment as the other simulator's, give or
        // take the time between the two starts.
        let (Some(gc), Some(wc)) = (g.created_at, w.created_at) else {
            panic!("created_at missing on {}", w.id.as_str())
        };
        assert!(
            gc.duration_since(wc).as_secs().abs() <= 5,
            "{} created {gc} vs {wc}",
            w.id.as_str()
        );
    }

    // Fills, one documented shape per order: quantities add up to what executed and every
    // fill has a price. (The active-orders fill shape, `quantity`/`price`, is checked
    // separately below.)
    let docs_client = client(&docs);
    let mut checked = [0usize; 3];
    for o in &got.rows {
        let executed = o.executed_qty.unwrap_or_default();
        if executed.is_zero() || o.target_token.as_deref() == Some("USDT") {
            continue;
        }
        let raw_fills = raw(
            &docs,
            &format!("/api/order/{}?include_fills=true", o.id.as_str()),
        )
        .await;
        let first = raw_fills["fills"][0].clone();
        let shape = if first.get("placement_id").is_some() {
            0
        } else if first.get("external_id").is_some() {
            1
        } else {
            2
        };
        let fills = docs_client
            .fills(&o.id)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(fills.bad_rows.is_empty());
        assert_eq!(
            fills.rows.len(),
            raw_fills["fills"].as_array().map_or(0, Vec::len),
            "every fill row is kept"
        );
        if shape == 2 {
            checked[2] += 1;
            continue;
        }
        assert_fills_add_up(&o.id, &fills.rows, executed);
        checked[shape] += 1;
    }
    assert!(
        checked.iter().all(|n| *n > 0),
        "each fill shape seen: {checked:?}"
    );

    // Placements: numbers with 20 decimals, null base quantities, zone-less times — read
    // the same as the plain simulator's.
    let plain_client = client(&plain);
    let (mut wide, mut naive_placements) = (0, 0);
    for o in &want.rows {
        let w = plain_client
            .placements(&o.id)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let g = docs_client
            .placements(&o.id)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(g.bad_rows.is_empty(), "{:?}", g.bad_rows);
        let read = |p: &blotter::domain::Placement| {
            format!(
                "{} {} {} qty {:?} executed {:?} price {:?} {:?}",
                p.id,
                p.placement_type,
                p.status,
                p.qty.map(|d| d.normalize()),
                p.executed_qty.map(|d| d.normalize()),
                p.price.map(|d| d.normalize()),
                p.failure_reason,
            )
        };
        let want_rows: Vec<String> = w.rows.iter().map(read).collect();
        let got_rows: Vec<String> = g.rows.iter().map(read).collect();
        assert_eq!(got_rows, want_rows, "placements of {}", o.id.as_str());
        for (gp, wp) in g.rows.iter().zip(&w.rows) {
            let (Some(gt), Some(wt)) = (gp.created_at, wp.created_at) else {
                panic!("placement {} without created_at", gp.id)
            };
            assert!(gt.duration_since(wt).as_secs().abs() <= 5, "{gt} vs {wt}");
        }
        let text = raw(
            &docs,
            &format!("/api/placements/?order_id={}", o.id.as_str()),
        )
        .await
        .to_string();
        wide += usize::from(text.contains("00000000000000000"));
        naive_placements += usize::from(text.contains("\"base_qty\":null"));
    }
    assert!(
        wide > 0 && naive_placements > 0,
        "{wide} {naive_placements}"
    );
    plain.shutdown().await;
    docs.shutdown().await;
}

fn assert_fills_add_up(id: &OrderId, fills: &[Fill], executed: Decimal) {
    let total: Decimal = fills.iter().filter_map(|f| f.qty).sum();
    assert_eq!(total, executed, "fills of {}", id.as_str());
    assert!(
        fills
            .iter()
            .all(|f| f.price.is_some_and(|p| p > Decimal::ZERO) && f.time.is_some()),
        "fills of {} all priced and timed: {fills:?}",
        id.as_str()
    );
}
