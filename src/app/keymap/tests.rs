//! Key binding tests: defaults, `[keys]` overrides, conflicts, labels.

use super::*;

fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

#[test]
fn shift_letter_and_ctrl_c_resolve() {
    let km = Keymap::default();
    assert_eq!(
        km.action_for(&key(KeyCode::Char('G'), KeyModifiers::SHIFT)),
        Some(KeyAction::Bottom)
    );
    assert_eq!(
        km.action_for(&key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        Some(KeyAction::Quit)
    );
    assert_eq!(
        km.action_for(&key(KeyCode::Char('c'), KeyModifiers::NONE)),
        Some(KeyAction::Cancel)
    );
    assert_eq!(
        km.action_for(&key(KeyCode::BackTab, KeyModifiers::SHIFT)),
        Some(KeyAction::PrevTab)
    );
}

#[test]
fn names_round_trip_and_defaults_do_not_clash() {
    for a in KeyAction::ALL {
        assert_eq!(KeyAction::from_name(&a.name()), Some(a), "{a:?}");
        assert!(
            Keymap::default().bindings.iter().any(|b| b.action == a),
            "{a:?} has no default binding"
        );
    }
    assert_eq!(Keymap::default().bindings.len(), KeyAction::ALL.len());
    assert_eq!(Keymap::default().check(), Ok(()));
}

#[test]
fn keys_parse_into_the_form_events_match() {
    let p = |s: &str| KeyCombo::parse(s).unwrap_or_else(|e| panic!("{e}"));
    assert!(p("Ctrl-c").matches(&key(KeyCode::Char('c'), KeyModifiers::CONTROL)));
    assert!(p("ctrl-C").matches(&key(KeyCode::Char('c'), KeyModifiers::CONTROL)));
    assert!(p("F5").matches(&key(KeyCode::F(5), KeyModifiers::NONE)));
    assert!(p("Shift-Tab").matches(&key(KeyCode::BackTab, KeyModifiers::SHIFT)));
    assert!(p("Space").matches(&key(KeyCode::Char(' '), KeyModifiers::NONE)));
    assert!(p("Shift-k").matches(&key(KeyCode::Char('K'), KeyModifiers::SHIFT)));
    assert!(p("K").matches(&key(KeyCode::Char('K'), KeyModifiers::SHIFT)));
    assert!(p("Alt-Enter").matches(&key(KeyCode::Enter, KeyModifiers::ALT)));
    assert!(p("left").matches(&key(KeyCode::Left, KeyModifiers::NONE)));
    assert!(p("-").matches(&key(KeyCode::Char('-'), KeyModifiers::NONE)));
    assert_eq!(p("Shift-Tab").label(), "Shift-Tab");
    assert_eq!(p("Ctrl-x").label(), "Ctrl-x");
    assert_eq!(p("Alt-F2").label(), "Alt-F2");
    for bad in ["", "Ctrl-", "F0", "F99", "Hyper-x", "pgdwn"] {
        assert!(KeyCombo::parse(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn overrides_replace_keys_and_report_bad_entries() {
    let km = Keymap::default()
        .with_overrides([("pause", vec!["P", "F5"]), ("kill_switch", vec!["Ctrl-k"])])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(km.keys_label(KeyAction::Pause), "P/F5");
    assert_eq!(
        km.action_for(&key(KeyCode::F(5), KeyModifiers::NONE)),
        Some(KeyAction::Pause)
    );
    assert_eq!(
        km.action_for(&key(KeyCode::Char('p'), KeyModifiers::NONE)),
        None
    );
    assert_eq!(
        km.action_for(&key(KeyCode::Char('k'), KeyModifiers::CONTROL)),
        Some(KeyAction::KillSwitch)
    );
    let err = |o: Vec<(&'static str, Vec<&'static str>)>| {
        Keymap::default().with_overrides(o).unwrap_err()
    };
    let e = err(vec![("pasue", vec!["p"])]);
    assert!(e.contains("pasue") && e.contains("no such action"), "{e}");
    let e = err(vec![("pause", vec!["Ctrl-"])]);
    assert!(e.contains("[keys] pause"), "{e}");
    let e = err(vec![("pause", vec!["r"])]);
    assert!(
        e.contains("key r") && e.contains("pause") && e.contains("resume"),
        "{e}"
    );
    // Moving resume away first makes r free.
    assert!(
        Keymap::default()
            .with_overrides([
                ("resume", vec!["R"]),
                ("refresh", vec!["F5"]),
                ("pause", vec!["r"])
            ])
            .is_ok()
    );
}

#[test]
fn labels_join_all_keys() {
    assert_eq!(Keymap::default().keys_label(KeyAction::Quit), "q/Ctrl-c");
}
