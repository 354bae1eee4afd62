//! Behaviour of `app::update`: tabs, selection by id, confirm defaults to No, actions sent
//! exactly once, amend validation, errors keep the last good data.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use blotter::app::{Command, Connection, FeedEvent, Modal, Tab};
use blotter::domain::{OrderId, OrderStatus, Page};
use blotter::venue::{Action, ActionReply, Capabilities, VenueError};
use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn selected(s: &blotter::app::State) -> Option<String> {
    s.selected_order().map(|o| o.id.as_str().to_owned())
}

#[test]
fn tabs_switch_by_number_tab_and_backtab() {
    let mut s = loaded_state();
    assert_eq!(s.tab, Tab::Active);
    ch(&mut s, '3');
    assert_eq!(s.tab, Tab::Placements);
    key(&mut s, KeyCode::Tab);
    assert_eq!(s.tab, Tab::Errors);
    // Issue 15: a fifth tab, History, before wrapping round.
    key(&mut s, KeyCode::Tab);
    assert_eq!(s.tab, Tab::History);
    key(&mut s, KeyCode::Tab);
    assert_eq!(s.tab, Tab::Active);
    blotter::app::update(
        &mut s,
        blotter::app::Msg::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)),
    );
    assert_eq!(s.tab, Tab::History);
    ch(&mut s, '5');
    assert_eq!(s.tab, Tab::History);
}

#[test]
fn selection_follows_the_order_id_across_refreshes() {
    let mut s = loaded_state();
    // Newest first: 6deb…, 7fec…, 984f…; select the second.
    ch(&mut s, 'j');
    assert_eq!(
        selected(&s).as_deref(),
        Some("7fecb061-725b-5477-c84c-8e8685ge0f26")
    );
    // A refresh brings a newer order on top: the selection stays on 7fec…, now row 3.
    let mut rows = orders();
    rows.push(order(
        "aaaa0000-new",
        "BTC-USDT",
        blotter::domain::Side::Buy,
        OrderStatus::Active,
        "2024-01-15T10:29:00Z",
    ));
    feed(
        &mut s,
        FeedEvent::ActiveOrders {
            venue: Default::default(),
            page: Page::of(rows),
            at: ts(NOW),
        },
    );
    assert_eq!(
        selected(&s).as_deref(),
        Some("7fecb061-725b-5477-c84c-8e8685ge0f26")
    );
    assert_eq!(s.selected_index(Tab::Active), Some(2));
}

#[test]
fn selection_moves_to_a_neighbour_when_its_order_leaves() {
    let mut s = loaded_state();
    ch(&mut s, 'j');
    let rows: Vec<_> = orders()
        .into_iter()
        .filter(|o| o.id.0.starts_with("6deb") || o.id.0.starts_with("984f"))
        .collect();
    feed(
        &mut s,
        FeedEvent::ActiveOrders {
            venue: Default::default(),
            page: Page::of(rows),
            at: ts(NOW),
        },
    );
    // 7fec… (row 2) left: the selection lands on the row now at that position, 984f…, not
    // on the top of the table.
    assert_eq!(
        selected(&s).as_deref(),
        Some("984ffec9-f0bf-4b28-9dc1-81d5dfda1794"),
        "selection must land on the neighbour at the same position"
    );
}

#[test]
fn navigation_keys_clamp() {
    let mut s = loaded_state();
    ch(&mut s, 'G');
    assert_eq!(s.selected_index(Tab::Active), Some(2));
    ch(&mut s, 'j');
    assert_eq!(s.selected_index(Tab::Active), Some(2));
    ch(&mut s, 'g');
    assert_eq!(s.selected_index(Tab::Active), Some(0));
    key(&mut s, KeyCode::PageDown);
    assert_eq!(s.selected_index(Tab::Active), Some(2));
}

#[test]
fn confirm_defaults_to_no() {
    let mut s = loaded_state();
    ch(&mut s, 'p');
    assert!(
        matches!(s.modal, Some(Modal::Confirm(ref c)) if !c.yes && c.action == Action::Pause(OrderId::new("6debb950-614a-4366-b73b-7d7574fd9e15")))
    );
    // Enter on the default (No) sends nothing.
    let cmds = key(&mut s, KeyCode::Enter);
    assert!(cmds.is_empty());
    assert!(s.modal.is_none());
    // Esc and n also drop it.
    ch(&mut s, 'c');
    assert!(key(&mut s, KeyCode::Esc).is_empty());
    ch(&mut s, 'c');
    assert!(ch(&mut s, 'n').is_empty());
    assert!(s.in_flight.is_empty());
}

#[test]
fn yes_sends_exactly_once_and_the_reply_is_shown() {
    let mut s = loaded_state();
    ch(&mut s, 'p');
    let cmds = ch(&mut s, 'y');
    let id = OrderId::new("6debb950-614a-4366-b73b-7d7574fd9e15");
    assert_eq!(cmds, vec![act(Action::Pause(id.clone()))]);
    // Asking again while the first is in flight sends nothing.
    ch(&mut s, 'p');
    assert!(ch(&mut s, 'y').is_empty());
    assert!(
        s.banner
            .as_ref()
            .is_some_and(|b| b.text.contains("still waiting"))
    );
    // The venue's reply is shown verbatim.
    feed(
        &mut s,
        FeedEvent::ActionDone {
            action: Action::Pause(id.clone()),
            result: Ok(ActionReply {
                status: 202,
                message: "Successfully paused order.".into(),
            }),
            at: ts(NOW),
        },
    );
    assert!(s.in_flight.is_empty());
    assert!(
        s.banner
            .as_ref()
            .is_some_and(|b| b.text.contains("Successfully paused order."))
    );
}

#[test]
fn moving_to_yes_then_enter_sends() {
    let mut s = loaded_state();
    ch(&mut s, 'j'); // the paused order
    ch(&mut s, 'r');
    key(&mut s, KeyCode::Left);
    let cmds = key(&mut s, KeyCode::Enter);
    assert_eq!(
        cmds,
        vec![act(Action::Resume(OrderId::new(
            "7fecb061-725b-5477-c84c-8e8685ge0f26"
        )))]
    );
}

#[test]
fn venue_error_text_is_shown() {
    let mut s = loaded_state();
    ch(&mut s, 'r');
    ch(&mut s, 'y');
    feed(
        &mut s,
        FeedEvent::ActionDone {
            action: Action::Resume(OrderId::new("6debb950-614a-4366-b73b-7d7574fd9e15")),
            result: Err(VenueError::Http {
                status: 422,
                message: "Order is not paused.".into(),
                retry_after_secs: None,
            }),
            at: ts(NOW),
        },
    );
    let b = s.banner.clone().unwrap_or_else(|| panic!("no banner"));
    assert!(b.text.contains("422 Order is not paused."), "{}", b.text);
}

#[test]
fn multi_order_actions_from_tab_two() {
    let mut s = loaded_state();
    ch(&mut s, '2');
    ch(&mut s, 'c');
    let cmds = ch(&mut s, 'y');
    assert_eq!(
        cmds,
        vec![act(Action::CancelMulti(OrderId::new(
            "397e42c1-a617-458b-9db9-dc51f326b918"
        )))]
    );
    ch(&mut s, 'a');
    assert!(s.modal.is_none(), "amend is for single orders");
}

#[test]
fn unsupported_actions_say_so() {
    let mut s = loaded_state();
    s.venues[0].capabilities = Capabilities {
        pause: false,
        ..Capabilities::ALL
    };
    ch(&mut s, 'p');
    assert!(s.modal.is_none());
    assert!(
        s.banner
            .as_ref()
            .is_some_and(|b| b.text.contains("not supported"))
    );
}

#[test]
fn amend_validates_before_confirming() {
    let mut s = loaded_state();
    ch(&mut s, 'a');
    assert!(matches!(s.modal, Some(Modal::Amend(_))));
    typed(&mut s, "1");
    key(&mut s, KeyCode::Tab);
    typed(&mut s, "2");
    // Both quantities: rejected, still in the form, nothing sent.
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    assert!(
        matches!(s.modal, Some(Modal::Amend(ref f)) if f.error.as_deref().is_some_and(|e| e.contains("not both")))
    );
    key(&mut s, KeyCode::Backspace);
    key(&mut s, KeyCode::Tab);
    key(&mut s, KeyCode::Tab);
    typed(&mut s, "0.2"); // POV target
    key(&mut s, KeyCode::Tab);
    typed(&mut s, "51000");
    key(&mut s, KeyCode::Enter);
    assert!(matches!(s.modal, Some(Modal::Confirm(ref c)) if !c.yes));
    let cmds = ch(&mut s, 'y');
    match cmds.as_slice() {
        [
            Command::Act {
                action: Action::Amend(id, c),
                ..
            },
        ] => {
            assert_eq!(id.as_str(), "6debb950-614a-4366-b73b-7d7574fd9e15");
            assert_eq!(
                c.base_asset_qty.map(|d| d.to_string()).as_deref(),
                Some("1")
            );
            assert_eq!(c.pov_target.map(|d| d.to_string()).as_deref(), Some("0.2"));
            assert_eq!(c.limit_price.as_deref(), Some("51000"));
            assert!(c.quote_asset_qty.is_none());
        }
        other => panic!("expected one amend, got {other:?}"),
    }
}

#[test]
fn amend_duration_rule_uses_elapsed_time() {
    let mut s = loaded_state(); // started 10:00, now 10:30 → 1800 s elapsed → ≥ 1890 s
    ch(&mut s, 'a');
    key(&mut s, KeyCode::Tab);
    key(&mut s, KeyCode::Tab);
    typed(&mut s, "1800");
    let cmds = key(&mut s, KeyCode::Enter);
    assert!(cmds.is_empty(), "nothing is sent: {cmds:?}");
    match &s.modal {
        Some(Modal::Amend(f)) => assert!(
            f.error
                .as_deref()
                .is_some_and(|e| e.contains("1800s elapsed") && e.contains("1890s")),
            "{:?}",
            f.error
        ),
        other => panic!("the amend form stays open: {other:?}"),
    }
}

#[test]
fn failed_fetch_keeps_last_good_data_and_reports() {
    let mut s = loaded_state();
    feed(
        &mut s,
        FeedEvent::FetchFailed {
            venue: Default::default(),
            tab: Tab::Active,
            error: VenueError::Http {
                status: 401,
                message: "Invalid token.".into(),
                retry_after_secs: None,
            },
            at: ts(NOW),
        },
    );
    assert_eq!(s.book.orders().len(), 3);
    assert!(matches!(
        s.venues[0].connection,
        Connection::AuthFailed { .. }
    ));
    assert!(
        s.venues[0].freshness[0]
            .error
            .as_ref()
            .is_some_and(|(e, _)| e == "401 Invalid token.")
    );
    // The next success clears the error.
    feed(
        &mut s,
        FeedEvent::ActiveOrders {
            venue: Default::default(),
            page: Page::of(orders()),
            at: ts(NOW),
        },
    );
    assert!(s.venues[0].freshness[0].error.is_none());
    assert_eq!(s.venues[0].connection, Connection::Polling);
}

#[test]
fn quit_keys() {
    let mut s = loaded_state();
    assert_eq!(ch(&mut s, 'q'), vec![Command::Quit]);
    let mut s = loaded_state();
    ch(&mut s, 'p'); // even from a dialog
    let cmds = blotter::app::update(
        &mut s,
        blotter::app::Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
    );
    assert_eq!(cmds, vec![Command::Quit]);
}

#[test]
fn placements_of_orders_that_left_are_dropped() {
    let mut s = loaded_state();
    assert_eq!(s.book.placements().len(), 3);
    let rows: Vec<_> = orders()
        .into_iter()
        .filter(|o| !o.id.0.starts_with("6deb"))
        .collect();
    feed(
        &mut s,
        FeedEvent::ActiveOrders {
            venue: Default::default(),
            page: Page::of(rows),
            at: ts(NOW),
        },
    );
    assert!(s.book.placements().is_empty());
}

#[test]
fn freeze_queues_updates_and_unfreeze_keeps_the_cursor() {
    let mut s = loaded_state();
    ch(&mut s, 'j');
    ch(&mut s, 'f');
    assert!(s.freeze.on);
    let mut rows = orders();
    rows.push(order(
        "aaaa0000-new",
        "BTC-USDT",
        blotter::domain::Side::Buy,
        OrderStatus::Active,
        "2024-01-15T10:29:00Z",
    ));
    for _ in 0..3 {
        feed(
            &mut s,
            FeedEvent::ActiveOrders {
                venue: Default::default(),
                page: Page::of(rows.clone()),
                at: ts(NOW),
            },
        );
    }
    assert_eq!(s.book.orders().len(), 3, "frozen view unchanged");
    assert_eq!(s.freeze.pending_count, 3);
    ch(&mut s, 'f');
    assert!(!s.freeze.on);
    assert_eq!(s.book.orders().len(), 4);
    assert_eq!(
        selected(&s).as_deref(),
        Some("7fecb061-725b-5477-c84c-8e8685ge0f26")
    );
    assert!(s.freeze.pending.is_empty() && s.freeze.pending_count == 0);
}

#[test]
fn fills_and_status_changes_flash_then_fade() {
    let mut s = loaded_state();
    let mut rows = orders();
    rows[0].executed_qty = Some(dec("0.30"));
    rows[1].status = OrderStatus::Active;
    feed(
        &mut s,
        FeedEvent::ActiveOrders {
            venue: Default::default(),
            page: Page::of(rows),
            at: ts(NOW),
        },
    );
    let a = s
        .flashes
        .get(&OrderId::new("6debb950-614a-4366-b73b-7d7574fd9e15"))
        .copied();
    assert!(a.is_some_and(|f| f.fill && !f.status));
    let b = s
        .flashes
        .get(&OrderId::new("7fecb061-725b-5477-c84c-8e8685ge0f26"))
        .copied();
    assert!(b.is_some_and(|f| f.status));
    blotter::app::update(&mut s, blotter::app::Msg::Tick(ts("2024-01-15T10:30:05Z")));
    assert!(s.flashes.is_empty());
}

fn push(s: &mut blotter::app::State, order: blotter::domain::Order, kind: &str) {
    feed(
        s,
        FeedEvent::PushUpdate {
            venue: Default::default(),
            event: blotter::venue::PushEvent::OrderUpdate {
                order_id: order.id.clone(),
                update_type: kind.into(),
                order: Some(Box::new(order)),
            },
            at: ts(NOW),
        },
    );
}

#[test]
fn pushed_updates_apply_in_place_insert_and_remove() {
    let mut s = loaded_state();
    ch(&mut s, 'j'); // 7fec…
    let mut a = orders().remove(0);
    a.executed_qty = Some(dec("0.40"));
    push(&mut s, a, "fill_received");
    assert_eq!(
        s.book.orders()[0]
            .executed_qty
            .map(|d| d.to_string())
            .as_deref(),
        Some("0.40")
    );
    assert!(
        s.flashes
            .get(&OrderId::new("6debb950-614a-4366-b73b-7d7574fd9e15"))
            .is_some_and(|f| f.fill)
    );
    // A new order is inserted newest-first; the selection stays on its order.
    push(
        &mut s,
        order(
            "new-1",
            "SOL-USDT",
            blotter::domain::Side::Sell,
            OrderStatus::Active,
            "2024-01-15T10:29:59Z",
        ),
        "order_created",
    );
    assert_eq!(s.book.orders()[0].id.as_str(), "new-1");
    assert_eq!(
        selected(&s).as_deref(),
        Some("7fecb061-725b-5477-c84c-8e8685ge0f26")
    );
    // Completed orders leave the active set.
    let mut done = orders().remove(0);
    done.status = OrderStatus::Complete;
    push(&mut s, done, "order_completed");
    assert!(
        s.book
            .orders()
            .iter()
            .all(|o| o.id.as_str() != "6debb950-614a-4366-b73b-7d7574fd9e15")
    );
    assert_eq!(s.book.orders().len(), 3);
}

#[test]
fn pushed_updates_wait_while_frozen() {
    let mut s = loaded_state();
    ch(&mut s, 'f');
    let mut a = orders().remove(0);
    a.executed_qty = Some(dec("0.40"));
    push(&mut s, a, "fill_received");
    assert_eq!(
        s.book.orders()[0]
            .executed_qty
            .map(|d| d.to_string())
            .as_deref(),
        Some("0.25")
    );
    ch(&mut s, 'f');
    assert_eq!(
        s.book.orders()[0]
            .executed_qty
            .map(|d| d.to_string())
            .as_deref(),
        Some("0.40")
    );
}

#[test]
fn filter_narrows_the_view_and_keeps_selection_by_id() {
    let mut s = loaded_state();
    ch(&mut s, 'j'); // 7fec… (paused ETH sell)
    ch(&mut s, '/');
    assert!(s.filter_editing);
    typed(&mut s, "side:sell");
    assert_eq!(s.row_count(Tab::Active), 1);
    assert_eq!(
        selected(&s).as_deref(),
        Some("7fecb061-725b-5477-c84c-8e8685ge0f26")
    );
    key(&mut s, KeyCode::Enter);
    assert!(!s.filter_editing);
    // Refreshes keep the filter.
    feed(
        &mut s,
        FeedEvent::ActiveOrders {
            venue: Default::default(),
            page: Page::of(orders()),
            at: ts(NOW),
        },
    );
    assert_eq!(s.row_count(Tab::Active), 1);
    // Actions work on the filtered row.
    ch(&mut s, 'r');
    assert!(
        matches!(s.modal, Some(Modal::Confirm(ref c)) if c.action == Action::Resume(OrderId::new("7fecb061-725b-5477-c84c-8e8685ge0f26")))
    );
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Esc); // clears the filter
    assert_eq!(s.row_count(Tab::Active), 3);
    ch(&mut s, '/');
    typed(&mut s, "pair:BTC-*");
    assert_eq!(s.row_count(Tab::Active), 1);
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.row_count(Tab::Active), 3);
}

#[test]
fn sort_cycles_reverses_and_survives_refresh() {
    let mut s = loaded_state();
    ch(&mut s, 's'); // pair
    let pairs = |s: &blotter::app::State| {
        (0..s.row_count(Tab::Active))
            .filter_map(|i| s.active_row(i).map(|o| o.pair.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(pairs(&s), ["BTC-USD", "ETH-USD", "SOL-USDT"]);
    ch(&mut s, 'S');
    assert_eq!(pairs(&s), ["SOL-USDT", "ETH-USD", "BTC-USD"]);
    feed(
        &mut s,
        FeedEvent::ActiveOrders {
            venue: Default::default(),
            page: Page::of(orders()),
            at: ts(NOW),
        },
    );
    assert_eq!(pairs(&s), ["SOL-USDT", "ETH-USD", "BTC-USD"]);
}

#[test]
fn enter_opens_detail_which_follows_the_selection() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Enter);
    assert!(matches!(s.modal, Some(Modal::Detail(ref id)) if id.as_str().starts_with("6deb")));
    ch(&mut s, 'j');
    assert!(matches!(s.modal, Some(Modal::Detail(ref id)) if id.as_str().starts_with("7fec")));
    ch(&mut s, 'r');
    assert!(matches!(s.modal, Some(Modal::Confirm(_))));
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Enter);
    key(&mut s, KeyCode::Esc);
    assert!(s.modal.is_none());
}

#[test]
fn marks_then_bulk_pause_sends_each_once() {
    let mut s = loaded_state();
    ch(&mut s, ' '); // marks 6deb…, moves down
    ch(&mut s, ' '); // marks 7fec…
    assert_eq!(s.book.marks().len(), 2);
    ch(&mut s, 'c');
    let lines = match &s.modal {
        Some(Modal::Confirm(c)) => {
            assert!(!c.yes);
            assert_eq!(c.more.len(), 1);
            c.lines.join("\n")
        }
        other => panic!("{other:?}"),
    };
    assert!(lines.contains("Cancel 2 marked order(s)"), "{lines}");
    assert!(lines.contains("Notional affected: 11250.00 USD"), "{lines}");
    let cmds = ch(&mut s, 'y');
    assert_eq!(cmds.len(), 2);
    assert!(s.book.marks().is_empty());
    // Marks only ever name existing orders.
    ch(&mut s, 'V');
    assert_eq!(s.book.marks().len(), 3);
    let rows: Vec<_> = orders().into_iter().skip(1).collect();
    feed(
        &mut s,
        FeedEvent::ActiveOrders {
            venue: Default::default(),
            page: Page::of(rows),
            at: ts(NOW),
        },
    );
    assert_eq!(s.book.marks().len(), 2);
}

#[test]
fn kill_switch_by_account_pauses_only_that_account() {
    let mut s = loaded_state(); // selected: 6deb… on binance_main (with 984f…, scheduled)
    ch(&mut s, 'K');
    ch(&mut s, 'a');
    ch(&mut s, 'p');
    let c = match &s.modal {
        Some(Modal::Confirm(c)) => c.clone(),
        other => panic!("{other:?}"),
    };
    assert!(c.title.contains("account binance_main"), "{}", c.title);
    assert!(!c.yes);
    let cmds = ch(&mut s, 'y');
    let ids: Vec<_> = cmds
        .iter()
        .map(|c| match c {
            Command::Act {
                action: Action::Pause(id),
                ..
            } => id.as_str().to_string(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(
        ids.iter().all(|i| !i.starts_with("7fec")),
        "other accounts untouched"
    );
}

#[test]
fn cancelling_everything_needs_the_typed_word() {
    let mut s = loaded_state();
    ch(&mut s, 'K');
    ch(&mut s, 'e');
    ch(&mut s, 'c');
    assert!(
        matches!(s.modal, Some(Modal::Confirm(ref c)) if c.require_word.as_deref() == Some("CANCEL"))
    );
    // y and Enter alone send nothing.
    assert!(ch(&mut s, 'y').is_empty());
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    for _ in 0..1 {
        key(&mut s, KeyCode::Backspace);
    }
    typed(&mut s, "CANCEL");
    // Tread.fi has cancel_all_orders: one request covers everything (paused orders too).
    let cmds = key(&mut s, KeyCode::Enter);
    assert_eq!(
        cmds,
        vec![act(Action::CancelAll {
            venue: Default::default(),
            account_names: vec![],
        })]
    );
}

#[test]
fn kill_switch_cancel_by_account_is_one_cancel_all_request_naming_the_account() {
    let mut s = loaded_state(); // selected: 6deb… on binance_main
    ch(&mut s, 'K');
    ch(&mut s, 'a');
    ch(&mut s, 'c');
    let Some(Modal::Confirm(c)) = s.modal.clone() else {
        panic!("{:?}", s.modal);
    };
    assert!(c.lines[0].starts_with("CANCEL 2 order(s)"), "{:?}", c.lines);
    assert!(
        c.lines
            .iter()
            .any(|l| l.contains("POST /api/cancel_all_orders/") && l.contains("not on screen")),
        "{:?}",
        c.lines
    );
    let cmds = ch(&mut s, 'y');
    assert_eq!(
        cmds,
        vec![act(Action::CancelAll {
            venue: Default::default(),
            account_names: vec!["binance_main".into()],
        })]
    );
    // A second press while it is in flight sends nothing.
    ch(&mut s, 'K');
    ch(&mut s, 'a');
    ch(&mut s, 'c');
    assert!(ch(&mut s, 'y').is_empty());
}

#[test]
fn kill_switch_falls_back_to_one_request_per_order_without_venue_wide_endpoints() {
    let mut s = loaded_state();
    s.venues[0].capabilities.cancel_all = false;
    s.venues[0].capabilities.pause_all = false;
    ch(&mut s, 'K');
    ch(&mut s, 'e');
    ch(&mut s, 'c');
    typed(&mut s, "CANCEL");
    let cmds = key(&mut s, KeyCode::Enter);
    assert_eq!(cmds.len(), 3);
    assert!(cmds.iter().all(|c| matches!(
        c,
        Command::Act {
            action: Action::Cancel(_),
            ..
        }
    )));
}

#[test]
fn new_errors_alert_and_count_as_unread_until_seen() {
    let mut s = loaded_state();
    // The first load raises no alert and counts its ERROR as unread.
    assert_eq!(s.unread_errors(), 1);
    let mut msgs = messages();
    msgs.push(blotter::domain::OrderMessage {
        venue: Default::default(),
        order_id: OrderId::new("7fecb061-725b-5477-c84c-8e8685ge0f26"),
        level: blotter::domain::MessageLevel::Error,
        message: "Exchange rejected: rate limit".into(),
        created_at: Some(ts("2024-01-15T10:30:30Z")),
    });
    feed(
        &mut s,
        FeedEvent::OrderErrors {
            venue: Default::default(),
            messages: msgs,
            at: ts(NOW),
        },
    );
    assert!(
        s.banner
            .as_ref()
            .is_some_and(|b| b.text.contains("New ERROR on 7fecb061: Exchange rejected"))
    );
    assert_eq!(s.unread_errors(), 2);
    ch(&mut s, '4');
    assert_eq!(s.unread_errors(), 0);
}

#[test]
fn an_order_failing_raises_an_alert() {
    let mut s = loaded_state();
    let mut rows = orders();
    rows[0].status = OrderStatus::Failed;
    rows[0].failure_reason = Some("Insufficient balance".into());
    feed(
        &mut s,
        FeedEvent::ActiveOrders {
            venue: Default::default(),
            page: Page::of(rows),
            at: ts(NOW),
        },
    );
    let b = s.banner.clone().unwrap_or_else(|| panic!("no alert"));
    assert!(
        b.text
            .contains("6debb950 BTC-USD FAILED: Insufficient balance"),
        "{}",
        b.text
    );
    assert_eq!(b.level, blotter::app::BannerLevel::Error);
}

#[test]
fn export_writes_the_visible_rows_as_csv_and_json() {
    let mut s = loaded_state();
    ch(&mut s, '/');
    typed(&mut s, "side:buy");
    key(&mut s, KeyCode::Enter);
    assert_eq!(ch(&mut s, 'e'), vec![Command::Export(Tab::Active)]);
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let paths =
        blotter::tui::export_tab(&s, Tab::Active, dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert!(paths.contains(".csv") && paths.contains(".json"));
    let json_path = std::fs::read_dir(dir.path())
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .unwrap_or_else(|| panic!("no json"));
    let text = std::fs::read_to_string(json_path).unwrap_or_default();
    assert!(text.contains("\"average_executed_price\": \"45000.00\""));
    assert!(
        !text.contains("7fecb061"),
        "the filter applies to the export"
    );
}

#[test]
fn mouse_selects_rows_switches_tabs_and_scrolls() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mouse = |kind, column, row| {
        blotter::app::Msg::Mouse(MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    let mut s = loaded_state();
    blotter::app::update(
        &mut s,
        mouse(
            MouseEventKind::Down(MouseButton::Left),
            10,
            blotter::ui::FIRST_ROW + 2,
        ),
    );
    assert_eq!(s.selected_index(Tab::Active), Some(2));
    blotter::app::update(&mut s, mouse(MouseEventKind::ScrollUp, 10, 10));
    assert_eq!(s.selected_index(Tab::Active), Some(1));
    // A click far below the last row selects nothing new.
    blotter::app::update(
        &mut s,
        mouse(
            MouseEventKind::Down(MouseButton::Left),
            10,
            blotter::ui::FIRST_ROW + 20,
        ),
    );
    assert_eq!(s.selected_index(Tab::Active), Some(1));
    // The tab bar: " 1 Active orders (3) │ 2 Multi-orders (1) │ …" — column 30 is tab 2.
    blotter::app::update(
        &mut s,
        mouse(
            MouseEventKind::Down(MouseButton::Left),
            30,
            blotter::ui::TAB_BAR_ROW,
        ),
    );
    assert_eq!(s.tab, Tab::Multi);
}

/// The command that sends `action` to the (single, unnamed) venue.
fn act(action: Action) -> Command {
    Command::Act {
        venue: Default::default(),
        action,
    }
}

#[test]
fn overridden_keys_drive_update() {
    let mut s = loaded_state();
    s.prefs.keymap = blotter::app::keymap::Keymap::default()
        .with_overrides([("pause", vec!["F5"])])
        .unwrap_or_else(|e| panic!("{e}"));
    ch(&mut s, 'p');
    assert!(s.modal.is_none(), "p no longer pauses");
    key(&mut s, KeyCode::F(5));
    assert!(matches!(s.modal, Some(Modal::Confirm(_))));
}
