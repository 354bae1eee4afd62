//! Issue 14, request budget: requests per poll cycle follow what changed, not how many orders
//! there are. The real feed drives the real clients against a recording stub; the poll
//! interval is an hour, so every cycle here is one the test asked for (`Refresh`), never a
//! regular poll.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod recording;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use blotter::app::FeedEvent;
use blotter::feed::{self, FeedCommand, FeedConfig, FeedHandle};
use blotter::venue::Venue;
use blotter::venue::alphasec::{AlphaSecClient, TokenMap};
use blotter::venue::treadfi::TreadfiClient;
use recording::{Recording, alphasec_order, alphasec_trade, envelope, start, tread_order};
use serde_json::json;
use tokio::sync::mpsc;

fn slow_feed() -> FeedConfig {
    FeedConfig {
        interval: Duration::from_secs(3600),
        ..FeedConfig::default()
    }
}

/// Waits for the next `Placements` event (other events are skipped); its order ids.
async fn next_placements(rx: &mut mpsc::Receiver<FeedEvent>) -> Vec<String> {
    loop {
        let ev = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("a placements cycle within 10 s")
            .expect("feed running");
        if let FeedEvent::Placements { by_order, .. } = ev {
            return by_order
                .into_iter()
                .map(|(id, _)| id.as_str().to_owned())
                .collect();
        }
    }
}

/// Placements requests so far: (order_id, after) in order.
fn placement_reads(r: &Recording) -> Vec<(String, Option<String>)> {
    r.to("/api/placements/")
        .iter()
        .map(|s| {
            (
                s.param("order_id").unwrap().to_owned(),
                s.param("after").map(str::to_owned),
            )
        })
        .collect()
}

/// Asks for cycles until `done` holds for the stub's log (at most 10 cycles).
async fn cycle_until(
    handle: &FeedHandle,
    rx: &mut mpsc::Receiver<FeedEvent>,
    r: &Recording,
    done: impl Fn(&Recording) -> bool,
) {
    for _ in 0..10 {
        if done(r) {
            return;
        }
        handle.send(FeedCommand::Refresh).unwrap();
        next_placements(rx).await;
    }
    assert!(
        done(r),
        "not reached in 10 cycles: {:?}",
        placement_reads(r)
    );
}

#[tokio::test]
async fn tread_placements_only_for_changed_orders_and_the_open_detail() {
    let versions: Arc<Mutex<BTreeMap<String, u32>>> =
        Arc::new(Mutex::new((0..10).map(|i| (format!("o{i}"), 1)).collect()));
    let v = versions.clone();
    let r = start(Arc::new(move |_, path, q| {
        let body = match path {
            "/api/active_orders/" => {
                let rows: Vec<_> = v
                    .lock()
                    .unwrap()
                    .iter()
                    .map(|(id, n)| tread_order(id, *n))
                    .collect();
                json!({"orders": rows, "order_count": rows.len()})
            }
            "/api/placements/" => {
                let id = q
                    .split('&')
                    .find_map(|p| p.strip_prefix("order_id="))
                    .unwrap();
                json!({"placements": [
                    recording::tread_placement(&format!("{id}-a"), "FILLED", "2024-01-01T00:00:00Z"),
                    recording::tread_placement(&format!("{id}-b"), "ACTIVE", "2024-01-01T00:05:00Z"),
                ], "page_number": 1, "page_size": 100, "num_pages": 1, "count": 2})
            }
            "/api/multi_orders/" => json!({"multi_orders": [], "page_number": 1, "num_pages": 1}),
            "/api/order_errors/" => json!({}),
            _ => return (404, json!({"detail": "Not found."}).to_string()),
        };
        (200, body.to_string())
    }))
    .await;
    let venue: Arc<dyn Venue> =
        Arc::new(TreadfiClient::new(&r.base, None, Duration::from_secs(5)).unwrap());
    let (tx, mut rx) = mpsc::channel(256);
    let handle = feed::spawn(venue, slow_feed(), tx);

    // First cycle: every order is new, all placements read, nothing known yet.
    cycle_until(&handle, &mut rx, &r, |r| placement_reads(r).len() >= 10).await;
    let first = placement_reads(&r);
    assert_eq!(first.len(), 10, "{first:?}");
    let ids: BTreeSet<&str> = first.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids.len(), 10);
    assert!(first.iter().all(|(_, after)| after.is_none()), "{first:?}");

    // Two orders change: only they are read again, from just before their open placement.
    {
        let mut v = versions.lock().unwrap();
        *v.get_mut("o3").unwrap() += 1;
        *v.get_mut("o7").unwrap() += 1;
    }
    cycle_until(&handle, &mut rx, &r, |r| placement_reads(r).len() >= 12).await;
    let second = placement_reads(&r)[10..].to_vec();
    let since = Some("2024-01-01T00%3A04%3A59Z".to_owned());
    let mut got = second.clone();
    got.sort();
    assert_eq!(
        got,
        [
            ("o3".to_owned(), since.clone()),
            ("o7".to_owned(), since.clone())
        ]
    );

    // Nothing changes: cycles read no placements at all.
    for _ in 0..3 {
        handle.send(FeedCommand::Refresh).unwrap();
        next_placements(&mut rx).await;
    }
    assert_eq!(placement_reads(&r).len(), 12, "{:?}", placement_reads(&r));

    // The order whose detail is open (o5, unchanged) is read every cycle, from `after`.
    handle
        .send(FeedCommand::FetchFills(blotter::domain::OrderId::new("o5")))
        .unwrap();
    for _ in 0..2 {
        handle.send(FeedCommand::Refresh).unwrap();
        next_placements(&mut rx).await;
    }
    let focused = placement_reads(&r)[12..].to_vec();
    assert!(!focused.is_empty());
    assert!(
        focused
            .iter()
            .all(|(id, after)| id == "o5" && after == &since),
        "{focused:?}"
    );
    handle.stop();
}

/// The AlphaSec trades endpoint is per address: one read per cycle whether 5 or 300 orders
/// are open; order errors come from one history read, not one read per order.
#[tokio::test]
async fn alphasec_trades_once_per_cycle_whatever_the_order_count() {
    for n in [5i64, 300] {
        let now = jiff::Timestamp::now().as_millisecond();
        let r = start(Arc::new(move |_, path, _| {
            let rows = match path {
                "/api/v1/order/open" => (0..n)
                    .map(|i| alphasec_order(&format!("0x{i}"), now - 60_000 - i))
                    .collect::<Vec<_>>(),
                "/api/v1/order/trade" => (0..n)
                    .map(|i| alphasec_trade(&format!("t{i}"), &format!("0x{i}"), now - 30_000))
                    .collect(),
                _ => Vec::new(),
            };
            (200, envelope(json!(rows)))
        }))
        .await;
        let venue: Arc<dyn Venue> = Arc::new(
            AlphaSecClient::new(
                &r.base,
                "0xabc".into(),
                TokenMap::new(),
                Duration::from_secs(5),
            )
            .unwrap()
            .with_limit(500),
        );
        let (tx, mut rx) = mpsc::channel(256);
        let handle = feed::spawn(venue, slow_feed(), tx);
        // One cycle of the placements and the errors pollers.
        let (mut read, mut errors) = (None, false);
        while read.is_none() || !errors {
            let ev = tokio::time::timeout(Duration::from_secs(10), rx.recv())
                .await
                .expect("both pollers report within 10 s")
                .unwrap();
            match ev {
                FeedEvent::Placements { by_order, .. } => read = Some(by_order),
                FeedEvent::OrderErrors { .. } => errors = true,
                _ => {}
            }
        }
        let read = read.unwrap();
        assert_eq!(read.len(), (n as usize).min(100), "n = {n}");
        assert!(
            read.iter()
                .all(|(id, page)| page.rows.len() == 1 && page.rows[0].order_id == *id),
            "each order got its own trade"
        );
        assert_eq!(r.to("/api/v1/order/trade").len(), 1, "n = {n}");
        let per_order = r
            .log
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.path.starts_with("/api/v1/order/0x"))
            .count();
        assert_eq!(per_order, 0, "no per-order reads (n = {n})");
        // Issue 15: the History tab reads the same endpoint from its window's start (`from`);
        // the errors poller's read has no `from` (the venue's default range).
        let reads = r.to("/api/v1/order");
        let history = reads.iter().filter(|s| s.param("from").is_none()).count();
        assert_eq!(history, 1, "one history read for all ids (n = {n})");
        assert!(
            reads.len() - history <= 1,
            "the History tab reads once (n = {n})"
        );
        handle.stop();
    }
}
