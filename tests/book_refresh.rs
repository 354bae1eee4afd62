//! A full active-orders refresh applied to the book in place (the id index is kept when the
//! same orders come back in the same places, rebuilt otherwise): every order is listed exactly
//! once, with the fresh figures, and the id index and the view point at the right rows.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use std::collections::HashSet;

use blotter::app::{FeedEvent, Msg, State, update};
use blotter::domain::{Order, OrderId, OrderStatus, Page, Side};
use common::*;
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Order `i` of a refresh: created `minute` minutes past 09:00, with `filled` executed.
fn row(i: u8, minute: u8, filled: u32, paused: bool) -> Order {
    let status = if paused {
        OrderStatus::Paused
    } else {
        OrderStatus::Active
    };
    let mut o = order(
        &format!("{i:03}-refresh"),
        "BTC-USDT",
        Side::Buy,
        status,
        &format!("2024-01-15T09:{:02}:00Z", minute % 60),
    );
    o.executed_qty = Some(Decimal::from(filled));
    o
}

fn refresh(s: &mut State, rows: Vec<Order>) {
    update(
        s,
        Msg::Feed(FeedEvent::ActiveOrders {
            venue: Default::default(),
            page: Page::of(rows),
            at: ts(NOW),
        }),
    );
}

/// The book holds exactly `expected` (by id, with its executed quantity), each id once, the
/// index maps each id to its row, the paused count and the unfiltered view are right.
fn check(s: &State, expected: &[Order]) -> Result<(), TestCaseError> {
    let orders = s.book.orders();
    prop_assert_eq!(orders.len(), expected.len());
    let ids: HashSet<&OrderId> = orders.iter().map(|o| &o.id).collect();
    prop_assert_eq!(ids.len(), orders.len(), "an id listed twice");
    prop_assert_eq!(s.book.index_len(), orders.len());
    for e in expected {
        let pos = s.book.position(&e.id);
        prop_assert!(pos.is_some(), "{} missing from the index", e.id);
        let at = &orders[pos.unwrap()];
        prop_assert_eq!(&at.id, &e.id, "index points at another row");
        prop_assert_eq!(
            at.executed_qty,
            e.executed_qty,
            "stale figures for {}",
            e.id
        );
        prop_assert_eq!(&s.book.order(&e.id).unwrap().id, &e.id);
    }
    let paused = expected
        .iter()
        .filter(|o| o.status == OrderStatus::Paused)
        .count();
    prop_assert_eq!(s.book.paused_count(), paused);
    let mut view = s.book.active_view().to_vec();
    view.sort_unstable();
    prop_assert_eq!(view, (0..orders.len()).collect::<Vec<_>>());
    Ok(())
}

#[test]
fn same_orders_new_figures_are_updated_in_place() {
    let mut s = loaded_state();
    let first: Vec<Order> = (0..20).map(|i| row(i, i, 1, i % 5 == 0)).collect();
    refresh(&mut s, first);
    let second: Vec<Order> = (0..20)
        .map(|i| row(i, i, 100 + u32::from(i), i % 4 == 0))
        .collect();
    refresh(&mut s, second.clone());
    check(&s, &second).unwrap();
}

#[test]
fn same_orders_in_other_places_are_reindexed() {
    let mut s = loaded_state();
    let first: Vec<Order> = (0..20).map(|i| row(i, i, 1, false)).collect();
    refresh(&mut s, first);
    // The same ids, each now created at another time: the newest-first order is reversed.
    let second: Vec<Order> = (0..20).map(|i| row(i, 59 - i, 7, false)).collect();
    refresh(&mut s, second.clone());
    check(&s, &second).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Any sequence of refreshes (orders kept, moved, added, dropped; figures changed).
    #[test]
    fn refreshes_keep_every_order_once_and_the_index_right(
        rounds in prop::collection::vec(
            prop::collection::btree_map(0u8..40, (0u8..60, 0u32..5, any::<bool>()), 0..30),
            1..6,
        )
    ) {
        let mut s = loaded_state();
        for round in rounds {
            let rows: Vec<Order> = round
                .iter()
                .map(|(&i, &(minute, filled, paused))| row(i, minute, filled, paused))
                .collect();
            refresh(&mut s, rows.clone());
            check(&s, &rows)?;
        }
    }
}
