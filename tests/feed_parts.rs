//! The active-orders poller reading in parts (`Venue::active_orders_parts`, issue 19): each
//! part reaches the app while the reply is still arriving, the read's last part says so, the
//! ids of every part make the snapshot the other pollers read, a failed part ends the read
//! without a last part, and a hub's feed still sends each read whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::sync::{Arc, Mutex};
use std::time::Duration;

use blotter::app::{FeedEvent, Tab};
use blotter::domain::*;
use blotter::feed::{self, FeedConfig};
use blotter::venue::*;
use futures_util::StreamExt;
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use tokio::sync::mpsc;

/// A venue whose first active-orders read yields the parts the test sends, as it sends them,
/// and ends when the test drops the sender; later reads never answer.
struct Scripted {
    parts: Mutex<Option<mpsc::UnboundedReceiver<VenueResult<Page<Order>>>>>,
}

fn scripted() -> (
    Arc<Scripted>,
    mpsc::UnboundedSender<VenueResult<Page<Order>>>,
) {
    let (tx, rx) = mpsc::unbounded_channel();
    let venue = Scripted {
        parts: Mutex::new(Some(rx)),
    };
    (Arc::new(venue), tx)
}

fn rows(ids: &[&str]) -> Page<Order> {
    Page::of(
        ids.iter()
            .map(|id| Order::new(*id, "BTC-USDT", Side::Buy, OrderStatus::Active))
            .collect(),
    )
}

impl Venue for Scripted {
    fn name(&self) -> &str {
        "Scripted"
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities::ALL
    }
    fn active_orders(&self) -> BoxFuture<'_, VenueResult<Page<Order>>> {
        Box::pin(async { Err(VenueError::Network("read in parts only".into())) })
    }
    fn active_orders_parts(&self) -> BoxStream<'_, VenueResult<Page<Order>>> {
        match self.parts.lock().unwrap().take() {
            Some(rx) => futures_util::stream::unfold(rx, |mut rx| async move {
                rx.recv().await.map(|p| (p, rx))
            })
            .boxed(),
            None => futures_util::stream::pending().boxed(),
        }
    }
    fn multi_orders(&self, _page: u32) -> BoxFuture<'_, VenueResult<Page<MultiOrder>>> {
        Box::pin(async { Ok(Page::of(Vec::new())) })
    }
    fn multi_order(&self, _id: &OrderId) -> BoxFuture<'_, VenueResult<MultiOrder>> {
        Box::pin(async { Err(VenueError::Network("n/a".into())) })
    }
    fn placements(&self, _id: &OrderId) -> BoxFuture<'_, VenueResult<Page<Placement>>> {
        Box::pin(async { Ok(Page::of(Vec::new())) })
    }
    fn order_errors(&self, ids: &[OrderId]) -> BoxFuture<'_, VenueResult<Vec<OrderMessage>>> {
        let n = ids.len();
        Box::pin(async move {
            Ok(vec![OrderMessage {
                venue: Default::default(),
                order_id: OrderId::new("a"),
                level: MessageLevel::Info,
                message: format!("{n} ids"),
                created_at: None,
            }])
        })
    }
    fn act(&self, _action: &Action) -> BoxFuture<'_, VenueResult<ActionReply>> {
        Box::pin(async { Err(VenueError::Network("n/a".into())) })
    }
}

fn cfg() -> FeedConfig {
    FeedConfig {
        // One read per test: the next poll is an hour away.
        interval: Duration::from_secs(3600),
        // Every part of the venue goes out as it comes.
        active_part_rows: 1,
        ..FeedConfig::default()
    }
}

/// The next active-orders event (a part, a whole read, or an active-orders failure).
async fn next_active(rx: &mut mpsc::Receiver<FeedEvent>) -> FeedEvent {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(
                ev @ (FeedEvent::ActiveOrders { .. }
                | FeedEvent::ActiveOrdersPart { .. }
                | FeedEvent::FetchFailed {
                    tab: Tab::Active, ..
                }),
            )) => return ev,
            Ok(Some(_)) => continue,
            Ok(None) => panic!("feed stopped"),
            Err(_) => panic!("timed out waiting for an active-orders event"),
        }
    }
}

/// `(part, ids, last)` of a part event.
fn part_of(ev: &FeedEvent) -> (u32, Vec<String>, bool) {
    match ev {
        FeedEvent::ActiveOrdersPart {
            part, page, last, ..
        } => (
            *part,
            page.rows.iter().map(|o| o.id.to_string()).collect(),
            *last,
        ),
        other => panic!("not a part: {other:?}"),
    }
}

#[tokio::test]
async fn the_first_part_reaches_the_app_while_the_reply_is_still_arriving() {
    let (venue, parts) = scripted();
    let (tx, mut rx) = mpsc::channel(64);
    let handle = feed::spawn(venue, cfg(), tx);
    parts.send(Ok(rows(&["a1", "a2"]))).unwrap();
    // The stream is still open (its sender is held here, nothing else sent): the first part
    // is out already.
    let first = next_active(&mut rx).await;
    assert_eq!(part_of(&first), (0, vec!["a1".into(), "a2".into()], false));
    let read = match first {
        FeedEvent::ActiveOrdersPart { read, .. } => read,
        _ => unreachable!(),
    };
    parts.send(Ok(rows(&["b1"]))).unwrap();
    let mut last = rows(&["c1"]);
    last.page_number = Some(1);
    last.num_pages = Some(1);
    parts.send(Ok(last)).unwrap();
    drop(parts);
    assert_eq!(
        part_of(&next_active(&mut rx).await),
        (1, vec!["b1".into()], false)
    );
    assert_eq!(
        part_of(&next_active(&mut rx).await),
        (2, vec!["c1".into()], false)
    );
    // The stream's end is the last part (empty here), with the venue's paging.
    let end = next_active(&mut rx).await;
    assert_eq!(part_of(&end), (3, Vec::<String>::new(), true));
    assert!(
        matches!(&end, FeedEvent::ActiveOrdersPart { read: r, page, .. }
            if *r == read && page.num_pages == Some(1) && page.page_number == Some(1)),
        "{end:?}"
    );
    // The snapshot the other pollers read holds the ids of every part.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(FeedEvent::OrderErrors { messages, .. })) => {
                assert_eq!(messages[0].message, "4 ids");
                break;
            }
            Ok(Some(_)) => continue,
            other => panic!("no order errors read: {other:?}"),
        }
    }
    handle.stop();
}

#[tokio::test]
async fn a_failed_part_ends_the_read_without_a_last_part() {
    let (venue, parts) = scripted();
    let (tx, mut rx) = mpsc::channel(64);
    let handle = feed::spawn(venue, cfg(), tx);
    parts.send(Ok(rows(&["a1"]))).unwrap();
    parts.send(Ok(rows(&["b1"]))).unwrap();
    parts
        .send(Err(VenueError::Network("connection reset".into())))
        .unwrap();
    assert_eq!(
        part_of(&next_active(&mut rx).await),
        (0, vec!["a1".into()], false)
    );
    // The part read before the failure still goes (its rows are fresher), not as the last.
    assert_eq!(
        part_of(&next_active(&mut rx).await),
        (1, vec!["b1".into()], false)
    );
    match next_active(&mut rx).await {
        FeedEvent::FetchFailed { error, .. } => {
            assert_eq!(error.to_string(), "network: connection reset")
        }
        other => panic!("{other:?}"),
    }
    handle.stop();
}

#[tokio::test]
async fn a_hub_feed_sends_the_read_whole() {
    let (venue, parts) = scripted();
    let (tx, mut rx) = mpsc::channel(64);
    let whole = FeedConfig {
        active_in_parts: false,
        ..cfg()
    };
    let handle = feed::spawn(venue, whole, tx);
    parts.send(Ok(rows(&["a1", "a2"]))).unwrap();
    parts.send(Ok(rows(&["b1"]))).unwrap();
    drop(parts);
    match next_active(&mut rx).await {
        FeedEvent::ActiveOrders { page, .. } => {
            let ids: Vec<String> = page.rows.iter().map(|o| o.id.to_string()).collect();
            assert_eq!(ids, ["a1", "a2", "b1"]);
        }
        other => panic!("{other:?}"),
    }
    handle.stop();
}

#[tokio::test]
async fn a_read_smaller_than_a_part_goes_whole() {
    let (venue, parts) = scripted();
    let (tx, mut rx) = mpsc::channel(64);
    let default_parts = FeedConfig {
        active_part_rows: FeedConfig::default().active_part_rows,
        ..cfg()
    };
    assert_eq!(default_parts.active_part_rows, 1000);
    let handle = feed::spawn(venue, default_parts, tx);
    parts.send(Ok(rows(&["a1"]))).unwrap();
    let mut last = rows(&["b1"]);
    last.num_pages = Some(1);
    parts.send(Ok(last)).unwrap();
    drop(parts);
    match next_active(&mut rx).await {
        FeedEvent::ActiveOrders { page, .. } => {
            let ids: Vec<String> = page.rows.iter().map(|o| o.id.to_string()).collect();
            assert_eq!(ids, ["a1", "b1"]);
            assert_eq!(page.num_pages, Some(1));
        }
        other => panic!("{other:?}"),
    }
    handle.stop();
}
