//! Overlays: help (generated from the keymap), confirm (defaults to No) and the amend form.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::theme::Theme;
use crate::app::amend::{AmendField, AmendForm};
use crate::app::{Confirm, State};
use crate::sanitize::clean;

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

/// Help overlay: one line per binding, from the keymap.
pub fn help(state: &State, theme: &Theme, frame: &mut Frame) {
    let mut lines = Vec::new();
    for b in &state.prefs.keymap.bindings {
        let keys = state.prefs.keymap.keys_label(b.action);
        if keys.is_empty() || lines.iter().any(|(k, _): &(String, &str)| *k == keys) {
            continue;
        }
        lines.push((keys, b.action.description()));
    }
    // Two columns when one would not fit the screen's height.
    let rows_available = usize::from(frame.area().height.saturating_sub(6));
    let two = lines.len() > rows_available;
    let per_col = if two {
        lines.len().div_ceil(2)
    } else {
        lines.len()
    };
    let cell = |(k, d): &(String, &str)| {
        vec![
            Span::styled(format!(" {k:>12} "), theme.key()),
            Span::raw(format!("{d:<60}")),
        ]
    };
    let mut text: Vec<Line> = (0..per_col)
        .map(|i| {
            let mut spans = cell(&lines[i]);
            if two && let Some(right) = lines.get(i + per_col) {
                spans.extend(cell(right));
            }
            Line::from(spans)
        })
        .collect();
    text.push(Line::raw(""));
    text.push(Line::styled(
        " In dialogs: y / Enter on Yes sends · n / Esc cancels · ←→ switch",
        theme.dim(),
    ));
    text.push(Line::styled(" Any key closes this help.", theme.dim()));
    let width = if two { 152 } else { 78 };
    let area = centered(frame.area(), width, text.len() as u16 + 2);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(text).block(Block::default().borders(Borders::ALL).title(" Keys ")),
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
            Span::styled(format!("[{}▏]", clean(&c.typed)), theme.key()),
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
            format!("[{value}▏]")
        } else {
            format!("[{value}]")
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
