//! Issue 18, "One language on screen" and "The shared desk": one symbol form on a three-venue
//! screen, in filters and in exports; decimal columns lined up on the point; rows changed
//! since seen.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use blotter::app::{FeedEvent, Msg, State, Tab, VenueState, update};
use blotter::domain::{LimitPrice, Order, OrderId, OrderStatus, Page, Side, VenueId};
use blotter::dump::{DumpFormat, render};
use blotter::venue::alphasec::ALPHASEC_CAPABILITIES;
use blotter::venue::anboto::ANBOTO_CAPABILITIES;
use blotter::venue::{Action, ActionReply, Capabilities};
use common::*;
use crossterm::event::KeyCode;

fn v(name: &str) -> VenueId {
    VenueId::new(name)
}

fn three_venues() -> State {
    let mut s = State::with_venues(
        vec![
            VenueState::new(v("treadfi"), "Tread.fi", Capabilities::ALL),
            VenueState::new(v("anboto"), "Anboto", ANBOTO_CAPABILITIES),
            VenueState::new(v("alphasec"), "AlphaSec", ALPHASEC_CAPABILITIES),
        ],
        ts(NOW),
    );
    s.size = (150, 16);
    s
}

fn rows(venue: &str, orders: Vec<Order>) -> FeedEvent {
    FeedEvent::ActiveOrders {
        venue: v(venue),
        page: Page::of(orders),
        at: ts(NOW),
    }
}

/// An order with mixed-scale figures: `qty` executed at `px` (both as a venue sends them).
fn sized(id: &str, pair: &str, strategy: &str, qty: &str, px: &str, created: &str) -> Order {
    let mut o = order(id, pair, Side::Buy, OrderStatus::Active, created);
    o.strategy = Some(strategy.into());
    o.executed_qty = Some(dec(qty));
    o.avg_price = Some(dec(px));
    o
}

/// Tread.fi `BTC-USDT`, Anboto `BTC/USDT` (strategy `Limit`) and a ccxt-style perp, AlphaSec
/// `ALP-USDT`; executed quantities `0.5`, `12.25`, `1000` and prices of several scales.
fn desk() -> State {
    let mut s = three_venues();
    let mut tread = sized(
        "tf-1",
        "BTC-USDT",
        "TWAP",
        "0.5",
        "97000.5",
        "2024-01-15T10:20:00Z",
    );
    // No venue notional: target × limit, computed, at 2 places for a USDT quote.
    tread.target_qty = Some(dec("0.75"));
    tread.limit_price = Some(LimitPrice::Price(dec("97123.456")));
    feed(&mut s, rows("treadfi", vec![tread]));
    let mut anboto = sized(
        "7001",
        "BTC/USDT",
        "Limit",
        "12.25",
        "96999.12345",
        "2024-01-15T10:25:00Z",
    );
    anboto.executed_notional = Some(dec("1188239.26"));
    let perp = sized(
        "7003",
        "ETH/USDT:USDT",
        "Limit",
        "3.1",
        "3400",
        "2024-01-15T10:22:00Z",
    );
    feed(&mut s, rows("anboto", vec![anboto, perp]));
    let alp = sized(
        "0xabc",
        "ALP-USDT",
        "LIMIT",
        "1000",
        "0.0123",
        "2024-01-15T10:15:00Z",
    );
    feed(&mut s, rows("alphasec", vec![alp]));
    s
}

fn shown_ids(s: &State) -> Vec<String> {
    (0..s.row_count(Tab::Active))
        .filter_map(|i| s.active_row(i))
        .map(|o| o.id.as_str().to_owned())
        .collect()
}

#[test]
fn three_venues_show_one_symbol_form_and_aligned_numbers() {
    let s = desk();
    let t = screen(&s);
    insta::assert_snapshot!(t);
    assert!(!t.contains("BTC/USDT"), "{t}");
    let anboto_row = t.lines().find(|l| l.contains(" 7001 ")).unwrap();
    assert!(
        anboto_row.contains(" BTC-USDT ") && anboto_row.contains(" LIMIT "),
        "{t}"
    );
    assert!(t.contains("ETH:PERP-USDT"), "{t}");
    // Digits as received, padded with spaces so the points line up.
    let col = |needle: &str| {
        t.lines()
            .find_map(|l| l.find(needle).map(|at| l[..at].chars().count()))
            .unwrap_or_else(|| panic!("{needle} not on screen:\n{t}"))
    };
    let point = col("0.5 ") + 1;
    assert_eq!(col("12.25") + 2, point, "{t}");
    // `1000` ends where the point would be.
    assert_eq!(col("1000 ") + 4, point, "{t}");
    assert_eq!(col("97000.5 ") + 5, col("96999.12345") + 5, "{t}");
    // Computed notional: 0.75 × 97123.456 = 72842.592 → 72842.59 (USDT, 2 places).
    assert!(t.contains("72842.59 "), "{t}");
    assert!(!t.contains("72842.592"), "{t}");
}

#[test]
fn a_pair_filter_finds_every_venues_form_of_the_market() {
    let mut s = desk();
    ch(&mut s, '/');
    typed(&mut s, "pair:BTC-USDT");
    key(&mut s, KeyCode::Enter);
    let mut ids = shown_ids(&s);
    ids.sort();
    assert_eq!(ids, ["7001", "tf-1"]);
}

#[test]
fn csv_exports_the_shown_symbol_json_keeps_the_venues() {
    let s = desk();
    let anboto: Vec<Order> = s
        .book
        .orders()
        .iter()
        .filter(|o| o.venue == v("anboto"))
        .cloned()
        .collect();
    let csv = render(&anboto, DumpFormat::Csv);
    assert!(csv.contains(",BTC-USDT,buy,LIMIT,"), "{csv}");
    assert!(csv.contains(",ETH:PERP-USDT,buy,LIMIT,"), "{csv}");
    assert!(!csv.contains("BTC/USDT"), "{csv}");
    let json = render(&anboto, DumpFormat::Json);
    assert!(json.contains(r#""pair": "BTC/USDT""#), "{json}");
    assert!(json.contains(r#""pair": "ETH/USDT:USDT""#), "{json}");
    assert!(json.contains(r#""strategy": "Limit""#), "{json}");
}

// ---- changed since seen ----------------------------------------------------------------

fn anboto_page(s: &mut State, f: impl Fn(&mut Order)) {
    let now: Vec<Order> = s
        .book
        .orders()
        .iter()
        .filter(|o| o.venue == v("anboto"))
        .cloned()
        .map(|mut o| {
            f(&mut o);
            o
        })
        .collect();
    feed(s, rows("anboto", now));
}

fn changed(s: &State) -> Vec<String> {
    s.book
        .seen()
        .orders()
        .iter()
        .map(|id| id.as_str().to_owned())
        .collect()
}

fn selected(s: &State) -> String {
    s.selected_order().unwrap().id.as_str().to_owned()
}

#[test]
fn changes_mark_rows_until_the_selection_moves_onto_them() {
    let mut s = desk();
    assert_eq!(
        changed(&s),
        Vec::<String>::new(),
        "a first page marks nothing"
    );
    assert_eq!(selected(&s), "tf-1");
    // Another fill on 7001, a status change on 7003; the same page again changes nothing.
    anboto_page(&mut s, |o| {
        if o.id.as_str() == "7001" {
            o.executed_qty = Some(dec("13"));
        } else {
            o.status = OrderStatus::Paused;
        }
    });
    assert_eq!(changed(&s), ["7001", "7003"]);
    anboto_page(&mut s, |_| {});
    assert_eq!(changed(&s), ["7001", "7003"]);
    // The selected row is being looked at: its fill is not marked.
    let mut tf = s.book.order(&OrderId::new("tf-1")).unwrap().clone();
    tf.executed_qty = Some(dec("0.6"));
    feed(&mut s, rows("treadfi", vec![tf]));
    assert_eq!(changed(&s), ["7001", "7003"]);
    // Rows: 7001, 7003, tf-1, 0xabc. Moving up onto 7003 sees it; 7001 stays marked.
    key(&mut s, KeyCode::Up);
    assert_eq!(selected(&s), "7003");
    assert_eq!(changed(&s), ["7001"]);
    assert_eq!(s.book.changed_count(Tab::Active), 1);
    key(&mut s, KeyCode::Up);
    assert_eq!(changed(&s), Vec::<String>::new());
}

#[test]
fn mark_all_seen_clears_every_mark() {
    let mut s = desk();
    anboto_page(&mut s, |o| o.executed_qty = Some(dec("20")));
    assert_eq!(changed(&s), ["7001", "7003"]);
    ch(&mut s, 'N');
    assert_eq!(changed(&s), Vec::<String>::new());
    assert_eq!(
        selected(&s),
        "tf-1",
        "marking seen does not move the selection"
    );
}

#[test]
fn our_own_confirmed_action_is_not_news_another_blotters_is() {
    let mut s = desk();
    update(
        &mut s,
        Msg::Feed(FeedEvent::ActionDone {
            action: Action::Pause(OrderId::new("7003")),
            result: Ok(ActionReply {
                status: 200,
                message: "paused".into(),
            }),
            at: ts(NOW),
        }),
    );
    // 7003 paused by us; 7001 paused from another blotter of the desk.
    anboto_page(&mut s, |o| o.status = OrderStatus::Paused);
    assert_eq!(changed(&s), ["7001"]);
    // Only the one change our action caused is expected: the next one marks.
    anboto_page(&mut s, |o| o.status = OrderStatus::Active);
    assert_eq!(changed(&s), ["7001", "7003"]);
}

#[test]
fn gutter_dots_and_the_tab_title_count() {
    let mut s = desk();
    anboto_page(&mut s, |o| o.executed_qty = Some(dec("20")));
    let t = screen(&s);
    insta::assert_snapshot!(t);
    assert!(t.contains(" 1 Active orders (4) 2 new │"), "{t}");
    assert!(t.contains("•7001 "), "{t}");
    assert!(t.contains("•7003 "), "{t}");
    assert!(t.contains("  tf-1 "), "{t}");
    assert!(
        t.contains("2 changed since seen (•; N marks all seen)"),
        "{t}"
    );
}

// ---- last action ------------------------------------------------------------------------

/// One audit line as `AuditLog::record` writes it.
fn audit_line(at: &str, user: &str, action: &str, id: &str, ok: bool) -> String {
    let outcome = if ok {
        serde_json::json!({"ok": true, "status": 200, "reply": "done"})
    } else {
        serde_json::json!({"ok": false, "error": "409 Order is not paused."})
    };
    serde_json::json!({
        "at": at, "user": user, "source": "ssh SHA256:abc", "venue": "anboto",
        "action": action, "scope": "order", "order_id": id, "outcome": outcome,
        "latency_ms": 12,
    })
    .to_string()
}

#[test]
fn the_last_action_column_reads_the_audit_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    // Written by other blotters of the desk (and before a restart), oldest first.
    let lines = [
        audit_line("2024-01-15T09:58:00Z", "bob", "pause", "7001", true),
        audit_line("2024-01-15T10:02:41Z", "alice", "resume", "7001", true),
        audit_line("2024-01-15T10:05:00Z", "carol", "cancel", "0xabc", false),
        audit_line("2024-01-15T10:06:00Z", "dave", "amend", "7003", true),
    ];
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let mut s = desk();
    s.size = (190, 16);
    // What the runner does at start and after our own actions: read, then one message.
    let tail = blotter::audit::tail(&path, 2000).unwrap();
    update(
        &mut s,
        Msg::LastActions(blotter::history::acted_by_order(&tail.entries)),
    );
    let t = screen(&s);
    let row = |id: &str| t.lines().find(|l| l.contains(id)).unwrap().to_owned();
    assert!(t.contains("Last action"), "{t}");
    assert!(row(" 7001 ").contains("alice resumed 10:02"), "{t}");
    assert!(row(" 7003 ").contains("dave amended 10:06"), "{t}");
    assert!(row(" 0xabc ").contains("carol cancel ✗ 10:05"), "{t}");
    for word in ["paused", "resumed", "amended", "cancelled", "✗"] {
        assert!(!row(" tf-1 ").contains(word), "{t}");
    }
    // An older entry arriving later (a slow History poll) does not win over a newer one.
    update(
        &mut s,
        Msg::LastActions(blotter::history::acted_by_order(&[
            blotter::audit::parse_line(&audit_line(
                "2024-01-15T09:00:00Z",
                "eve",
                "pause",
                "7001",
                true,
            ))
            .unwrap(),
        ])),
    );
    assert!(screen(&s).contains("alice resumed 10:02"));
}

#[test]
fn the_last_reply_of_our_actions_asks_for_the_audit_log_again() {
    let mut s = desk();
    let done = |id: &str| {
        Msg::Feed(FeedEvent::ActionDone {
            action: Action::Pause(OrderId::new(id)),
            result: Ok(ActionReply {
                status: 200,
                message: "paused".into(),
            }),
            at: ts(NOW),
        })
    };
    s.in_flight.insert(OrderId::new("7001"));
    s.in_flight.insert(OrderId::new("7003"));
    let first = update(&mut s, done("7001"));
    assert!(
        !first.contains(&blotter::app::Command::LoadLastActions),
        "{first:?}"
    );
    let last = update(&mut s, done("7003"));
    assert!(
        last.contains(&blotter::app::Command::LoadLastActions),
        "{last:?}"
    );
}

// ---- bulk summary banner ------------------------------------------------------------------

#[test]
fn a_bulk_cancel_ends_with_one_summary_banner() {
    let mut s = desk();
    ch(&mut s, 'V');
    ch(&mut s, 'c');
    let cmds = ch(&mut s, 'y');
    let sent: Vec<Action> = cmds
        .into_iter()
        .filter_map(|c| match c {
            blotter::app::Command::Act { action, .. } => Some(action),
            _ => None,
        })
        .collect();
    // Anboto: one bulk cancel of its two orders; Tread.fi: one cancel; AlphaSec: left out.
    assert_eq!(sent.len(), 2, "{sent:?}");
    let reply = |action: &Action, ok: bool| {
        Msg::Feed(FeedEvent::ActionDone {
            action: action.clone(),
            result: if ok {
                Ok(ActionReply {
                    status: 200,
                    message: "cancelled".into(),
                })
            } else {
                Err(blotter::venue::VenueError::Http {
                    status: 409,
                    message: "Order is not active.".into(),
                    retry_after_secs: None,
                })
            },
            at: ts(NOW),
        })
    };
    update(&mut s, reply(&sent[0], true));
    let first = s.banner.clone().unwrap().text;
    assert!(
        !first.contains("left out"),
        "no summary before the last reply: {first}"
    );
    update(&mut s, reply(&sent[1], false));
    let t = screen(&s);
    insta::assert_snapshot!(t);
    let banner = s.banner.clone().unwrap().text;
    let (ok, failed) = if matches!(sent[0], Action::CancelMany { .. }) {
        (2, 1)
    } else {
        (1, 2)
    };
    assert!(
        banner.starts_with(&format!(
            "{ok} cancelled, {failed} failed, 1 left out (AlphaSec is read-only)"
        )),
        "{banner}"
    );
    assert!(s.bulk.is_none());
}
