//! The header line (venues, their connection and push state, counts) and the tab bar with
//! each table's title.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use super::*;
use crate::app::{BannerLevel, Connection, FeedLink, PushStatus, State, Tab};
use crate::format;
use crate::sanitize::clean_truncated;

pub(super) fn render_header(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut spans = vec![Span::styled(
        " blotter ",
        Style::new().add_modifier(Modifier::BOLD),
    )];
    spans.push(Span::raw("│ "));
    if let Some(who) = &state.who {
        spans.push(Span::styled(
            clean_truncated(who, 40).into_owned(),
            Style::new().add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::raw(" │ "));
    }
    if let Some(link) = &state.link {
        let style = match link {
            FeedLink::Live => theme.ok(),
            FeedLink::Lost => theme.banner(BannerLevel::Error),
            FeedLink::Stale { .. } => theme.warn(),
        };
        spans.push(Span::styled(link.text(state.now), style));
        spans.push(Span::raw(" │ "));
    }
    if let [venue] = state.venues.as_slice() {
        spans.push(Span::raw(clean_truncated(&venue.name, 24).into_owned()));
        spans.push(Span::raw(" "));
        if state.demo {
            spans.push(Span::styled(" DEMO ", theme.demo()));
            spans.push(Span::raw(" "));
        }
        spans.push(Span::raw("│ "));
        let (text, style) = venue_status(venue, state.now, theme, 60);
        spans.push(Span::styled(text, style));
    } else {
        if state.demo {
            spans.push(Span::styled(" DEMO ", theme.demo()));
            spans.push(Span::raw(" "));
        }
        for (i, venue) in state.venues.iter().enumerate() {
            if i > 0 {
                spans.push(Span::styled(" · ", theme.dim()));
            }
            spans.push(Span::raw(format!("{} ", clean_truncated(&venue.name, 24))));
            let (text, style) = venue_status(venue, state.now, theme, 24);
            spans.push(Span::styled(text, style));
        }
    }
    if state.freeze.on {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(
            format!(" FROZEN — {} updates pending ", state.freeze.pending_count),
            theme.demo(),
        ));
    }
    let paused = state.book.paused_count();
    spans.push(Span::raw(format!(
        " │ {} active · {} paused │ {} UTC",
        state.book.orders().len(),
        paused,
        state.now.strftime("%H:%M:%S")
    )));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// One venue's connection state for the header: `● live`, `● polling · reconnecting in 4s`,
/// `● polling (no push channel)`, `● retrying — <error>` (error cut to `max_error` characters).
pub(super) fn venue_status(
    venue: &crate::app::VenueState,
    now: jiff::Timestamp,
    theme: &Theme,
    max_error: usize,
) -> (String, Style) {
    match (&venue.connection, &venue.push) {
        (Connection::Polling, PushStatus::Live) => ("● live".to_string(), theme.ok()),
        (Connection::Polling, PushStatus::Reconnecting { retry_at, .. }) => (
            format!(
                "● polling · reconnecting in {}",
                format::duration(retry_at.duration_since(now).as_secs().max(0))
            ),
            theme.warn(),
        ),
        (Connection::Polling, PushStatus::NoChannel { .. }) => {
            ("● polling (no push channel)".to_string(), theme.ok())
        }
        (Connection::Polling, PushStatus::AuthFailed { .. }) => {
            ("● polling · stream auth failed".to_string(), theme.warn())
        }
        (connection, _) => connection_text(connection, theme, max_error),
    }
}

/// Polling health when the push channel doesn't decide the picture.
pub(super) fn connection_text(
    connection: &Connection,
    theme: &Theme,
    max_error: usize,
) -> (String, Style) {
    match connection {
        Connection::Connecting => ("● connecting".to_string(), theme.dim()),
        Connection::Polling => ("● polling".to_string(), theme.ok()),
        Connection::Retrying { error } => (
            format!("● retrying — {}", clean_truncated(error, max_error)),
            theme.warn(),
        ),
        Connection::AuthFailed { error } => (
            format!("● auth failed — {}", clean_truncated(error, max_error)),
            theme.warn(),
        ),
    }
}

pub(super) fn render_tabs(state: &State, theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut spans = Vec::new();
    for label in tab_labels(state) {
        let style = if label.tab == state.tab {
            theme.tab_active()
        } else {
            Style::new()
        };
        spans.push(Span::styled(label.title, style));
        if let Some(badge) = label.badge {
            let style = if label.tab == Tab::Errors {
                theme.banner(BannerLevel::Error)
            } else {
                // Rows changed since seen: news, not an error.
                theme.key()
            };
            spans.push(Span::styled(badge, style));
        }
        spans.push(Span::styled(TAB_SEPARATOR, theme.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Title for a tab's table block: name, freshness and bad-row count.
pub(super) fn block_title<'a>(state: &State, theme: &Theme, tab: Tab) -> Line<'a> {
    let f = &state.freshness(tab);
    let mut spans = vec![Span::styled(
        format!(" {} ", tab.title()),
        Style::new().add_modifier(Modifier::BOLD),
    )];
    let is_live = |v: &crate::app::VenueState| matches!(v.push, PushStatus::Live);
    let live = state.venues.iter().all(is_live);
    if live && tab == Tab::Active {
        spans.push(Span::styled("live · ", theme.ok()));
    }
    match f.updated_at {
        Some(at) => {
            let age = state.now.duration_since(at).as_secs();
            // Stale when any venue's data is older than 3 of its own intervals (polling slows
            // while a venue's stream is live).
            let stale = state.venues.iter().any(|v| {
                let Some(at) = v.freshness[tab.index()].updated_at else {
                    return false;
                };
                let slowed = is_live(v) && !matches!(tab, Tab::Multi | Tab::History);
                let every = if tab == Tab::History {
                    state.history_refresh_secs
                } else {
                    state.refresh_secs
                };
                let interval = every.max(1) as i64
                    * if slowed {
                        i64::from(crate::feed::LIVE_POLL_SLOWDOWN)
                    } else {
                        1
                    };
                state.now.duration_since(at).as_secs() > STALE_AFTER_INTERVALS * interval
            });
            let style = if stale || f.error.is_some() {
                theme.warn()
            } else {
                theme.dim()
            };
            let what = if live && tab == Tab::Active {
                "full refresh"
            } else {
                "updated"
            };
            spans.push(Span::styled(
                format!("{what} {} ago ", format::duration(age.max(0))),
                style,
            ));
        }
        None => spans.push(Span::styled("loading… ", theme.dim())),
    }
    if let Some((err, at)) = &f.error {
        spans.push(Span::styled(
            format!(
                "⚠ {} ({} ago) ",
                clean_truncated(err, 70),
                format::duration(state.now.duration_since(*at).as_secs().max(0))
            ),
            theme.warn(),
        ));
    }
    let changed = state.book.changed_count(tab);
    if changed > 0 {
        let key = state
            .prefs
            .keymap
            .keys_label(crate::app::keymap::KeyAction::MarkSeen);
        spans.push(Span::styled(
            format!("· {changed} changed since seen (•; {key} marks all seen) "),
            theme.key(),
        ));
    }
    if tab == Tab::Errors {
        let (e, w, i, o) = state.level_counts();
        let mut counts = vec![
            Span::raw("· "),
            Span::styled(
                format!("ERROR {e}"),
                theme.level(&crate::domain::MessageLevel::Error),
            ),
            Span::raw(" · "),
            Span::styled(
                format!("WARN {w}"),
                theme.level(&crate::domain::MessageLevel::Warn),
            ),
            Span::raw(" · "),
            Span::styled(
                format!("INFO {i}"),
                theme.level(&crate::domain::MessageLevel::Info),
            ),
        ];
        if o > 0 {
            counts.push(Span::raw(format!(" · other {o}")));
        }
        counts.push(Span::raw(" "));
        spans.extend(counts);
        let label = state.book.errors_grouping().label();
        if !label.is_empty() {
            spans.push(Span::styled(format!("{label} "), theme.key()));
        }
    }
    if tab == Tab::History {
        spans.push(Span::styled(
            format!("{} (w widens) ", state.history_window),
            theme.key(),
        ));
        if !state.filter_text.is_empty() {
            spans.push(Span::styled(
                format!(
                    "filter: {} ({} of {}) ",
                    clean_truncated(&state.filter_text, 50),
                    state.book.history().len(),
                    state.book.history().rows().len()
                ),
                theme.key(),
            ));
        }
        if !state.book.history().marks().is_empty() {
            spans.push(Span::styled(
                format!(
                    "● {} marked (e exports them, U clears) ",
                    state.book.history().marks().len()
                ),
                theme.key(),
            ));
        }
    }
    if tab == Tab::Active {
        if let Some(view) = state
            .current_view
            .and_then(|i| state.prefs.saved_views.get(i))
        {
            spans.push(Span::styled(
                format!("view: {} ", clean_truncated(&view.name, 24)),
                theme.key().add_modifier(Modifier::BOLD),
            ));
        }
        if !state.filter_text.is_empty() || state.filter_editing {
            spans.push(Span::styled(
                format!(
                    "filter: {} ({} of {}) ",
                    clean_truncated(&state.filter_text, 50),
                    state.book.active_view().len(),
                    state.book.orders().len()
                ),
                theme.key(),
            ));
        }
        if !state.book.marks().is_empty() {
            spans.push(Span::styled(
                format!(
                    "● {} marked (p r c act on them, U clears) ",
                    state.book.marks().len()
                ),
                theme.key(),
            ));
        }
        if !state.book.sort().is_default() {
            spans.push(Span::styled(
                format!(
                    "sort: {} {} ",
                    state.book.sort().key.label(),
                    if state.book.sort().reverse {
                        "↑"
                    } else {
                        "↓"
                    }
                ),
                theme.key(),
            ));
        }
    }
    let sort = state.book.tab_sort(tab);
    if tab != Tab::Active && !sort.is_default() {
        let arrow = if sort.reverse { "↑" } else { "↓" };
        spans.push(Span::styled(
            format!("sort: {} {arrow} ", sort.label(tab)),
            theme.key(),
        ));
    }
    if f.bad_rows > 0 {
        spans.push(Span::styled(
            format!("⚠ {} undecodable row(s), see log ", f.bad_rows),
            theme.warn(),
        ));
    }
    Line::from(spans)
}
