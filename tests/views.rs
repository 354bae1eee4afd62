//! Saved views (`[[views]]`, cycled with `v`) and configured columns (`[columns]`), from the
//! config text to the screen.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use std::path::Path;

use blotter::app::{State, Tab};
use blotter::config::Config;
use common::*;
use crossterm::event::KeyCode;

fn with_config(text: &str) -> State {
    let cfg = Config::parse(text, Path::new("test.toml")).unwrap_or_else(|e| panic!("{e}"));
    let prefs = cfg.prefs().unwrap_or_else(|e| panic!("{e}"));
    let mut s = loaded_state();
    s.apply_prefs(&prefs);
    s
}

const VIEWS: &str = r#"
[[views]]
name = "paused"
filter = "status:paused"

[[views]]
name = "by-pair"
sort = "pair"
reverse = true
"#;

#[test]
fn v_cycles_the_saved_views_then_back_to_all_orders() {
    let mut s = with_config(VIEWS);
    s.tab = Tab::Errors;
    let all = s.book.active_view().len();
    assert!(all >= 3);

    ch(&mut s, 'v');
    assert_eq!(s.tab, Tab::Active, "a view is about the active orders");
    assert_eq!(s.current_view, Some(0));
    assert_eq!(s.filter_text, "status:paused");
    assert_eq!(s.book.active_view().len(), 1);
    let t = screen(&s);
    assert!(
        t.contains("view: paused filter: status:paused (1 of 3)"),
        "{t}"
    );
    assert!(
        t.contains("View paused: status:paused · sorted by created (1 of 3)"),
        "{t}"
    );

    ch(&mut s, 'v');
    assert_eq!(s.current_view, Some(1));
    assert_eq!(s.filter_text, "");
    assert_eq!(s.book.active_view().len(), all);
    assert!(s.book.sort().reverse);
    let pairs: Vec<&str> = s
        .book
        .active_view()
        .iter()
        .map(|&i| s.book.orders()[i].pair.as_str())
        .collect();
    let mut want = pairs.clone();
    want.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(pairs, want, "pair Z–A");

    ch(&mut s, 'v');
    assert_eq!(s.current_view, None);
    assert!(s.book.sort().is_default());
    assert!(screen(&s).contains("All orders, newest first (no view)."));
}

#[test]
fn changing_the_filter_or_sort_leaves_the_view() {
    let mut s = with_config(VIEWS);
    ch(&mut s, 'v');
    assert_eq!(s.current_view, Some(0));
    ch(&mut s, 's');
    assert_eq!(
        s.current_view, None,
        "sorted by hand: no longer the saved view"
    );
    assert_eq!(s.filter_text, "status:paused", "the filter stays");
    assert!(!screen(&s).contains("view: paused"));

    ch(&mut s, 'v');
    ch(&mut s, '/');
    typed(&mut s, " side:buy");
    assert_eq!(s.current_view, None);
}

#[test]
fn without_saved_views_v_says_how_to_add_them() {
    let mut s = loaded_state();
    ch(&mut s, 'v');
    assert!(screen(&s).contains("No saved views: add [[views]]"));
}

#[test]
fn configured_columns_show_in_their_order() {
    let s = with_config(
        r#"
[columns]
active = ["Status", "ID", "pair", "Avg px"]
"#,
    );
    let t = screen(&s);
    insta::assert_snapshot!(t);
    let header = t
        .lines()
        .find(|l| l.starts_with("│Status"))
        .unwrap_or_else(|| panic!("Status first:\n{t}"));
    let words: Vec<&str> = header
        .trim_matches('│')
        .split("  ")
        .filter(|w| !w.trim().is_empty())
        .map(str::trim)
        .collect();
    assert_eq!(words, ["Status", "ID", "Pair", "Avg px"], "{header}");
    assert!(!header.contains("Strategy") && !header.contains("Account"));
    // The cells follow their headers.
    assert!(
        t.lines()
            .any(|l| l.starts_with("│ACTIVE") && l.contains("BTC-USD") && l.contains("45000.00")),
        "{t}"
    );
}

#[test]
fn a_typed_filter_with_field_terms_is_shown_in_the_title() {
    let mut s = loaded_state();
    ch(&mut s, '/');
    typed(&mut s, "side:buy pair:BTC-*");
    let t = screen(&s);
    insta::assert_snapshot!("typing_a_filter", t);
    // The title names the filter; the cursor is drawn on the prompt line, where it is.
    assert!(t.contains("filter: side:buy pair:BTC-* (1 of 3)"), "{t}");
    assert!(t.contains("/ side:buy pair:BTC-*▏"), "{t}");
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.book.active_view().len(), 3, "Esc clears it");
}

/// `s` / `S` sort every tab, not only the first: each tab cycles its own columns, says so in
/// its title, keeps the selection on its row, and leaves the other tabs' order alone.
#[test]
fn s_and_shift_s_sort_every_tab_and_only_that_tab() {
    use blotter::app::Tab;
    let mut s = loaded_state();
    let active_before: Vec<_> = (0..s.row_count(Tab::Active))
        .filter_map(|i| s.row_key(Tab::Active, i))
        .collect();

    // Placements: natural order newest first (pl-3 ACTIVE MAKE, pl-2 FAILED TAKE, pl-1 FILLED
    // MAKE); `s` → status A–Z, `s` → type A–Z (ties newest first), `S` → reversed.
    ch(&mut s, '3');
    let ids = |s: &blotter::app::State| -> Vec<String> {
        s.book.placements().iter().map(|p| p.id.clone()).collect()
    };
    assert_eq!(ids(&s), ["pl-3", "pl-2", "pl-1"]);
    ch(&mut s, 'j');
    assert_eq!(
        s.row_key(Tab::Placements, s.selected_index(Tab::Placements).unwrap())
            .as_deref(),
        Some("pl-2")
    );
    ch(&mut s, 's');
    assert!(screen(&s).contains("sort: status ↓"), "{}", screen(&s));
    ch(&mut s, 's');
    assert_eq!(
        ids(&s),
        ["pl-3", "pl-1", "pl-2"],
        "by type: MAKE, MAKE, TAKE"
    );
    assert!(screen(&s).contains("sort: type ↓"), "{}", screen(&s));
    assert_eq!(
        s.row_key(Tab::Placements, s.selected_index(Tab::Placements).unwrap())
            .as_deref(),
        Some("pl-2"),
        "the selection stays on its placement"
    );
    ch(&mut s, 'S');
    assert_eq!(ids(&s), ["pl-2", "pl-1", "pl-3"]);
    assert!(screen(&s).contains("sort: type ↑"));

    // Errors: `s` → by level, worst first.
    ch(&mut s, '4');
    ch(&mut s, 's');
    let levels: Vec<u8> = (0..s.row_count(Tab::Errors))
        .filter_map(|i| s.message_row(i))
        .map(|m| m.level.severity())
        .collect();
    let mut worst_first = levels.clone();
    worst_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(levels, worst_first);
    assert!(screen(&s).contains("sort: level ↓"), "{}", screen(&s));

    // The active tab's sort never moved.
    let active_after: Vec<_> = (0..s.row_count(Tab::Active))
        .filter_map(|i| s.row_key(Tab::Active, i))
        .collect();
    assert_eq!(active_before, active_after);
    assert!(s.book.sort().is_default());
}
