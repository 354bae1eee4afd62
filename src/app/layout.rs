//! Screen geometry that both the renderer (`ui`) and mouse handling (`update`) need: where the
//! tab bar and the first table row are, and what each tab's label says. Kept here, in `app`, so
//! `ui` draws exactly what a click is tested against and `app` never looks up into `ui`.

use unicode_width::UnicodeWidthStr;

use super::{State, Tab};

/// Rows used by everything but the table body: header, tab bar, table borders and header,
/// detail strip (2), banner and footer.
pub const CHROME_ROWS: u16 = 9;

/// Screen row of the tab bar (for mouse clicks).
pub const TAB_BAR_ROW: u16 = 1;

/// Screen row of the first table row (header line, tab bar, border, column titles above it).
pub const FIRST_ROW: u16 = 4;

/// The separator drawn after each tab's label.
pub const TAB_SEPARATOR: &str = "│";

/// One tab's entry in the tab bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TabLabel {
    /// The tab.
    pub tab: Tab,
    /// ` 3 Placements (10+ · capped) `: number key, title, row count, and `+ · capped` when the
    /// last read stopped at a page cap.
    pub title: String,
    /// `2 new ERROR ` on the errors tab while ERROR messages are unread; `3 new ` on the active
    /// and multi-order tabs while rows changed since seen.
    pub badge: Option<String>,
}

impl TabLabel {
    /// Display width in terminal cells, separator included.
    pub fn width(&self) -> u16 {
        let w = self.title.width()
            + self.badge.as_deref().map_or(0, UnicodeWidthStr::width)
            + TAB_SEPARATOR.width();
        u16::try_from(w).unwrap_or(u16::MAX)
    }
}

/// Rows a tab's title counts: every multi-order and message, even when the tree is expanded or
/// the errors are grouped; the rows of the table otherwise.
pub fn tab_count(state: &State, tab: Tab) -> usize {
    match tab {
        Tab::Multi => state.book.multi_orders().len(),
        Tab::Errors => state.book.messages().len(),
        _ => state.row_count(tab),
    }
}

/// The tab bar's labels, left to right.
pub fn tab_labels(state: &State) -> Vec<TabLabel> {
    Tab::ALL
        .into_iter()
        .map(|tab| {
            let capped = if state.freshness(tab).capped {
                "+ · capped"
            } else {
                ""
            };
            let title = format!(
                " {} {} ({}{capped}) ",
                tab.index() + 1,
                tab.title(),
                tab_count(state, tab)
            );
            let unread = if tab == Tab::Errors {
                state.unread_errors()
            } else {
                0
            };
            let changed = state.book.changed_count(tab);
            let badge = if unread > 0 {
                Some(format!("{unread} new ERROR "))
            } else {
                // Rows changed since seen (`•` in the gutter).
                (changed > 0).then(|| format!("{changed} new "))
            };
            TabLabel { tab, title, badge }
        })
        .collect()
}

/// The tab whose label is at column `x` of the tab bar.
pub fn tab_at(state: &State, x: u16) -> Option<Tab> {
    let mut end = 0u16;
    for label in tab_labels(state) {
        end = end.saturating_add(label.width());
        if x < end {
            return Some(label.tab);
        }
    }
    None
}
