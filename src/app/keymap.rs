//! Keys as data: the default bindings live here, the help overlay and the footer are generated
//! from the same table, so they cannot go stale.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key does in the normal (no dialog open) mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyAction {
    /// Quit the blotter.
    Quit,
    /// Next tab.
    NextTab,
    /// Previous tab.
    PrevTab,
    /// Go to tab N (0-based).
    GoTab(usize),
    /// Selection up one row.
    Up,
    /// Selection down one row.
    Down,
    /// Selection up one screen.
    PageUp,
    /// Selection down one screen.
    PageDown,
    /// First row.
    Top,
    /// Last row.
    Bottom,
    /// Toggle the help overlay.
    Help,
    /// Pause the selected order / multi-order.
    Pause,
    /// Resume the selected order / multi-order.
    Resume,
    /// Cancel the selected order / multi-order.
    Cancel,
    /// Amend the selected order.
    Amend,
    /// Refetch every tab now.
    Refresh,
    /// Freeze/unfreeze the view (updates are queued while frozen).
    Freeze,
    /// Edit the filter.
    Filter,
    /// Clear the filter (or close what is open).
    ClearFilter,
    /// Next sort column.
    Sort,
    /// Reverse the sort.
    SortReverse,
    /// Open the selected order's detail.
    Detail,
    /// Mark / unmark the selected order for a bulk action.
    Mark,
    /// Mark every order matching the filter.
    MarkAll,
    /// Clear all marks.
    UnmarkAll,
    /// Kill switch: pause or cancel everything in a scope.
    KillSwitch,
    /// Export the current tab to CSV and JSON files.
    Export,
    /// Open the audit log viewer.
    AuditLog,
    /// Apply the next saved view (`[[views]]`: filter + sort), then none.
    NextView,
    /// Copy the selected order id to the clipboard (OSC 52).
    Copy,
    /// Errors tab: group by order, by message, or not at all.
    GroupErrors,
}

impl KeyAction {
    /// One-line description for the help overlay.
    pub fn description(self) -> &'static str {
        match self {
            KeyAction::Quit => "quit",
            KeyAction::NextTab => "next tab",
            KeyAction::PrevTab => "previous tab",
            KeyAction::GoTab(0) => "active orders tab",
            KeyAction::GoTab(1) => "multi-orders tab",
            KeyAction::GoTab(2) => "placements tab",
            KeyAction::GoTab(_) => "order errors tab",
            KeyAction::Up => "move up",
            KeyAction::Down => "move down",
            KeyAction::PageUp => "page up",
            KeyAction::PageDown => "page down",
            KeyAction::Top => "first row",
            KeyAction::Bottom => "last row",
            KeyAction::Help => "toggle this help",
            KeyAction::Pause => "pause selected order / multi-order (asks first)",
            KeyAction::Resume => "resume selected order / multi-order (asks first)",
            KeyAction::Cancel => "cancel selected order / multi-order (asks first)",
            KeyAction::Amend => "amend selected order: qty, duration, POV, limit",
            KeyAction::Refresh => "refresh all tabs now",
            KeyAction::Freeze => "freeze / unfreeze the view (updates queue up)",
            KeyAction::Filter => "filter: words, side:buy status:paused acct:x pair:BTC-*",
            KeyAction::ClearFilter => "clear the filter",
            KeyAction::Sort => "sort by the next column",
            KeyAction::SortReverse => "reverse the sort",
            KeyAction::Detail => "detail of the selected order",
            KeyAction::Mark => "mark / unmark the order (p r c then act on all marked)",
            KeyAction::MarkAll => "mark every order matching the filter",
            KeyAction::UnmarkAll => "clear the marks",
            KeyAction::KillSwitch => {
                "kill switch: pause or cancel by account, filter or everything"
            }
            KeyAction::Export => "export this tab to CSV + JSON files (exact decimals)",
            KeyAction::AuditLog => "audit log: every action — who, when, scope, reply, latency",
            KeyAction::NextView => "next saved view ([[views]] filter + sort), then all orders",
            KeyAction::GroupErrors => "errors tab: group by order, by message, or none",
            KeyAction::Copy => {
                "copy the selected order id to the clipboard (OSC 52, works over SSH)"
            }
        }
    }

    /// Short word for the footer, where the action is worth a footer slot.
    pub fn footer_word(self) -> Option<&'static str> {
        Some(match self {
            KeyAction::Pause => "pause",
            KeyAction::Resume => "resume",
            KeyAction::Amend => "amend",
            KeyAction::Cancel => "cancel",
            KeyAction::Help => "help",
            KeyAction::Quit => "quit",
            KeyAction::Refresh => "refresh",
            KeyAction::Freeze => "freeze",
            KeyAction::Filter => "filter",
            KeyAction::Sort => "sort",
            KeyAction::Detail => "detail",
            KeyAction::Mark => "mark",
            KeyAction::KillSwitch => "kill switch",
            _ => return None,
        })
    }
}

/// A key with modifiers, e.g. `Ctrl-c`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyCombo {
    /// The key.
    pub code: KeyCode,
    /// Ctrl/Alt/Shift; Shift is ignored for plain characters (the character already says it).
    pub modifiers: KeyModifiers,
}

impl KeyCombo {
    const fn plain(code: KeyCode) -> Self {
        Self {
            code,
            modifiers: KeyModifiers::NONE,
        }
    }

    const fn ch(c: char) -> Self {
        Self::plain(KeyCode::Char(c))
    }

    /// True when the key event is this combo.
    pub fn matches(&self, ev: &KeyEvent) -> bool {
        let mods = match ev.code {
            KeyCode::Char(_) | KeyCode::BackTab => ev.modifiers - KeyModifiers::SHIFT,
            _ => ev.modifiers,
        };
        let want = match self.code {
            KeyCode::Char(_) | KeyCode::BackTab => self.modifiers - KeyModifiers::SHIFT,
            _ => self.modifiers,
        };
        ev.code == self.code && mods == want
    }

    /// Display text: `q`, `Ctrl-c`, `Tab`, `↑`, `PgDn`, ….
    pub fn label(&self) -> String {
        let key = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            format!("Ctrl-{key}")
        } else {
            key
        }
    }
}

/// One binding: an action and the keys that trigger it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// What it does.
    pub action: KeyAction,
    /// Keys, first one shown first.
    pub keys: Vec<KeyCombo>,
}

/// The keymap: an ordered list of bindings (order drives the help overlay).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    /// Bindings in help order.
    pub bindings: Vec<Binding>,
}

impl Default for Keymap {
    fn default() -> Self {
        use KeyAction as A;
        let b = |action, keys: &[KeyCombo]| Binding {
            action,
            keys: keys.to_vec(),
        };
        let ctrl_c = KeyCombo {
            code: KeyCode::Char('c'),
            modifiers: KeyModifiers::CONTROL,
        };
        Self {
            bindings: vec![
                b(A::GoTab(0), &[KeyCombo::ch('1')]),
                b(A::GoTab(1), &[KeyCombo::ch('2')]),
                b(A::GoTab(2), &[KeyCombo::ch('3')]),
                b(A::GoTab(3), &[KeyCombo::ch('4')]),
                b(A::NextTab, &[KeyCombo::plain(KeyCode::Tab)]),
                b(A::PrevTab, &[KeyCombo::plain(KeyCode::BackTab)]),
                b(A::Up, &[KeyCombo::plain(KeyCode::Up), KeyCombo::ch('k')]),
                b(
                    A::Down,
                    &[KeyCombo::plain(KeyCode::Down), KeyCombo::ch('j')],
                ),
                b(A::PageUp, &[KeyCombo::plain(KeyCode::PageUp)]),
                b(A::PageDown, &[KeyCombo::plain(KeyCode::PageDown)]),
                b(A::Top, &[KeyCombo::ch('g'), KeyCombo::plain(KeyCode::Home)]),
                b(
                    A::Bottom,
                    &[KeyCombo::ch('G'), KeyCombo::plain(KeyCode::End)],
                ),
                b(A::Pause, &[KeyCombo::ch('p')]),
                b(A::Resume, &[KeyCombo::ch('r')]),
                b(A::Amend, &[KeyCombo::ch('a')]),
                b(A::Cancel, &[KeyCombo::ch('c')]),
                b(A::Refresh, &[KeyCombo::ch('R')]),
                b(A::Freeze, &[KeyCombo::ch('f')]),
                b(A::Detail, &[KeyCombo::plain(KeyCode::Enter)]),
                b(A::Filter, &[KeyCombo::ch('/')]),
                b(A::ClearFilter, &[KeyCombo::plain(KeyCode::Esc)]),
                b(A::Sort, &[KeyCombo::ch('s')]),
                b(A::SortReverse, &[KeyCombo::ch('S')]),
                b(A::Mark, &[KeyCombo::ch(' ')]),
                b(A::MarkAll, &[KeyCombo::ch('V')]),
                b(A::UnmarkAll, &[KeyCombo::ch('U')]),
                b(A::KillSwitch, &[KeyCombo::ch('K')]),
                b(A::Export, &[KeyCombo::ch('e')]),
                b(A::AuditLog, &[KeyCombo::ch('L')]),
                b(A::NextView, &[KeyCombo::ch('v')]),
                b(A::Copy, &[KeyCombo::ch('y')]),
                b(A::GroupErrors, &[KeyCombo::ch('b')]),
                b(A::Help, &[KeyCombo::ch('?')]),
                b(A::Quit, &[KeyCombo::ch('q'), ctrl_c]),
            ],
        }
    }
}

impl Keymap {
    /// The action bound to this key event, if any.
    pub fn action_for(&self, ev: &KeyEvent) -> Option<KeyAction> {
        self.bindings
            .iter()
            .find(|b| b.keys.iter().any(|k| k.matches(ev)))
            .map(|b| b.action)
    }

    /// Keys of an action joined with `/`, e.g. `q/Ctrl-c`.
    pub fn keys_label(&self, action: KeyAction) -> String {
        self.bindings
            .iter()
            .filter(|b| b.action == action)
            .flat_map(|b| b.keys.iter().map(KeyCombo::label))
            .collect::<Vec<_>>()
            .join("/")
    }
}

#[cfg(test)]
mod tests {
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
    fn labels_join_all_keys() {
        assert_eq!(Keymap::default().keys_label(KeyAction::Quit), "q/Ctrl-c");
    }
}
