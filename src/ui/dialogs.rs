//! Overlays: help (generated from the keymap), confirm (defaults to No) and the amend form.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::theme::Theme;
use crate::app::amend::{AmendField, AmendForm};
use crate::app::help::{HelpLayout, HelpRow};
use crate::app::{Confirm, State};
use crate::sanitize::clean;
use unicode_width::UnicodeWidthStr;

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [v] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [h] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(v);
    h
}

/// A centred popup with a warning-coloured border: everything that can change an order.
fn warning_popup(frame: &mut Frame, theme: &Theme, title: &str, text: Vec<Line>, width: u16) {
    let area = centered(frame.area(), width, text.len() as u16 + 2);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" {title} "))
                .border_style(theme.warn()),
        ),
        area,
    );
}

/// Help overlay: the sections laid out by [`HelpLayout`] (one or two columns), scrolled to
/// `scroll`, with a hint line that says how to scroll and "more ↓" / "more ↑" where it is cut.
pub fn help(layout: &HelpLayout, scroll: usize, theme: &Theme, frame: &mut Frame) {
    let at = scroll.min(layout.max_scroll);
    let kw = layout.keys_width;
    let cell = |row: Option<&HelpRow>| -> Vec<Span<'static>> {
        let (spans, used): (Vec<Span<'static>>, usize) = match row {
            None | Some(HelpRow::Blank) => (Vec::new(), 0),
            Some(HelpRow::Title(t)) => {
                let t = format!(" {}", clean(t));
                let w = t.width();
                (
                    vec![Span::styled(t, theme.key().add_modifier(Modifier::BOLD))],
                    w,
                )
            }
            Some(HelpRow::Entry(e)) if e.keys.is_empty() => {
                let t = format!(" {}", clean(&e.text));
                let w = t.width();
                (vec![Span::raw(t)], w)
            }
            Some(HelpRow::Entry(e)) => {
                let keys = clean(&e.keys);
                let pad = kw.saturating_sub(keys.width());
                let k = format!(" {}{keys} ", " ".repeat(pad));
                let d = clean(&e.text).into_owned();
                let w = k.width() + d.width();
                (vec![Span::styled(k, theme.key()), Span::raw(d)], w)
            }
            Some(HelpRow::More(t)) => {
                let t = format!("{}{}", " ".repeat(kw + 2), clean(t));
                let w = t.width();
                (vec![Span::raw(t)], w)
            }
        };
        let mut spans = spans;
        spans.push(Span::raw(
            " ".repeat(layout.column_width.saturating_sub(used)),
        ));
        spans
    };
    let mut text: Vec<Line> = (at..at + layout.visible)
        .map(|i| {
            let mut spans = Vec::new();
            for (c, column) in layout.columns.iter().enumerate() {
                if c > 0 {
                    spans.push(Span::raw("  "));
                }
                spans.extend(cell(column.get(i)));
            }
            Line::from(spans)
        })
        .collect();
    let hint = if layout.max_scroll == 0 {
        " Any key closes this help.".to_string()
    } else {
        let more = match (at > 0, at < layout.max_scroll) {
            (true, true) => "more ↑↓",
            (true, false) => "more ↑",
            _ => "more ↓",
        };
        format!(" {more} · ↑↓/jk PgUp/PgDn scroll · other keys close")
    };
    text.push(Line::styled(hint, theme.dim()));
    let area = centered(frame.area(), layout.popup.0, layout.popup.1);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(text).block(Block::default().borders(Borders::ALL).title(" Help ")),
        area,
    );
}

/// Confirmation dialog; **No** is highlighted unless the user moved to Yes.
pub fn confirm(c: &Confirm, theme: &Theme, frame: &mut Frame) {
    let mut text: Vec<Line> = c
        .lines
        .iter()
        .map(|l| Line::raw(format!(" {}", clean(l))))
        .collect();
    text.push(Line::raw(""));
    if let Some(word) = &c.require_word {
        text.push(Line::from(vec![
            Span::raw(format!(" Type {word}: ")),
            Span::styled(
                format!("[{}]", clean(&c.typed.with_cursor(40))),
                theme.key(),
            ),
            Span::styled("   Esc aborts", theme.dim()),
        ]));
        return warning_popup(frame, theme, &c.title, text, 76);
    }
    let selected = theme.selected().add_modifier(Modifier::BOLD);
    let (yes, no) = if c.yes {
        (selected, Style::new())
    } else {
        (Style::new(), selected)
    };
    text.push(Line::from(vec![
        Span::raw("      "),
        Span::styled(" Yes (y) ", yes),
        Span::raw("    "),
        Span::styled(" No (n) ", no),
    ]));
    warning_popup(frame, theme, &c.title, text, 76);
}

/// Kill switch: first the scope (with how many orders each covers), then pause or cancel.
pub fn kill(
    state: &State,
    scope: Option<&crate::app::KillScope>,
    theme: &Theme,
    frame: &mut Frame,
) {
    use crate::app::KillScope;
    let count = |s: &KillScope| crate::app::kill_targets(state, s).len();
    let mut text = Vec::new();
    match scope {
        None => {
            text.push(Line::raw(" Choose the scope:"));
            let acct = state
                .selected_order()
                .and_then(|o| o.account_names.first().map(|a| a.to_string()));
            match acct {
                Some(a) => text.push(Line::raw(format!(
                    "   a  account {} ({} orders)",
                    clean(&a),
                    count(&KillScope::Account(a.clone()))
                ))),
                None => text.push(Line::styled(
                    "   a  account of the selected order (none selected)",
                    theme.dim(),
                )),
            }
            text.push(Line::raw(format!(
                "   f  current filter ({} orders)",
                count(&KillScope::Filter)
            )));
            text.push(Line::raw(format!(
                "   e  everything ({} orders)",
                count(&KillScope::Everything)
            )));
        }
        Some(s) => {
            let what = match s {
                KillScope::Account(a) => format!("account {}", clean(a)),
                KillScope::Filter => "current filter".into(),
                KillScope::Everything => "EVERYTHING".into(),
            };
            text.push(Line::raw(format!(" Scope: {what} ({} orders)", count(s))));
            text.push(Line::raw("   p  pause them"));
            text.push(Line::raw("   c  cancel them"));
        }
    }
    text.push(Line::raw(""));
    text.push(Line::styled(
        " A confirmation follows; Esc closes.",
        theme.dim(),
    ));
    warning_popup(frame, theme, "Kill switch", text, 60);
}

/// Amend form: one line per field with the current value as a hint, then any error.
pub fn amend(form: &AmendForm, theme: &Theme, frame: &mut Frame) {
    let mut text = vec![
        Line::raw(format!(" {}", clean(&form.summary))),
        Line::raw(""),
    ];
    for (i, field) in AmendField::ALL.iter().enumerate() {
        let focused = i == form.focus;
        let value = &form.values[i];
        let marker = if focused { "▶" } else { " " };
        let mut spans = vec![Span::raw(format!(" {marker} {:<17}", field.label()))];
        let shown = if focused {
            format!("[{}]", clean(&value.with_cursor(20)))
        } else {
            format!("[{}]", clean(value))
        };
        spans.push(Span::styled(
            format!("{shown:<22}"),
            if focused { theme.key() } else { Style::new() },
        ));
        spans.push(Span::styled(
            format!(" now: {}", clean(&form.current[i])),
            theme.dim(),
        ));
        text.push(Line::from(spans));
    }
    text.push(Line::raw(""));
    match &form.error {
        Some(e) => text.push(Line::styled(format!(" ✖ {}", clean(e)), theme.warn())),
        None => text.push(Line::styled(
            " Empty fields stay unchanged. Base or quote qty, not both.",
            theme.dim(),
        )),
    }
    text.push(Line::styled(
        " Tab/↑↓ field · Enter review · Esc discard",
        theme.dim(),
    ));
    warning_popup(frame, theme, "Amend order", text, 78);
}
