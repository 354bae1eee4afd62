//! Fills in the detail view (issue 5): opening an order's detail asks its venue for
//! `GET /api/order/{id}?include_fills=true`; the document's example decodes exactly; the detail
//! shows each fill, the VWAP and the fees, or the venue's error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use std::time::Duration;

use blotter::app::{Command, FeedEvent, Modal, Msg, update};
use blotter::domain::{OrderId, Page};
use blotter::venue::treadfi::{TreadfiClient, decode_fills};
use blotter::venue::{Venue, VenueError};
use common::*;
use crossterm::event::KeyCode;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/treadfi")
            .join(name),
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn the_documents_fills_decode_exactly_newest_first() {
    let id = OrderId::new("6debb950-614a-4366-b73b-7d7574fd9e15");
    let page = decode_fills(&fixture("order_detail.json"), &id).unwrap();
    assert!(page.bad_rows.is_empty());
    let got: Vec<_> = page
        .rows
        .iter()
        .map(|f| {
            (
                f.placement_id.clone().unwrap(),
                f.role.clone().unwrap(),
                f.qty.unwrap().to_string(),
                f.price.unwrap().to_string(),
                f.notional.unwrap().to_string(),
                f.fee.unwrap().to_string(),
                f.time.unwrap().to_string(),
            )
        })
        .collect();
    let row = |a: &str, b: &str, fee: &str, t: &str| {
        (
            a.to_string(),
            b.to_string(),
            "0.125".to_string(),
            "45000.00".to_string(),
            "5625.00".to_string(),
            fee.to_string(),
            t.to_string(),
        )
    };
    assert_eq!(
        got,
        [
            row("placement_124", "TAKE", "2.82", "2023-12-01T10:30:00Z"),
            row("placement_123", "MAKE", "2.81", "2023-12-01T10:15:00Z"),
        ]
    );
    // An order without fills, and a bad fill row next to a good one.
    assert!(
        decode_fills(b"{\"id\": \"x\"}", &id)
            .unwrap()
            .rows
            .is_empty()
    );
    let mixed =
        br#"{"fills": [{"executed_qty": "abc"}, {"executed_qty": "1.50", "role": "MAKE"}]}"#;
    let page = decode_fills(mixed, &id).unwrap();
    assert_eq!(page.rows.len(), 1);
    assert_eq!(page.bad_rows.len(), 1);
    assert!(
        page.bad_rows[0].reason.contains("executed_qty"),
        "{:?}",
        page.bad_rows
    );
}

#[test]
fn opening_the_detail_fetches_fills_and_shows_them_with_vwap_and_fees() {
    let mut s = loaded_state();
    s.size = (150, 40);
    let cmds = key(&mut s, KeyCode::Enter);
    let Some(Modal::Detail(id)) = s.modal.clone() else {
        panic!("no detail");
    };
    assert_eq!(
        cmds,
        vec![Command::FetchFills {
            venue: Default::default(),
            id: id.clone()
        }]
    );
    assert!(screen(&s).contains("loading…"));
    let page = decode_fills(&fixture("order_detail.json"), &id).unwrap();
    feed(
        &mut s,
        FeedEvent::Fills {
            venue: Default::default(),
            order_id: id.clone(),
            result: Ok(page),
            at: ts(NOW),
        },
    );
    let text = screen(&s);
    assert!(
        text.contains("fills (2) · VWAP 45000 · fees 5.63"),
        "{text}"
    );
    assert!(text.contains("0.125 @ 45000.00 = 5625.00"), "{text}");
    insta::assert_snapshot!(text);
    // Moving to the next order fetches its fills; a late answer for the previous one is dropped.
    let cmds = key(&mut s, KeyCode::Down);
    let [Command::FetchFills { id: next, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}");
    };
    assert_ne!(*next, id);
    feed(
        &mut s,
        FeedEvent::Fills {
            venue: Default::default(),
            order_id: id,
            result: Ok(Page::default()),
            at: ts(NOW),
        },
    );
    assert!(screen(&s).contains("loading…"));
}

#[test]
fn a_venue_without_fills_says_so_in_the_detail() {
    let mut s = loaded_state();
    s.size = (150, 40);
    key(&mut s, KeyCode::Enter);
    let Some(Modal::Detail(id)) = s.modal.clone() else {
        panic!("no detail");
    };
    feed(
        &mut s,
        FeedEvent::Fills {
            venue: Default::default(),
            order_id: id,
            result: Err(VenueError::Unsupported {
                venue: "Anboto".into(),
                what: "fills".into(),
            }),
            at: ts(NOW),
        },
    );
    assert!(screen(&s).contains("not supported by Anboto: fills"));
    // Closing and reopening asks again.
    key(&mut s, KeyCode::Esc);
    assert!(s.fills.is_none());
    assert_eq!(key(&mut s, KeyCode::Enter).len(), 1);
}

#[tokio::test]
async fn the_client_asks_for_fills_the_documented_way() {
    let sim = blotter::sim::spawn(blotter::sim::SimConfig {
        auto_advance: false,
        ..Default::default()
    })
    .await
    .unwrap();
    sim.advance(5);
    let client =
        TreadfiClient::new(&sim.base_url(), Some(sim.token()), Duration::from_secs(5)).unwrap();
    let orders = client.active_orders().await.unwrap();
    let filled = orders
        .rows
        .iter()
        .find(|o| o.executed_qty.is_some_and(|q| !q.is_zero()))
        .expect("an order with fills");
    sim.clear_requests();
    let fills = client.fills(&filled.id).await.unwrap();
    assert!(!fills.rows.is_empty());
    assert!(fills.rows.iter().all(|f| f.order_id == filled.id));
    let reqs = sim.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].method, "GET");
    assert_eq!(reqs[0].path, format!("/api/order/{}", filled.id));
    assert_eq!(reqs[0].query.as_deref(), Some("include_fills=true"));
    // Through the feed: a FetchFills command comes back as a Fills event.
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let feed = blotter::feed::spawn(
        std::sync::Arc::new(client),
        blotter::feed::FeedConfig::default(),
        tx,
    );
    feed.send(blotter::feed::FeedCommand::FetchFills(filled.id.clone()))
        .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let mut s = blotter::app::State::new("Tread.fi", blotter::venue::Capabilities::ALL, ts(NOW));
    s.fills = Some((filled.id.clone(), None));
    loop {
        let Ok(Some(ev)) = tokio::time::timeout_at(deadline, rx.recv()).await else {
            panic!("no fills event");
        };
        let done = matches!(ev, FeedEvent::Fills { .. });
        update(&mut s, Msg::Feed(ev));
        if done {
            break;
        }
    }
    assert!(matches!(&s.fills, Some((_, Some(Ok(p)))) if !p.rows.is_empty()));
    feed.stop();
    sim.shutdown().await;
}

#[test]
fn vwap_leaves_out_fills_without_a_price_and_unknown_fees_stay_unknown() {
    use blotter::domain::{Fill, FillStats};
    use rust_decimal::Decimal;
    let d = |s: &str| s.parse::<Decimal>().unwrap_or_else(|e| panic!("{s}: {e}"));
    let fill = |qty: &str, price: Option<&str>, notional: Option<&str>, fee: Option<&str>| Fill {
        venue: Default::default(),
        order_id: OrderId::new("o1"),
        placement_id: None,
        exchange: None,
        role: None,
        price: price.map(d),
        qty: Some(d(qty)),
        notional: notional.map(d),
        fee: fee.map(d),
        fee_asset: None,
        time: None,
    };
    // The demo venue's TAKE fills come without a price: they must not pull the VWAP to 2272.
    let fills = [
        fill("0.03", Some("3410.76"), None, None),
        fill("0.04", None, None, None),
        fill("0.01", Some("3405.66"), Some("34.0566"), None),
    ];
    let s = FillStats::of(&fills);
    assert_eq!((s.count, s.priced), (3, 2));
    // (0.03 × 3410.76 + 34.0566) / 0.04 = 3409.485
    assert_eq!(s.vwap, Some(d("3409.485")));
    assert_eq!(s.fees, None, "no fee reported is unknown, not zero");

    let s = FillStats::of(&[
        fill("1", Some("10"), None, Some("0.01")),
        fill("1", Some("20"), None, Some("0.02")),
    ]);
    assert_eq!(s.vwap, Some(d("15")));
    assert_eq!(s.fees, Some(d("0.03")));
    assert_eq!(FillStats::of(&[]).vwap, None);
}
