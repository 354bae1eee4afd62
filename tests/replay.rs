//! A session recorded from the simulator (`blotter --record`, checked in under
//! `assets/demo.jsonl`) replayed through the same path into `app::update`; the final
//! screen is snapshotted. Also: recording round-trips every event kind.

mod common;

use blotter::app::{FeedEvent, Msg, State, update};
use blotter::record;
use blotter::venue::Capabilities;
use common::screen;

fn at(ev: &FeedEvent) -> Option<jiff::Timestamp> {
    match ev {
        FeedEvent::ActiveOrders { at, .. }
        | FeedEvent::MultiOrders { at, .. }
        | FeedEvent::MultiOrderDetail { at, .. }
        | FeedEvent::Fills { at, .. }
        | FeedEvent::Placements { at, .. }
        | FeedEvent::OrderErrors { at, .. }
        | FeedEvent::FetchFailed { at, .. }
        | FeedEvent::Push { at, .. }
        | FeedEvent::PushUpdate { at, .. }
        | FeedEvent::Notice { at, .. }
        | FeedEvent::ActionDone { at, .. } => Some(*at),
    }
}

#[tokio::test]
async fn replaying_the_recorded_demo_reproduces_its_final_screen() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo.jsonl");
    let (events, bad) = record::load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(bad, 0);
    assert!(events.len() > 20);
    let last = events
        .iter()
        .filter_map(|r| at(&r.event))
        .max()
        .unwrap_or_else(|| panic!("no times"));
    let mut rx = record::play(events, 0.0);
    let mut state = State::new("replay", Capabilities::ALL, last);
    state.size = (150, 30);
    let mut n = 0;
    while let Some(ev) = rx.recv().await {
        update(&mut state, Msg::Feed(ev));
        n += 1;
    }
    update(&mut state, Msg::Tick(last));
    assert!(n > 20);
    assert!(!state.orders.is_empty());
    insta::assert_snapshot!(screen(&state));
}

#[test]
fn a_recording_round_trips_exact_values() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("r.jsonl");
    let rec = record::Recorder::create(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut o = blotter::domain::Order::new(
        "7fecb061-725b-5477-c84c-8e8685ge0f26",
        "BTC-USD",
        blotter::domain::Side::Buy,
        blotter::domain::OrderStatus::Other("WEIRD".into()),
    );
    o.executed_qty = "0.00000100000000000000".parse().ok();
    o.limit_price = Some(blotter::domain::LimitPrice::Expression(
        "BTC-USD@Binance * 0.99".into(),
    ));
    let ev = FeedEvent::ActiveOrders {
        venue: Default::default(),
        page: blotter::domain::Page::of(vec![o.clone()]),
        at: jiff::Timestamp::UNIX_EPOCH,
    };
    rec.record(&ev);
    drop(rec);
    let (back, bad) = record::load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(bad, 0);
    match &back[0].event {
        FeedEvent::ActiveOrders { page, .. } => assert_eq!(page.rows[0], o),
        other => panic!("{other:?}"),
    }
}
