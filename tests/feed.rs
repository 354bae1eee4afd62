//! The feed against a scripted in-memory venue: a failing endpoint never stops the others,
//! the last error is reported and the feed recovers; actions are sent exactly once and trigger
//! a refresh; a hanging request never blocks actions; pushed updates flow through.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use blotter::app::{FeedEvent, PushStatus, Tab};
use blotter::domain::*;
use blotter::feed::{self, FeedCommand, FeedConfig};
use blotter::venue::*;
use futures_util::future::BoxFuture;
use tokio::sync::mpsc;

#[derive(Default)]
struct Fake {
    active_calls: AtomicUsize,
    fail_active_first: AtomicUsize,
    hang_placements: bool,
    acts: Mutex<Vec<Action>>,
    push: Mutex<Option<mpsc::Receiver<VenueResult<PushEvent>>>>,
}

fn order(id: &str) -> Order {
    Order::new(id, "BTC-USDT", Side::Buy, OrderStatus::Active)
}

impl Venue for Fake {
    fn name(&self) -> &str {
        "Fake"
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities::ALL
    }
    fn active_orders(&self) -> BoxFuture<'_, VenueResult<Page<Order>>> {
        Box::pin(async move {
            self.active_calls.fetch_add(1, Ordering::SeqCst);
            if self.fail_active_first.load(Ordering::SeqCst) > 0 {
                self.fail_active_first.fetch_sub(1, Ordering::SeqCst);
                return Err(VenueError::Http {
                    status: 503,
                    message: "Service unavailable".into(),
                    retry_after_secs: None,
                });
            }
            Ok(Page::of(vec![order("a"), order("b")]))
        })
    }
    fn multi_orders(&self, _page: u32) -> BoxFuture<'_, VenueResult<Page<MultiOrder>>> {
        Box::pin(async { Err(VenueError::Network("multi endpoint down".into())) })
    }
    fn multi_order(&self, _id: &OrderId) -> BoxFuture<'_, VenueResult<MultiOrder>> {
        Box::pin(async { Err(VenueError::Network("n/a".into())) })
    }
    fn placements(&self, _id: &OrderId) -> BoxFuture<'_, VenueResult<Page<Placement>>> {
        let hang = self.hang_placements;
        Box::pin(async move {
            if hang {
                std::future::pending::<()>().await;
            }
            Ok(Page::of(Vec::new()))
        })
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
    fn act(&self, action: &Action) -> BoxFuture<'_, VenueResult<ActionReply>> {
        self.acts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(action.clone());
        Box::pin(async {
            Ok(ActionReply {
                status: 202,
                message: "Successfully paused order.".into(),
            })
        })
    }
    fn push(&self) -> BoxFuture<'_, VenueResult<Option<PushStream>>> {
        let rx = self.push.lock().unwrap_or_else(|e| e.into_inner()).take();
        Box::pin(async move {
            match rx {
                None => Ok(None),
                Some(rx) => Ok(Some(Box::pin(futures_util::stream::unfold(
                    rx,
                    |mut rx| async move { rx.recv().await.map(|i| (i, rx)) },
                )) as PushStream)),
            }
        })
    }
}

fn cfg() -> FeedConfig {
    FeedConfig {
        interval: Duration::from_millis(50),
        max_backoff: Duration::from_millis(200),
        ..FeedConfig::default()
    }
}

async fn next_matching(
    rx: &mut mpsc::Receiver<FeedEvent>,
    pred: impl Fn(&FeedEvent) -> bool,
) -> FeedEvent {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(ev)) if pred(&ev) => return ev,
            Ok(Some(_)) => continue,
            Ok(None) => panic!("feed stopped"),
            Err(_) => panic!("timed out"),
        }
    }
}

#[tokio::test]
async fn errors_are_reported_and_the_feed_recovers_while_others_keep_going() {
    let venue = Arc::new(Fake::default());
    venue.fail_active_first.store(2, Ordering::SeqCst);
    let (tx, mut rx) = mpsc::channel(64);
    let handle = feed::spawn(venue.clone(), cfg(), tx);
    let ev = next_matching(&mut rx, |e| {
        matches!(
            e,
            FeedEvent::FetchFailed {
                tab: Tab::Active,
                ..
            }
        )
    })
    .await;
    match ev {
        FeedEvent::FetchFailed { error, .. } => {
            assert_eq!(error.to_string(), "503 Service unavailable")
        }
        _ => unreachable!(),
    }
    // Multi-orders keep failing on their own…
    next_matching(&mut rx, |e| {
        matches!(
            e,
            FeedEvent::FetchFailed {
                tab: Tab::Multi,
                ..
            }
        )
    })
    .await;
    // …while active orders recover by themselves, and errors are fetched for their ids.
    next_matching(
        &mut rx,
        |e| matches!(e, FeedEvent::ActiveOrders { page, .. } if page.rows.len() == 2),
    )
    .await;
    let ev = next_matching(&mut rx, |e| matches!(e, FeedEvent::OrderErrors { .. })).await;
    assert!(
        matches!(ev, FeedEvent::OrderErrors { messages, .. } if messages[0].message == "2 ids")
    );
    handle.stop();
}

#[tokio::test]
async fn actions_are_sent_once_even_while_a_request_hangs() {
    let venue = Arc::new(Fake {
        hang_placements: true,
        ..Fake::default()
    });
    let (tx, mut rx) = mpsc::channel(64);
    // An hour between polls: the only way active orders come again within the test is the
    // refresh the action itself asks for.
    let slow = FeedConfig {
        interval: Duration::from_secs(3600),
        ..cfg()
    };
    let handle = feed::spawn(venue.clone(), slow, tx);
    next_matching(&mut rx, |e| matches!(e, FeedEvent::ActiveOrders { .. })).await;
    let before = venue.active_calls.load(Ordering::SeqCst);
    let action = Action::Pause(OrderId::new("a"));
    assert!(handle.send(FeedCommand::Act(action.clone())).is_ok());
    let ev = next_matching(&mut rx, |e| matches!(e, FeedEvent::ActionDone { .. })).await;
    assert!(
        matches!(ev, FeedEvent::ActionDone { result: Ok(ref r), .. } if r.message == "Successfully paused order.")
    );
    assert_eq!(
        *venue.acts.lock().unwrap_or_else(|e| e.into_inner()),
        vec![action]
    );
    // The order refreshes right after the reply.
    next_matching(&mut rx, |e| matches!(e, FeedEvent::ActiveOrders { .. })).await;
    assert_eq!(venue.active_calls.load(Ordering::SeqCst), before + 1);
    handle.stop();
}

#[tokio::test]
async fn pushed_updates_flow_and_a_drop_is_reported() {
    let (push_tx, push_rx) = mpsc::channel(8);
    let venue = Arc::new(Fake {
        push: Mutex::new(Some(push_rx)),
        ..Fake::default()
    });
    let (tx, mut rx) = mpsc::channel(64);
    let handle = feed::spawn(venue.clone(), cfg(), tx);
    next_matching(&mut rx, |e| {
        matches!(
            e,
            FeedEvent::Push {
                status: PushStatus::Live,
                ..
            }
        )
    })
    .await;
    let ev = PushEvent::OrderUpdate {
        order_id: OrderId::new("a"),
        update_type: "fill_received".into(),
        order: Some(Box::new(order("a"))),
    };
    assert!(push_tx.send(Ok(ev.clone())).await.is_ok());
    let got = next_matching(&mut rx, |e| matches!(e, FeedEvent::PushUpdate { .. })).await;
    assert!(matches!(got, FeedEvent::PushUpdate { event, .. } if event == ev));
    drop(push_tx);
    // The fake has only one stream: the next connect finds none and says polling only.
    next_matching(&mut rx, |e| {
        matches!(
            e,
            FeedEvent::Push {
                status: PushStatus::Reconnecting { .. },
                ..
            }
        )
    })
    .await;
    handle.stop();
}
