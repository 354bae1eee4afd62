//! Several venues side by side (issue 8): rows from each venue merged and tagged, one venue's
//! refresh or failure never touching another's rows, actions refused per row from the venue's
//! capabilities and routed to the row's venue, the `venue:` filter, a three-venue screen, and
//! the real clients against the simulator (all three kinds) with one venue answering 500s.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use std::sync::Arc;
use std::time::Duration;

use blotter::app::{Command, Connection, FeedEvent, Modal, Msg, State, Tab, VenueState, update};
use blotter::domain::{OrderId, OrderStatus, Page, Side, VenueId};
use blotter::venue::alphasec::ALPHASEC_CAPABILITIES;
use blotter::venue::anboto::ANBOTO_CAPABILITIES;
use blotter::venue::{Action, Capabilities, VenueError};
use common::*;
use crossterm::event::KeyCode;

fn v(name: &str) -> VenueId {
    VenueId::new(name)
}

fn three_venues() -> State {
    let mut s = State::with_venues(
        vec![
            VenueState::new(v("treadfi"), "Tread.fi", Capabilities::ALL),
            VenueState::new(v("anboto"), "Anboto", ANBOTO_CAPABILITIES),
            VenueState::new(v("alphasec"), "AlphaSec", ALPHASEC_CAPABILITIES),
        ],
        ts(NOW),
    );
    s.size = (150, 30);
    s
}

fn page(venue: &str, rows: &[(&str, &str, Side, &str)]) -> FeedEvent {
    FeedEvent::ActiveOrders {
        venue: v(venue),
        page: Page::of(
            rows.iter()
                .map(|(id, pair, side, created)| {
                    order(id, pair, side.clone(), OrderStatus::Active, created)
                })
                .collect(),
        ),
        at: ts(NOW),
    }
}

/// Treadfi 2 orders, Anboto 2, AlphaSec 1, interleaved in time.
fn loaded() -> State {
    let mut s = three_venues();
    feed(
        &mut s,
        page(
            "treadfi",
            &[
                ("tf-1", "BTC-USDT", Side::Buy, "2024-01-15T10:20:00Z"),
                ("tf-2", "ETH-USDT", Side::Sell, "2024-01-15T10:10:00Z"),
            ],
        ),
    );
    feed(
        &mut s,
        page(
            "anboto",
            &[
                ("7001", "BTC/USDT", Side::Buy, "2024-01-15T10:25:00Z"),
                ("7002", "ETH/USDT", Side::Buy, "2024-01-15T10:05:00Z"),
            ],
        ),
    );
    feed(
        &mut s,
        page(
            "alphasec",
            &[("0xabc", "ALP-USDT", Side::Buy, "2024-01-15T10:15:00Z")],
        ),
    );
    s
}

fn ids(s: &State) -> Vec<String> {
    (0..s.book.active_view().len())
        .filter_map(|i| s.active_row(i))
        .map(|o| format!("{}:{}", o.venue, o.id))
        .collect()
}

fn select(s: &mut State, id: &str) {
    ch(s, 'g');
    for _ in 0..s.book.active_view().len() {
        if s.selected_order().is_some_and(|o| o.id.as_str() == id) {
            return;
        }
        ch(s, 'j');
    }
    panic!("{id} not on screen: {:?}", ids(s));
}

#[test]
fn rows_of_every_venue_are_merged_newest_first_and_tagged() {
    let s = loaded();
    assert_eq!(
        ids(&s),
        [
            "anboto:7001",
            "treadfi:tf-1",
            "alphasec:0xabc",
            "treadfi:tf-2",
            "anboto:7002"
        ]
    );
    assert!(s.venues.iter().all(|v| v.connection == Connection::Polling));
}

#[test]
fn one_venues_refresh_replaces_only_its_own_rows() {
    let mut s = loaded();
    feed(
        &mut s,
        page(
            "anboto",
            &[("7003", "SOL/USDT", Side::Sell, "2024-01-15T10:00:00Z")],
        ),
    );
    assert_eq!(
        ids(&s),
        [
            "treadfi:tf-1",
            "alphasec:0xabc",
            "treadfi:tf-2",
            "anboto:7003"
        ]
    );
    // An empty page empties that venue only.
    feed(&mut s, page("alphasec", &[]));
    assert_eq!(ids(&s), ["treadfi:tf-1", "treadfi:tf-2", "anboto:7003"]);
}

#[test]
fn a_failing_venue_keeps_its_rows_and_says_why_without_touching_the_others() {
    let mut s = loaded();
    feed(
        &mut s,
        FeedEvent::FetchFailed {
            venue: v("alphasec"),
            tab: Tab::Active,
            error: VenueError::Http {
                status: 500,
                message: "Internal Server Error".into(),
                retry_after_secs: None,
            },
            at: ts(NOW),
        },
    );
    assert_eq!(ids(&s).len(), 5, "the last good rows stay");
    let alphasec = s.venue(&v("alphasec")).unwrap();
    assert!(
        matches!(&alphasec.connection, Connection::Retrying { error } if error.contains("500"))
    );
    assert_eq!(
        s.venue(&v("treadfi")).unwrap().connection,
        Connection::Polling
    );
    let f = s.freshness(Tab::Active);
    let (text, _) = f.error.unwrap();
    assert!(text.starts_with("AlphaSec: 500"), "{text}");
    // The others keep updating; the failing venue's error stays until it answers again.
    feed(
        &mut s,
        page(
            "treadfi",
            &[("tf-3", "SOL-USDT", Side::Buy, "2024-01-15T10:29:00Z")],
        ),
    );
    assert!(ids(&s).contains(&"treadfi:tf-3".to_string()));
    assert!(s.freshness(Tab::Active).error.is_some());
    feed(
        &mut s,
        page(
            "alphasec",
            &[("0xabc", "ALP-USDT", Side::Buy, "2024-01-15T10:15:00Z")],
        ),
    );
    assert!(s.freshness(Tab::Active).error.is_none());
}

#[test]
fn actions_are_refused_per_row_from_the_venues_capabilities() {
    let mut s = loaded();
    // Anboto: cancel only.
    select(&mut s, "7001");
    assert!(ch(&mut s, 'p').is_empty());
    assert!(s.modal.is_none());
    let banner = s.banner.clone().unwrap().text;
    assert_eq!(banner, "Pause is not supported by Anboto.");
    assert!(ch(&mut s, 'a').is_empty());
    assert!(s.modal.is_none(), "no amend form for Anboto");
    // AlphaSec: read-only venue.
    select(&mut s, "0xabc");
    assert!(ch(&mut s, 'c').is_empty());
    assert!(s.modal.is_none());
    let banner = s.banner.clone().unwrap().text;
    assert!(banner.contains("AlphaSec is a read-only venue"), "{banner}");
    // Tread.fi: everything.
    select(&mut s, "tf-1");
    ch(&mut s, 'p');
    assert!(matches!(s.modal, Some(Modal::Confirm(_))));
}

#[test]
fn a_confirmed_action_is_routed_to_the_rows_venue() {
    let mut s = loaded();
    select(&mut s, "7002");
    ch(&mut s, 'c');
    let cmds = ch(&mut s, 'y');
    assert_eq!(
        cmds,
        vec![Command::Act {
            venue: v("anboto"),
            action: Action::Cancel(OrderId::new("7002")),
        }]
    );
}

#[test]
fn bulk_actions_leave_out_rows_whose_venue_cannot_and_say_so() {
    let mut s = loaded();
    ch(&mut s, 'V');
    ch(&mut s, 'p');
    let Some(Modal::Confirm(c)) = s.modal.clone() else {
        panic!("no confirm: {:?}", s.banner);
    };
    assert_eq!(c.title, "Pause 2 marked orders?");
    assert!(
        c.lines.iter().any(|l| l.starts_with("3 order(s) left out")),
        "{:?}",
        c.lines
    );
    key(&mut s, KeyCode::Left);
    let cmds = key(&mut s, KeyCode::Enter);
    let sent: Vec<_> = cmds
        .iter()
        .map(|c| match c {
            Command::Act { venue, action } => format!("{venue}:{}", action.order_id()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(sent, ["treadfi:tf-1", "treadfi:tf-2"]);
}

#[test]
fn the_venue_filter_narrows_to_one_venue() {
    let mut s = loaded();
    ch(&mut s, '/');
    typed(&mut s, "venue:anboto");
    key(&mut s, KeyCode::Enter);
    assert_eq!(ids(&s), ["anboto:7001", "anboto:7002"]);
    ch(&mut s, '/');
    for _ in 0.."venue:anboto".len() {
        key(&mut s, KeyCode::Backspace);
    }
    typed(&mut s, "venue:a*");
    key(&mut s, KeyCode::Enter);
    assert_eq!(ids(&s).len(), 3);
}

#[test]
fn three_venues_on_one_screen() {
    let mut s = loaded();
    s.size = (150, 20);
    feed(
        &mut s,
        FeedEvent::Push {
            venue: v("treadfi"),
            status: blotter::app::PushStatus::Live,
            at: ts(NOW),
        },
    );
    feed(
        &mut s,
        FeedEvent::FetchFailed {
            venue: v("alphasec"),
            tab: Tab::Active,
            error: VenueError::Http {
                status: 500,
                message: "Internal Server Error".into(),
                retry_after_secs: None,
            },
            at: ts(NOW),
        },
    );
    update(&mut s, Msg::Tick(ts("2024-01-15T10:30:03Z")));
    let text = screen(&s);
    assert!(text.contains("Tread.fi ● live"), "{text}");
    assert!(text.contains("Anboto ● polling"), "{text}");
    assert!(text.contains("AlphaSec ● retrying — 500"), "{text}");
    insta::assert_snapshot!(text);
}

/// Sends every event from the channel into the state until `done` holds or time runs out.
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

fn spawn_desk(
    venues: Vec<(VenueId, Arc<dyn blotter::venue::Venue>)>,
    tx: tokio::sync::mpsc::Sender<FeedEvent>,
) -> (blotter::feed::FeedHandle, State) {
    let states = venues
        .iter()
        .map(|(id, v)| VenueState::new(id.clone(), v.name(), v.capabilities()))
        .collect();
    let state = State::with_venues(states, jiff::Timestamp::now());
    let handle = blotter::feed::FeedHandle::join(
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
            .collect(),
    );
    (handle, state)
}

fn venues_with_rows(s: &State) -> std::collections::BTreeSet<String> {
    s.book
        .orders()
        .iter()
        .map(|o| o.venue.to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_desk_shows_all_three_venues_and_routes_a_cancel_to_anboto() {
    let sim = blotter::sim::spawn(blotter::sim::SimConfig {
        auto_advance: false,
        ..Default::default()
    })
    .await
    .unwrap();
    let venues = blotter::desk::demo_venues(&sim, Duration::from_secs(5)).unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::channel(1024);
    let (feed, mut s) = spawn_desk(venues, tx);
    pump(&mut s, &mut rx, 30, |s| venues_with_rows(s).len() == 3).await;
    assert_eq!(
        venues_with_rows(&s),
        ["alphasec", "anboto", "treadfi"]
            .map(String::from)
            .into_iter()
            .collect()
    );
    // AlphaSec market ids are shown through the token map; Anboto symbols as sent.
    assert!(
        s.book.orders().iter().any(|o| o.pair == "ALP-USDT"),
        "token map"
    );
    assert!(
        s.book
            .orders()
            .iter()
            .any(|o| o.venue.as_str() == "anboto" && o.pair == "BTC/USDT")
    );
    // Anboto rejection reasons reach the errors tab, tagged with the venue.
    pump(&mut s, &mut rx, 30, |s| {
        s.book
            .messages()
            .iter()
            .any(|m| m.venue.as_str() == "anboto")
    })
    .await;
    let m = s
        .book
        .messages()
        .iter()
        .find(|m| m.venue.as_str() == "anboto")
        .unwrap();
    assert!(m.message.starts_with("SLIPPAGE_EXCEEDED"), "{}", m.message);

    sim.clear_requests();
    select(&mut s, "7002");
    ch(&mut s, 'c');
    let cmds = ch(&mut s, 'y');
    let [Command::Act { venue, action }] = cmds.as_slice() else {
        panic!("{cmds:?}");
    };
    feed.send_to(venue, blotter::feed::FeedCommand::Act(action.clone()))
        .unwrap();
    pump(&mut s, &mut rx, 30, |s| s.in_flight.is_empty()).await;
    let banner = s.banner.clone().unwrap().text;
    assert!(banner.starts_with("Cancel 7002: "), "{banner}");
    let writes: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .map(|r| (r.path, r.body))
        .collect();
    assert_eq!(
        writes,
        [(
            "/anboto/api/v2/trading/order/cancel".to_string(),
            r#"{"order_id":7002}"#.to_string()
        )],
        "exactly one signed cancel, to Anboto, and nothing to the other venues"
    );
    pump(&mut s, &mut rx, 30, |s| {
        !s.book
            .orders()
            .iter()
            .any(|o| o.venue.as_str() == "anboto" && o.id.as_str() == "7002")
    })
    .await;
    assert!(!ids(&s).contains(&"anboto:7002".to_string()));
    feed.stop();
    sim.shutdown().await;
}

/// A venue that answers every request with 500.
async fn always_500() -> String {
    let app = axum::Router::new().fallback(|| async {
        (
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            axum::Json(serde_json::json!({"code": 500, "errMsg": "boom", "result": null})),
        )
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_venue_answering_500s_never_stops_the_others() {
    let sim = blotter::sim::spawn(blotter::sim::SimConfig::default())
        .await
        .unwrap();
    let mut venues = blotter::desk::demo_venues(&sim, Duration::from_secs(5)).unwrap();
    let broken = blotter::venue::alphasec::AlphaSecClient::new(
        &always_500().await,
        "0xdead".into(),
        Default::default(),
        Duration::from_secs(5),
    )
    .unwrap();
    venues[2].1 = Arc::new(broken);
    let (tx, mut rx) = tokio::sync::mpsc::channel(1024);
    let (feed, mut s) = spawn_desk(venues, tx);
    let alphasec_failing = |s: &State| {
        matches!(
            s.venue(&v("alphasec")).map(|v| &v.connection),
            Some(Connection::Retrying { .. })
        )
    };
    pump(&mut s, &mut rx, 30, |s| {
        alphasec_failing(s) && venues_with_rows(s).len() == 2
    })
    .await;
    assert!(alphasec_failing(&s), "{:?}", s.venues);
    // The others keep refreshing while AlphaSec keeps failing: count fresh pages per venue.
    let (mut treadfi, mut anboto, mut alphasec_ok) = (0, 0, 0);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while (treadfi < 3 || anboto < 3) && tokio::time::Instant::now() < deadline {
        let Ok(Some(ev)) = tokio::time::timeout_at(deadline, rx.recv()).await else {
            break;
        };
        if let FeedEvent::ActiveOrders { venue, .. } = &ev {
            match venue.as_str() {
                "treadfi" => treadfi += 1,
                "anboto" => anboto += 1,
                _ => alphasec_ok += 1,
            }
        }
        update(&mut s, Msg::Feed(ev));
    }
    assert!(
        treadfi >= 3 && anboto >= 3,
        "treadfi {treadfi}, anboto {anboto}"
    );
    assert_eq!(alphasec_ok, 0);
    assert!(alphasec_failing(&s));
    assert_eq!(venues_with_rows(&s).len(), 2);
    let (text, _) = s.freshness(Tab::Active).error.unwrap();
    assert!(text.contains("AlphaSec: 500"), "{text}");
    feed.stop();
    sim.shutdown().await;
}
