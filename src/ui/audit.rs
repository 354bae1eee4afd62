//! The audit log viewer (`L`): the newest actions from the audit file, one per row — when, who,
//! from where, venue, action, scope and target, the venue's reply, latency.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table};

use super::theme::Theme;
use crate::app::AuditView;
use crate::audit::AuditEntry;
use crate::domain::MessageLevel;
use crate::sanitize::clean_truncated;

/// Draws the viewer over the whole screen but a margin.
pub fn render(view: &AuditView, theme: &Theme, frame: &mut Frame) {
    let full = frame.area();
    // Leaves the banner and footer rows visible (export results show there).
    let mut area = super::inset(full, 1, 1);
    area.height = area.height.saturating_sub(1);
    frame.render_widget(Clear, area);
    let tail = match &view.loaded {
        None => return message(frame, area, " Audit log ", "Reading the audit log…"),
        Some(Err(e)) => return message(frame, area, " Audit log ", e),
        Some(Ok(t)) => t,
    };
    let bad = if tail.bad_lines > 0 {
        format!(" · {} unreadable line(s)", tail.bad_lines)
    } else {
        String::new()
    };
    let title = format!(
        " Audit log {} — {} action(s), newest first{bad} · ↑↓ PgUp PgDn · e export · R reload · Esc closes ",
        clean_truncated(&tail.path.display().to_string(), 60),
        tail.entries.len()
    );
    let block = Block::default().borders(Borders::ALL).title(title);
    if tail.entries.is_empty() {
        let p = Paragraph::new(" No actions recorded yet.").block(block);
        frame.render_widget(p, area);
        return;
    }
    let inner_rows = usize::from(area.height.saturating_sub(3));
    let rows = tail
        .entries
        .iter()
        .skip(view.offset)
        .take(inner_rows)
        .map(|e| row(e, theme));
    let header = Row::new([
        "Time (UTC)",
        "User",
        "Source",
        "Venue",
        "Action",
        "Target",
        "Reply",
        "ms",
    ])
    .style(theme.header());
    let widths = [
        Constraint::Length(19),
        Constraint::Length(12),
        Constraint::Length(14),
        Constraint::Length(10),
        Constraint::Length(8),
        Constraint::Length(38),
        Constraint::Min(20),
        Constraint::Length(6),
    ];
    let table = Table::new(rows, widths).header(header).block(block);
    frame.render_widget(table, area);
}

fn row<'a>(e: &'a AuditEntry, theme: &Theme) -> Row<'a> {
    // `2026-11-23T08:25:27.123Z` → `2026-11-23 08:25:27`.
    let at: String = e.at.replace('T', " ").chars().take(19).collect();
    let target = if e.scope == "order" || e.scope.is_empty() {
        e.order_id.clone()
    } else {
        format!("{} {}", e.scope, e.order_id)
    };
    let (mark, style) = if e.ok {
        ("✔ ", theme.ok())
    } else {
        ("✖ ", theme.level(&MessageLevel::Error))
    };
    Row::new([
        Cell::from(at),
        Cell::from(clean_truncated(&e.user, 12).into_owned()),
        Cell::from(clean_truncated(&e.source, 14).into_owned()),
        Cell::from(clean_truncated(&e.venue, 10).into_owned()),
        Cell::from(e.action.as_str()),
        Cell::from(clean_truncated(&target, 38).into_owned()),
        Cell::from(Line::from(vec![
            Span::styled(mark, style),
            Span::styled(e.outcome.as_str(), style),
        ])),
        Cell::from(e.latency_ms.map(|m| m.to_string()).unwrap_or_default()),
    ])
}

fn message(frame: &mut Frame, area: Rect, title: &str, text: &str) {
    let p = Paragraph::new(format!(" {}", clean_truncated(text, 500))).block(
        Block::default()
            .borders(Borders::ALL)
            .title(title.to_string()),
    );
    frame.render_widget(p, area);
}
