//! Reading the screen (issue 18, "Typing and reading"): the help overlay fits 80×24 (one
//! column, scrolled, "more ↓" where cut, nothing cut off the side) and uses two columns when
//! wide; extra help sections (the alert rules) are laid out like the others; the footer of a
//! tab the filter emptied says so instead of naming keys for an order no longer shown.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use blotter::app::help::{HelpLayout, HelpRow, HelpSection, sections};
use blotter::app::{Modal, State};
use common::*;
use crossterm::event::KeyCode;

fn help_at(width: u16, height: u16) -> State {
    let mut s = loaded_state();
    s.size = (width, height);
    ch(&mut s, '?');
    assert!(matches!(s.modal, Some(Modal::Help)));
    s
}

/// Every help line as it should read on screen: `keys description`, or the text alone.
fn expected_lines(s: &State) -> Vec<String> {
    sections(s)
        .iter()
        .flat_map(|sec| sec.entries.iter())
        .map(|e| {
            if e.keys.is_empty() {
                e.text.clone()
            } else {
                format!("{} {}", e.keys, e.text)
            }
        })
        .collect()
}

#[test]
fn help_at_80x24_scrolls_and_cuts_nothing() {
    let mut s = help_at(80, 24);
    let first = screen(&s);
    insta::assert_snapshot!(first);
    assert!(first.contains("more ↓"), "{first}");
    assert!(
        first.contains("┌ Help"),
        "the popup's top is on screen:\n{first}"
    );
    // Scroll to the end with j, collecting what was shown: every line is seen whole.
    let mut seen = first.clone();
    let mut last = String::new();
    for _ in 0..80 {
        ch(&mut s, 'j');
        assert!(
            matches!(s.modal, Some(Modal::Help)),
            "j scrolls, it does not close"
        );
        let t = screen(&s);
        seen.push_str(&t);
        if t == last {
            break;
        }
        last = t;
    }
    for line in expected_lines(&s) {
        assert!(seen.contains(&line), "never shown whole: {line:?}");
    }
    assert!(last.contains("more ↑"), "{last}");
    assert!(!last.contains("more ↓"), "at the end:\n{last}");
    // PgUp/Home go back; a page is more than a line.
    key(&mut s, KeyCode::PageUp);
    let after_page = s.help_scroll;
    assert!(after_page > 0, "one page up from the end is not the top");
    key(&mut s, KeyCode::PageDown);
    key(&mut s, KeyCode::Home);
    assert_eq!(s.help_scroll, 0);
    assert_eq!(screen(&s), first);
    key(&mut s, KeyCode::End);
    assert_eq!(screen(&s), last);
    // Any other key closes it, and it opens at the top again.
    ch(&mut s, 'x');
    assert!(s.modal.is_none());
    ch(&mut s, '?');
    assert_eq!(s.help_scroll, 0);
}

#[test]
fn help_wide_uses_two_columns_and_does_not_scroll() {
    let s = help_at(170, 45);
    let t = screen(&s);
    insta::assert_snapshot!(t);
    assert!(!t.contains("more ↓"), "{t}");
    assert!(t.contains("Any key closes this help."), "{t}");
    for line in expected_lines(&s) {
        assert!(t.contains(&line), "not on screen whole: {line:?}\n{t}");
    }
    // Two columns: many rows hold two help lines side by side.
    let expected = expected_lines(&s);
    let doubled = t
        .lines()
        .filter(|l| expected.iter().filter(|e| l.contains(e.as_str())).count() >= 2)
        .count();
    assert!(doubled > 10, "{doubled} rows with two lines:\n{t}");
    let layout = HelpLayout::of(&s);
    assert_eq!(layout.columns.len(), 2);
    assert_eq!(layout.max_scroll, 0);
}

#[test]
fn an_extra_section_is_laid_out_and_a_long_line_wrapped_not_cut() {
    let s = loaded_state();
    let mut all = sections(&s);
    let long = "stalled: no fill for 10 minutes while behind schedule → flash, bell and a line \
                on the banner naming the order";
    all.push(HelpSection::text(
        "Alerts",
        [long, "fill above 5 BTC → bell"],
    ));
    let layout = HelpLayout::new(&all, (80, 24));
    assert_eq!(layout.columns.len(), 1);
    let rows = &layout.columns[0];
    assert!(rows.contains(&HelpRow::Title("Alerts".into())));
    // The long line is split over rows that each fit, and nothing of it is lost.
    let at = rows
        .iter()
        .position(|r| matches!(r, HelpRow::Entry(e) if long.starts_with(&e.text)))
        .unwrap();
    let mut text = match &rows[at] {
        HelpRow::Entry(e) => e.text.clone(),
        _ => unreachable!(),
    };
    for r in &rows[at + 1..] {
        match r {
            HelpRow::More(more) => {
                text.push(' ');
                text.push_str(more);
            }
            _ => break,
        }
    }
    assert_eq!(text, long);
    assert!(layout.column_width <= 78, "{}", layout.column_width);
    // Every row fits its column: ` keys text`, a rest under the description, a plain line.
    let kw = layout.keys_width;
    for r in rows {
        let width = match r {
            HelpRow::Entry(e) if e.keys.is_empty() => 1 + e.text.chars().count(),
            HelpRow::Entry(e) => 2 + kw + e.text.chars().count(),
            HelpRow::More(m) => 2 + kw + m.chars().count(),
            HelpRow::Title(t) => 1 + t.chars().count(),
            HelpRow::Blank => 0,
        };
        assert!(
            width <= layout.column_width,
            "{r:?} is cut at {}",
            layout.column_width
        );
    }
    assert!(layout.max_scroll > 0, "80×24 cannot show it all at once");
}

#[test]
fn the_footer_of_a_tab_the_filter_emptied_says_so() {
    let mut s = loaded_state();
    ch(&mut s, 'j'); // the ETH sell, 7fecb061
    assert!(screen(&s).contains("id 7fecb061"));
    ch(&mut s, '/');
    typed(&mut s, "pair:XRP");
    let footer = |s: &State| screen(s).lines().last().unwrap_or_default().to_string();
    assert_eq!(footer(&s), r#" no orders match "pair:XRP" — Esc clears"#);
    key(&mut s, KeyCode::Enter);
    let t = screen(&s);
    assert_eq!(footer(&s), r#" no orders match "pair:XRP" — Esc clears"#);
    assert!(
        !t.contains("7fecb061"),
        "the hidden order is named nowhere:\n{t}"
    );
    assert!(
        !t.contains("p pause"),
        "no keys for an order not shown:\n{t}"
    );
    // Esc clears, as it says, and the keys come back.
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.filter_text, "");
    assert!(footer(&s).contains("p pause"), "{}", footer(&s));
}

#[test]
fn the_footer_at_80_columns_drops_whole_hints_and_keeps_help_quit_and_the_actions() {
    let mut s = loaded_state();
    s.size = (80, 24);
    let t = screen(&s);
    let footer = t.lines().last().unwrap_or_default().to_string();
    assert_eq!(
        footer, " / filter  p pause  r resume  a amend  c cancel  ? help  q/Ctrl-c quit",
        "{t}"
    );
    // Wide enough, every hint is back, in the same order.
    s.size = (140, 40);
    let t = screen(&s);
    let footer = t.lines().last().unwrap_or_default().to_string();
    assert!(
        footer.starts_with(" 1-5/Tab tabs  ↑↓/jk move  Enter detail  / filter  s sort"),
        "{footer}"
    );
    assert!(
        footer.ends_with("f freeze  ? help  q/Ctrl-c quit"),
        "{footer}"
    );
}
