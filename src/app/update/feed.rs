//! Feed events: venue pages merged by id per venue, pushed updates applied in place, failures
//! kept with the last good data, action replies, freshness and caps per venue and tab.

use super::*;

/// Applies a feed event; returns the effects its alerts ask for (a bell).
pub(super) fn on_feed(state: &mut State, ev: FeedEvent) -> Vec<Command> {
    let mut cmds = Vec::new();
    match ev {
        FeedEvent::ActiveOrders {
            venue,
            mut page,
            at,
        } => {
            let capped = crate::venue::partial_read(page.page_number, page.num_pages);
            page.rows.sort_by(newest_first);
            // A venue that repeats an id would make selection and actions ambiguous: keep the
            // most recently updated copy and count the others as bad rows. An id another venue
            // already shows is refused the same way (actions are routed by id).
            let before = page.rows.len();
            let mut latest: std::collections::HashMap<OrderId, Option<Timestamp>> =
                Default::default();
            for o in &page.rows {
                let e = latest.entry(o.id.clone()).or_insert(o.updated_at);
                *e = (*e).max(o.updated_at);
            }
            let mut seen = std::collections::HashSet::new();
            let index = &state.order_index;
            let orders = &state.orders;
            let elsewhere = |id: &OrderId| {
                index
                    .get(id)
                    .and_then(|&i| orders.get(i))
                    .is_some_and(|o| o.venue != venue)
            };
            page.rows.retain(|o| {
                latest.get(&o.id) == Some(&o.updated_at)
                    && !elsewhere(&o.id)
                    && seen.insert(o.id.clone())
            });
            let duplicates = before - page.rows.len();
            if state.venue_mut(&venue).freshness[Tab::Active.index()]
                .updated_at
                .is_some()
            {
                cmds.extend(flash_changes(state, &page.rows));
            }
            state.orders = replace_venue_rows(
                std::mem::take(&mut state.orders),
                &venue,
                page.rows,
                |o| &o.venue,
                newest_first,
            );
            state.reindex_orders();
            let index = &state.order_index;
            state.marks.retain(|id| index.contains_key(id));
            state.active_view = crate::app::view::build(&state.orders, &state.filter, state.sort);
            mark_fresh(
                state,
                &venue,
                Tab::Active,
                page.bad_rows.len() + duplicates,
                at,
            );
            mark_capped(state, &venue, Tab::Active, capped);
            state.venue_mut(&venue).connection = Connection::Polling;
            // Placements of orders that left the active set go with them.
            let index = &state.order_index;
            state
                .placements_by_order
                .retain(|id, _| index.contains_key(id));
            rebuild_placements(state);
            keep_visible(state, Tab::Active);
        }
        FeedEvent::MultiOrders {
            venue,
            mut page,
            at,
        } => {
            let capped = crate::venue::partial_read(page.page_number, page.num_pages);
            page.rows.sort_by(|a, b| {
                b.created_at
                    .cmp(&a.created_at)
                    .then_with(|| a.id.cmp(&b.id))
            });
            // The list carries no child orders: keep those fetched for expanded multi-orders.
            for m in &mut page.rows {
                if m.child_orders.is_empty()
                    && let Some(prev) = state.multi_orders.iter_mut().find(|p| p.id == m.id)
                {
                    m.child_orders = std::mem::take(&mut prev.child_orders);
                }
            }
            state.multi_orders = replace_venue_rows(
                std::mem::take(&mut state.multi_orders),
                &venue,
                page.rows,
                |m| &m.venue,
                |a, b| {
                    b.created_at
                        .cmp(&a.created_at)
                        .then_with(|| a.id.cmp(&b.id))
                },
            );
            mark_fresh(state, &venue, Tab::Multi, page.bad_rows.len(), at);
            mark_capped(state, &venue, Tab::Multi, capped);
            let multis = &state.multi_orders;
            state
                .expanded
                .retain(|id| multis.iter().any(|m| &m.id == id));
            rebuild_multi_view(state);
        }
        FeedEvent::Fills {
            venue: _,
            order_id,
            result,
            at: _,
        } => {
            // Only the open detail's fills are kept; a late answer for another order is dropped.
            if let Some((id, slot)) = &mut state.fills
                && *id == order_id
            {
                *slot = Some(result.map_err(|e| e.to_string()));
            }
        }
        FeedEvent::MultiOrderDetail {
            venue: _,
            multi,
            at: _,
        } => {
            if let Some(m) = state.multi_orders.iter_mut().find(|m| m.id == multi.id) {
                m.child_orders = multi.child_orders;
                if !multi.child_order_ids.is_empty() {
                    m.child_order_ids = multi.child_order_ids;
                }
                rebuild_multi_view(state);
            }
        }
        FeedEvent::Placements {
            venue,
            by_order,
            at,
        } => {
            let mut bad = 0;
            let mut capped = false;
            for (id, page) in by_order {
                bad += page.bad_rows.len();
                capped |= crate::venue::is_partial(&page);
                state.placements_by_order.insert(id, page.rows);
            }
            rebuild_placements(state);
            mark_fresh(state, &venue, Tab::Placements, bad, at);
            mark_capped(state, &venue, Tab::Placements, capped);
        }
        FeedEvent::OrderErrors {
            venue,
            mut messages,
            at,
        } => {
            messages.sort_by_key(|m| Reverse(m.created_at));
            // Alert on ERRORs newer than anything this venue showed before (not on its first
            // load).
            let newest_before = state
                .messages
                .iter()
                .find(|m| m.venue == venue)
                .and_then(|m| m.created_at);
            if state.venue_mut(&venue).freshness[Tab::Errors.index()]
                .updated_at
                .is_some()
            {
                let fresh: Vec<_> = messages
                    .iter()
                    .take_while(|m| m.created_at > newest_before)
                    .filter(|m| m.level == crate::domain::MessageLevel::Error)
                    .map(|m| (m.order_id.clone(), m.message.clone()))
                    .collect();
                let on = state.alerts.on_error.clone();
                if let Some((order, message)) = fresh.first() {
                    if on.contains(&AlertAction::Status) {
                        let more = match fresh.len() {
                            1 => String::new(),
                            n => format!(" (+{} more)", n - 1),
                        };
                        state.banner = Some(Banner {
                            text: format!("New ERROR on {}: {message}{more}", order.short()),
                            level: BannerLevel::Error,
                            at,
                        });
                    }
                    if on.contains(&AlertAction::Flash) {
                        let ids: Vec<_> = fresh.iter().map(|(id, _)| id.clone()).collect();
                        alert_flash(state, ids);
                    }
                    if on.contains(&AlertAction::Bell) {
                        cmds.push(Command::Bell);
                    }
                }
            }
            state.messages = replace_venue_rows(
                std::mem::take(&mut state.messages),
                &venue,
                messages,
                |m| &m.venue,
                |a, b| b.created_at.cmp(&a.created_at),
            );
            regroup_errors(state);
            if state.tab == Tab::Errors {
                state.errors_seen_until = state.messages.first().and_then(|m| m.created_at);
            }
            mark_fresh(state, &venue, Tab::Errors, 0, at);
            keep_visible(state, Tab::Errors);
        }
        FeedEvent::Notice { text, at } => {
            state.banner = Some(Banner {
                text,
                level: BannerLevel::Error,
                at,
            });
        }
        FeedEvent::Push {
            venue,
            status,
            at: _,
        } => {
            state.venue_mut(&venue).push = status;
        }
        FeedEvent::PushUpdate {
            venue,
            event: PushEvent::OrderUpdate { order, .. },
            at: _,
        } => {
            if let Some(mut order) = order {
                order.venue = venue;
                cmds.extend(apply_order(state, *order));
            }
        }
        FeedEvent::FetchFailed {
            venue,
            tab,
            error,
            at,
        } => {
            let v = state.venue_mut(&venue);
            if tab == Tab::Active {
                v.connection = if error.is_auth() {
                    Connection::AuthFailed {
                        error: error.to_string(),
                    }
                } else {
                    Connection::Retrying {
                        error: error.to_string(),
                    }
                };
            }
            v.freshness[tab.index()].error = Some((error.to_string(), at));
        }
        FeedEvent::ActionDone { action, result, at } => {
            let target = action.order_id();
            state.in_flight.remove(&target);
            if let Action::CancelMany { order_ids, .. } = &action {
                for id in order_ids {
                    state.in_flight.remove(id);
                }
            }
            let id = if action.venue().is_some() {
                target.to_string()
            } else {
                target.short().to_string()
            };
            if let Action::CancelMany { venue, order_ids } = &action {
                // Counted per order; a success is "requested", never "cancelled": the venue
                // only starts the cancels (its orders go PENDING_CANCEL).
                let head = format!(
                    "Cancel of {} order(s) on {} in one request",
                    order_ids.len(),
                    state.venue_name(venue)
                );
                state.banner = Some(match result {
                    Ok(reply) => Banner {
                        text: format!(
                            "{head}: {}. Each order's final state shows on the next refresh.",
                            reply.message
                        ),
                        level: BannerLevel::Success,
                        at,
                    },
                    Err(e) => Banner {
                        text: format!("{head} failed: {}", describe(&e)),
                        level: BannerLevel::Error,
                        at,
                    },
                });
                return cmds;
            }
            state.banner = Some(match result {
                Ok(reply) => Banner {
                    text: format!("{} {}: {}", capitalise(action.verb()), id, reply.message),
                    level: BannerLevel::Success,
                    at,
                },
                Err(e) => Banner {
                    text: format!(
                        "{} {} failed: {}",
                        capitalise(action.verb()),
                        id,
                        describe(&e)
                    ),
                    level: BannerLevel::Error,
                    at,
                },
            });
        }
    }
    cmds
}

/// Newest first, then by id (the order of every order list).
pub(super) fn newest_first(a: &Order, b: &Order) -> std::cmp::Ordering {
    b.created_at
        .cmp(&a.created_at)
        .then_with(|| a.id.cmp(&b.id))
}

/// Replaces one venue's rows in a list holding every venue's rows: the other venues' rows are
/// kept as they are (one venue's refresh or failure never touches another's). `fresh` must be
/// sorted by `cmp`; the result is too. With a single venue this is just `fresh`.
pub(super) fn replace_venue_rows<T>(
    mut all: Vec<T>,
    venue: &crate::domain::VenueId,
    fresh: Vec<T>,
    venue_of: impl Fn(&T) -> &crate::domain::VenueId,
    cmp: impl Fn(&T, &T) -> std::cmp::Ordering,
) -> Vec<T> {
    all.retain(|r| venue_of(r) != venue);
    if all.is_empty() {
        return fresh;
    }
    // Merge two sorted lists (stable: on equal keys, kept rows first).
    let mut out = Vec::with_capacity(all.len() + fresh.len());
    let mut a = all.into_iter().peekable();
    let mut b = fresh.into_iter().peekable();
    loop {
        let take_a = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => cmp(x, y) != std::cmp::Ordering::Greater,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        out.extend(if take_a { a.next() } else { b.next() });
    }
    out
}

/// Tags every row an event carries with the event's venue (adapters leave rows untagged; the
/// event's venue is authoritative).
pub(super) fn stamp(ev: &mut FeedEvent) {
    let id = match ev {
        FeedEvent::ActiveOrders { venue, .. }
        | FeedEvent::MultiOrders { venue, .. }
        | FeedEvent::Placements { venue, .. }
        | FeedEvent::OrderErrors { venue, .. }
        | FeedEvent::PushUpdate { venue, .. }
        | FeedEvent::MultiOrderDetail { venue, .. }
        | FeedEvent::Fills { venue, .. } => venue.clone(),
        _ => return,
    };
    if id.as_str().is_empty() {
        // A single-venue blotter: rows are already untagged.
        return;
    }
    match ev {
        FeedEvent::ActiveOrders { page, .. } => {
            for o in &mut page.rows {
                o.venue = id.clone();
            }
        }
        FeedEvent::Fills {
            result: Ok(page), ..
        } => {
            for f in &mut page.rows {
                f.venue = id.clone();
            }
        }
        FeedEvent::MultiOrderDetail { multi, .. } => {
            multi.venue = id.clone();
            for c in &mut multi.child_orders {
                c.venue = id.clone();
            }
        }
        FeedEvent::MultiOrders { page, .. } => {
            for m in &mut page.rows {
                m.venue = id.clone();
                for c in &mut m.child_orders {
                    c.venue = id.clone();
                }
            }
        }
        FeedEvent::Placements { by_order, .. } => {
            for p in by_order
                .iter_mut()
                .flat_map(|(_, page)| page.rows.iter_mut())
            {
                p.venue = id.clone();
            }
        }
        FeedEvent::OrderErrors { messages, .. } => {
            for m in messages {
                m.venue = id.clone();
            }
        }
        FeedEvent::PushUpdate {
            event: PushEvent::OrderUpdate { order: Some(o), .. },
            ..
        } => o.venue = id.clone(),
        _ => {}
    }
}

/// Applies one pushed order in place (keyed by id): replaced where it is, inserted in order if
/// new, removed from the active set once terminal. Multi-order children are updated too.
pub(super) fn apply_order(state: &mut State, order: Order) -> Vec<Command> {
    let cmds = flash_changes(state, std::slice::from_ref(&order));
    for m in &mut state.multi_orders {
        if let Some(child) = m.child_orders.iter_mut().find(|c| c.id == order.id) {
            *child = order.clone();
        }
    }
    let pos = state.order_index.get(&order.id).copied();
    let in_place = matches!((pos, order.status.is_terminal()), (Some(_), false));
    match (pos, order.status.is_terminal()) {
        (Some(i), true) => {
            state.orders.remove(i);
            state.marks.remove(&order.id);
            state.reindex_orders();
            state.placements_by_order.remove(&order.id);
            rebuild_placements(state);
        }
        (Some(i), false) => {
            let paused = |o: &Order| usize::from(o.status == OrderStatus::Paused);
            state.paused_count =
                (state.paused_count + paused(&order)).saturating_sub(paused(&state.orders[i]));
            state.orders[i] = order;
        }
        (None, true) => return cmds,
        (None, false) => {
            let at = state.orders.partition_point(|o| {
                (Reverse(o.created_at), &o.id) < (Reverse(order.created_at), &order.id)
            });
            state.orders.insert(at, order);
            state.reindex_orders();
        }
    }
    // A replacement in place keeps every index: with no filter and the default sort the view
    // is unchanged (the common case: a fill). Anything else recomputes it.
    if in_place && state.filter.is_empty() && state.sort.is_default() {
        keep_visible(state, Tab::Active);
    } else {
        rebuild_view(state);
    }
    cmds
}

/// Data updates are what freeze holds back; action results and errors always show.
pub(super) fn is_data(ev: &FeedEvent) -> bool {
    matches!(
        ev,
        FeedEvent::ActiveOrders { .. }
            | FeedEvent::MultiOrders { .. }
            | FeedEvent::MultiOrderDetail { .. }
            | FeedEvent::Placements { .. }
            | FeedEvent::OrderErrors { .. }
            | FeedEvent::PushUpdate { .. }
    )
}

/// The venue an event came from (none for notices and action results).
pub(super) fn event_venue(ev: &FeedEvent) -> Option<&crate::domain::VenueId> {
    match ev {
        FeedEvent::ActiveOrders { venue, .. }
        | FeedEvent::MultiOrders { venue, .. }
        | FeedEvent::Placements { venue, .. }
        | FeedEvent::OrderErrors { venue, .. }
        | FeedEvent::FetchFailed { venue, .. }
        | FeedEvent::Push { venue, .. }
        | FeedEvent::PushUpdate { venue, .. }
        | FeedEvent::MultiOrderDetail { venue, .. }
        | FeedEvent::Fills { venue, .. } => Some(venue),
        FeedEvent::Notice { .. } | FeedEvent::ActionDone { .. } => None,
    }
}

/// Queues a data update while frozen. Snapshots replace their data set, so only the latest
/// of each kind is kept (placements are per order and all kept, up to a bound).
pub(super) fn queue(state: &mut State, ev: FeedEvent) {
    const MAX_PLACEMENT_BATCHES: usize = 64;
    state.pending_count += 1;
    let same_kind = |a: &FeedEvent| {
        std::mem::discriminant(a) == std::mem::discriminant(&ev)
            && event_venue(a) == event_venue(&ev)
    };
    if !matches!(ev, FeedEvent::Placements { .. }) {
        state.pending.retain(|p| !same_kind(p));
    } else if state.pending.iter().filter(|p| same_kind(p)).count() >= MAX_PLACEMENT_BATCHES
        && let Some(i) = state.pending.iter().position(same_kind)
    {
        state.pending.remove(i);
    }
    state.pending.push(ev);
}

pub(super) fn mark_fresh(
    state: &mut State,
    venue: &crate::domain::VenueId,
    tab: Tab,
    bad_rows: usize,
    at: Timestamp,
) {
    let f = &mut state.venue_mut(venue).freshness[tab.index()];
    f.updated_at = Some(at);
    f.error = None;
    f.bad_rows = bad_rows;
}

/// Records whether the venue's last read of this tab stopped at a cap (more rows exist than
/// were read); the tab title then says so.
pub(super) fn mark_capped(
    state: &mut State,
    venue: &crate::domain::VenueId,
    tab: Tab,
    capped: bool,
) {
    state.venue_mut(venue).freshness[tab.index()].capped = capped;
}
