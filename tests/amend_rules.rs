//! The amend form checks Tread.fi's documented amend rules (`POST /api/amend_order/`, 400 and
//! 422) that can be checked locally before sending, says which rule failed, and sends nothing:
//! child orders of a multi-order, less than 15 seconds left, a new quantity less than 5% above
//! what has executed (base and quote), a POV target outside 0–1.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use blotter::app::{FeedEvent, Modal, State};
use blotter::domain::{Order, OrderId, OrderStatus, Page, Side};
use blotter::venue::{Action, Capabilities};
use common::*;
use crossterm::event::KeyCode;

/// Started 10:00, ends 11:00 (now is 10:30), 0.5 BTC target, 0.25 executed.
fn base_order() -> Order {
    let mut o = order(
        "6debb950-614a-4366-b73b-7d7574fd9e15",
        "BTC-USDT",
        Side::Buy,
        OrderStatus::Active,
        "2024-01-15T10:00:00Z",
    );
    o.target_qty = Some(dec("0.5"));
    o.target_token = Some("BTC".into());
    o.executed_qty = Some(dec("0.25"));
    o.executed_notional = Some(dec("11250"));
    o
}

fn state_with(o: Order) -> State {
    let mut s = State::new("Tread.fi", Capabilities::ALL, ts(NOW));
    s.size = (160, 30);
    feed(
        &mut s,
        FeedEvent::ActiveOrders {
            venue: Default::default(),
            page: Page::of(vec![o]),
            at: ts(NOW),
        },
    );
    s
}

/// Opens the amend form and types `text` into field `field` (0 base qty, 1 quote qty,
/// 2 duration, 3 POV target, 4 limit price).
fn fill_in(s: &mut State, field: usize, text: &str) {
    assert!(ch(s, 'a').is_empty());
    assert!(matches!(s.modal, Some(Modal::Amend(_))), "amend form open");
    for _ in 0..field {
        key(s, KeyCode::Tab);
    }
    typed(s, text);
}

/// Presses Enter; asserts nothing is sent and the form stays open; returns its error.
fn refused(s: &mut State) -> String {
    assert!(key(s, KeyCode::Enter).is_empty(), "nothing sent");
    match &s.modal {
        Some(Modal::Amend(f)) => f.error.clone().unwrap_or_default(),
        other => panic!("expected the amend form with an error, got {other:?}"),
    }
}

/// Presses Enter; asserts the confirm dialog opens for an amend (nothing sent yet).
fn accepted(s: &mut State) {
    assert!(key(s, KeyCode::Enter).is_empty());
    assert!(
        matches!(&s.modal, Some(Modal::Confirm(c)) if matches!(c.action, Action::Amend(..))),
        "confirm opens: {:?}",
        s.modal
    );
}

#[test]
fn a_child_order_of_a_multi_order_is_not_amended() {
    let mut o = base_order();
    o.parent_order_id = Some(OrderId::new("397e42c1-a617-458b-9db9-dc51f326b918"));
    let mut s = state_with(o);
    fill_in(&mut s, 2, "9000");
    let err = refused(&mut s);
    assert_eq!(
        err,
        "Child orders can't be amended (this one belongs to multi-order 397e42c1)."
    );
    assert!(
        screen(&s).contains("Child orders can't be amended"),
        "shown in the form"
    );
}

#[test]
fn too_close_to_completion_is_not_amended() {
    let mut o = base_order();
    o.time_end = Some(ts("2024-01-15T10:30:10Z"));
    let mut s = state_with(o);
    fill_in(&mut s, 4, "51000");
    assert_eq!(
        refused(&mut s),
        "Too close to completion: 10s left, the venue needs at least 15s."
    );
}

#[test]
fn time_left_comes_from_start_and_duration_when_there_is_no_end() {
    let mut o = base_order();
    o.time_end = None;
    o.time_start = Some(ts("2024-01-15T10:00:00Z"));
    o.duration_secs = Some(1_805); // ends 10:30:05
    let mut s = state_with(o);
    fill_in(&mut s, 4, "51000");
    assert_eq!(
        refused(&mut s),
        "Too close to completion: 5s left, the venue needs at least 15s."
    );
}

#[test]
fn a_new_base_quantity_must_be_5_percent_above_what_executed() {
    let mut s = state_with(base_order());
    fill_in(&mut s, 0, "0.26");
    assert_eq!(
        refused(&mut s),
        "Base qty must be at least 5% above the 0.25 already executed (≥ 0.2625)."
    );
    key(&mut s, KeyCode::Backspace);
    typed(&mut s, "625");
    accepted(&mut s);
}

#[test]
fn a_new_quote_quantity_is_checked_against_the_executed_notional() {
    let mut o = base_order();
    o.target_token = Some("USDT".into());
    o.target_qty = Some(dec("25000"));
    o.executed_qty = Some(dec("1000"));
    o.executed_notional = Some(dec("1000"));
    let mut s = state_with(o);
    fill_in(&mut s, 1, "1049.99");
    assert_eq!(
        refused(&mut s),
        "Quote qty must be at least 5% above the 1000 already executed (≥ 1050)."
    );
    for _ in 0..7 {
        key(&mut s, KeyCode::Backspace);
    }
    typed(&mut s, "1050");
    accepted(&mut s);
}

#[test]
fn a_pov_target_outside_0_to_1_is_refused() {
    let mut s = state_with(base_order());
    fill_in(&mut s, 3, "1.5");
    assert_eq!(
        refused(&mut s),
        "POV target is a ratio between 0 and 1 (e.g. 0.1 for 10%), got 1.5."
    );
}
