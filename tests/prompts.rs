//! Every text prompt edits like a shell line (issue 18, "Typing and reading"): the filter line,
//! the amend form's fields and the typed `CANCEL` of the kill switch, driven through
//! `app::update` key by key; the filter history (↑/↓, kept across runs); and how the prompts
//! look with the cursor inside the text.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use blotter::app::{Command, FilterHistory, Modal, State, Tab, update};
use blotter::app::{Msg, prompt::FILTER_HISTORY_MAX};
use blotter::venue::Action;
use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn ctrl(s: &mut State, c: char) -> Vec<Command> {
    update(
        s,
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

fn times(s: &mut State, code: KeyCode, n: usize) {
    for _ in 0..n {
        key(s, code);
    }
}

/// The filter line open, `text` typed into it.
fn filtering(text: &str) -> State {
    let mut s = loaded_state();
    ch(&mut s, '/');
    assert!(s.filter_editing);
    typed(&mut s, text);
    s
}

#[test]
fn left_moves_the_cursor_and_a_character_goes_in_where_it_is() {
    let mut s = filtering("side:sll");
    assert_eq!(s.filter_text.cursor(), 8);
    times(&mut s, KeyCode::Left, 2);
    assert_eq!(s.filter_text.cursor(), 6);
    ch(&mut s, 'e');
    assert_eq!(s.filter_text, "side:sell");
    assert_eq!(
        s.filter_text.cursor(),
        7,
        "the cursor stays after the insert"
    );
    // Applied as typed: only the ETH sell is left.
    assert_eq!(s.row_count(Tab::Active), 1);
    times(&mut s, KeyCode::Right, 5);
    assert_eq!(s.filter_text.cursor(), 9, "Right stops at the end");
}

#[test]
fn home_end_and_ctrl_a_ctrl_e_go_to_the_ends() {
    let mut s = filtering("acct:coinbase_pro");
    key(&mut s, KeyCode::Home);
    assert_eq!(s.filter_text.cursor(), 0);
    key(&mut s, KeyCode::End);
    assert_eq!(s.filter_text.cursor(), 17);
    ctrl(&mut s, 'a');
    assert_eq!(s.filter_text.cursor(), 0);
    typed(&mut s, "side:sell ");
    assert_eq!(s.filter_text, "side:sell acct:coinbase_pro");
    ctrl(&mut s, 'e');
    assert_eq!(s.filter_text.cursor(), 27);
    typed(&mut s, "x");
    assert_eq!(s.filter_text, "side:sell acct:coinbase_prox");
}

#[test]
fn ctrl_w_deletes_the_word_before_the_cursor_as_a_shell_does() {
    let mut s = filtering("side:sell pair:SOL-USDT");
    assert_eq!(s.row_count(Tab::Active), 0);
    ctrl(&mut s, 'w');
    // The whole blank-delimited word, `-` and `:` included.
    assert_eq!(s.filter_text, "side:sell ");
    assert_eq!(
        s.row_count(Tab::Active),
        1,
        "the shorter filter applies at once"
    );
    ctrl(&mut s, 'w');
    assert_eq!(s.filter_text, "");
    assert_eq!(s.row_count(Tab::Active), 3);
    // In the middle: only what is before the cursor goes.
    typed(&mut s, "side:buy pair:BTC-USD");
    times(&mut s, KeyCode::Left, 12);
    ctrl(&mut s, 'w');
    assert_eq!(s.filter_text, "pair:BTC-USD");
    assert_eq!(s.filter_text.cursor(), 0);
    // Blanks before the cursor go with the word, as in a shell.
    typed(&mut s, "side:buy  ");
    ctrl(&mut s, 'w');
    assert_eq!(s.filter_text, "pair:BTC-USD");
}

#[test]
fn ctrl_u_deletes_the_line_before_the_cursor() {
    let mut s = filtering("side:buy");
    ctrl(&mut s, 'u');
    assert_eq!(s.filter_text, "");
    assert_eq!(s.row_count(Tab::Active), 3);
    typed(&mut s, "junk pair:ETH-USD");
    times(&mut s, KeyCode::Left, 12);
    ctrl(&mut s, 'u');
    assert_eq!(s.filter_text, "pair:ETH-USD");
    assert_eq!(s.row_count(Tab::Active), 1);
}

#[test]
fn backspace_and_delete_remove_either_side_of_the_cursor() {
    let mut s = filtering("side:ssellx");
    key(&mut s, KeyCode::Backspace);
    assert_eq!(s.filter_text, "side:ssell");
    key(&mut s, KeyCode::Home);
    times(&mut s, KeyCode::Right, 5);
    key(&mut s, KeyCode::Delete);
    assert_eq!(s.filter_text, "side:sell");
    assert_eq!(s.filter_text.cursor(), 5);
    key(&mut s, KeyCode::Backspace);
    assert_eq!(s.filter_text, "sidesell");
    assert_eq!(s.filter_text.cursor(), 4);
}

#[test]
fn the_amend_fields_edit_like_a_shell_line() {
    let mut s = loaded_state();
    assert!(ch(&mut s, 'a').is_empty());
    typed(&mut s, "06");
    key(&mut s, KeyCode::Left);
    ch(&mut s, '.');
    let form = |s: &State| match &s.modal {
        Some(Modal::Amend(f)) => f.clone(),
        other => panic!("amend form expected, got {other:?}"),
    };
    assert_eq!(form(&s).values[0], "0.6");
    assert_eq!(form(&s).values[0].cursor(), 2);
    // Another field: Ctrl-U clears what was typed, Ctrl-W a word, Home/End move.
    key(&mut s, KeyCode::Tab);
    key(&mut s, KeyCode::Tab);
    typed(&mut s, "99");
    ctrl(&mut s, 'u');
    assert_eq!(form(&s).values[2], "");
    typed(&mut s, "3600 x");
    ctrl(&mut s, 'w');
    key(&mut s, KeyCode::Backspace);
    assert_eq!(form(&s).values[2], "3600");
    key(&mut s, KeyCode::Home);
    ch(&mut s, '1');
    assert_eq!(form(&s).values[2], "13600");
    key(&mut s, KeyCode::Backspace);
    assert_eq!(form(&s).values[2], "3600");
    key(&mut s, KeyCode::Delete);
    assert_eq!(form(&s).values[2], "600");
    ch(&mut s, '3');
    // What was edited is what is sent.
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    match &s.modal {
        Some(Modal::Confirm(c)) => match &c.action {
            Action::Amend(_, changes) => {
                assert_eq!(
                    changes.base_asset_qty.map(|d| d.to_string()),
                    Some("0.6".into())
                );
                assert_eq!(changes.duration_secs, Some(3600));
            }
            other => panic!("amend expected, got {other:?}"),
        },
        other => panic!("confirm expected, got {other:?}"),
    }
}

#[test]
fn the_typed_cancel_of_the_kill_switch_edits_like_a_shell_line() {
    let mut s = loaded_state();
    ch(&mut s, 'K');
    ch(&mut s, 'e');
    ch(&mut s, 'c');
    typed(&mut s, "CANEL");
    assert!(
        key(&mut s, KeyCode::Enter).is_empty(),
        "a typo sends nothing"
    );
    times(&mut s, KeyCode::Left, 2);
    ch(&mut s, 'C');
    let typed_now = match &s.modal {
        Some(Modal::Confirm(c)) => c.typed.clone(),
        other => panic!("confirm expected, got {other:?}"),
    };
    assert_eq!(typed_now, "CANCEL");
    assert_eq!(typed_now.cursor(), 4);
    let sent = key(&mut s, KeyCode::Enter);
    assert!(
        sent.iter().any(|c| matches!(c, Command::Act { .. })),
        "the corrected word sends: {sent:?}"
    );
}

#[test]
fn up_and_down_recall_the_filters_applied_before() {
    let mut s = filtering("side:sell");
    assert_eq!(
        key(&mut s, KeyCode::Enter),
        vec![Command::SaveFilterHistory(vec!["side:sell".into()])]
    );
    ch(&mut s, '/');
    ctrl(&mut s, 'u');
    typed(&mut s, "pair:BTC-USD");
    assert_eq!(
        key(&mut s, KeyCode::Enter),
        vec![Command::SaveFilterHistory(vec![
            "side:sell".into(),
            "pair:BTC-USD".into()
        ])]
    );
    // The same filter again is not kept twice in a row.
    ch(&mut s, '/');
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    assert_eq!(s.filter_history.entries().len(), 2);

    ch(&mut s, '/');
    ctrl(&mut s, 'u');
    typed(&mut s, "acct:");
    key(&mut s, KeyCode::Up);
    assert_eq!(s.filter_text, "pair:BTC-USD");
    assert_eq!(s.row_count(Tab::Active), 1, "a recalled filter applies");
    key(&mut s, KeyCode::Up);
    assert_eq!(s.filter_text, "side:sell");
    key(&mut s, KeyCode::Up);
    assert_eq!(s.filter_text, "side:sell", "nothing older");
    key(&mut s, KeyCode::Down);
    assert_eq!(s.filter_text, "pair:BTC-USD");
    key(&mut s, KeyCode::Down);
    assert_eq!(s.filter_text, "acct:", "back to the line being typed");
    assert_eq!(s.filter_text.cursor(), 5);
    // A recalled filter is edited like any other.
    key(&mut s, KeyCode::Up);
    ctrl(&mut s, 'w');
    typed(&mut s, "pair:ETH-USD");
    assert_eq!(s.filter_text, "pair:ETH-USD");
    assert_eq!(s.row_count(Tab::Active), 1);
}

#[test]
fn the_history_keeps_the_newest_hundred_newest_last() {
    let mut h = FilterHistory::new((0..150).map(|i| format!("pair:X{i}")));
    assert_eq!(h.entries().len(), FILTER_HISTORY_MAX);
    assert_eq!(h.entries().first().map(String::as_str), Some("pair:X50"));
    assert_eq!(h.entries().last().map(String::as_str), Some("pair:X149"));
    assert!(!h.push("pair:X149"), "no consecutive duplicate");
    assert!(!h.push("   "), "nothing blank");
    assert!(h.push("pair:X50"), "an older one again is newest now");
    assert_eq!(h.entries().len(), FILTER_HISTORY_MAX);
    assert_eq!(h.entries().last().map(String::as_str), Some("pair:X50"));
}

#[test]
fn a_filter_applied_in_one_run_is_recalled_in_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state").join("filter_history");
    // First run: what the runner writes for the command Enter returns.
    let mut first = filtering("side:sell");
    let cmds = key(&mut first, KeyCode::Enter);
    let [Command::SaveFilterHistory(filters)] = cmds.as_slice() else {
        panic!("one save expected, got {cmds:?}");
    };
    blotter::filter_history::save(&path, filters).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "side:sell\n");
    // Second run: read at start, recalled with ↑.
    let mut second = loaded_state();
    second.filter_history = blotter::filter_history::load(&path).unwrap();
    ch(&mut second, '/');
    key(&mut second, KeyCode::Up);
    assert_eq!(second.filter_text, "side:sell");
    assert_eq!(second.row_count(Tab::Active), 1);
}

#[test]
fn a_history_file_is_read_clean_and_a_missing_one_is_empty() {
    let dir = tempfile::tempdir().unwrap();
    let missing = blotter::filter_history::load(&dir.path().join("none")).unwrap();
    assert!(missing.entries().is_empty());
    let path = dir.path().join("filter_history");
    std::fs::write(
        &path,
        "side:buy\n\nside:buy\npair:\u{1b}[31mBTC\nside:sell\n",
    )
    .unwrap();
    let h = blotter::filter_history::load(&path).unwrap();
    assert_eq!(h.entries().len(), 3, "{:?}", h.entries());
    assert_eq!(h.entries()[0], "side:buy");
    assert!(!h.entries()[1].contains('\u{1b}'), "{:?}", h.entries());
    assert_eq!(h.entries()[2], "side:sell");
}

#[test]
fn filter_prompt_with_the_cursor_mid_line() {
    let mut s = filtering("side:sell pair:ETH-USD");
    times(&mut s, KeyCode::Left, 13);
    let t = screen(&s);
    assert!(t.contains(" / side:sell▏ pair:ETH-USD   Enter keep"), "{t}");
    insta::assert_snapshot!(t);
}

#[test]
fn amend_form_while_editing() {
    let mut s = loaded_state();
    ch(&mut s, 'a');
    typed(&mut s, "0.75");
    times(&mut s, KeyCode::Left, 2);
    let t = screen(&s);
    assert!(t.contains("[0.▏75]"), "{t}");
    insta::assert_snapshot!(t);
}
