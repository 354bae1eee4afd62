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
    /// History tab: widen its window (today → 7 d → 30 d → 90 d → back).
    WidenHistory,
    /// Mark every changed-since-seen row seen (the `•` gutter dots and the tab titles' counts).
    MarkSeen,
}

impl KeyAction {
    /// Every action, in help order (the names a `[keys]` table may use).
    pub const ALL: [KeyAction; 37] = [
        KeyAction::GoTab(0),
        KeyAction::GoTab(1),
        KeyAction::GoTab(2),
        KeyAction::GoTab(3),
        KeyAction::GoTab(4),
        KeyAction::NextTab,
        KeyAction::PrevTab,
        KeyAction::Up,
        KeyAction::Down,
        KeyAction::PageUp,
        KeyAction::PageDown,
        KeyAction::Top,
        KeyAction::Bottom,
        KeyAction::Pause,
        KeyAction::Resume,
        KeyAction::Amend,
        KeyAction::Cancel,
        KeyAction::Refresh,
        KeyAction::Freeze,
        KeyAction::Detail,
        KeyAction::Filter,
        KeyAction::ClearFilter,
        KeyAction::Sort,
        KeyAction::SortReverse,
        KeyAction::Mark,
        KeyAction::MarkAll,
        KeyAction::UnmarkAll,
        KeyAction::MarkSeen,
        KeyAction::KillSwitch,
        KeyAction::Export,
        KeyAction::AuditLog,
        KeyAction::NextView,
        KeyAction::Copy,
        KeyAction::GroupErrors,
        KeyAction::WidenHistory,
        KeyAction::Help,
        KeyAction::Quit,
    ];

    /// The action's name in a config `[keys]` table: the variant in snake_case
    /// (`kill_switch`, `sort_reverse`); `GoTab(n)` is `go_tab_1` … `go_tab_5`.
    pub fn name(self) -> String {
        let s = match self {
            KeyAction::Quit => "quit",
            KeyAction::NextTab => "next_tab",
            KeyAction::PrevTab => "prev_tab",
            KeyAction::GoTab(n) => return format!("go_tab_{}", n + 1),
            KeyAction::Up => "up",
            KeyAction::Down => "down",
            KeyAction::PageUp => "page_up",
            KeyAction::PageDown => "page_down",
            KeyAction::Top => "top",
            KeyAction::Bottom => "bottom",
            KeyAction::Help => "help",
            KeyAction::Pause => "pause",
            KeyAction::Resume => "resume",
            KeyAction::Cancel => "cancel",
            KeyAction::Amend => "amend",
            KeyAction::Refresh => "refresh",
            KeyAction::Freeze => "freeze",
            KeyAction::Filter => "filter",
            KeyAction::ClearFilter => "clear_filter",
            KeyAction::Sort => "sort",
            KeyAction::SortReverse => "sort_reverse",
            KeyAction::Detail => "detail",
            KeyAction::Mark => "mark",
            KeyAction::MarkAll => "mark_all",
            KeyAction::UnmarkAll => "unmark_all",
            KeyAction::KillSwitch => "kill_switch",
            KeyAction::Export => "export",
            KeyAction::AuditLog => "audit_log",
            KeyAction::NextView => "next_view",
            KeyAction::Copy => "copy",
            KeyAction::GroupErrors => "group_errors",
            KeyAction::WidenHistory => "widen_history",
            KeyAction::MarkSeen => "mark_seen",
        };
        s.to_string()
    }

    /// The action called `name` (see [`KeyAction::name`]).
    pub fn from_name(name: &str) -> Option<KeyAction> {
        KeyAction::ALL.into_iter().find(|a| a.name() == name)
    }

    /// One-line description for the help overlay.
    pub fn description(self) -> &'static str {
        match self {
            KeyAction::Quit => "quit",
            KeyAction::NextTab => "next tab",
            KeyAction::PrevTab => "previous tab",
            KeyAction::GoTab(0) => "active orders tab",
            KeyAction::GoTab(1) => "multi-orders tab",
            KeyAction::GoTab(2) => "placements tab",
            KeyAction::GoTab(3) => "order errors tab",
            KeyAction::GoTab(_) => "history tab: finished orders and their costs",
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
            KeyAction::Copy => "copy the order id to the clipboard (OSC 52, also over SSH)",
            KeyAction::WidenHistory => "history tab: widen the window (today, 7 d, 30 d, 90 d)",
            KeyAction::MarkSeen => "mark every changed row (•) seen",
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
            KeyAction::MarkSeen => "seen",
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
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        let mut out = String::new();
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            out.push_str("Ctrl-");
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            out.push_str("Alt-");
        }
        if self.modifiers.contains(KeyModifiers::SHIFT)
            && !matches!(self.code, KeyCode::Char(_) | KeyCode::BackTab)
        {
            out.push_str("Shift-");
        }
        out.push_str(&key);
        out
    }

    /// Parses a key as written in the config: one character (`p`, `K`, `?`), a named key
    /// (`Enter`, `Esc`, `Tab`, `Shift-Tab`, `Space`, `Backspace`, `Delete`, `Insert`, `Home`,
    /// `End`, `PgUp`/`PageUp`, `PgDn`/`PageDown`, `Up`/`Down`/`Left`/`Right` or `↑↓←→`,
    /// `F1`–`F24`), with optional `Ctrl-`, `Alt-`, `Shift-` prefixes (names and prefixes in
    /// any case). `Shift-` on a letter gives the capital letter.
    ///
    /// # Errors
    /// A message saying why the text is not a key.
    pub fn parse(text: &str) -> Result<KeyCombo, String> {
        let mut rest = text;
        let mut modifiers = KeyModifiers::NONE;
        loop {
            let lower = rest.to_ascii_lowercase();
            let (m, len) = if lower.starts_with("ctrl-") {
                (KeyModifiers::CONTROL, 5)
            } else if lower.starts_with("alt-") {
                (KeyModifiers::ALT, 4)
            } else if lower.starts_with("shift-") {
                (KeyModifiers::SHIFT, 6)
            } else {
                break;
            };
            if rest.len() == len {
                break;
            }
            modifiers |= m;
            rest = &rest[len..];
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (None, _) => return Err(format!("{text:?} is not a key: nothing after the modifier")),
            (Some(c), None) => match c {
                '↑' => KeyCode::Up,
                '↓' => KeyCode::Down,
                '←' => KeyCode::Left,
                '→' => KeyCode::Right,
                c if c.is_control() => {
                    return Err(format!("{text:?} is not a key: control character"));
                }
                c => KeyCode::Char(c),
            },
            _ => match rest.to_ascii_lowercase().as_str() {
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "space" => KeyCode::Char(' '),
                "backspace" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "insert" | "ins" => KeyCode::Insert,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pgup" | "pageup" => KeyCode::PageUp,
                "pgdn" | "pagedown" => KeyCode::PageDown,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                f if f.starts_with('f') => match f[1..].parse::<u8>() {
                    Ok(n @ 1..=24) => KeyCode::F(n),
                    _ => return Err(format!("{text:?} is not a key (function keys are F1–F24)")),
                },
                _ => {
                    return Err(format!(
                        "{text:?} is not a key: use one character, a name such as Enter, Esc, \
                         Tab, Space, F5, Up, PgDn, with optional Ctrl-/Alt-/Shift- in front"
                    ));
                }
            },
        };
        // The same normal form crossterm's events match against: a shifted letter is the
        // capital letter, Shift-Tab is BackTab, Ctrl-letters are lower case.
        let code = match code {
            KeyCode::Tab if modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            KeyCode::Char(c) if modifiers.contains(KeyModifiers::SHIFT) => {
                KeyCode::Char(c.to_ascii_uppercase())
            }
            KeyCode::Char(c) if modifiers.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            other => other,
        };
        if matches!(code, KeyCode::Char(_) | KeyCode::BackTab) {
            modifiers -= KeyModifiers::SHIFT;
        }
        Ok(KeyCombo { code, modifiers })
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
                b(A::GoTab(4), &[KeyCombo::ch('5')]),
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
                b(A::MarkSeen, &[KeyCombo::ch('N')]),
                b(A::KillSwitch, &[KeyCombo::ch('K')]),
                b(A::Export, &[KeyCombo::ch('e')]),
                b(A::AuditLog, &[KeyCombo::ch('L')]),
                b(A::NextView, &[KeyCombo::ch('v')]),
                b(A::Copy, &[KeyCombo::ch('y')]),
                b(A::GroupErrors, &[KeyCombo::ch('b')]),
                b(A::WidenHistory, &[KeyCombo::ch('w')]),
                b(A::Help, &[KeyCombo::ch('?')]),
                b(A::Quit, &[KeyCombo::ch('q'), ctrl_c]),
            ],
        }
    }
}

impl Keymap {
    /// The action bound to this key event, if any. Every binding holds on every tab; what an
    /// action does on a tab is `app::update`'s business (e.g. `Enter` opens the detail on the
    /// active tab and expands the tree on the multi-order tab).
    pub fn action_for(&self, ev: &KeyEvent) -> Option<KeyAction> {
        self.bindings
            .iter()
            .find(|b| b.keys.iter().any(|k| k.matches(ev)))
            .map(|b| b.action)
    }

    /// This keymap with some actions' keys replaced: `overrides` maps action names
    /// ([`KeyAction::name`]) to their new keys ([`KeyCombo::parse`]). Actions not named keep
    /// their keys.
    ///
    /// # Errors
    /// An unknown action name, a key that does not parse, or a key left bound to two actions
    /// (bindings hold on every tab); the message names the entry.
    pub fn with_overrides<'a, I, K>(&self, overrides: I) -> Result<Keymap, String>
    where
        I: IntoIterator<Item = (&'a str, K)>,
        K: IntoIterator<Item = &'a str>,
    {
        let mut out = self.clone();
        for (name, keys) in overrides {
            let action = KeyAction::from_name(name).ok_or_else(|| {
                let known: Vec<String> = KeyAction::ALL.iter().map(|a| a.name()).collect();
                format!(
                    "[keys] {name}: no such action (known: {})",
                    known.join(", ")
                )
            })?;
            let keys = keys
                .into_iter()
                .map(|k| KeyCombo::parse(k).map_err(|e| format!("[keys] {name}: {e}")))
                .collect::<Result<Vec<_>, _>>()?;
            match out.bindings.iter_mut().find(|b| b.action == action) {
                Some(b) => b.keys = keys,
                None => out.bindings.push(Binding { action, keys }),
            }
        }
        out.check()?;
        Ok(out)
    }

    /// Fails when one key triggers two actions.
    fn check(&self) -> Result<(), String> {
        for (i, a) in self.bindings.iter().enumerate() {
            for b in &self.bindings[i + 1..] {
                if let Some(k) = a.keys.iter().find(|k| b.keys.contains(k)) {
                    return Err(format!(
                        "[keys] key {} is bound to both {} and {}",
                        k.label(),
                        a.action.name(),
                        b.action.name()
                    ));
                }
            }
        }
        Ok(())
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
mod tests;
