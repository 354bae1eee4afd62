//! The multi-order tree (issue 5): `Enter` on a multi-order expands it into its child orders
//! (fetched with `GET /api/multi_order/{id}?include_child_orders=true`) and each child's
//! placements; actions on a child row act on that child; the expansion survives refreshes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use std::time::Duration;

use blotter::app::{Command, FeedEvent, Modal, Msg, Tab, TreeRow, update};
use blotter::domain::{OrderId, OrderStatus, Page, Side};
use blotter::venue::Action;
use common::*;
use crossterm::event::KeyCode;

const MULTI: &str = "397e42c1-a617-458b-9db9-dc51f326b918";
const LIVE_CHILD: &str = "6debb950-614a-4366-b73b-7d7574fd9e15";
const DONE_CHILD: &str = "54509111-7204-4626-8513-d7f040f76bf3";

fn kinds(s: &blotter::app::State) -> Vec<String> {
    s.book
        .multi_view()
        .iter()
        .map(|r| match r {
            TreeRow::Multi(_) => "multi".to_string(),
            TreeRow::Child { id, .. } => format!("child {}", id.short()),
            TreeRow::Placement { order, index } => format!("placement {} {index}", order.short()),
        })
        .collect()
}

fn detail_with_children() -> FeedEvent {
    let mut multi = multi_orders().remove(0);
    let mut done = order(
        DONE_CHILD,
        "BTC:PERP-USDT",
        Side::Sell,
        OrderStatus::Complete,
        "2024-01-15T10:00:00Z",
    );
    done.parent_order_id = Some(OrderId::new(MULTI));
    done.executed_notional = Some(dec("46856.30"));
    multi.child_orders = vec![done];
    FeedEvent::MultiOrderDetail {
        venue: Default::default(),
        multi: Box::new(multi),
        at: ts(NOW),
    }
}

#[test]
fn enter_expands_a_multi_order_into_children_and_placements_and_fetches_the_children() {
    let mut s = loaded_state();
    ch(&mut s, '2');
    assert_eq!(kinds(&s), ["multi"]);
    let cmds = key(&mut s, KeyCode::Enter);
    assert_eq!(
        cmds,
        vec![Command::FetchMulti {
            venue: Default::default(),
            id: OrderId::new(MULTI),
        }]
    );
    let placements = placements()[0].1.rows.len();
    let mut expected = vec!["multi".to_string(), "child 6debb950".to_string()];
    expected.extend((0..placements).map(|i| format!("placement 6debb950 {i}")));
    expected.push("child 54509111".to_string());
    assert_eq!(kinds(&s), expected);
    // The child that is not an active order shows as loading until its multi-order arrives.
    let text = screen(&s);
    assert!(
        text.lines()
            .any(|l| l.contains("├ 54509111") && l.contains("loading…")),
        "{text}"
    );
    feed(&mut s, detail_with_children());
    let text = screen(&s);
    assert!(text.contains("COMPLETE"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn enter_again_collapses_without_a_request() {
    let mut s = loaded_state();
    ch(&mut s, '2');
    key(&mut s, KeyCode::Enter);
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    assert_eq!(kinds(&s), ["multi"]);
    assert!(s.book.expanded().is_empty());
}

#[test]
fn actions_on_a_child_row_act_on_that_child_and_enter_opens_its_detail() {
    let mut s = loaded_state();
    ch(&mut s, '2');
    key(&mut s, KeyCode::Enter);
    ch(&mut s, 'j');
    assert!(matches!(
        s.selected_tree_row(),
        Some(TreeRow::Child { id, .. }) if id.as_str() == LIVE_CHILD
    ));
    ch(&mut s, 'p');
    let Some(Modal::Confirm(c)) = s.modal.clone() else {
        panic!("{:?}", s.banner);
    };
    assert_eq!(c.title, "Pause order?");
    assert_eq!(c.action, Action::Pause(OrderId::new(LIVE_CHILD)));
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.modal, Some(Modal::Detail(OrderId::new(LIVE_CHILD))));
    // The multi-order row still acts on the multi-order.
    key(&mut s, KeyCode::Esc);
    ch(&mut s, 'g');
    ch(&mut s, 'p');
    let Some(Modal::Confirm(c)) = s.modal.clone() else {
        panic!("{:?}", s.banner);
    };
    assert_eq!(c.action, Action::PauseMulti(OrderId::new(MULTI)));
}

#[test]
fn the_expansion_and_fetched_children_survive_a_refresh() {
    let mut s = loaded_state();
    ch(&mut s, '2');
    key(&mut s, KeyCode::Enter);
    feed(&mut s, detail_with_children());
    let before = kinds(&s);
    feed(
        &mut s,
        FeedEvent::MultiOrders {
            venue: Default::default(),
            page: Page::of(multi_orders()),
            at: ts(NOW),
        },
    );
    assert_eq!(kinds(&s), before);
    assert!(screen(&s).contains("COMPLETE"));
    // A multi-order that is gone takes its expansion with it.
    feed(
        &mut s,
        FeedEvent::MultiOrders {
            venue: Default::default(),
            page: Page::of(vec![]),
            at: ts(NOW),
        },
    );
    assert!(s.book.expanded().is_empty() && s.book.multi_view().is_empty());
    assert_eq!(s.row_count(Tab::Multi), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expanding_fetches_the_multi_order_with_its_children_from_the_venue() {
    let sim = blotter::sim::spawn(blotter::sim::SimConfig {
        auto_advance: false,
        ..Default::default()
    })
    .await
    .unwrap();
    let venue = std::sync::Arc::new(
        blotter::venue::treadfi::TreadfiClient::new(
            &sim.base_url(),
            Some(sim.token()),
            Duration::from_secs(5),
        )
        .unwrap(),
    );
    let (tx, mut rx) = tokio::sync::mpsc::channel(1024);
    let cfg = blotter::feed::FeedConfig {
        interval: Duration::from_millis(200),
        ..Default::default()
    };
    let feed = blotter::feed::spawn(venue, cfg, tx);
    let mut s = blotter::app::State::new("Tread.fi", blotter::venue::Capabilities::ALL, ts(NOW));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while s.book.multi_orders().is_empty() {
        let Ok(Some(ev)) = tokio::time::timeout_at(deadline, rx.recv()).await else {
            panic!("no multi-orders");
        };
        update(&mut s, Msg::Feed(ev));
    }
    ch(&mut s, '2');
    let cmds = key(&mut s, KeyCode::Enter);
    let [Command::FetchMulti { venue, id }] = cmds.as_slice() else {
        panic!("{cmds:?}");
    };
    sim.clear_requests();
    feed.send_to(venue, blotter::feed::FeedCommand::FetchMulti(id.clone()))
        .unwrap();
    let id = id.clone();
    loop {
        let Ok(Some(ev)) = tokio::time::timeout_at(deadline, rx.recv()).await else {
            panic!("no multi-order detail");
        };
        let done = matches!(&ev, FeedEvent::MultiOrderDetail { multi, .. } if multi.id == id);
        update(&mut s, Msg::Feed(ev));
        if done {
            break;
        }
    }
    let m = s.book.multi_orders().iter().find(|m| m.id == id).unwrap();
    assert!(!m.child_orders.is_empty(), "children fetched");
    let asked: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/multi_order/"))
        .map(|r| (r.method, r.path, r.query))
        .collect();
    assert_eq!(
        asked,
        [(
            "GET".to_string(),
            format!("/api/multi_order/{id}"),
            Some("include_child_orders=true".to_string())
        )]
    );
    assert!(
        kinds(&s).iter().filter(|k| k.starts_with("child")).count() >= 2,
        "{:?}",
        kinds(&s)
    );
    feed.stop();
    sim.shutdown().await;
}
