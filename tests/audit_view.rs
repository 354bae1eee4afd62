//! The audit log viewer (`L`): opening it asks for the file, the entries render newest first
//! with the reply and latency, a failure is marked in text and colour, and it scrolls and closes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use blotter::app::{AuditView, Command, Modal, Msg, State, update};
use blotter::audit::{AuditEntry, AuditTail};
use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Color;

fn entry(at: &str, action: &str, order: &str, ok: bool, outcome: &str) -> AuditEntry {
    AuditEntry {
        at: at.into(),
        user: "alice".into(),
        source: "tui".into(),
        venue: "Tread.fi".into(),
        action: action.into(),
        scope: "order".into(),
        order_id: order.into(),
        ok,
        outcome: outcome.into(),
        latency_ms: Some(42),
    }
}

fn tail() -> AuditTail {
    AuditTail {
        path: "/home/alice/.local/share/blotter/audit.jsonl".into(),
        entries: vec![
            entry(
                "2024-01-15T10:29:58.120Z",
                "cancel",
                "7fecb061-725b-5477-c84c-8e8685ge0f26",
                false,
                "422 Order is already canceled.",
            ),
            entry(
                "2024-01-15T10:29:40.001Z",
                "pause",
                "6debb950-614a-4366-b73b-7d7574fd9e15",
                true,
                "202 Successfully paused order.",
            ),
        ],
        bad_lines: 1,
    }
}

fn press(s: &mut State, code: KeyCode) -> Vec<Command> {
    update(s, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

#[test]
fn l_opens_the_viewer_and_asks_for_the_file() {
    let mut s = loaded_state();
    let cmds = press(&mut s, KeyCode::Char('L'));
    assert!(matches!(cmds.as_slice(), [Command::LoadAudit]), "{cmds:?}");
    assert_eq!(s.modal, Some(Modal::Audit(AuditView::default())));
    let t = screen(&s);
    assert!(t.contains("Reading the audit log"), "{t}");

    update(&mut s, Msg::Audit(Ok(tail())));
    let Some(Modal::Audit(view)) = &s.modal else {
        panic!("viewer closed")
    };
    assert_eq!(view.loaded.as_ref().map(|r| r.is_ok()), Some(true));

    press(&mut s, KeyCode::Char('j'));
    assert!(matches!(&s.modal, Some(Modal::Audit(v)) if v.offset == 1));
    press(&mut s, KeyCode::Char('j'));
    assert!(
        matches!(&s.modal, Some(Modal::Audit(v)) if v.offset == 1),
        "stops at the last"
    );
    press(&mut s, KeyCode::Up);
    assert!(matches!(&s.modal, Some(Modal::Audit(v)) if v.offset == 0));
    let cmds = press(&mut s, KeyCode::Char('R'));
    assert!(
        matches!(cmds.as_slice(), [Command::LoadAudit]),
        "R re-reads"
    );
    press(&mut s, KeyCode::Esc);
    assert_eq!(s.modal, None);
}

#[test]
fn the_viewer_shows_who_what_reply_and_latency_newest_first() {
    let mut s = loaded_state();
    press(&mut s, KeyCode::Char('L'));
    update(&mut s, Msg::Audit(Ok(tail())));
    let b = draw(&s);
    let t = screen(&s);
    insta::assert_snapshot!(t);
    assert!(
        t.contains("2 action(s), newest first · 1 unreadable line(s)"),
        "{t}"
    );
    let cancel = t
        .find("✖ 422 Order is already canceled.")
        .unwrap_or(usize::MAX);
    let pause = t.find("✔ 202 Successfully paused order.").unwrap_or(0);
    assert!(cancel < pause, "newest first:\n{t}");
    assert!(t.contains("2024-01-15 10:29:58"), "{t}");
    // The failure is red as well as marked ✖; the success green as well as ✔.
    let fg = |needle: &str| {
        let (y, line) = t
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle} not shown:\n{t}"));
        let x = line[..line.find(needle).unwrap_or(0)].chars().count();
        b[(x as u16, y as u16)].fg
    };
    assert_eq!(fg("✖ 422"), Color::Red);
    assert_eq!(fg("✔ 202"), Color::Green);
}

#[test]
fn an_unreadable_or_absent_log_says_why() {
    let mut s = loaded_state();
    press(&mut s, KeyCode::Char('L'));
    update(
        &mut s,
        Msg::Audit(Err("No audit log in this session.".into())),
    );
    assert!(screen(&s).contains("No audit log in this session."));
    update(
        &mut s,
        Msg::Audit(Ok(AuditTail {
            path: "audit.jsonl".into(),
            entries: Vec::new(),
            bad_lines: 0,
        })),
    );
    assert!(screen(&s).contains("No actions recorded yet."));
}

#[test]
fn e_exports_the_entries_shown_to_csv_and_json() {
    let mut s = loaded_state();
    press(&mut s, KeyCode::Char('L'));
    assert!(
        press(&mut s, KeyCode::Char('e')).is_empty(),
        "nothing to export while loading"
    );
    update(&mut s, Msg::Audit(Ok(tail())));
    let cmds = press(&mut s, KeyCode::Char('e'));
    assert!(
        matches!(cmds.as_slice(), [Command::ExportAudit]),
        "{cmds:?}"
    );
    assert!(
        matches!(s.modal, Some(Modal::Audit(_))),
        "the viewer stays open"
    );

    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let written = blotter::tui::export_audit(&s, dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        written.contains("blotter-audit-20240115T103000Z.csv"),
        "{written}"
    );
    let csv = std::fs::read_to_string(dir.path().join("blotter-audit-20240115T103000Z.csv"))
        .unwrap_or_default();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        lines[1].contains("cancel") && lines[1].contains("false"),
        "{csv}"
    );
    let json = std::fs::read_to_string(dir.path().join("blotter-audit-20240115T103000Z.json"))
        .unwrap_or_default();
    assert!(json.contains("\"latency_ms\": 42"), "{json}");
}
