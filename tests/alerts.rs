//! `[alerts]`: a new ERROR, an order turning FAILED or COMPLETE raise the configured flash /
//! status / bell — detected in `app::update` when feed data arrives, never on the first load.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use blotter::app::{AlertAction, Alerts, BannerLevel, Command, FeedEvent, Msg, State, update};
use blotter::domain::{MessageLevel, OrderId, OrderMessage, OrderStatus, Page};
use common::*;

const A: &str = "6debb950-614a-4366-b73b-7d7574fd9e15";
const B: &str = "7fecb061-725b-5477-c84c-8e8685ge0f26";

fn refresh_with(s: &mut State, f: impl FnOnce(&mut Vec<blotter::domain::Order>)) -> Vec<Command> {
    let mut rows = orders();
    f(&mut rows);
    feed(
        s,
        FeedEvent::ActiveOrders {
            venue: Default::default(),
            page: Page::of(rows),
            at: ts(NOW),
        },
    )
}

fn push(s: &mut State, order: blotter::domain::Order) -> Vec<Command> {
    feed(
        s,
        FeedEvent::PushUpdate {
            venue: Default::default(),
            event: blotter::venue::PushEvent::OrderUpdate {
                order_id: order.id.clone(),
                update_type: "UPDATE".into(),
                order: Some(Box::new(order)),
            },
            at: ts(NOW),
        },
    )
}

fn new_error(s: &mut State, id: &str) -> Vec<Command> {
    let mut msgs = messages();
    msgs.push(OrderMessage {
        venue: Default::default(),
        order_id: OrderId::new(id),
        level: MessageLevel::Error,
        message: "Exchange rejected: rate limit".into(),
        created_at: Some(ts("2024-01-15T10:30:30Z")),
    });
    feed(
        s,
        FeedEvent::OrderErrors {
            venue: Default::default(),
            messages: msgs,
            at: ts(NOW),
        },
    )
}

#[test]
fn defaults_failed_is_status_and_flash_without_bell() {
    let mut s = loaded_state();
    let cmds = refresh_with(&mut s, |r| r[1].status = OrderStatus::Failed);
    assert!(cmds.is_empty(), "no bell by default");
    let b = s.banner.clone().unwrap_or_else(|| panic!("no banner"));
    assert!(b.text.contains("7fecb061 ETH-USD FAILED"), "{}", b.text);
    assert_eq!(b.level, BannerLevel::Error);
    let f = s.flashes.get(&OrderId::new(B)).copied();
    assert!(f.is_some_and(|f| f.alert && f.status));
    // The alert highlight lasts a few seconds, then fades.
    update(&mut s, Msg::Tick(ts("2024-01-15T10:30:03Z")));
    assert!(s.flashes.get(&OrderId::new(B)).is_some_and(|f| f.alert));
    update(&mut s, Msg::Tick(ts("2024-01-15T10:30:06Z")));
    assert!(s.flashes.is_empty());
}

#[test]
fn defaults_error_and_complete_are_status_only() {
    let mut s = loaded_state();
    assert!(new_error(&mut s, B).is_empty());
    assert!(
        s.banner
            .as_ref()
            .is_some_and(|b| b.text.contains("New ERROR on 7fecb061"))
    );
    assert!(!s.flashes.values().any(|f| f.alert));
    let mut o = orders()[0].clone();
    o.status = OrderStatus::Complete;
    assert!(push(&mut s, o).is_empty());
    let b = s.banner.clone().unwrap_or_else(|| panic!("no banner"));
    assert!(b.text.contains("6debb950 BTC-USD COMPLETE"), "{}", b.text);
    assert_eq!(b.level, BannerLevel::Success);
    assert!(!s.flashes.values().any(|f| f.alert));
}

#[test]
fn configured_bells_and_silences() {
    let mut s = loaded_state();
    s.prefs.alerts = Alerts {
        on_error: vec![AlertAction::Bell, AlertAction::Flash],
        on_failed: vec![AlertAction::Bell],
        on_complete: vec![],
        ..Alerts::default()
    };
    s.banner = None;
    // A new ERROR: bell and the order's row flashes, no banner.
    assert_eq!(new_error(&mut s, A), vec![Command::Bell]);
    assert!(s.banner.is_none());
    assert!(s.flashes.get(&OrderId::new(A)).is_some_and(|f| f.alert));
    // COMPLETE with an empty list: nothing at all.
    let mut o = orders()[2].clone();
    o.status = OrderStatus::Complete;
    assert!(push(&mut s, o).is_empty());
    assert!(s.banner.is_none());
    // Two orders failing in one refresh: one bell.
    let cmds = refresh_with(&mut s, |r| {
        r[0].status = OrderStatus::Failed;
        r[1].status = OrderStatus::Failed;
    });
    assert_eq!(cmds, vec![Command::Bell]);
    assert!(s.banner.is_none());
}

#[test]
fn the_first_load_raises_nothing() {
    let mut s = State::new("Tread.fi", blotter::venue::Capabilities::ALL, ts(NOW));
    s.prefs.alerts = Alerts {
        on_error: vec![AlertAction::Bell, AlertAction::Status],
        on_failed: vec![AlertAction::Bell, AlertAction::Status],
        on_complete: vec![AlertAction::Bell],
        ..Alerts::default()
    };
    let cmds = refresh_with(&mut s, |r| r[0].status = OrderStatus::Failed);
    assert!(cmds.is_empty());
    assert!(new_error(&mut s, A).is_empty());
    assert!(s.banner.is_none(), "{:?}", s.banner);
    // A status that stays FAILED across refreshes is not a new transition.
    let cmds = refresh_with(&mut s, |r| r[0].status = OrderStatus::Failed);
    assert!(cmds.is_empty());
}

#[test]
fn alerts_queued_while_frozen_ring_once_on_unfreeze() {
    let mut s = loaded_state();
    s.prefs.alerts.on_failed = vec![AlertAction::Bell];
    ch(&mut s, 'f');
    assert!(refresh_with(&mut s, |r| r[1].status = OrderStatus::Failed).is_empty());
    assert!(new_error(&mut s, B).is_empty());
    s.prefs.alerts.on_error = vec![AlertAction::Bell];
    assert_eq!(ch(&mut s, 'f'), vec![Command::Bell]);
}

#[test]
fn an_alert_flash_highlights_the_whole_row() {
    let mut s = loaded_state();
    refresh_with(&mut s, |r| r[1].status = OrderStatus::Failed);
    // Failed orders stay listed until the venue drops them; look at the row on screen.
    let backend = ratatui::backend::TestBackend::new(s.size.0, s.size.1);
    let mut t = ratatui::Terminal::new(backend).unwrap_or_else(|e| panic!("{e}"));
    t.draw(|f| blotter::ui::render(&s, f))
        .unwrap_or_else(|e| panic!("{e}"));
    let b = t.backend().buffer();
    let y = (0..b.area.height)
        .find(|&y| {
            (0..b.area.width).any(|x| b[(x, y)].symbol() == "7" && b[(x + 1, y)].symbol() == "f")
        })
        .unwrap_or_else(|| panic!("no row for 7fecb061"));
    let x = (0..b.area.width)
        .find(|&x| b[(x, y)].symbol() == "E" && b[(x + 1, y)].symbol() == "T")
        .unwrap_or_else(|| panic!("no pair cell"));
    // The pair cell carries no meaning of its own: it is highlighted only by the alert.
    assert_eq!(b[(x, y)].bg, ratatui::style::Color::Blue);
}
