//! The venues' bulk endpoints reached from the blotter (issue 14 follow-up): the kill switch and
//! the cancel of marked rows send Anboto's `order/cancelMany` once per venue (split at the
//! venue's maximum), never twice while pending, and the banner counts orders; Tread keeps its
//! venue-wide requests; the real Anboto client against the simulator gets exactly one
//! `cancelMany` with the marked ids.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use std::time::Duration;

use blotter::app::{Command, FeedEvent, Modal, Msg, State, VenueState, update};
use blotter::domain::{OrderId, OrderStatus, Page, Side, VenueId};
use blotter::venue::anboto::ANBOTO_CAPABILITIES;
use blotter::venue::{Action, ActionReply, Capabilities, VenueError};
use common::*;
use crossterm::event::KeyCode;

fn v(name: &str) -> VenueId {
    VenueId::new(name)
}

fn rows(venue: &str, rows: &[(&str, &str)]) -> FeedEvent {
    FeedEvent::ActiveOrders {
        venue: v(venue),
        page: Page::of(
            rows.iter()
                .map(|(id, created)| order(id, "BTC-USDT", Side::Buy, OrderStatus::Active, created))
                .collect(),
        ),
        at: ts(NOW),
    }
}

/// Tread.fi (tf-1, tf-2) and Anboto (7001, 7002, 7003) with `anboto` capabilities.
fn desk(anboto: Capabilities) -> State {
    let mut s = State::with_venues(
        vec![
            VenueState::new(v("treadfi"), "Tread.fi", Capabilities::ALL),
            VenueState::new(v("anboto"), "Anboto", anboto),
        ],
        ts(NOW),
    );
    s.size = (150, 30);
    feed(
        &mut s,
        rows(
            "treadfi",
            &[
                ("tf-1", "2024-01-15T10:25:00Z"),
                ("tf-2", "2024-01-15T10:15:00Z"),
            ],
        ),
    );
    feed(
        &mut s,
        rows(
            "anboto",
            &[
                ("7001", "2024-01-15T10:28:00Z"),
                ("7002", "2024-01-15T10:20:00Z"),
                ("7003", "2024-01-15T10:10:00Z"),
            ],
        ),
    );
    s
}

fn id(s: &str) -> OrderId {
    OrderId::new(s)
}

fn select(s: &mut State, id: &str) {
    ch(s, 'g');
    for _ in 0..s.book.active_view().len() {
        if s.selected_order().is_some_and(|o| o.id.as_str() == id) {
            return;
        }
        ch(s, 'j');
    }
    panic!("{id} not on screen");
}

fn mark(s: &mut State, ids: &[&str]) {
    for i in ids {
        select(s, i);
        ch(s, ' ');
    }
}

fn confirm_lines(s: &State) -> Vec<String> {
    match &s.modal {
        Some(Modal::Confirm(c)) => c.lines.clone(),
        other => panic!("no confirmation: {other:?}"),
    }
}

fn cancel_many(venue: &str, ids: &[&str]) -> Command {
    Command::Act {
        venue: v(venue),
        action: Action::CancelMany {
            venue: v(venue),
            order_ids: ids.iter().map(|i| id(i)).collect(),
        },
    }
}

#[test]
fn kill_switch_everything_sends_one_cancel_many_with_the_anboto_ids() {
    let mut s = desk(ANBOTO_CAPABILITIES);
    ch(&mut s, 'K');
    ch(&mut s, 'e');
    ch(&mut s, 'c');
    let lines = confirm_lines(&s);
    assert!(lines[0].starts_with("CANCEL 5 order(s)"), "{lines:?}");
    assert!(
        lines
            .iter()
            .any(|l| l == "Anboto: 3 order(s) cancelled by id in 1 bulk request(s)"),
        "{lines:?}"
    );
    typed(&mut s, "CANCEL");
    let cmds = key(&mut s, KeyCode::Enter);
    // Newest first: 7001, tf-1, 7002, tf-2, 7003 → Anboto is met first.
    assert_eq!(
        cmds,
        vec![
            cancel_many("anboto", &["7001", "7002", "7003"]),
            Command::Act {
                venue: v("treadfi"),
                action: Action::CancelAll {
                    venue: v("treadfi"),
                    account_names: vec![],
                },
            },
        ]
    );
    // Each Anboto order is in flight, so a single cancel of one of them is not sent again.
    select(&mut s, "7002");
    ch(&mut s, 'c');
    assert!(ch(&mut s, 'y').is_empty());
    let banner = s.banner.clone().unwrap().text;
    assert!(banner.contains("still waiting"), "{banner}");
}

#[test]
fn the_bulk_reply_is_counted_per_order_and_frees_every_order() {
    let mut s = desk(ANBOTO_CAPABILITIES);
    mark(&mut s, &["7001", "7003"]);
    ch(&mut s, 'c');
    let lines = confirm_lines(&s);
    assert!(
        lines.contains(&"Cancel 2 marked order(s)".to_string()),
        "{lines:?}"
    );
    let cmds = ch(&mut s, 'y');
    assert_eq!(cmds, vec![cancel_many("anboto", &["7001", "7003"])]);
    assert!(s.in_flight.contains(&id("7001")) && s.in_flight.contains(&id("7003")));
    // Sending the same marks again while pending sends nothing.
    mark(&mut s, &["7001", "7003"]);
    ch(&mut s, 'c');
    assert!(ch(&mut s, 'y').is_empty());

    let Command::Act { action, .. } = cmds[0].clone() else {
        unreachable!()
    };
    feed(
        &mut s,
        FeedEvent::ActionDone {
            action: action.clone(),
            result: Ok(ActionReply {
                status: 200,
                message: "Cancel requested for 2 order(s)".into(),
            }),
            at: ts(NOW),
        },
    );
    assert_eq!(
        s.banner.clone().unwrap().text,
        "Cancel of 2 order(s) on Anboto in one request: Cancel requested for 2 order(s). \
         Each order's final state shows on the next refresh."
    );
    assert!(s.in_flight.is_empty(), "{:?}", s.in_flight);

    // A refusal names the orders and is an error, not a success.
    let cmds = {
        mark(&mut s, &["7001", "7003"]);
        ch(&mut s, 'c');
        ch(&mut s, 'y')
    };
    assert_eq!(cmds, vec![cancel_many("anboto", &["7001", "7003"])]);
    feed(
        &mut s,
        FeedEvent::ActionDone {
            action,
            result: Err(VenueError::Http {
                status: 200,
                message: "1 of 2 cancels refused: 7003: INVALID_ORDER: already filled".into(),
                retry_after_secs: None,
            }),
            at: ts(NOW),
        },
    );
    let b = s.banner.clone().unwrap();
    assert_eq!(b.level, blotter::app::BannerLevel::Error);
    assert!(
        b.text
            .starts_with("Cancel of 2 order(s) on Anboto in one request failed:")
            && b.text.contains("7003: INVALID_ORDER"),
        "{}",
        b.text
    );
}

#[test]
fn marked_rows_are_split_at_the_venues_maximum_and_tread_rows_cancel_one_by_one() {
    let mut s = desk(Capabilities {
        cancel_many_max: Some(2),
        ..ANBOTO_CAPABILITIES
    });
    mark(&mut s, &["7001", "7002", "7003", "tf-1"]);
    ch(&mut s, 'c');
    let lines = confirm_lines(&s);
    assert!(
        lines.contains(&"Cancel 4 marked order(s)".to_string()),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l == "Anboto: 3 order(s) cancelled by id in 2 bulk request(s)"),
        "{lines:?}"
    );
    let cmds = ch(&mut s, 'y');
    // Marks are kept sorted by id: 7001, 7002, 7003, tf-1.
    assert_eq!(
        cmds,
        vec![
            cancel_many("anboto", &["7001", "7002"]),
            Command::Act {
                venue: v("anboto"),
                action: Action::Cancel(id("7003")),
            },
            Command::Act {
                venue: v("treadfi"),
                action: Action::Cancel(id("tf-1")),
            },
        ]
    );
}

#[test]
fn cancel_many_chunks_follow_the_capabilities() {
    let ids: Vec<OrderId> = ["a", "b", "c", "d", "e"].map(id).to_vec();
    assert_eq!(Capabilities::ALL.cancel_many_chunks(&ids), None);
    assert_eq!(
        ANBOTO_CAPABILITIES.cancel_many_chunks(&ids),
        Some(vec![ids.clone()])
    );
    let two = Capabilities {
        cancel_many_max: Some(2),
        ..ANBOTO_CAPABILITIES
    };
    assert_eq!(
        two.cancel_many_chunks(&ids),
        Some(vec![
            ids[0..2].to_vec(),
            ids[2..4].to_vec(),
            ids[4..].to_vec()
        ])
    );
    assert_eq!(two.cancel_many_chunks(&[]), Some(vec![]));
}

async fn pump(
    s: &mut State,
    rx: &mut tokio::sync::mpsc::Receiver<FeedEvent>,
    secs: u64,
    done: impl Fn(&State) -> bool,
) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    while !done(s) {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(ev)) => {
                update(s, Msg::Feed(ev));
            }
            _ => break,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn marked_anboto_rows_reach_the_simulator_as_one_signed_cancel_many() {
    let sim = blotter::sim::spawn(blotter::sim::SimConfig {
        auto_advance: false,
        ..Default::default()
    })
    .await
    .unwrap();
    let venues = blotter::desk::demo_venues(&sim, Duration::from_secs(5)).unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::channel(1024);
    let states = venues
        .iter()
        .map(|(id, v)| VenueState::new(id.clone(), v.name(), v.capabilities()))
        .collect();
    let mut s = State::with_venues(states, jiff::Timestamp::now());
    s.size = (150, 30);
    let feed_handle = blotter::feed::FeedHandle::join(
        venues
            .into_iter()
            .map(|(venue_id, venue)| {
                let cfg = blotter::feed::FeedConfig {
                    venue_id,
                    interval: Duration::from_millis(150),
                    max_backoff: Duration::from_millis(600),
                    ..Default::default()
                };
                blotter::feed::spawn(venue, cfg, tx.clone())
            })
            .collect::<Vec<_>>(),
    );
    pump(&mut s, &mut rx, 30, |s| {
        s.book.orders().iter().any(|o| o.venue.as_str() == "anboto")
    })
    .await;
    let mut anboto: Vec<String> = s
        .book
        .orders()
        .iter()
        .filter(|o| o.venue.as_str() == "anboto" && !o.status.is_terminal())
        .map(|o| o.id.to_string())
        .collect();
    anboto.sort();
    assert!(anboto.len() >= 2, "{anboto:?}");
    let refs: Vec<&str> = anboto.iter().map(String::as_str).collect();
    mark(&mut s, &refs);

    sim.clear_requests();
    ch(&mut s, 'c');
    let cmds = ch(&mut s, 'y');
    let [Command::Act { venue, action }] = cmds.as_slice() else {
        panic!("{cmds:?}");
    };
    feed_handle
        .send_to(venue, blotter::feed::FeedCommand::Act(action.clone()))
        .unwrap();
    pump(&mut s, &mut rx, 30, |s| s.in_flight.is_empty()).await;
    assert!(s.in_flight.is_empty(), "{:?}", s.in_flight);
    let banner = s.banner.clone().unwrap().text;
    assert!(
        banner.starts_with(&format!(
            "Cancel of {n} order(s) on Anboto in one request: Cancel requested for {n} order(s).",
            n = anboto.len()
        )),
        "{banner}"
    );
    let writes: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .map(|r| (r.method, r.path, r.body))
        .collect();
    let body = format!(
        r#"{{"orders":[{}]}}"#,
        anboto
            .iter()
            .map(|i| format!(r#"{{"order_id":{i}}}"#))
            .collect::<Vec<_>>()
            .join(",")
    );
    assert_eq!(
        writes,
        [(
            "POST".to_string(),
            "/anboto/api/v2/trading/order/cancelMany".to_string(),
            body
        )],
        "exactly one signed cancelMany, to Anboto, and nothing else"
    );
    feed_handle.stop();
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_order_in_a_cancel_many_is_named_in_the_error() {
    let sim = blotter::sim::spawn(blotter::sim::SimConfig {
        auto_advance: false,
        ..Default::default()
    })
    .await
    .unwrap();
    let venues = blotter::desk::demo_venues(&sim, Duration::from_secs(5)).unwrap();
    let (_, anboto) = venues
        .into_iter()
        .find(|(id, _)| id.as_str() == "anboto")
        .unwrap();
    // 7002 is open; 7005 was rejected by the venue, so its cancel is refused.
    let result = anboto
        .act(&Action::CancelMany {
            venue: v("anboto"),
            order_ids: vec![id("7002"), id("7005")],
        })
        .await;
    assert_eq!(
        result,
        Err(VenueError::Http {
            status: 200,
            message: "1 of 2 cancels refused: 7005: INVALID_ORDER: Order is REJECTED".into(),
            retry_after_secs: None,
        })
    );
    sim.shutdown().await;
}
