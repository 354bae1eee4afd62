//! `y` copies the selected order id through the terminal (OSC 52), from every tab and from the
//! detail view; the escape sequence is exact.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use blotter::app::{Command, Modal, Tab};
use common::*;
use crossterm::event::KeyCode;

fn copied(cmds: &[Command]) -> Option<&str> {
    match cmds {
        [Command::Copy(text)] => Some(text.as_str()),
        _ => None,
    }
}

#[test]
fn y_copies_the_full_id_of_the_selected_row_on_every_tab() {
    let mut s = loaded_state();
    let active = s.selected_order().map(|o| o.id.to_string());
    assert_eq!(copied(&ch(&mut s, 'y')), active.as_deref());
    assert!(
        screen(&s).contains("Copied 6debb950 to the clipboard"),
        "{}",
        screen(&s)
    );

    s.tab = Tab::Multi;
    let multi = s.selected_multi().map(|m| m.id.to_string());
    assert!(multi.is_some());
    assert_eq!(copied(&ch(&mut s, 'y')), multi.as_deref());

    for tab in [Tab::Placements, Tab::Errors] {
        s.tab = tab;
        let cmds = ch(&mut s, 'y');
        let id = copied(&cmds).unwrap_or_else(|| panic!("{tab:?}: {cmds:?}"));
        assert_eq!(id.len(), 36, "the order's full id, not the row's: {id}");
    }
}

#[test]
fn y_in_the_detail_copies_its_order_and_keeps_it_open() {
    let mut s = loaded_state();
    key(&mut s, KeyCode::Enter);
    let Some(Modal::Detail(id)) = s.modal.clone() else {
        panic!("detail not open")
    };
    assert_eq!(copied(&ch(&mut s, 'y')), Some(id.as_str()));
    assert_eq!(s.modal, Some(Modal::Detail(id)));
}

#[test]
fn with_nothing_selected_nothing_is_copied_and_the_user_is_told() {
    let mut s = blotter::app::State::new("Tread.fi", blotter::venue::Capabilities::ALL, ts(NOW));
    s.size = (120, 30);
    assert!(ch(&mut s, 'y').is_empty());
    assert!(screen(&s).contains("Nothing to copy: no order selected."));
}

#[test]
fn the_osc52_sequence_is_exact() {
    // `printf %s 6debb950-614a-4366-b73b-7d7574fd9e15 | base64`
    assert_eq!(
        blotter::tui::osc52("6debb950-614a-4366-b73b-7d7574fd9e15"),
        b"\x1b]52;c;NmRlYmI5NTAtNjE0YS00MzY2LWI3M2ItN2Q3NTc0ZmQ5ZTE1\x07"
    );
    // Control characters from a server never reach the terminal raw, even base64-wrapped.
    let hostile = blotter::tui::osc52("id\x1b]0;pwned\x07");
    let inner = &hostile[7..hostile.len() - 1];
    use base64::Engine as _;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(inner)
        .unwrap_or_default();
    assert!(
        !decoded.iter().any(|b| *b == 0x1b || *b == 0x07),
        "{decoded:?}"
    );
}
