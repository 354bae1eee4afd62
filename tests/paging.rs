//! Issue 14, "read everything, say when you can't": every documented page is read (Tread
//! placements, orders, multi-orders; AlphaSec past 100 rows and past the 30-day look-back), and
//! a read stopped at a cap says so in the tab title. The real clients run against a recording
//! stub; the assertions are on what was requested.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod recording;

use std::sync::Arc;
use std::time::Duration;

use blotter::app::{FeedEvent, State, update};
use blotter::domain::OrderId;
use blotter::feed::{self, FeedConfig};
use blotter::venue::alphasec::{AlphaSecClient, MAX_LIMIT, MAX_RANGE_DAYS, TokenMap};
use blotter::venue::treadfi::{PLACEMENTS_MAX_PAGES, TreadfiClient};
use blotter::venue::{Capabilities, Venue, is_partial};
use recording::{Recording, alphasec_order, alphasec_trade, envelope, start, tread_placement};
use serde_json::json;

const DAY_MS: i64 = 86_400_000;

fn tread(r: &Recording) -> TreadfiClient {
    TreadfiClient::new(&r.base, None, Duration::from_secs(5)).unwrap()
}

fn alphasec(r: &Recording) -> AlphaSecClient {
    AlphaSecClient::new(
        &r.base,
        "0xabc".into(),
        TokenMap::new(),
        Duration::from_secs(5),
    )
    .unwrap()
}

/// The `page_number` a Tread placements request asked for (1 when absent, its default).
fn page_of(query: &str) -> u32 {
    query
        .split('&')
        .find_map(|p| p.strip_prefix("page_number="))
        .map_or(1, |n| n.parse().unwrap())
}

/// A Tread placements stub with `pages` pages of two placements each.
async fn placements_stub(pages: u32) -> Recording {
    start(Arc::new(move |_, _, q| {
        let n = page_of(q);
        let rows = vec![
            tread_placement(&format!("p{n}a"), "FILLED", "2024-01-01T00:00:00Z"),
            tread_placement(&format!("p{n}b"), "ACTIVE", "2024-01-01T00:00:01Z"),
        ];
        let body = json!({"placements": rows, "page_number": n, "page_size": 2,
                          "num_pages": pages, "count": pages * 2});
        (200, body.to_string())
    }))
    .await
}

#[tokio::test]
async fn tread_placements_past_page_one() {
    let r = placements_stub(3).await;
    let id = OrderId::new("o-1");
    let page = tread(&r).placements(&id).await.unwrap();
    let ids: Vec<&str> = page.rows.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["p1a", "p1b", "p2a", "p2b", "p3a", "p3b"]);
    assert!(
        !is_partial(&page),
        "{:?}/{:?}",
        page.page_number,
        page.num_pages
    );
    let queries: Vec<String> = r
        .to("/api/placements/")
        .into_iter()
        .map(|s| s.query)
        .collect();
    assert_eq!(
        queries,
        [
            "order_id=o-1",
            "order_id=o-1&page_number=2",
            "order_id=o-1&page_number=3"
        ]
    );
}

#[tokio::test]
async fn tread_placements_cap_is_a_partial_read() {
    let r = placements_stub(50).await;
    let page = tread(&r).placements(&OrderId::new("o-1")).await.unwrap();
    assert_eq!(r.count(), PLACEMENTS_MAX_PAGES as usize);
    assert_eq!(page.rows.len(), 2 * PLACEMENTS_MAX_PAGES as usize);
    assert!(is_partial(&page));
}

#[tokio::test]
async fn tread_placements_after_is_sent_on_every_page() {
    let r = placements_stub(2).await;
    let after: jiff::Timestamp = "2024-01-01T00:00:00Z".parse().unwrap();
    tread(&r)
        .placements_since(&OrderId::new("o-1"), Some(after))
        .await
        .unwrap();
    let seen = r.to("/api/placements/");
    assert_eq!(seen.len(), 2);
    for s in &seen {
        assert_eq!(
            s.param("after"),
            Some("2024-01-01T00%3A00%3A00Z"),
            "{}",
            s.query
        );
    }
}

#[tokio::test]
async fn tread_orders_list_every_page_and_the_cap() {
    let r = start(Arc::new(|_, _, q| {
        let n: u32 = q
            .split('&')
            .find_map(|p| p.strip_prefix("page="))
            .unwrap()
            .parse()
            .unwrap();
        let rows = vec![recording::tread_order(&format!("o{n}"), n)];
        let body = json!({"orders": rows, "page_number": n, "page_size": 100,
                          "num_pages": 3, "order_count": 3});
        (200, body.to_string())
    }))
    .await;
    let c = tread(&r);
    let all = c.all_orders(10).await.unwrap();
    let ids: Vec<&str> = all.rows.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["o1", "o2", "o3"]);
    assert!(!is_partial(&all));
    let queries: Vec<String> = r.to("/api/orders/").into_iter().map(|s| s.query).collect();
    assert_eq!(
        queries,
        [
            "page=1&page_size=100",
            "page=2&page_size=100",
            "page=3&page_size=100"
        ]
    );
    let capped = c.all_orders(2).await.unwrap();
    assert_eq!(capped.rows.len(), 2);
    assert!(is_partial(&capped));
}

/// Multi-orders: the feed reads every page up to `multi_max_pages`; past it the tab title
/// says "capped". Both readings run through the real feed and the real app update.
#[tokio::test]
async fn multi_orders_every_page_then_capped_in_the_title() {
    for (num_pages, max_pages, capped) in [(3u32, 10u32, false), (20, 3, true)] {
        let r = start(Arc::new(move |_, path, q| {
            if path == "/api/multi_orders/" {
                let n: u32 = q
                    .split('&')
                    .find_map(|p| p.strip_prefix("page_number="))
                    .unwrap()
                    .parse()
                    .unwrap();
                let body = json!({"multi_orders": [{"id": format!("m{n}"), "status": "ACTIVE",
                    "created_at": "2024-01-01T00:00:00Z", "child_order_ids": []}],
                    "page_number": n, "page_size": 1, "num_pages": num_pages});
                (200, body.to_string())
            } else {
                (200, json!({"orders": []}).to_string())
            }
        }))
        .await;
        let (tx, mut rx) = tokio::sync::mpsc::channel(64);
        let venue: Arc<dyn Venue> = Arc::new(tread(&r));
        let cfg = FeedConfig {
            interval: Duration::from_secs(3600),
            multi_max_pages: max_pages,
            ..FeedConfig::default()
        };
        let handle = feed::spawn(venue, cfg, tx);
        let mut state = State::new("Tread.fi", Capabilities::ALL, jiff::Timestamp::now());
        state.size = (160, 30);
        let page = loop {
            let ev = tokio::time::timeout(Duration::from_secs(5), rx.recv())
                .await
                .unwrap()
                .unwrap();
            let is_multi = matches!(ev, FeedEvent::MultiOrders { .. });
            let page = match &ev {
                FeedEvent::MultiOrders { page, .. } => Some(page.rows.len()),
                _ => None,
            };
            update(&mut state, blotter::app::Msg::Feed(ev));
            if is_multi {
                break page.unwrap();
            }
        };
        handle.stop();
        assert_eq!(page, num_pages.min(max_pages) as usize);
        let asked: Vec<String> = r
            .to("/api/multi_orders/")
            .into_iter()
            .map(|s| s.query)
            .collect();
        let expected: Vec<String> = (1..=num_pages.min(max_pages))
            .map(|n| format!("page_number={n}"))
            .collect();
        assert_eq!(asked, expected);
        assert_eq!(state.freshness(blotter::app::Tab::Multi).capped, capped);
        let screen = render(&state);
        assert_eq!(
            screen.contains(&format!("Multi-orders ({page}+ · capped)")),
            capped,
            "{screen}"
        );
    }
}

fn render(state: &State) -> String {
    let backend = ratatui::backend::TestBackend::new(state.size.0, state.size.1);
    let mut t = ratatui::Terminal::new(backend).unwrap();
    t.draw(|f| blotter::ui::render(state, f)).unwrap();
    let b = t.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..b.area.height {
        for x in 0..b.area.width {
            out.push_str(b[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// The `to` of an AlphaSec request, if any.
fn to_of(q: &str) -> Option<i64> {
    q.split('&')
        .find_map(|p| p.strip_prefix("to="))
        .map(|v| v.parse().unwrap())
}

/// The `from` of an AlphaSec request, if any.
fn from_of(q: &str) -> Option<i64> {
    q.split('&')
        .find_map(|p| p.strip_prefix("from="))
        .map(|v| v.parse().unwrap())
}

#[tokio::test]
async fn alphasec_trades_past_the_row_limit() {
    let newest = jiff::Timestamp::now().as_millisecond() - 1_000_000;
    let limit = MAX_LIMIT as i64;
    // 500 trades on the first page (newest first, 1 s apart), 3 more before them.
    let r = start(Arc::new(move |_, _, q| {
        let rows: Vec<_> = match to_of(q) {
            None => (0..limit)
                .map(|i| alphasec_trade(&format!("t{i}"), "0xo", newest - i * 1000))
                .collect(),
            Some(to) => (0..4)
                .map(|i| {
                    let at = to - i * 1000;
                    alphasec_trade(&format!("t{}", (newest - at) / 1000), "0xo", at)
                })
                .collect(),
        };
        (200, envelope(json!(rows)))
    }))
    .await;
    let page = alphasec(&r).trades_since(None).await.unwrap();
    let seen = r.to("/api/v1/order/trade");
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(seen[0].query, "address=0xabc&limit=500");
    let oldest_first_page = newest - (limit - 1) * 1000;
    assert_eq!(to_of(&seen[1].query), Some(oldest_first_page));
    // The edge row comes back twice and is kept once: 500 + 3 new.
    assert_eq!(page.rows.len(), 503);
    assert!(!is_partial(&page));
}

#[tokio::test]
async fn alphasec_open_orders_past_100() {
    let newest = jiff::Timestamp::now().as_millisecond() - 1_000_000;
    let r = start(Arc::new(move |_, path, q| {
        if path != "/api/v1/order/open" {
            return (200, envelope(json!([])));
        }
        let rows: Vec<_> = match to_of(q) {
            None => (0..100)
                .map(|i| alphasec_order(&format!("0x{i}"), newest - i * 1000))
                .collect(),
            Some(to) => (0..6)
                .map(|i| {
                    let at = to - i * 1000;
                    alphasec_order(&format!("0x{}", (newest - at) / 1000), at)
                })
                .collect(),
        };
        (200, envelope(json!(rows)))
    }))
    .await;
    let page = alphasec(&r).active_orders().await.unwrap();
    let seen = r.to("/api/v1/order/open");
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(to_of(&seen[1].query), Some(newest - 99 * 1000));
    assert_eq!(page.rows.len(), 105);
}

/// An open order older than the venue's 30-day default window: its trades are read back to
/// its opening, in windows of at most 89 days (the documented maximum range is 90).
#[tokio::test]
async fn alphasec_trades_past_the_look_back_window() {
    let now = jiff::Timestamp::now().as_millisecond();
    for (age_days, windows) in [(10i64, 1usize), (45, 1), (200, 3)] {
        let opened = now - age_days * DAY_MS;
        let r = start(Arc::new(move |_, path, _| {
            if path == "/api/v1/order/open" {
                (200, envelope(json!([alphasec_order("0xold", opened)])))
            } else {
                (
                    200,
                    envelope(json!([alphasec_trade("t1", "0xold", opened + 5)])),
                )
            }
        }))
        .await;
        let c = alphasec(&r);
        c.active_orders().await.unwrap();
        let placements = c.placements(&OrderId::new("0xold")).await.unwrap();
        assert_eq!(placements.rows.len(), 1);
        let seen = r.to("/api/v1/order/trade");
        assert_eq!(seen.len(), windows, "{age_days} days: {seen:?}");
        if age_days <= 30 {
            assert_eq!(seen[0].query, "address=0xabc&limit=500", "venue default");
            continue;
        }
        // Newest window first, each at most 89 days, the last one starting at the opening.
        assert_eq!(to_of(&seen[0].query), None);
        for w in seen.windows(2) {
            assert_eq!(to_of(&w[1].query), from_of(&w[0].query));
        }
        for s in &seen {
            let from = from_of(&s.query).unwrap();
            let to = to_of(&s.query).unwrap_or(now + 60_000);
            assert!(to - from <= MAX_RANGE_DAYS * DAY_MS + 60_000, "{}", s.query);
        }
        assert_eq!(from_of(&seen[windows - 1].query), Some(opened));
    }
}

/// An order with more placements than the client reads: the placements tab title says
/// "capped", and keeps saying so on the next cycle although the order did not change (and
/// was not read again).
#[tokio::test]
async fn placements_cap_shows_in_the_title_and_stays() {
    let r = start(Arc::new(|_, path, q| match path {
        "/api/active_orders/" => (
            200,
            json!({"orders": [recording::tread_order("o-1", 1)], "order_count": 1}).to_string(),
        ),
        "/api/placements/" => {
            let n = page_of(q);
            let rows = vec![tread_placement(
                &format!("p{n}"),
                "FILLED",
                "2024-01-01T00:00:00Z",
            )];
            let body = json!({"placements": rows, "page_number": n, "page_size": 1,
                              "num_pages": 500, "count": 500});
            (200, body.to_string())
        }
        "/api/multi_orders/" => (
            200,
            json!({"multi_orders": [], "page_number": 1, "num_pages": 1}).to_string(),
        ),
        _ => (200, "{}".into()),
    }))
    .await;
    let (tx, mut rx) = tokio::sync::mpsc::channel(256);
    let venue: Arc<dyn Venue> = Arc::new(tread(&r));
    let cfg = FeedConfig {
        interval: Duration::from_secs(3600),
        ..FeedConfig::default()
    };
    let handle = feed::spawn(venue, cfg, tx);
    let mut state = State::new("Tread.fi", Capabilities::ALL, jiff::Timestamp::now());
    state.size = (160, 30);
    let mut placement_events = 0;
    while placement_events < 2 {
        let ev = tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .unwrap()
            .unwrap();
        if matches!(ev, FeedEvent::Placements { .. }) {
            placement_events += 1;
            if placement_events == 1 {
                // The second cycle is one the test asks for (the interval is an hour).
                handle.send(feed::FeedCommand::Refresh).unwrap();
            }
        }
        update(&mut state, blotter::app::Msg::Feed(ev));
        if placement_events == 1 {
            assert!(state.freshness(blotter::app::Tab::Placements).capped);
        }
    }
    handle.stop();
    assert_eq!(
        r.to("/api/placements/").len(),
        PLACEMENTS_MAX_PAGES as usize,
        "read once, up to the cap"
    );
    assert!(state.freshness(blotter::app::Tab::Placements).capped);
    let screen = render(&state);
    let n = PLACEMENTS_MAX_PAGES;
    assert!(
        screen.contains(&format!("Placements ({n}+ · capped)")),
        "{screen}"
    );
}
