//! Rendering: `render(&State, &mut Frame)`. Pure — reads the state, never does IO, never
//! mutates. One file per tab and per overlay. Only the visible rows are built.

mod active;
mod audit;
mod detail;
mod dialogs;
mod errors;
mod header;
pub mod history;
mod multi;
mod placements;
mod table;
pub mod theme;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::{BannerLevel, Modal, State, Tab};
use crate::format;
use crate::sanitize::{clean, clean_truncated};
use theme::Theme;

use header::*;
use table::*;
pub use table::{column_names, pick_columns};

pub use crate::app::layout::{CHROME_ROWS, FIRST_ROW, TAB_BAR_ROW, tab_at};
use crate::app::layout::{TAB_SEPARATOR, tab_labels};

/// Data older than this many refresh intervals is shown as stale.
const STALE_AFTER_INTERVALS: i64 = 3;

/// Draws the whole screen.
pub fn render(state: &State, frame: &mut Frame) {
    let theme = Theme::for_state(state);
    let [header, tabs, body, detail, banner, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(2),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());

    render_header(state, &theme, frame, header);
    render_tabs(state, &theme, frame, tabs);
    match state.tab {
        Tab::Active => active::render(state, &theme, frame, body, detail),
        Tab::Multi => multi::render(state, &theme, frame, body, detail),
        Tab::Placements => placements::render(state, &theme, frame, body, detail),
        Tab::Errors => errors::render(state, &theme, frame, body, detail),
        Tab::History => history::render(state, &theme, frame, body, detail),
    }
    render_banner(state, &theme, frame, banner);
    render_footer(state, &theme, frame, footer);

    match &state.modal {
        Some(Modal::Help) => {
            let area = frame.area();
            let sections = crate::app::help::sections(state);
            let layout = crate::app::help::HelpLayout::new(&sections, (area.width, area.height));
            dialogs::help(&layout, state.help_scroll, &theme, frame);
        }
        Some(Modal::Confirm(c)) => dialogs::confirm(c, &theme, frame),
        Some(Modal::Amend(form)) => dialogs::amend(form, &theme, frame),
        Some(Modal::Detail(id)) => detail::render(state, id, &theme, frame),
        Some(Modal::Kill { scope }) => dialogs::kill(state, scope.as_ref(), &theme, frame),
        Some(Modal::Audit(view)) => audit::render(view, &theme, frame),
        None => {}
    }
}

fn render_banner(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    if state.filter_editing {
        let text = format!(
            " / {}   Enter keep · Esc clear · terms: side:buy status:paused acct:NAME pair:BTC-*",
            clean(&state.filter_text.with_cursor(61))
        );
        frame.render_widget(Paragraph::new(text).style(theme.key()), area);
        return;
    }
    let Some(b) = &state.banner else {
        return;
    };
    let style = theme.banner(b.level);
    let prefix = match b.level {
        BannerLevel::Error => " ✖ ",
        BannerLevel::Success => " ✔ ",
        BannerLevel::Info => " ℹ ",
    };
    let text = format!(
        "{prefix}{} ({} ago)",
        clean_truncated(&b.text, usize::from(area.width).saturating_sub(16)),
        format::duration(state.now.duration_since(b.at).as_secs().max(0))
    );
    frame.render_widget(Paragraph::new(text).style(style), area);
}

fn render_footer(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    use crate::app::keymap::KeyAction as A;
    // The filter hides every order of this tab: no order keys, say why the tab is empty.
    if matches!(state.tab, Tab::Active | Tab::History)
        && !state.filter_text.is_empty()
        && state.row_count(state.tab) == 0
    {
        let clear = if state.filter_editing {
            "Esc".to_string()
        } else {
            state.prefs.keymap.keys_label(A::ClearFilter)
        };
        let how = if clear.is_empty() {
            format!("{} edits it", state.prefs.keymap.keys_label(A::Filter))
        } else {
            format!("{clear} clears")
        };
        let filter = clean_truncated(
            state.filter_text.value(),
            usize::from(area.width).saturating_sub(40).max(10),
        );
        let line = Line::from(vec![
            Span::raw(format!(" no orders match \"{filter}\" — ")),
            Span::styled(how, theme.key()),
        ]);
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    let km = &state.prefs.keymap;
    let default = crate::app::keymap::Keymap::default();
    let same = |a: &[A]| a.iter().all(|&a| km.keys_label(a) == default.keys_label(a));
    let label = |a: &[A], short: &str| {
        if same(a) {
            short.to_string()
        } else {
            a.iter()
                .map(|&a| km.keys_label(a))
                .filter(|k| !k.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        }
    };
    let tabs = [
        A::GoTab(0),
        A::GoTab(1),
        A::GoTab(2),
        A::GoTab(3),
        A::GoTab(4),
        A::NextTab,
    ];
    let mut entries: Vec<(String, &str)> = vec![
        (label(&tabs, "1-5/Tab"), "tabs"),
        (label(&[A::Up, A::Down], "↑↓/jk"), "move"),
    ];
    for a in [
        A::Detail,
        A::Filter,
        A::Sort,
        A::Pause,
        A::Resume,
        A::Amend,
        A::Cancel,
        A::Freeze,
        A::Help,
        A::Quit,
    ] {
        if let Some(word) = a.footer_word() {
            entries.push((state.prefs.keymap.keys_label(a), word));
        }
    }
    let entries = footer_fit(entries, usize::from(area.width));
    let mut spans = vec![Span::raw(" ")];
    for (keys, word) in entries {
        spans.push(Span::styled(keys, theme.key()));
        spans.push(Span::raw(format!(" {word}  ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Renders a two-line detail strip.
fn render_detail(frame: &mut Frame, area: Rect, lines: Vec<Line<'_>>) {
    frame.render_widget(Paragraph::new(lines), area);
}

/// The footer's key hints that fit `width` columns, in their order: when they do not all fit,
/// the least needed go first (freeze, sort, detail, tabs, move, filter, amend, …) so that help
/// and quit, and the order actions, stay on screen at 80 columns and a hint is never cut.
fn footer_fit(mut entries: Vec<(String, &str)>, width: usize) -> Vec<(String, &str)> {
    use unicode_width::UnicodeWidthStr;
    // Dropped first to last; anything not named is dropped last.
    const DROP: [&str; 10] = [
        "freeze", "sort", "detail", "tabs", "move", "filter", "amend", "resume", "pause", "cancel",
    ];
    let used = |e: &[(String, &str)]| {
        e.iter()
            .map(|(k, w)| k.width() + w.width() + 3)
            .sum::<usize>()
            + 1
    };
    for word in DROP {
        if used(&entries) <= width {
            break;
        }
        entries.retain(|(_, w)| *w != word);
    }
    entries
}
