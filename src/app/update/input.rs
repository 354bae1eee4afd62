//! Keys and the mouse in normal mode (no dialog open): tabs, navigation, filter, the actions a
//! key asks for, the multi-order tree, freeze, copy and saved views.

use super::*;
use crate::app::prompt::Edit;

/// Wheel scrolls the selection; a left click on the tab bar switches tab, on a table row
/// selects it (only when no dialog is open).
pub(super) fn on_mouse(state: &mut State, m: crossterm::event::MouseEvent) {
    use crossterm::event::{MouseButton, MouseEventKind};
    if state.modal.is_some() || state.filter_editing {
        return;
    }
    let tab = state.tab;
    match m.kind {
        MouseEventKind::ScrollDown => move_selection(state, tab, 1),
        MouseEventKind::ScrollUp => move_selection(state, tab, -1),
        MouseEventKind::Down(MouseButton::Left) if m.row == crate::app::layout::TAB_BAR_ROW => {
            if let Some(t) = crate::app::layout::tab_at(state, m.column) {
                state.tab = t;
            }
        }
        MouseEventKind::Down(MouseButton::Left) if m.row >= crate::app::layout::FIRST_ROW => {
            let i = state.views[tab.index()].offset
                + usize::from(m.row - crate::app::layout::FIRST_ROW);
            if i < state.row_count(tab)
                && usize::from(m.row - crate::app::layout::FIRST_ROW) < state.table_rows()
            {
                select_index(state, tab, i);
            }
        }
        _ => {}
    }
}

pub(super) fn on_key(state: &mut State, key: KeyEvent) -> Vec<Command> {
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    // Ctrl-C always quits, even from a dialog.
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        state.quit = true;
        return vec![Command::Quit];
    }
    if state.filter_editing {
        return on_filter_key(state, key);
    }
    match state.modal.take() {
        Some(Modal::Detail(id)) => on_detail_key(state, id, key),
        Some(Modal::Kill { scope }) => on_kill_key(state, scope, key),
        Some(Modal::Audit(view)) => on_audit_key(state, view, key),
        Some(Modal::Help) => on_help_key(state, key),
        Some(Modal::Confirm(confirm)) => on_confirm_key(state, confirm, key),
        Some(Modal::Amend(form)) => on_amend_key(state, form, key),
        None => match state.prefs.keymap.action_for(&key) {
            Some(action) => on_action(state, action),
            None => Vec::new(),
        },
    }
}

/// The help overlay: ↑↓/jk a line, PgUp/PgDn a page, Home/End (g/G) the ends, when it does
/// not fit the screen; `q` quits; any other key closes it.
pub(super) fn on_help_key(state: &mut State, key: KeyEvent) -> Vec<Command> {
    let layout = crate::app::help::HelpLayout::of(state);
    let page = layout.visible.max(1);
    let at = state.help_scroll.min(layout.max_scroll);
    let to = match key.code {
        KeyCode::Char('q') => {
            state.quit = true;
            return vec![Command::Quit];
        }
        KeyCode::Down | KeyCode::Char('j') => at.saturating_add(1),
        KeyCode::Up | KeyCode::Char('k') => at.saturating_sub(1),
        KeyCode::PageDown => at.saturating_add(page),
        KeyCode::PageUp => at.saturating_sub(page),
        KeyCode::Home | KeyCode::Char('g') => 0,
        KeyCode::End | KeyCode::Char('G') => layout.max_scroll,
        _ => {
            state.help_scroll = 0;
            return Vec::new();
        }
    };
    state.help_scroll = to.min(layout.max_scroll);
    state.modal = Some(Modal::Help);
    Vec::new()
}

/// The filter line has the keyboard: Enter keeps the filter (and adds it to the history),
/// Esc clears it, ↑/↓ recall earlier filters, every other key edits the line as a shell does
/// ([`Prompt::on_key`]); the filter applies as it is typed.
pub(super) fn on_filter_key(state: &mut State, key: KeyEvent) -> Vec<Command> {
    match key.code {
        KeyCode::Enter => {
            state.filter_editing = false;
            let text = state.filter_text.text();
            if state.filter_history.push(text) {
                return vec![Command::SaveFilterHistory(
                    state.filter_history.entries().to_vec(),
                )];
            }
        }
        KeyCode::Esc => {
            state.filter_editing = false;
            state.filter_history.reset();
            set_filter(state, String::new());
        }
        KeyCode::Up => {
            if let Some(t) = state.filter_history.older(state.filter_text.value()) {
                let t = t.to_string();
                set_filter(state, t);
            }
        }
        KeyCode::Down => {
            if let Some(t) = state.filter_history.newer() {
                let t = t.to_string();
                set_filter(state, t);
            }
        }
        _ => {
            if state.filter_text.on_key(&key) == Edit::Text {
                apply_filter(state);
            }
        }
    }
    Vec::new()
}

/// Sets the filter line to `text` (cursor at its end) and applies it.
pub(super) fn set_filter(state: &mut State, text: String) {
    state.filter_text.set(text);
    apply_filter(state);
}

/// Applies the filter line's text to the order tabs, keeping each selection in view.
pub(super) fn apply_filter(state: &mut State) {
    state.current_view = None;
    state
        .book
        .set_filter(crate::app::view::Filter::parse(state.filter_text.value()));
    keep_visible(state, Tab::Active);
    keep_visible(state, Tab::History);
}

/// `w`: the History window one step wider (today → 7 d → 30 d → 90 d → back to the configured
/// one); the feeds read the new window at once.
pub(super) fn widen_history(state: &mut State) -> Vec<Command> {
    state.tab = Tab::History;
    let window = state.history_window.widen(state.history_window_configured);
    state.history_window = window;
    state.banner = Some(info(state, format!("History: {window}, reading…")));
    vec![Command::HistoryWindow(window)]
}

pub(super) fn on_action(state: &mut State, action: KeyAction) -> Vec<Command> {
    let cmds = on_action_inner(state, action);
    if state.tab == Tab::Errors {
        state.errors_seen_until = state.book.messages().first().and_then(|m| m.created_at);
    }
    cmds
}

/// Asks the runtime to write the current tab to a file (CSV and JSON, exact decimals).
pub(super) fn export(state: &mut State) -> Vec<Command> {
    state.banner = Some(info(state, format!("Exporting {}…", state.tab.title())));
    vec![Command::Export(state.tab)]
}

pub(super) fn on_action_inner(state: &mut State, action: KeyAction) -> Vec<Command> {
    let tab = state.tab;
    match action {
        KeyAction::Quit => {
            state.quit = true;
            return vec![Command::Quit];
        }
        KeyAction::NextTab => state.tab = Tab::ALL[(tab.index() + 1) % Tab::COUNT],
        KeyAction::PrevTab => state.tab = Tab::ALL[(tab.index() + Tab::COUNT - 1) % Tab::COUNT],
        KeyAction::GoTab(i) => state.tab = Tab::ALL[i.min(Tab::COUNT - 1)],
        KeyAction::WidenHistory => return widen_history(state),
        KeyAction::Export => return export(state),
        KeyAction::MarkSeen => return mark_all_seen(state),
        KeyAction::NextView => return next_view(state),
        KeyAction::Copy => return copy_id(state),
        KeyAction::GroupErrors => {
            state.tab = Tab::Errors;
            let grouping = state.book.errors_grouping().next();
            state.book.set_errors_grouping(grouping);
            state.views[Tab::Errors.index()] = Default::default();
            keep_visible(state, Tab::Errors);
            let text = match state.book.errors_grouping() {
                ErrorGrouping::None => "Errors: one row per message, newest first.".to_string(),
                g => format!(
                    "Errors {}: {} group(s), worst first; Enter jumps to the order.",
                    g.label(),
                    state.book.error_groups().len()
                ),
            };
            state.banner = Some(info(state, text));
        }
        KeyAction::AuditLog => {
            state.modal = Some(Modal::Audit(AuditView::default()));
            return vec![Command::LoadAudit];
        }
        KeyAction::Up => move_selection(state, tab, -1),
        KeyAction::Down => move_selection(state, tab, 1),
        KeyAction::PageUp => {
            let n = state.table_rows() as isize;
            move_selection(state, tab, -n)
        }
        KeyAction::PageDown => {
            let n = state.table_rows() as isize;
            move_selection(state, tab, n)
        }
        KeyAction::Top => select_index(state, tab, 0),
        KeyAction::Bottom => {
            let last = state.row_count(tab).saturating_sub(1);
            select_index(state, tab, last)
        }
        KeyAction::Help => {
            state.help_scroll = 0;
            state.modal = Some(Modal::Help);
        }
        KeyAction::Freeze => return toggle_freeze(state),
        KeyAction::Mark if tab == Tab::History => {
            if let Some(id) = state.selected_finished().map(|o| o.id.clone()) {
                state.book.toggle_history_mark(&id);
                move_selection(state, tab, 1);
            }
        }
        KeyAction::Mark => {
            if let (Tab::Active, Some(id)) = (tab, state.selected_order().map(|o| o.id.clone())) {
                state.book.toggle_mark(&id);
                move_selection(state, tab, 1);
            }
        }
        KeyAction::MarkAll if tab == Tab::History => {
            state.book.mark_history_in_view();
            let n = state.book.history().marks().len();
            state.banner = Some(info(
                state,
                format!("Marked {n} finished order(s) in view: e exports them."),
            ));
        }
        KeyAction::UnmarkAll if tab == Tab::History => state.book.clear_history_marks(),
        KeyAction::MarkAll => {
            let ids: Vec<_> = (0..state.book.active_view().len())
                .filter_map(|i| state.active_row(i).map(|o| o.id.clone()))
                .collect();
            let n = ids.len();
            state.book.mark_all(ids);
            state.banner = Some(info(
                state,
                format!("Marked {n} order(s) matching the filter."),
            ));
        }
        KeyAction::UnmarkAll => state.book.clear_marks(),
        KeyAction::KillSwitch => {
            state.tab = Tab::Active;
            state.modal = Some(Modal::Kill { scope: None });
        }
        KeyAction::Filter => {
            // One filter for the order tabs: it narrows History as it narrows Active orders.
            if tab != Tab::History {
                state.tab = Tab::Active;
            }
            state.filter_editing = true;
        }
        KeyAction::ClearFilter => {
            if !state.filter_text.is_empty() {
                set_filter(state, String::new());
            }
        }
        KeyAction::Sort if tab == Tab::Active => {
            state.current_view = None;
            let mut sort = state.book.sort();
            sort.key = sort.key.next();
            sort.reverse = false;
            state.book.set_sort(sort);
            keep_visible(state, Tab::Active);
        }
        KeyAction::SortReverse if tab == Tab::Active => {
            state.current_view = None;
            let mut sort = state.book.sort();
            sort.reverse = !sort.reverse;
            state.book.set_sort(sort);
            keep_visible(state, Tab::Active);
        }
        KeyAction::Sort => {
            let s = state.book.tab_sort(tab).next(tab);
            resort(state, tab, s);
        }
        KeyAction::SortReverse => {
            let mut s = state.book.tab_sort(tab);
            s.reverse = !s.reverse;
            resort(state, tab, s);
        }
        KeyAction::Detail => match (tab, state.selected_order()) {
            (Tab::Active, Some(o)) => {
                let id = o.id.clone();
                return open_detail(state, id);
            }
            (Tab::Active, None) => state.banner = Some(error(state, "No order selected.".into())),
            (Tab::Multi, _) => return toggle_tree(state),
            (Tab::Errors, _) => return jump_to_order(state),
            (Tab::History, _) => match state.selected_finished() {
                Some(o) => {
                    let id = o.id.clone();
                    return open_detail(state, id);
                }
                None => state.banner = Some(error(state, "No order selected.".into())),
            },
            _ => {}
        },
        KeyAction::Refresh => {
            state.banner = Some(info(state, "Refreshing…".into()));
            return vec![Command::Refresh];
        }
        KeyAction::Pause | KeyAction::Resume | KeyAction::Cancel | KeyAction::Amend => {
            ask_action(state, action)
        }
    }
    Vec::new()
}

/// `y`: the selected order id to the clipboard (the terminal does it: OSC 52).
pub(super) fn copy_id(state: &mut State) -> Vec<Command> {
    match state.selected_order_id() {
        Some(id) => {
            let text = id.as_str().to_string();
            state.banner = Some(info(
                state,
                format!(
                    "Copied {} to the clipboard (if your terminal allows OSC 52).",
                    id.short()
                ),
            ));
            vec![Command::Copy(text)]
        }
        None => {
            state.banner = Some(error(state, "Nothing to copy: no order selected.".into()));
            Vec::new()
        }
    }
}

/// `v`: the next saved view's filter and sort on the active-orders tab; after the last, all
/// orders newest first again.
pub(super) fn next_view(state: &mut State) -> Vec<Command> {
    if state.prefs.saved_views.is_empty() {
        state.banner = Some(info(
            state,
            "No saved views: add [[views]] (name, filter, sort) to the config.".into(),
        ));
        return Vec::new();
    }
    let next = match state.current_view {
        None => Some(0),
        Some(i) if i + 1 < state.prefs.saved_views.len() => Some(i + 1),
        Some(_) => None,
    };
    state.tab = Tab::Active;
    let text = match next.and_then(|i| state.prefs.saved_views.get(i).cloned()) {
        Some(view) => {
            state.book.set_sort(view.sort);
            set_filter(state, view.filter.clone());
            state.current_view = next;
            format!(
                "View {}: {} · sorted by {}{} ({} of {})",
                view.name,
                if view.filter.is_empty() {
                    "no filter"
                } else {
                    view.filter.as_str()
                },
                view.sort.key.label(),
                if view.sort.reverse { ", reversed" } else { "" },
                state.book.active_view().len(),
                state.book.orders().len()
            )
        }
        None => {
            state.book.set_sort(crate::app::view::Sort::default());
            set_filter(state, String::new());
            "All orders, newest first (no view).".to_string()
        }
    };
    state.banner = Some(info(state, text));
    Vec::new()
}

pub(super) fn move_selection(state: &mut State, tab: Tab, delta: isize) {
    let count = state.row_count(tab);
    if count == 0 {
        return;
    }
    let cur = state.selected_index(tab).unwrap_or(0) as isize;
    let next = (cur + delta).clamp(0, count as isize - 1) as usize;
    select_index(state, tab, next);
}

pub(super) fn select_index(state: &mut State, tab: Tab, i: usize) {
    state.views[tab.index()].selected = state.row_key(tab, i);
    keep_visible(state, tab);
}

/// `Enter` on the errors tab: the message's (or group's) order, selected on the active-orders
/// tab (or, finished, on the History tab) — clearing a filter that hides it, and saying so — or
/// a banner when it is neither active nor in the History window.
pub(super) fn jump_to_order(state: &mut State) -> Vec<Command> {
    let Some(id) = state.selected_order_id() else {
        state.banner = Some(error(state, "No message selected.".into()));
        return Vec::new();
    };
    // Finished: on the History tab (clearing a filter that hides it).
    if state.book.order(&id).is_none() && state.book.history().get(&id).is_some() {
        state.tab = Tab::History;
        let row = |s: &State| s.book.history().in_view().position(|o| o.id == id);
        let at = row(state).or_else(|| {
            set_filter(state, String::new());
            state.banner = Some(info(state, "Filter cleared to show the order.".into()));
            row(state)
        });
        if let Some(i) = at {
            select_index(state, Tab::History, i);
        }
        return Vec::new();
    }
    if state.find_order(&id).is_none() {
        state.banner = Some(info(
            state,
            format!(
                "Order {} is not among the active orders (finished or not listed); its messages stay here.",
                id.short()
            ),
        ));
        return Vec::new();
    }
    state.tab = Tab::Active;
    let row = |s: &State| {
        (0..s.book.active_view().len()).find(|&i| s.active_row(i).is_some_and(|o| o.id == id))
    };
    let at = row(state).or_else(|| {
        set_filter(state, String::new());
        state.banner = Some(info(state, "Filter cleared to show the order.".into()));
        row(state)
    });
    if let Some(i) = at {
        select_index(state, Tab::Active, i);
    }
    Vec::new()
}

pub(super) fn toggle_freeze(state: &mut State) -> Vec<Command> {
    let mut cmds = Vec::new();
    if state.freeze.on {
        state.freeze.on = false;
        let n = state.freeze.pending_count;
        for ev in std::mem::take(&mut state.freeze.pending) {
            cmds.extend(on_feed(state, ev));
        }
        state.freeze.pending_count = 0;
        state.banner = Some(info(
            state,
            format!("Unfrozen: applied {n} queued update(s)."),
        ));
    } else {
        state.freeze.on = true;
        state.banner = Some(info(
            state,
            "Frozen: updates are queued; press f to apply.".into(),
        ));
    }
    // One bell for a whole batch of queued alerts.
    cmds.dedup();
    cmds
}

/// Expands or collapses the selected multi-order; expanding fetches its child orders.
pub(super) fn toggle_tree(state: &mut State) -> Vec<Command> {
    match state.selected_tree_row().cloned() {
        Some(TreeRow::Multi(i)) => {
            let Some(m) = state.book.multi_orders().get(i) else {
                return Vec::new();
            };
            let (id, venue) = (m.id.clone(), m.venue.clone());
            let expanded = state.book.toggle_expanded(&id);
            keep_visible(state, Tab::Multi);
            if expanded {
                vec![Command::FetchMulti { venue, id }]
            } else {
                Vec::new()
            }
        }
        Some(TreeRow::Child { id, .. } | TreeRow::Placement { order: id, .. }) => {
            open_detail(state, id)
        }
        None => Vec::new(),
    }
}
