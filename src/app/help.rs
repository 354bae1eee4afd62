//! What the help overlay (`?`) says and how it is laid out: a list of [`HelpSection`]s (the
//! keys from the keymap, typing in prompts, dialogs, and any section added later, such as the
//! alert rules), flowed into one or two columns by [`HelpLayout`] for the screen's size, and
//! scrolled (↑↓/jk, PgUp/PgDn, Home/End) when they do not fit. Shared by `update` (how far it
//! scrolls) and the renderer (what it draws), so both agree.

use unicode_width::UnicodeWidthStr;

use super::state::State;

/// One line of a help section: the keys (may be empty) and what they do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpEntry {
    /// Keys as shown, e.g. `p/F5`; empty for a line of plain text.
    pub keys: String,
    /// What the keys do, or the text of the line.
    pub text: String,
}

/// A titled block of the help overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpSection {
    /// Title line, e.g. `Keys`.
    pub title: String,
    /// The section's lines, in order.
    pub entries: Vec<HelpEntry>,
}

impl HelpSection {
    /// A section of key → description lines.
    pub fn keys(title: impl Into<String>, entries: Vec<(String, String)>) -> Self {
        Self {
            title: title.into(),
            entries: entries
                .into_iter()
                .map(|(keys, text)| HelpEntry { keys, text })
                .collect(),
        }
    }

    /// A section of plain text lines (e.g. the configured alert rules).
    pub fn text<S: Into<String>>(
        title: impl Into<String>,
        lines: impl IntoIterator<Item = S>,
    ) -> Self {
        Self {
            title: title.into(),
            entries: lines
                .into_iter()
                .map(|l| HelpEntry {
                    keys: String::new(),
                    text: l.into(),
                })
                .collect(),
        }
    }
}

/// The help's sections for this state: the keymap's bindings (each keys label once), typing in
/// the text prompts, the dialogs, and the configured alert rules ([`Alerts::help_lines`]).
///
/// [`Alerts::help_lines`]: crate::app::Alerts::help_lines
pub fn sections(state: &State) -> Vec<HelpSection> {
    let km = &state.prefs.keymap;
    let mut keys: Vec<(String, String)> = Vec::new();
    for b in &km.bindings {
        let label = km.keys_label(b.action);
        if label.is_empty() || keys.iter().any(|(k, _)| *k == label) {
            continue;
        }
        keys.push((label, b.action.description().to_string()));
    }
    let typing = [
        (
            "←→ Home End",
            "move (Ctrl-←→ a word; also Ctrl-B/F, Ctrl-A/E)",
        ),
        ("Bksp Del", "delete before / under the cursor"),
        ("Ctrl-W", "delete the word before the cursor"),
        (
            "Ctrl-U Ctrl-K",
            "delete to the start / to the end of the line",
        ),
        ("↑↓", "filter: earlier filters (kept across runs)"),
        ("Enter Esc", "filter: keep it / clear it"),
    ];
    let dialogs = [
        ("y", "send (or Enter on Yes)"),
        ("n Esc", "do not send"),
        ("←→ Tab", "switch Yes / No; amend form: Tab ↑↓ next field"),
    ];
    let own = |list: &[(&str, &str)]| {
        list.iter()
            .map(|(k, d)| ((*k).to_string(), (*d).to_string()))
            .collect()
    };
    vec![
        HelpSection::keys("Keys", keys),
        HelpSection::keys("Typing (filter, amend fields, CANCEL)", own(&typing)),
        HelpSection::keys("In dialogs", own(&dialogs)),
        HelpSection::text("Alerts ([alerts] in the config)", alert_lines(state)),
    ]
}

/// The configured alert rules in words, or a line saying none is set.
fn alert_lines(state: &State) -> Vec<String> {
    let lines = state.prefs.alerts.help_lines();
    if lines.is_empty() {
        vec!["none set".to_string()]
    } else {
        lines
    }
}

/// One row of the flowed help: a section title, an entry, or a blank between sections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelpRow {
    /// A section's title.
    Title(String),
    /// A key → description line.
    Entry(HelpEntry),
    /// The rest of a line too long for the screen, under its description.
    More(String),
    /// Space between two sections.
    Blank,
}

/// The help laid out for a screen: the popup's size, one or two columns and how far it
/// scrolls. Rows are counted inside the border, the last one kept for the scroll hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpLayout {
    /// Rows of each column, top to bottom (one column, or left then right).
    pub columns: Vec<Vec<HelpRow>>,
    /// Width of the keys column, in cells.
    pub keys_width: usize,
    /// Width of one column (keys, description), in cells.
    pub column_width: usize,
    /// Popup size including its border: (columns, rows).
    pub popup: (u16, u16),
    /// Content rows shown at once (inside the border, above the hint line).
    pub visible: usize,
    /// Largest first row that still fills the view (0 when everything fits).
    pub max_scroll: usize,
}

/// Space between the two columns.
const GAP: usize = 2;
/// Border (2) plus the hint line (1).
const CHROME_ROWS: usize = 3;
/// Widest keys column; longer labels are cut.
const MAX_KEYS: usize = 16;

impl HelpLayout {
    /// Lays `sections` out for a `(columns, rows)` screen, its first and last lines left in
    /// view: two columns when both fit side by side without cutting a line, else one (lines
    /// wider than the screen wrapped); scrolling when the rows do not fit.
    pub fn new(sections: &[HelpSection], size: (u16, u16)) -> Self {
        let mut rows = Vec::new();
        for (i, s) in sections.iter().enumerate() {
            if i > 0 {
                rows.push(HelpRow::Blank);
            }
            rows.push(HelpRow::Title(s.title.clone()));
            rows.extend(s.entries.iter().cloned().map(HelpRow::Entry));
        }
        let entries = || sections.iter().flat_map(|s| s.entries.iter());
        let keys_width = entries()
            .map(|e| e.keys.width())
            .max()
            .unwrap_or(0)
            .min(MAX_KEYS);
        // " keys text " — a plain-text line (no keys) starts at the keys column.
        let column_width = entries()
            .map(|e| {
                if e.keys.is_empty() {
                    1 + e.text.width()
                } else {
                    1 + keys_width + 1 + e.text.width()
                }
            })
            .chain(sections.iter().map(|s| 1 + s.title.width()))
            .max()
            .unwrap_or(0)
            .saturating_add(1);
        let inner_width = usize::from(size.0).saturating_sub(2);
        // The screen's first and last lines (header, footer) stay in view.
        let inner_rows = usize::from(size.1).saturating_sub(2 + CHROME_ROWS).max(1);
        let two = rows.len() > inner_rows && inner_width >= 2 * column_width + GAP;
        let columns = if two {
            let per = rows.len().div_ceil(2);
            let right = rows.split_off(per);
            vec![rows, right]
        } else {
            // Narrower than a line: wrap it rather than cut it.
            let column_width = column_width.min(inner_width).max(1);
            vec![wrap_rows(rows, keys_width, column_width)]
        };
        let column_width = if two {
            column_width
        } else {
            column_width.min(inner_width)
        };
        let height = columns.iter().map(Vec::len).max().unwrap_or(0);
        let visible = height.min(inner_rows);
        let width = if two {
            2 * column_width + GAP
        } else {
            column_width
        };
        let popup = (
            u16::try_from(width + 2).unwrap_or(u16::MAX).min(size.0),
            u16::try_from(visible + CHROME_ROWS)
                .unwrap_or(u16::MAX)
                .min(size.1.saturating_sub(2).max(1)),
        );
        Self {
            columns,
            keys_width,
            column_width,
            popup,
            visible,
            max_scroll: height.saturating_sub(visible),
        }
    }

    /// The layout for the state's own screen and sections.
    pub fn of(state: &State) -> Self {
        Self::new(&sections(state), state.size)
    }
}

/// `rows` with every line wider than `width` cells wrapped at blanks into [`HelpRow::More`]
/// rows (an entry's rest under its description, a plain line's under itself).
fn wrap_rows(rows: Vec<HelpRow>, keys_width: usize, width: usize) -> Vec<HelpRow> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        match row {
            HelpRow::Entry(e) => {
                let indent = if e.keys.is_empty() { 1 } else { keys_width + 2 };
                let room = width.saturating_sub(indent + 1).max(8);
                let mut parts = wrap(&e.text, room).into_iter();
                let first = parts.next().unwrap_or_default();
                out.push(HelpRow::Entry(HelpEntry {
                    keys: e.keys,
                    text: first,
                }));
                out.extend(parts.map(HelpRow::More));
            }
            other => out.push(other),
        }
    }
    out
}

/// `text` in lines of at most `width` cells, broken at blanks (a word longer than a line is
/// broken where it must).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let sep = usize::from(!line.is_empty());
        if !line.is_empty() && line.width() + sep + word.width() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        for c in word.chars() {
            if line.width() + c.to_string().width() > width && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    lines.push(line);
    lines
}
