//! Active orders in parts (`FeedEvent::ActiveOrdersPart`, issue 19): a read applied part by
//! part, in place, leaves the same book as the same read applied whole; the first part shows
//! rows before the last arrives; rows that left go only at the last part; a read that fails
//! mid-way (or misses a part) removes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use blotter::app::view::{Sort, SortKey};
use blotter::app::{Connection, FeedEvent, State, Tab};
use blotter::domain::{BadRow, Order, OrderId, OrderStatus, Page, Side, VenueId};
use blotter::venue::VenueError;
use common::*;
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Order `n` of the generated books: created `minute` minutes past 09:00 (so rows of
/// different reads interleave), `filled` executed, paused or not, updated at second `updated`.
fn row(n: u8, minute: u8, filled: u8, paused: bool, updated: u8) -> Order {
    let status = if paused {
        OrderStatus::Paused
    } else {
        OrderStatus::Active
    };
    let mut o = order(
        &format!("{n:03}-part"),
        "BTC-USDT",
        Side::Buy,
        status,
        &format!("2024-01-15T09:{:02}:00Z", minute % 60),
    );
    o.executed_qty = Some(Decimal::from(filled));
    o.updated_at = Some(ts(&format!("2024-01-15T10:00:{:02}Z", updated % 60)));
    o
}

fn bad(index: usize) -> BadRow {
    BadRow {
        index,
        id: None,
        reason: "executed_qty: invalid decimal".into(),
    }
}

/// One active-orders read of the default venue, whole.
fn whole(page: Page<Order>) -> FeedEvent {
    FeedEvent::ActiveOrders {
        venue: VenueId::default(),
        page,
        at: ts(NOW),
    }
}

/// Part `part` of read `read` of `venue`.
fn part(venue: &str, read: u64, part: u32, page: Page<Order>, last: bool) -> FeedEvent {
    FeedEvent::ActiveOrdersPart {
        venue: VenueId::new(venue),
        read,
        part,
        page,
        last,
        at: ts(NOW),
    }
}

/// `page` cut before each of `cuts` (positions in its rows): its parts in order, the bad rows
/// going with the part holding their index, `page_number`/`num_pages` on the last one only.
fn split(page: &Page<Order>, cuts: &[usize]) -> Vec<Page<Order>> {
    let mut bounds: Vec<usize> = cuts.iter().map(|c| c % (page.rows.len() + 1)).collect();
    bounds.push(0);
    bounds.push(page.rows.len());
    bounds.sort_unstable();
    bounds.dedup();
    let mut parts: Vec<Page<Order>> = bounds
        .windows(2)
        .map(|w| Page {
            rows: page.rows[w[0]..w[1]].to_vec(),
            bad_rows: page
                .bad_rows
                .iter()
                .filter(|b| b.index >= w[0] && b.index < w[1])
                .cloned()
                .collect(),
            page_number: None,
            num_pages: None,
        })
        .collect();
    if parts.is_empty() {
        parts.push(Page::of(Vec::new()));
    }
    // Bad rows past the last row go with the last part.
    let last = parts.last_mut().unwrap();
    last.bad_rows.extend(
        page.bad_rows
            .iter()
            .filter(|b| b.index >= page.rows.len())
            .cloned(),
    );
    last.page_number = page.page_number;
    last.num_pages = page.num_pages;
    parts
}

/// Everything a read changes in the state, comparable. (Not the selection's fallback when the
/// selected order leaves: "the row at the same position" is the position in the book as the
/// last part found it, which parts change as they insert rows.)
#[derive(Debug, PartialEq)]
struct Seen {
    orders: Vec<Order>,
    index: Vec<Option<usize>>,
    index_len: usize,
    paused: usize,
    view: Vec<usize>,
    bad_rows: usize,
    capped: bool,
    marks: Vec<OrderId>,
    placements: Vec<OrderId>,
    changed: String,
    flashes: Vec<OrderId>,
}

fn seen(s: &State) -> Seen {
    let orders = s.book.orders().to_vec();
    let f = &s.venues[0].freshness[Tab::Active.index()];
    let flashes: Vec<OrderId> = s.flashes.keys().cloned().collect();
    Seen {
        index: orders.iter().map(|o| s.book.position(&o.id)).collect(),
        orders,
        index_len: s.book.index_len(),
        paused: s.book.paused_count(),
        view: s.book.active_view().to_vec(),
        bad_rows: f.bad_rows,
        capped: f.capped,
        marks: s.book.marks().iter().cloned().collect(),
        placements: s
            .book
            .placements()
            .iter()
            .map(|p| p.order_id.clone())
            .collect(),
        changed: format!("{:?}", s.book.seen()),
        flashes,
    }
}

/// A generated row: id 0..40, creation minute, fill, paused, update second.
fn rows() -> impl Strategy<Value = Vec<(u8, u8, u8, bool, u8)>> {
    prop::collection::vec((0u8..40, 0u8..60, 0u8..5, any::<bool>(), 0u8..3), 0..40)
}

/// Rows as one read sends them: the first copy of an id fixes its creation minute and
/// figures, later copies differ only in `updated_at` (a repeated id, counted as bad rows).
fn read_of(spec: &[(u8, u8, u8, bool, u8)]) -> Vec<Order> {
    let mut first: std::collections::HashMap<u8, (u8, u8, bool)> = Default::default();
    spec.iter()
        .map(|&(n, minute, filled, paused, updated)| {
            let (m, f, p) = *first.entry(n).or_insert((minute, filled, paused));
            row(n, m, f, p, updated)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Any read cut into any parts, over any earlier book (other venue's rows, marks,
    /// placements, a sort), leaves what the same read applied whole leaves.
    #[test]
    fn a_read_in_parts_leaves_the_book_a_whole_read_leaves(
        earlier in rows(),
        fresh in rows(),
        other in prop::collection::vec(0u8..40, 0..5),
        marked in prop::collection::vec(0u8..40, 0..6),
        bad_at in prop::collection::vec(0usize..45, 0..3),
        cuts in prop::collection::vec(0usize..41, 0..6),
        capped in any::<bool>(),
        sort in prop::option::of((0usize..4, any::<bool>())),
    ) {
        let mut base = loaded_state();
        // Another venue shows some ids: this read must not take them.
        let theirs: Vec<Order> = other
            .iter()
            .map(|&n| {
                let mut o = row(n, n, 1, false, 0);
                o.venue = VenueId::new("other");
                o
            })
            .collect();
        feed(
            &mut base,
            FeedEvent::ActiveOrders { venue: VenueId::new("other"), page: Page::of(theirs), at: ts(NOW) },
        );
        feed(&mut base, whole(Page::of(read_of(&earlier))));
        for n in marked {
            base.book.toggle_mark(&OrderId::new(format!("{n:03}-part")));
        }
        if let Some((key, reverse)) = sort {
            let key = [SortKey::Pair, SortKey::Status, SortKey::Fill, SortKey::Updated][key];
            base.book.set_sort(Sort { key, reverse });
        }
        let mut page = Page::of(read_of(&fresh));
        page.bad_rows = bad_at.into_iter().map(bad).collect();
        if capped {
            page.page_number = Some(1);
            page.num_pages = Some(3);
        }

        let mut at_once = base.clone();
        feed(&mut at_once, whole(page.clone()));
        let mut in_parts = base;
        let parts = split(&page, &cuts);
        let n = parts.len();
        for (i, p) in parts.into_iter().enumerate() {
            feed(&mut in_parts, part("", 9, i as u32, p, i + 1 == n));
        }
        prop_assert_eq!(seen(&in_parts), seen(&at_once));
    }
}

/// The default venue's ids on screen in the active tab, in view order.
fn listed(s: &State) -> Vec<String> {
    (0..s.book.active_view().len())
        .filter_map(|i| s.book.active_row(i))
        .map(|o| o.id.to_string())
        .collect()
}

#[test]
fn the_first_part_shows_rows_and_rows_that_left_go_only_at_the_last_part() {
    let mut s = loaded_state();
    let before: Vec<Order> = s.book.orders().to_vec();
    assert!(before.len() >= 3, "fixture book");
    // A read naming the first fixture order (filled more) and a new one, in two parts.
    let mut kept = before[0].clone();
    kept.executed_qty = Some(dec("0.75"));
    let mut new = order(
        "new-0001",
        "ZZZ-USDT",
        Side::Sell,
        OrderStatus::Active,
        "2024-01-15T10:29:59Z",
    );
    new.updated_at = Some(ts(NOW));
    feed(
        &mut s,
        part("", 1, 0, Page::of(vec![new.clone(), kept.clone()]), false),
    );
    // On screen before the read ends: the new row, the fresh figures…
    assert_eq!(s.book.order(&new.id), Some(&new));
    assert_eq!(s.book.order(&kept.id), Some(&kept));
    assert!(screen(&s).contains("ZZZ-USDT"), "{}", screen(&s));
    // …and every row the read has not named yet stays.
    for o in &before {
        assert!(
            s.book.order(&o.id).is_some(),
            "{} removed before the last part",
            o.id
        );
    }
    assert_eq!(listed(&s).len(), before.len() + 1);
    feed(&mut s, part("", 1, 1, Page::of(Vec::new()), true));
    let mut expected = vec![new.id.to_string(), kept.id.to_string()];
    expected.sort();
    let mut now = listed(&s);
    now.sort();
    assert_eq!(
        now, expected,
        "the rows the read did not name left at its end"
    );
    assert_eq!(s.book.index_len(), 2);
}

#[test]
fn a_read_that_fails_mid_way_removes_nothing_and_the_tab_says_so() {
    let mut s = loaded_state();
    let before: Vec<OrderId> = s.book.orders().iter().map(|o| o.id.clone()).collect();
    let mut kept = s.book.orders()[1].clone();
    kept.executed_qty = Some(dec("0.5"));
    feed(&mut s, part("", 4, 0, Page::of(vec![kept.clone()]), false));
    feed(
        &mut s,
        FeedEvent::FetchFailed {
            venue: VenueId::default(),
            tab: Tab::Active,
            error: VenueError::Network("connection reset".into()),
            at: ts(NOW),
        },
    );
    let after: Vec<OrderId> = s.book.orders().iter().map(|o| o.id.clone()).collect();
    assert_eq!(after, before, "nothing removed");
    assert_eq!(
        s.book.order(&kept.id),
        Some(&kept),
        "the part's rows are fresher: kept"
    );
    let v = &s.venues[0];
    assert!(
        matches!(&v.connection, Connection::Retrying { error } if error.contains("connection reset")),
        "{:?}",
        v.connection
    );
    assert!(v.freshness[Tab::Active.index()].error.is_some(), "stale");
    // The next read starts over and ends normally.
    feed(&mut s, part("", 5, 0, Page::of(vec![kept.clone()]), false));
    feed(&mut s, part("", 5, 1, Page::of(Vec::new()), true));
    assert_eq!(listed(&s), vec![kept.id.to_string()]);
    assert!(s.venues[0].freshness[Tab::Active.index()].error.is_none());
}

#[test]
fn a_read_missing_a_part_removes_nothing() {
    let mut s = loaded_state();
    let before = s.book.orders().len();
    let kept = s.book.orders()[0].clone();
    feed(&mut s, part("", 2, 0, Page::of(vec![kept]), false));
    // Part 1 never arrived (dropped): the read is not the whole set.
    feed(&mut s, part("", 2, 2, Page::of(Vec::new()), true));
    assert_eq!(s.book.orders().len(), before);
}

#[test]
fn a_first_read_shows_its_first_part_on_an_empty_screen() {
    let now = ts(NOW);
    let mut s = State::new("Tread.fi", blotter::venue::Capabilities::ALL, now);
    s.size = (160, 30);
    let rows: Vec<Order> = (0..30).map(|i| row(i, 59 - i, 0, false, 0)).collect();
    assert!(!screen(&s).contains("BTC-USDT"));
    feed(&mut s, part("", 1, 0, Page::of(rows[..10].to_vec()), false));
    assert_eq!(listed(&s).len(), 10, "the first part is on screen");
    assert!(screen(&s).contains("BTC-USDT"), "{}", screen(&s));
    feed(
        &mut s,
        part("", 1, 1, Page::of(rows[10..20].to_vec()), false),
    );
    feed(&mut s, part("", 1, 2, Page::of(rows[20..].to_vec()), true));
    assert_eq!(listed(&s).len(), 30);
    assert_eq!(s.book.orders(), &rows[..]);
}

#[test]
fn a_frozen_view_queues_every_part_of_the_latest_read_and_applies_them_together() {
    let mut s = loaded_state();
    assert!(s.book.orders().len() > 2, "fixture book");
    let kept: Vec<Order> = s.book.orders()[..2].to_vec();
    let mut expected = s.clone();
    feed(&mut expected, whole(Page::of(kept.clone())));
    ch(&mut s, 'f');
    assert!(s.freeze.on);
    let before: Vec<Order> = s.book.orders().to_vec();
    // An older whole read, then a read in three parts: the parts replace it in the queue.
    feed(&mut s, whole(Page::of(Vec::new())));
    feed(
        &mut s,
        part("", 3, 0, Page::of(vec![kept[0].clone()]), false),
    );
    feed(
        &mut s,
        part("", 3, 1, Page::of(vec![kept[1].clone()]), false),
    );
    feed(&mut s, part("", 3, 2, Page::of(Vec::new()), true));
    assert_eq!(s.book.orders(), &before[..], "frozen: nothing applied");
    assert_eq!(s.freeze.pending_count, 2, "two reads arrived");
    ch(&mut s, 'f');
    assert!(!s.freeze.on);
    assert_eq!(s.book.orders(), expected.book.orders());
    assert_eq!(
        s.book.orders().len(),
        2,
        "the rows the read did not name left"
    );
    assert_eq!(s.book.active_view(), expected.book.active_view());
}
