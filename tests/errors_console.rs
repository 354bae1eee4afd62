//! The errors tab as an incident console: per-level counts in the title, `b` groups by order
//! or by message (worst first, stable across refreshes), and `Enter` jumps to the order.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use blotter::app::{ErrorGrouping, FeedEvent, Tab};
use blotter::domain::MessageLevel;
use common::*;
use crossterm::event::KeyCode;
use ratatui::style::Color;

/// Fixture messages plus more of the same, so groups have counts above one.
fn incident() -> blotter::app::State {
    let mut s = loaded_state();
    let mut msgs = messages();
    let m = message;
    msgs.push(m(
        "7fecb061-725b-5477-c84c-8e8685ge0f26",
        MessageLevel::Error,
        "Insufficient balance for order execution",
        "2024-01-15T10:29:00Z",
    ));
    msgs.push(m(
        "0000dead-0000-0000-0000-000000000000",
        MessageLevel::Warn,
        "Order partially filled due to market conditions",
        "2024-01-15T10:20:00Z",
    ));
    feed(
        &mut s,
        FeedEvent::OrderErrors {
            venue: Default::default(),
            messages: msgs,
            at: ts("2024-01-15T10:30:00Z"),
        },
    );
    s.tab = Tab::Errors;
    s
}

fn fg_of(s: &blotter::app::State, needle: &str) -> Color {
    let b = draw(s);
    let t = screen(s);
    let (y, line) = t
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not on screen:\n{t}"));
    let x = line[..line.find(needle).unwrap_or(0)].chars().count();
    b[(x as u16, y as u16)].fg
}

#[test]
fn the_title_counts_each_level() {
    let s = incident();
    let t = screen(&s);
    assert!(t.contains("ERROR 2 · WARN 2 · INFO 1"), "{t}");
    assert_eq!(fg_of(&s, "ERROR 2"), Color::Red);
}

#[test]
fn b_groups_by_order_then_by_message_then_not_at_all() {
    let mut s = incident();
    ch(&mut s, 'b');
    assert_eq!(s.book.errors_grouping(), ErrorGrouping::ByOrder);
    let t = screen(&s);
    insta::assert_snapshot!("by_order", t);
    // One row per order, worst level first, then newest.
    let rows: Vec<(&str, &str, usize)> = s
        .book
        .error_groups()
        .iter()
        .map(|g| (g.order_id.short(), g.worst.as_str(), g.count))
        .collect();
    assert_eq!(
        rows,
        [
            ("6debb950", "ERROR", 2),
            ("7fecb061", "ERROR", 2),
            ("0000dead", "WARN", 1)
        ]
    );
    assert!(t.contains("grouped by order"), "{t}");

    ch(&mut s, 'b');
    assert_eq!(s.book.errors_grouping(), ErrorGrouping::ByMessage);
    let t = screen(&s);
    insta::assert_snapshot!("by_message", t);
    let rows: Vec<(&str, usize, usize)> = s
        .book
        .error_groups()
        .iter()
        .map(|g| (g.message.as_str(), g.count, g.orders))
        .collect();
    assert_eq!(
        rows,
        [
            ("Insufficient balance for order execution", 2, 2),
            ("Order partially filled due to market conditions", 2, 2),
            ("Generating execution schedule", 1, 1),
        ]
    );
    assert_eq!(
        fg_of(&s, "ERROR      2"),
        Color::Red,
        "worst level in colour and word"
    );

    ch(&mut s, 'b');
    assert_eq!(s.book.errors_grouping(), ErrorGrouping::None);
    assert_eq!(s.row_count(Tab::Errors), 5);
}

#[test]
fn the_selected_group_survives_a_refresh() {
    let mut s = incident();
    ch(&mut s, 'b');
    key(&mut s, KeyCode::Down);
    assert_eq!(
        s.selected_order_id()
            .map(|i| i.short().to_string())
            .as_deref(),
        Some("7fecb061")
    );
    // A new ERROR on the last order moves it up; the selection stays on its order.
    let mut msgs = s.book.messages().to_vec();
    msgs.push(message(
        "0000dead-0000-0000-0000-000000000000",
        MessageLevel::Error,
        "Exchange rejected the order",
        "2024-01-15T10:31:00Z",
    ));
    feed(
        &mut s,
        FeedEvent::OrderErrors {
            venue: Default::default(),
            messages: msgs,
            at: ts("2024-01-15T10:31:00Z"),
        },
    );
    assert_eq!(
        s.book.error_groups()[0].order_id.short(),
        "0000dead",
        "newest ERROR first"
    );
    assert_eq!(
        s.selected_order_id()
            .map(|i| i.short().to_string())
            .as_deref(),
        Some("7fecb061")
    );
}

#[test]
fn enter_jumps_to_the_order_clearing_a_filter_that_hides_it() {
    let mut s = incident();
    ch(&mut s, '/');
    typed(&mut s, "pair:SOL-*");
    key(&mut s, KeyCode::Enter);
    s.tab = Tab::Errors;
    ch(&mut s, 'b');
    key(&mut s, KeyCode::Down); // 7fecb061 (ETH-USD, hidden by the filter)
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.tab, Tab::Active);
    assert_eq!(s.filter_text, "", "the filter hid it");
    assert_eq!(s.selected_order().map(|o| o.id.short()), Some("7fecb061"));
    assert!(screen(&s).contains("Filter cleared to show the order."));

    // An order that is not active: said plainly, the tab stays.
    s.tab = Tab::Errors;
    key(&mut s, KeyCode::End);
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.tab, Tab::Errors);
    assert!(
        screen(&s).contains("Order 0000dead is not among the active orders"),
        "{}",
        screen(&s)
    );
}

#[test]
fn clicking_a_tab_title_hits_that_tab_while_errors_are_grouped() {
    let mut s = incident();
    // Twelve messages in three groups: the title says (12), the grouped table has 3 rows.
    let mut msgs = s.book.messages().to_vec();
    for minute in 0..7 {
        let mut m = msgs[0].clone();
        m.created_at = Some(ts(&format!("2024-01-15T10:0{minute}:00Z")));
        msgs.push(m);
    }
    feed(
        &mut s,
        FeedEvent::OrderErrors {
            venue: Default::default(),
            messages: msgs,
            at: ts("2024-01-15T10:30:00Z"),
        },
    );
    s.tab = Tab::Errors;
    ch(&mut s, 'b');
    assert_eq!(
        (s.book.messages().len(), s.book.error_groups().len()),
        (12, 3)
    );
    let t = screen(&s);
    let bar = t
        .lines()
        .nth(blotter::ui::TAB_BAR_ROW as usize)
        .unwrap_or_default();
    for tab in Tab::ALL {
        let x = bar
            .find(tab.title())
            .map(|b| bar[..b].chars().count())
            .unwrap_or_else(|| panic!("{} not in {bar}", tab.title()));
        assert_eq!(blotter::ui::tab_at(&s, x as u16), Some(tab), "{bar}");
    }
}

/// The tab bar says `(N+ · capped)` when a read stopped at a page cap; a click on any column
/// of a tab's label still lands on that tab (the renderer and the hit-test share one label
/// source).
#[test]
fn clicking_a_tab_title_hits_that_tab_while_a_read_is_capped() {
    let mut s = incident();
    for venue in &mut s.venues {
        venue.freshness[Tab::Active.index()].capped = true;
        venue.freshness[Tab::Placements.index()].capped = true;
    }
    let t = screen(&s);
    let bar = t
        .lines()
        .nth(blotter::ui::TAB_BAR_ROW as usize)
        .unwrap_or_default();
    assert!(bar.contains("+ · capped)"), "{bar}");
    // Column by column: the tab drawn there is the one after as many `│` as precede it.
    let mut seen = 0;
    for (x, c) in bar.chars().enumerate() {
        let Some(&drawn) = Tab::ALL.get(seen) else {
            break;
        };
        assert_eq!(
            blotter::ui::tab_at(&s, x as u16),
            Some(drawn),
            "column {x} of {bar}"
        );
        if c == '│' {
            seen += 1;
        }
    }
    assert_eq!(seen, Tab::ALL.len(), "{bar}");
}
