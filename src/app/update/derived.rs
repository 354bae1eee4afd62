//! Derived rows that must stay in step with the data: the active-orders view (filter + sort),
//! the multi-order tree, the placements list, the grouped errors, and a selection kept visible.

use super::*;

/// Recomputes the active-orders view (filter + sort) and keeps the selection on its order.
pub(super) fn rebuild_view(state: &mut State) {
    state.active_view = crate::app::view::build(&state.orders, &state.filter, state.sort);
    keep_visible(state, Tab::Active);
}

/// Rebuilds the grouped errors rows from `messages` (worst level first, then newest; ties by
/// key, so the order is stable across refreshes).
pub(super) fn regroup_errors(state: &mut State) {
    sort_messages(state);
    let by_order = match state.errors_grouping {
        ErrorGrouping::None => {
            state.error_groups.clear();
            return;
        }
        ErrorGrouping::ByOrder => true,
        ErrorGrouping::ByMessage => false,
    };
    let mut groups: BTreeMap<String, (ErrorGroup, BTreeSet<OrderId>)> = BTreeMap::new();
    // Messages are newest first: the first one seen of a group is its newest.
    for m in &state.messages {
        let key = if by_order {
            m.order_id.to_string()
        } else {
            m.message.clone()
        };
        let (g, orders) = groups.entry(key.clone()).or_insert_with(|| {
            (
                ErrorGroup {
                    key,
                    venue: m.venue.clone(),
                    order_id: m.order_id.clone(),
                    message: m.message.clone(),
                    worst: m.level.clone(),
                    count: 0,
                    orders: 0,
                    latest: m.created_at,
                },
                BTreeSet::new(),
            )
        });
        g.count += 1;
        if m.level.severity() > g.worst.severity() {
            g.worst = m.level.clone();
        }
        orders.insert(m.order_id.clone());
        g.orders = orders.len();
    }
    let mut rows: Vec<ErrorGroup> = groups.into_values().map(|(g, _)| g).collect();
    crate::app::view::sort_error_groups(&mut rows, state.tab_sorts[Tab::Errors.index()]);
    state.error_groups = rows;
}

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

/// Flattens the multi-order tree: every multi-order, and under each expanded one its child
/// orders, each followed by its placements.
pub(super) fn rebuild_multi_view(state: &mut State) {
    let mut rows = Vec::with_capacity(state.multi_orders.len());
    let order = crate::app::view::sort_multi_orders(
        &state.multi_orders,
        state.tab_sorts[Tab::Multi.index()],
    );
    for i in order {
        let Some(m) = state.multi_orders.get(i) else {
            continue;
        };
        rows.push(TreeRow::Multi(i));
        if !state.expanded.contains(&m.id) {
            continue;
        }
        let mut ids = m.child_order_ids.clone();
        for c in &m.child_orders {
            if !ids.contains(&c.id) {
                ids.push(c.id.clone());
            }
        }
        for id in ids {
            let placements = state.placements_by_order.get(&id).map_or(0, Vec::len);
            rows.push(TreeRow::Child {
                multi: i,
                id: id.clone(),
            });
            rows.extend((0..placements).map(|index| TreeRow::Placement {
                order: id.clone(),
                index,
            }));
        }
    }
    state.multi_view = rows;
    keep_visible(state, Tab::Multi);
}

pub(super) fn rebuild_placements(state: &mut State) {
    let mut all: Vec<_> = state
        .placements_by_order
        .values()
        .flatten()
        .cloned()
        .collect();
    crate::app::view::sort_placements(&mut all, state.tab_sorts[Tab::Placements.index()]);
    state.placements = all;
    keep_visible(state, Tab::Placements);
    if !state.expanded.is_empty() {
        rebuild_multi_view(state);
    }
}

/// Re-sorts `tab` after its sort changed (`s` / `S`), keeping the selection on its row.
pub(super) fn resort(state: &mut State, tab: Tab) {
    match tab {
        Tab::Active => rebuild_view(state),
        Tab::Multi => rebuild_multi_view(state),
        Tab::Placements => rebuild_placements(state),
        Tab::Errors => {
            regroup_errors(state);
            keep_visible(state, Tab::Errors);
        }
    }
}

/// The errors tab's row order under its sort; `messages` themselves stay newest first (unread
/// counts and "seen until" rely on it).
pub(super) fn sort_messages(state: &mut State) {
    let sort = state.tab_sorts[Tab::Errors.index()];
    state.errors_order = if sort.is_default() {
        Vec::new()
    } else {
        crate::app::view::sort_messages(&state.messages, sort)
    };
}
