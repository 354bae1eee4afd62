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

/// Help overlay: one line per binding, from the keymap.
pub fn help(state: &State, theme: &Theme, frame: &mut Frame) {
    let mut lines = Vec::new();
    for b in &state.keymap.bindings {
        let keys = state.keymap.keys_label(b.action);
        if lines.iter().any(|(k, _): &(String, &str)| *k == keys) {
            continue;
        }
        lines.push((keys, b.action.description()));
    }
    let mut text: Vec<Line> = lines
        .into_iter()
        .map(|(k, d)| {
            Line::from(vec![
                Span::styled(format!(" {k:>14} "), theme.key()),
                Span::raw(d.to_string()),
            ])
        })
        .collect();
    text.push(Line::raw(""));
    text.push(Line::styled(
        " In dialogs: y / Enter on Yes sends · n / Esc cancels · ←→ switch",
        theme.dim(),
    ));
    text.push(Line::styled(" Any key closes this help.", theme.dim()));
    let area = centered(frame.area(), 72, text.len() as u16 + 2);
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
    let area = centered(frame.area(), 76, text.len() as u16 + 2);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" {} ", c.title))
                .border_style(theme.warn()),
        ),
        area,
    );
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
    let area = centered(frame.area(), 78, text.len() as u16 + 2);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(text).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Amend order ")
                .border_style(theme.warn()),
        ),
        area,
    );
}
