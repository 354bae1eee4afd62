//! A session recorded from the simulator (`blotter --record`, checked in under
//! `assets/demo.jsonl`) replayed through the same path into `app::update`; the final
//! screen is snapshotted. Also: a recording round-trips every event kind with exact values.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use blotter::app::{FeedEvent, Msg, State, update};
use blotter::record;
use blotter::venue::Capabilities;
use common::screen;

fn at(ev: &FeedEvent) -> Option<jiff::Timestamp> {
    match ev {
        FeedEvent::ActiveOrders { at, .. }
        | FeedEvent::ActiveOrdersPart { at, .. }
        | FeedEvent::MultiOrders { at, .. }
        | FeedEvent::MultiOrderDetail { at, .. }
        | FeedEvent::Fills { at, .. }
        | FeedEvent::Placements { at, .. }
        | FeedEvent::OrderErrors { at, .. }
        | FeedEvent::History { at, .. }
        | FeedEvent::FetchFailed { at, .. }
        | FeedEvent::Push { at, .. }
        | FeedEvent::PushUpdate { at, .. }
        | FeedEvent::Notice { at, .. }
        | FeedEvent::Link { at, .. }
        | FeedEvent::ActionDone { at, .. } => Some(*at),
    }
}

#[tokio::test]
async fn replaying_the_recorded_demo_reproduces_its_final_screen() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo.jsonl");
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
    assert!(!state.book.orders().is_empty());
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

/// The name of an event's kind. Exhaustive on purpose: a new `FeedEvent` variant does not
/// compile here until the round-trip test below records one of it too.
fn kind(ev: &FeedEvent) -> &'static str {
    match ev {
        FeedEvent::ActiveOrders { .. } => "ActiveOrders",
        FeedEvent::ActiveOrdersPart { .. } => "ActiveOrdersPart",
        FeedEvent::MultiOrders { .. } => "MultiOrders",
        FeedEvent::MultiOrderDetail { .. } => "MultiOrderDetail",
        FeedEvent::Fills { .. } => "Fills",
        FeedEvent::Placements { .. } => "Placements",
        FeedEvent::OrderErrors { .. } => "OrderErrors",
        FeedEvent::History { .. } => "History",
        FeedEvent::FetchFailed { .. } => "FetchFailed",
        FeedEvent::Push { .. } => "Push",
        FeedEvent::PushUpdate { .. } => "PushUpdate",
        FeedEvent::Notice { .. } => "Notice",
        FeedEvent::Link { .. } => "Link",
        FeedEvent::ActionDone { .. } => "ActionDone",
    }
}

const EVERY_KIND: [&str; 14] = [
    "ActiveOrders",
    "ActiveOrdersPart",
    "MultiOrders",
    "MultiOrderDetail",
    "Fills",
    "Placements",
    "OrderErrors",
    "History",
    "FetchFailed",
    "Push",
    "PushUpdate",
    "Notice",
    "Link",
    "ActionDone",
];

#[test]
fn every_event_kind_round_trips_through_a_recording() {
    use blotter::app::{PushStatus, Tab};
    use blotter::domain::{
        Fill, MessageLevel, OrderId, OrderMessage, OrderStatus, Page, Side, VenueId,
    };
    use blotter::venue::{Action, ActionReply, PushEvent, VenueError};
    let venue = VenueId::new("treadfi");
    let at: jiff::Timestamp = "2024-01-15T10:00:00.123456Z".parse().unwrap();
    let d = |s: &str| s.parse::<rust_decimal::Decimal>().unwrap();
    let mut order = blotter::domain::Order::new(
        "7fecb061-725b-5477-c84c-8e8685ge0f26",
        "BTC:PERP-USDT",
        Side::Sell,
        OrderStatus::Paused,
    );
    order.executed_qty = Some(d("0.00000100000000000000"));
    let multi = common::multi_orders().remove(0);
    let (pid, placements) = common::placements().remove(0);
    let fill = Fill {
        venue: venue.clone(),
        order_id: order.id.clone(),
        placement_id: Some("pl-1".into()),
        exchange: Some("binance".into()),
        role: Some("MAKE".into()),
        price: Some(d("45000.10")),
        qty: Some(d("0.125")),
        notional: Some(d("5625.0125")),
        fee: Some(d("0.56250125")),
        fee_asset: Some("USDT".into()),
        time: Some(at),
    };
    let events = vec![
        FeedEvent::ActiveOrders {
            venue: venue.clone(),
            page: Page::of(vec![order.clone()]),
            at,
        },
        FeedEvent::ActiveOrdersPart {
            venue: venue.clone(),
            read: 7,
            part: 2,
            page: Page {
                rows: vec![order.clone()],
                bad_rows: Vec::new(),
                page_number: Some(1),
                num_pages: Some(1),
            },
            last: true,
            at,
        },
        FeedEvent::MultiOrders {
            venue: venue.clone(),
            page: Page::of(vec![multi.clone()]),
            at,
        },
        FeedEvent::MultiOrderDetail {
            venue: venue.clone(),
            multi: Box::new(multi),
            at,
        },
        FeedEvent::Fills {
            venue: venue.clone(),
            order_id: order.id.clone(),
            result: Ok(Page::of(vec![fill])),
            at,
        },
        FeedEvent::Placements {
            venue: venue.clone(),
            by_order: vec![(pid, placements)],
            at,
        },
        FeedEvent::OrderErrors {
            venue: venue.clone(),
            messages: vec![OrderMessage {
                venue: venue.clone(),
                order_id: order.id.clone(),
                level: MessageLevel::Error,
                message: "Insufficient balance".into(),
                created_at: Some(at),
            }],
            at,
        },
        FeedEvent::History {
            venue: venue.clone(),
            page: Page::of(vec![{
                let mut done = order.clone();
                done.status = OrderStatus::Complete;
                done.avg_price = Some(d("45000.10"));
                done.stats = Some(Box::new(blotter::domain::ExecutionStats {
                    arrival_price: Some(d("44950.00000000")),
                    interval_vwap: Some(d("45000.00000000")),
                    departure_price: None,
                    interval_volume: Some(d("1000000.00000000")),
                }));
                done
            }]),
            since: at,
            acted: vec![blotter::history::Acted {
                order_id: order.id.to_string(),
                action: "cancel".into(),
                user: "alice".into(),
                at: "2024-01-15T09:59:00Z".into(),
                ok: true,
            }],
            at,
        },
        FeedEvent::FetchFailed {
            venue: venue.clone(),
            tab: Tab::Placements,
            error: VenueError::Http {
                status: 429,
                message: "Too many requests".into(),
                retry_after_secs: Some(7),
            },
            at,
        },
        FeedEvent::Push {
            venue: venue.clone(),
            status: PushStatus::Reconnecting {
                error: "closed".into(),
                retry_at: at,
            },
            at,
        },
        FeedEvent::PushUpdate {
            venue: venue.clone(),
            event: PushEvent::OrderUpdate {
                order_id: order.id.clone(),
                update_type: "fill_received".into(),
                order: Some(Box::new(order.clone())),
            },
            at,
        },
        FeedEvent::Notice {
            text: "audit log not writable".into(),
            at,
        },
        FeedEvent::Link {
            link: blotter::app::FeedLink::Stale {
                since: "2024-01-15T09:59:18.5Z".parse().unwrap(),
            },
            at,
        },
        FeedEvent::ActionDone {
            action: Action::Pause(OrderId::new("o-1")),
            result: Ok(ActionReply {
                status: 200,
                message: "Order paused.".into(),
            }),
            at,
        },
    ];
    let kinds: Vec<_> = events.iter().map(kind).collect();
    assert_eq!(kinds, EVERY_KIND);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("every.jsonl");
    let rec = record::Recorder::create(&path).unwrap();
    for ev in &events {
        rec.record(ev);
    }
    drop(rec);
    let (back, bad) = record::load(&path).unwrap();
    assert_eq!(bad, 0);
    let back: Vec<_> = back.into_iter().map(|r| format!("{:?}", r.event)).collect();
    let sent: Vec<_> = events.iter().map(|e| format!("{e:?}")).collect();
    assert_eq!(back.len(), EVERY_KIND.len());
    for (b, s) in back.iter().zip(&sent) {
        pretty_assertions::assert_eq!(b, s);
    }
}
