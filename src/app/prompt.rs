//! One-line text prompts that edit like a shell line: the filter (`/`), the amend form's
//! fields and the typed `CANCEL` of the kill switch.
//!
//! [`Prompt`] wraps [`tui_input::Input`] (value and cursor) and feeds it from our own key
//! events through the crate's backend-agnostic [`InputRequest`] API, so the app stays pure
//! (`app::update` gets keys, never the terminal) and no second crossterm enters the build.
//!
//! Keys (readline's defaults): ←/→ or Ctrl-B/Ctrl-F a character, Ctrl-←/→ or Alt-B/Alt-F a
//! word, Home/End or Ctrl-A/Ctrl-E the ends, Backspace/Delete a character, Ctrl-W the
//! whitespace-delimited word before the cursor (as a shell's), Alt-Backspace a word part,
//! Ctrl-U from the start of the line to the cursor (the whole line with the cursor at its end),
//! Ctrl-K from the cursor to the end, Ctrl-Y puts back what was cut.
//!
//! [`FilterHistory`] is the filters applied earlier, recalled with ↑/↓ while the filter line
//! has the keyboard; it is read and written by `crate::filter_history` at the edge.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_input::{Input, InputRequest};
use unicode_width::UnicodeWidthChar;

/// The glyph drawn where the cursor is (a thin bar between two characters).
pub const CURSOR: &str = "▏";

/// A one-line text prompt: the text typed so far and the cursor within it.
///
/// Reads as the text (`Deref<Target = str>`, `== "…"`), like the `String` it replaces.
#[derive(Clone, Default)]
pub struct Prompt {
    /// Boxed: a form holds several prompts and dialogs move by value.
    input: Box<Input>,
}

/// What a key did to a [`Prompt`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// Not an editing key: the caller decides what it means (Enter, Esc, Tab, ↑/↓ …).
    Ignored,
    /// An editing key that left the text as it was (the cursor may have moved).
    Cursor,
    /// The text changed.
    Text,
}

impl Prompt {
    /// A prompt holding `text`, the cursor at its end.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            input: Box::new(Input::new(text.into())),
        }
    }

    /// The text typed so far.
    pub fn value(&self) -> &str {
        self.input.value()
    }

    /// The text as an owned `String`.
    pub fn text(&self) -> String {
        self.input.value().to_string()
    }

    /// Cursor position: the number of characters (code points) before it.
    pub fn cursor(&self) -> usize {
        self.input.cursor()
    }

    /// Replaces the text, cursor at its end (a recalled filter, a saved view).
    pub fn set(&mut self, text: impl Into<String>) {
        *self.input = Input::new(text.into());
    }

    /// Empties the prompt.
    pub fn clear(&mut self) {
        self.input.reset();
    }

    /// The text before and after the cursor.
    pub fn split(&self) -> (&str, &str) {
        let s = self.input.value();
        let at = s
            .char_indices()
            .nth(self.input.cursor())
            .map_or(s.len(), |(i, _)| i);
        s.split_at(at)
    }

    /// What fits in `width` columns, scrolled so the cursor stays in view: the visible text
    /// before and after the cursor (one column is kept for the cursor glyph).
    pub fn visible(&self, width: usize) -> (String, String) {
        let room = width.saturating_sub(1);
        let scroll = self.input.visual_scroll(room);
        let (before, after) = self.split();
        let mut skipped = 0;
        let mut used = 0;
        let mut shown_before = String::new();
        for c in before.chars() {
            let w = c.width().unwrap_or(0);
            if skipped < scroll {
                skipped += w;
                continue;
            }
            used += w;
            shown_before.push(c);
        }
        let mut shown_after = String::new();
        for c in after.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > room {
                break;
            }
            used += w;
            shown_after.push(c);
        }
        (shown_before, shown_after)
    }

    /// The prompt as drawn: its visible text in `width` columns with [`CURSOR`] where the
    /// cursor is.
    pub fn with_cursor(&self, width: usize) -> String {
        let (before, after) = self.visible(width);
        format!("{before}{CURSOR}{after}")
    }

    /// Applies an editing key. Release events and keys that do not edit are [`Edit::Ignored`].
    pub fn on_key(&mut self, key: &KeyEvent) -> Edit {
        if key.kind == KeyEventKind::Release {
            return Edit::Ignored;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let changed = match (key.code, ctrl, alt) {
            (KeyCode::Char('w'), true, false) => self.delete_shell_word(),
            (code, ctrl, alt) => match request(code, ctrl, alt) {
                Some(req) => {
                    let text_before = self.input.value().to_string();
                    self.input.handle(req);
                    text_before != self.input.value()
                }
                None => return Edit::Ignored,
            },
        };
        if changed { Edit::Text } else { Edit::Cursor }
    }

    /// Ctrl-W as a shell does it (`unix-word-rubout`): the blanks before the cursor, then
    /// everything back to the previous blank. Returns whether the text changed.
    fn delete_shell_word(&mut self) -> bool {
        let (before, after) = self.split();
        let kept = before.trim_end_matches(char::is_whitespace);
        let kept = kept.trim_end_matches(|c: char| !c.is_whitespace());
        if kept.len() == before.len() {
            return false;
        }
        let cursor = kept.chars().count();
        let text = format!("{kept}{after}");
        *self.input = Input::new(text).with_cursor(cursor);
        true
    }
}

/// The [`InputRequest`] of a key, by readline's default bindings (Ctrl-W is handled apart).
fn request(code: KeyCode, ctrl: bool, alt: bool) -> Option<InputRequest> {
    use InputRequest as R;
    Some(match (code, ctrl, alt) {
        (KeyCode::Left, false, false) | (KeyCode::Char('b'), true, false) => R::GoToPrevChar,
        (KeyCode::Right, false, false) | (KeyCode::Char('f'), true, false) => R::GoToNextChar,
        (KeyCode::Left, true, _) | (KeyCode::Char('b'), false, true) => R::GoToPrevWord,
        (KeyCode::Right, true, _) | (KeyCode::Char('f'), false, true) => R::GoToNextWord,
        (KeyCode::Home, _, _) | (KeyCode::Char('a'), true, false) => R::GoToStart,
        (KeyCode::End, _, _) | (KeyCode::Char('e'), true, false) => R::GoToEnd,
        (KeyCode::Backspace, false, false) | (KeyCode::Char('h'), true, false) => R::DeletePrevChar,
        (KeyCode::Backspace, _, true) => R::DeletePrevWord,
        (KeyCode::Delete, false, false) | (KeyCode::Char('d'), true, false) => R::DeleteNextChar,
        (KeyCode::Delete, true, _) | (KeyCode::Char('d'), false, true) => R::DeleteNextWord,
        (KeyCode::Char('u'), true, false) => R::DeleteFromStart,
        (KeyCode::Char('k'), true, false) => R::DeleteTillEnd,
        (KeyCode::Char('y'), true, false) => R::Yank,
        // Plain and shifted characters; Ctrl+Alt is AltGr on some keyboards.
        (KeyCode::Char(c), false, false) | (KeyCode::Char(c), true, true) if !c.is_control() => {
            R::InsertChar(c)
        }
        _ => return None,
    })
}

impl PartialEq for Prompt {
    fn eq(&self, other: &Self) -> bool {
        self.value() == other.value() && self.cursor() == other.cursor()
    }
}

impl PartialEq<str> for Prompt {
    fn eq(&self, other: &str) -> bool {
        self.value() == other
    }
}

impl PartialEq<&str> for Prompt {
    fn eq(&self, other: &&str) -> bool {
        self.value() == *other
    }
}

impl PartialEq<String> for Prompt {
    fn eq(&self, other: &String) -> bool {
        self.value() == other
    }
}

impl std::fmt::Debug for Prompt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prompt")
            .field("value", &self.value())
            .field("cursor", &self.cursor())
            .finish()
    }
}

impl std::ops::Deref for Prompt {
    type Target = str;

    fn deref(&self) -> &str {
        self.value()
    }
}

impl std::fmt::Display for Prompt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.value())
    }
}

/// Most filters kept (newest last).
pub const FILTER_HISTORY_MAX: usize = 100;

/// The filters applied earlier (Enter), oldest first, no two equal in a row, at most
/// [`FILTER_HISTORY_MAX`]; and where ↑/↓ are in it while the filter line has the keyboard.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterHistory {
    entries: Vec<String>,
    /// Index into `entries` of the filter recalled; `None` while on the line being typed.
    at: Option<usize>,
    /// The line being typed when ↑ was first pressed (↓ past the newest brings it back).
    draft: String,
}

impl FilterHistory {
    /// A history of `entries` (oldest first), as read from the state directory: blank lines
    /// dropped, consecutive duplicates folded, the newest [`FILTER_HISTORY_MAX`] kept.
    pub fn new(entries: impl IntoIterator<Item = String>) -> Self {
        let mut h = Self::default();
        for e in entries {
            h.push(e);
        }
        h
    }

    /// The filters, oldest first.
    pub fn entries(&self) -> &[String] {
        &self.entries
    }

    /// Appends a filter just applied, unless blank or equal to the newest; drops the oldest
    /// past the cap. Returns whether the list changed (and so is worth writing).
    pub fn push(&mut self, filter: impl Into<String>) -> bool {
        self.reset();
        let filter = filter.into();
        let filter = filter.trim();
        if filter.is_empty() || self.entries.last().is_some_and(|l| l == filter) {
            return false;
        }
        self.entries.push(filter.to_string());
        if self.entries.len() > FILTER_HISTORY_MAX {
            let extra = self.entries.len() - FILTER_HISTORY_MAX;
            self.entries.drain(..extra);
        }
        true
    }

    /// Back on the line being typed (the filter line closed or was applied).
    pub fn reset(&mut self) {
        self.at = None;
        self.draft.clear();
    }

    /// ↑: the filter before the one shown (`current` is the line as typed, kept to come back
    /// to); `None` when there is no older one.
    pub fn older(&mut self, current: &str) -> Option<&str> {
        let next = match self.at {
            None => {
                self.draft = current.to_string();
                self.entries.len().checked_sub(1)?
            }
            Some(i) => i.checked_sub(1)?,
        };
        self.at = Some(next);
        self.entries.get(next).map(String::as_str)
    }

    /// ↓: the filter after the one shown, or the line as it was typed past the newest;
    /// `None` when already on that line.
    pub fn newer(&mut self) -> Option<&str> {
        let i = self.at?;
        if i + 1 < self.entries.len() {
            self.at = Some(i + 1);
            self.entries.get(i + 1).map(String::as_str)
        } else {
            self.at = None;
            Some(self.draft.as_str())
        }
    }
}
