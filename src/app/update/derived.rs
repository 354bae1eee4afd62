//! Keeping the selection right after rows change: the rows themselves are derived inside the
//! [`Book`](crate::app::Book), which keeps them in step with the data; here the selection and
//! scroll of each tab follow.

use super::*;

/// Keeps the selection on an existing row (falling back to the row at the same position, or
/// the first) and the scroll offset such that it is visible.
pub(super) fn keep_visible(state: &mut State, tab: Tab) {
    let count = state.row_count(tab);
    let rows = state.table_rows();
    let idx = match state.selected_index(tab) {
        Some(i) => Some(i),
        None if count == 0 => None,
        None => Some(state.views[tab.index()].hint.min(count - 1)),
    };
    let view = &mut state.views[tab.index()];
    match idx {
        None => {
            view.offset = 0;
        }
        Some(i) => {
            if view.offset > i {
                view.offset = i;
            } else if i >= view.offset + rows {
                view.offset = i + 1 - rows;
            }
            view.offset = view.offset.min(count.saturating_sub(rows)).min(i);
        }
    }
    let key = idx.and_then(|i| state.row_key(tab, i));
    state.views[tab.index()].selected = key;
    state.views[tab.index()].hint = idx.unwrap_or(0);
}

/// After the placements changed: their tab, and the multi-order tree when it shows them.
pub(super) fn placements_changed(state: &mut State) {
    keep_visible(state, Tab::Placements);
    if !state.book.expanded().is_empty() {
        keep_visible(state, Tab::Multi);
    }
}

/// Re-sorts `tab` after its sort changed (`s` / `S`), keeping the selection on its row.
pub(super) fn resort(state: &mut State, tab: Tab, sort: crate::app::view::TabSort) {
    state.book.set_tab_sort(tab, sort);
    if tab == Tab::Placements {
        placements_changed(state);
    } else {
        keep_visible(state, tab);
    }
}
