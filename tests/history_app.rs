//! Issue 15 in the app: an order leaving the active tab on a completion push is on the History
//! tab at once (no poll), history reads replace a venue's rows, filter / sort / marks / detail /
//! export / the window key work there, and snapshots of the History tab and of a completed
//! order's detail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use blotter::app::{Command, FeedEvent, Modal, State, Tab};
use blotter::domain::{ExecutionStats, Order, OrderId, OrderStatus, Page, Side};
use blotter::history::{Acted, Window};
use blotter::venue::PushEvent;
use common::*;
use crossterm::event::KeyCode;

const BTC: &str = "6debb950-614a-4366-b73b-7d7574fd9e15";

/// The active BTC buy of the fixtures, completed: avg 45000 against arrival 44950 (+11.1 bps),
/// interval VWAP 45010 (−2.2 bps), 0.5 executed of 20 traded in the interval (2.5 %).
fn btc_completed() -> Order {
    let mut o = orders().remove(0);
    o.status = OrderStatus::Complete;
    o.executed_qty = Some(dec("0.5"));
    o.fill_ratio = Some(dec("1"));
    o.executed_notional = Some(dec("22500.00"));
    o.total_fee = Some(dec("11.25"));
    o.updated_at = Some(ts("2024-01-15T10:30:00Z"));
    o.stats = Some(Box::new(ExecutionStats {
        arrival_price: Some(dec("44950.00")),
        interval_vwap: Some(dec("45010.00")),
        departure_price: Some(dec("45100.00")),
        interval_volume: Some(dec("20")),
    }));
    o
}

/// Finished orders a history read returns: a filled sell and a failed buy.
fn finished() -> Vec<Order> {
    let mut sell = order(
        "aa11bb22-sell",
        "ETH-USD",
        Side::Sell,
        OrderStatus::Complete,
        "2024-01-15T08:00:00Z",
    );
    sell.time_start = Some(ts("2024-01-15T08:00:00Z"));
    sell.updated_at = Some(ts("2024-01-15T09:00:00Z"));
    sell.avg_price = Some(dec("2990"));
    sell.arrival_price = Some(dec("3000"));
    sell.executed_qty = Some(dec("10"));
    sell.executed_notional = Some(dec("29900"));
    let mut failed = order(
        "cc33dd44-fail",
        "SOL-USDT",
        Side::Buy,
        OrderStatus::Failed,
        "2024-01-15T07:00:00Z",
    );
    failed.time_start = Some(ts("2024-01-15T07:00:00Z"));
    failed.updated_at = Some(ts("2024-01-15T07:05:00Z"));
    failed.failure_reason = Some("Insufficient balance".into());
    vec![sell, failed]
}

fn history_read(s: &mut State, rows: Vec<Order>, acted: Vec<Acted>) -> Vec<Command> {
    feed(
        s,
        FeedEvent::History {
            venue: Default::default(),
            page: Page::of(rows),
            since: ts("2024-01-15T00:00:00Z"),
            acted,
            at: ts("2024-01-15T10:29:59Z"),
        },
    )
}

fn history_ids(s: &State) -> Vec<String> {
    s.book
        .history()
        .in_view()
        .map(|o| o.id.to_string())
        .collect()
}

#[test]
fn a_completion_push_moves_the_order_to_history_without_a_poll() {
    let mut s = loaded_state();
    assert!(s.book.order(&OrderId::new(BTC)).is_some());
    assert_eq!(s.row_count(Tab::History), 0);
    // Only a push: no ActiveOrders page, no History read.
    feed(
        &mut s,
        FeedEvent::PushUpdate {
            venue: Default::default(),
            event: PushEvent::OrderUpdate {
                order_id: OrderId::new(BTC),
                update_type: "order_completed".into(),
                order: Some(Box::new(btc_completed())),
            },
            at: ts("2024-01-15T10:30:00Z"),
        },
    );
    assert_eq!(
        s.book.order(&OrderId::new(BTC)),
        None,
        "left the active tab"
    );
    assert_eq!(history_ids(&s), [BTC]);
    // The next history read does not list it yet (the venue is behind): it stays.
    history_read(&mut s, finished(), Vec::new());
    assert_eq!(history_ids(&s), [BTC, "aa11bb22-sell", "cc33dd44-fail"]);
    // Once listed, it is the venue's copy (one row, no duplicate).
    let mut rows = finished();
    rows.push(btc_completed());
    history_read(&mut s, rows, Vec::new());
    assert_eq!(history_ids(&s), [BTC, "aa11bb22-sell", "cc33dd44-fail"]);
}

#[test]
fn a_push_that_is_not_terminal_does_not_reach_history() {
    let mut s = loaded_state();
    let mut o = btc_completed();
    o.status = OrderStatus::Active;
    feed(
        &mut s,
        FeedEvent::PushUpdate {
            venue: Default::default(),
            event: PushEvent::OrderUpdate {
                order_id: OrderId::new(BTC),
                update_type: "fill_received".into(),
                order: Some(Box::new(o)),
            },
            at: ts("2024-01-15T10:30:00Z"),
        },
    );
    assert_eq!(s.row_count(Tab::History), 0);
    assert!(s.book.order(&OrderId::new(BTC)).is_some());
}

#[test]
fn filter_sort_marks_detail_and_the_window_key() {
    let mut s = loaded_state();
    history_read(&mut s, finished(), Vec::new());
    ch(&mut s, '5');
    assert_eq!(s.tab, Tab::History);
    // Filter: the same language as the active tab, applied here.
    ch(&mut s, '/');
    typed(&mut s, "status:failed");
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.tab, Tab::History);
    assert_eq!(history_ids(&s), ["cc33dd44-fail"]);
    ch(&mut s, '/');
    key(&mut s, KeyCode::Esc);
    assert_eq!(history_ids(&s).len(), 2);
    // Sort by slippage vs arrival: the sell has +33.3 bps, the failed order none (last).
    ch(&mut s, 's');
    assert_eq!(history_ids(&s), ["aa11bb22-sell", "cc33dd44-fail"]);
    ch(&mut s, 'S');
    assert_eq!(history_ids(&s), ["cc33dd44-fail", "aa11bb22-sell"]);
    // Marks.
    key(&mut s, KeyCode::Home);
    ch(&mut s, ' ');
    assert_eq!(s.book.history().marks().len(), 1);
    ch(&mut s, 'U');
    assert!(s.book.history().marks().is_empty());
    // Actions are refused on finished orders.
    ch(&mut s, 'c');
    assert!(s.modal.is_none());
    // Detail.
    key(&mut s, KeyCode::Home);
    let id = s.selected_finished().unwrap().id.clone();
    key(&mut s, KeyCode::Enter);
    assert!(
        matches!(&s.modal, Some(Modal::Detail(d)) if *d == id),
        "{:?}",
        s.modal
    );
    key(&mut s, KeyCode::Esc);
    // The window key widens and asks every feed to read it.
    let cmds = ch(&mut s, 'w');
    assert_eq!(cmds, [Command::HistoryWindow(Window::Hours(168))]);
    assert_eq!(s.history_window, Window::Hours(168));
    // Export.
    assert_eq!(ch(&mut s, 'e'), [Command::Export(Tab::History)]);
}

#[test]
fn the_audit_log_is_joined_into_the_rows() {
    let mut s = loaded_state();
    let acted = vec![Acted {
        order_id: "aa11bb22-sell".into(),
        action: "pause".into(),
        user: "alice".into(),
        at: "2024-01-15T08:30:00Z".into(),
        ok: true,
    }];
    history_read(&mut s, finished(), acted);
    s.tab = Tab::History;
    let text = screen(&s);
    assert!(text.contains("pause by alice 08:30:00"), "{text}");
}

/// The History tab as a trader sees it: two finished orders read from the venue and one that
/// just completed on a push, the summary line under the table.
#[test]
fn history_tab_snapshot() {
    let mut s = loaded_state();
    history_read(&mut s, finished(), Vec::new());
    feed(
        &mut s,
        FeedEvent::PushUpdate {
            venue: Default::default(),
            event: PushEvent::OrderUpdate {
                order_id: OrderId::new(BTC),
                update_type: "order_completed".into(),
                order: Some(Box::new(btc_completed())),
            },
            at: ts("2024-01-15T10:30:00Z"),
        },
    );
    ch(&mut s, '5');
    let text = screen(&s);
    insta::assert_snapshot!(text);
    // Hand-computed summary: (22500 × 11.1235 + 29900 × 33.3333) ÷ 52400 = +23.8 bps.
    assert!(text.contains("+23.8 bps"), "{text}");
}

/// A completed order's detail: every field plus its transaction-cost figures.
#[test]
fn completed_order_detail_snapshot() {
    let mut s = loaded_state();
    s.size = (160, 40);
    feed(
        &mut s,
        FeedEvent::PushUpdate {
            venue: Default::default(),
            event: PushEvent::OrderUpdate {
                order_id: OrderId::new(BTC),
                update_type: "order_completed".into(),
                order: Some(Box::new(btc_completed())),
            },
            at: ts("2024-01-15T10:30:00Z"),
        },
    );
    ch(&mut s, '5');
    key(&mut s, KeyCode::Enter);
    let text = screen(&s);
    insta::assert_snapshot!(text);
    assert!(text.contains("slippage vs arrival +11.1 bps"), "{text}");
    assert!(text.contains("vs VWAP -2.2 bps"), "{text}");
    assert!(text.contains("participation 2.5%"), "{text}");
}

/// An ERROR on an order that has since finished: `Enter` on the errors tab goes to its History
/// row; in a History row's detail, `↓` moves to the next finished order.
#[test]
fn errors_jump_to_a_finished_order_and_the_detail_walks_history() {
    let mut s = loaded_state();
    history_read(&mut s, finished(), Vec::new());
    feed(
        &mut s,
        FeedEvent::PushUpdate {
            venue: Default::default(),
            event: PushEvent::OrderUpdate {
                order_id: OrderId::new(BTC),
                update_type: "order_completed".into(),
                order: Some(Box::new(btc_completed())),
            },
            at: ts("2024-01-15T10:30:00Z"),
        },
    );
    // The fixtures' newest ERROR is on the BTC order.
    ch(&mut s, '4');
    key(&mut s, KeyCode::Home);
    assert_eq!(
        s.selected_order_id().map(|i| i.to_string()).as_deref(),
        Some(BTC)
    );
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.tab, Tab::History);
    assert_eq!(
        s.selected_finished().map(|o| o.id.to_string()).as_deref(),
        Some(BTC)
    );
    key(&mut s, KeyCode::Enter);
    assert!(matches!(&s.modal, Some(Modal::Detail(d)) if d.as_str() == BTC));
    ch(&mut s, 'j');
    assert!(
        matches!(&s.modal, Some(Modal::Detail(d)) if d.as_str() == "aa11bb22-sell"),
        "{:?}",
        s.modal
    );
}
