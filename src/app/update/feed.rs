//! Feed events: venue pages merged by id per venue, pushed updates applied in place, failures
//! kept with the last good data, action replies, freshness and caps per venue and tab.

use super::*;

/// Applies a feed event; returns the effects its alerts ask for (a bell).
pub(super) fn on_feed(state: &mut State, ev: FeedEvent) -> Vec<Command> {
    let mut cmds = Vec::new();
    match ev {
        // A whole read is one part that is also the last: one code path.
        FeedEvent::ActiveOrders { venue, page, at } => {
            cmds.extend(on_active_part(state, &venue, None, 0, page, true, at));
        }
        FeedEvent::ActiveOrdersPart {
            venue,
            read,
            part,
            page,
            last,
            at,
        } => {
            cmds.extend(on_active_part(
                state,
                &venue,
                Some(read),
                part,
                page,
                last,
                at,
            ));
        }
        FeedEvent::MultiOrders { venue, page, at } => {
            let capped = crate::venue::partial_read(page.page_number, page.num_pages);
            let first = state.venue_mut(&venue).freshness[Tab::Multi.index()]
                .updated_at
                .is_none();
            let looking = looking_at(state, Tab::Multi);
            state
                .book
                .note_multi_changes(&page.rows, first, looking.as_ref());
            state.book.replace_venue_multi_orders(&venue, page.rows);
            state.book.prune_seen();
            mark_fresh(state, &venue, Tab::Multi, page.bad_rows.len(), at);
            mark_capped(state, &venue, Tab::Multi, capped);
            keep_visible(state, Tab::Multi);
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
            if state.book.set_children(*multi) {
                keep_visible(state, Tab::Multi);
            }
        }
        FeedEvent::Placements {
            venue,
            by_order,
            at,
        } => {
            let mut bad = 0;
            let mut capped = false;
            let mut rows = Vec::with_capacity(by_order.len());
            for (id, page) in by_order {
                bad += page.bad_rows.len();
                capped |= crate::venue::is_partial(&page);
                rows.push((id, page.rows));
            }
            state.book.set_placements(rows);
            placements_changed(state);
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
                .book
                .messages()
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
                let on = state.prefs.alerts.on_error.clone();
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
            state.book.replace_venue_messages(&venue, messages);
            if state.tab == Tab::Errors {
                state.errors_seen_until = state.book.messages().first().and_then(|m| m.created_at);
            }
            mark_fresh(state, &venue, Tab::Errors, 0, at);
            keep_visible(state, Tab::Errors);
        }
        FeedEvent::Link { link, at: _ } => state.link = Some(link),
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
            at,
        } => {
            if let Some(mut order) = order {
                order.venue = venue;
                // Finished: on the History tab at once, without waiting for its poll.
                if order.status.is_terminal() {
                    state.book.add_finished((*order).clone(), at);
                    keep_visible(state, Tab::History);
                }
                let id = order.id.clone();
                cmds.extend(apply_order(state, *order));
                cmds.extend(check_rules(state, RuleScope::Order(&id)));
            }
        }
        FeedEvent::History {
            venue,
            page,
            since,
            acted,
            at,
        } => {
            let capped = crate::venue::is_partial(&page);
            let bad = page.bad_rows.len();
            // The History poll re-reads the audit log: other blotters' actions show here too.
            state.book.set_last_actions(acted.clone());
            state
                .book
                .replace_venue_history(&venue, page.rows, since, acted, at);
            cmds.extend(check_rules(state, RuleScope::History(&venue)));
            mark_fresh(state, &venue, Tab::History, bad, at);
            mark_capped(state, &venue, Tab::History, capped);
            keep_visible(state, Tab::History);
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
            // Our reply is audited before it arrives: once nothing is in flight (the last reply
            // of a bulk action), the Last action column re-reads the audit log.
            if state.in_flight.is_empty() {
                cmds.push(Command::LoadLastActions);
            }
            // One banner for a bulk action, when its last reply arrives.
            if tally_bulk(state, &action, result.is_ok(), at) {
                if result.is_ok() {
                    expect_own(state, &action);
                }
                return cmds;
            }
            // What our own confirmed action changes is not news to us (changed since seen).
            if result.is_ok() {
                expect_own(state, &action);
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
    // One bell for a reading, however many alerts asked for it.
    cmds.dedup();
    cmds
}

/// Applies one part of a venue's active-orders read (`read` `None`: a read of one part): its
/// rows, deduplicated, flash and mark what changed against the book and replace their rows in
/// place (or are added); the first rows show as they arrive. The `last` part ends the read: the
/// venue's rows it did not name are removed (with their marks and placements) when every part
/// arrived, then freshness, caps, the connection and the `[alerts]` rules as for a whole read.
fn on_active_part(
    state: &mut State,
    venue: &VenueId,
    read: Option<u64>,
    part: u32,
    mut page: crate::domain::Page<Order>,
    last: bool,
    at: Timestamp,
) -> Vec<Command> {
    let mut cmds = Vec::new();
    state
        .book
        .begin_active_part(venue, read, part, page.bad_rows.len());
    page.rows.sort_by(newest_first);
    // A venue that repeats an id would make selection and actions ambiguous: keep the most
    // recently updated copy and count the others as bad rows. An id another venue already
    // shows is refused the same way (actions are routed by id).
    state.book.refuse_repeated(venue, &mut page.rows);
    let first = state.venue_mut(venue).freshness[Tab::Active.index()]
        .updated_at
        .is_none();
    if !first {
        cmds.extend(flash_changes(state, &page.rows));
    }
    let looking = looking_at(state, Tab::Active);
    state
        .book
        .note_order_changes(&page.rows, first, looking.as_ref());
    state.book.apply_active_part(page.rows);
    if last {
        let capped = crate::venue::partial_read(page.page_number, page.num_pages);
        // Marks and placements of orders that left the active set go with them.
        let bad = state.book.end_active_read(venue);
        state.book.prune_seen();
        cmds.extend(check_rules(state, RuleScope::Active(venue)));
        mark_fresh(state, venue, Tab::Active, bad, at);
        mark_capped(state, venue, Tab::Active, capped);
        state.venue_mut(venue).connection = Connection::Polling;
        placements_changed(state);
    }
    keep_visible(state, Tab::Active);
    cmds
}

/// Tags every row an event carries with the event's venue (adapters leave rows untagged; the
/// event's venue is authoritative).
pub(super) fn stamp(ev: &mut FeedEvent) {
    let id = match ev {
        FeedEvent::ActiveOrders { venue, .. }
        | FeedEvent::ActiveOrdersPart { venue, .. }
        | FeedEvent::MultiOrders { venue, .. }
        | FeedEvent::Placements { venue, .. }
        | FeedEvent::OrderErrors { venue, .. }
        | FeedEvent::PushUpdate { venue, .. }
        | FeedEvent::MultiOrderDetail { venue, .. }
        | FeedEvent::History { venue, .. }
        | FeedEvent::Fills { venue, .. } => venue.clone(),
        _ => return,
    };
    if id.as_str().is_empty() {
        // A single-venue blotter: rows are already untagged.
        return;
    }
    match ev {
        FeedEvent::ActiveOrders { page, .. }
        | FeedEvent::ActiveOrdersPart { page, .. }
        | FeedEvent::History { page, .. } => {
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
    let looking = looking_at(state, Tab::Active);
    state
        .book
        .note_order_changes(std::slice::from_ref(&order), false, looking.as_ref());
    let applied = state.book.apply_order(order);
    state.book.prune_seen();
    match applied {
        Applied::Ignored => return cmds,
        Applied::Removed => placements_changed(state),
        Applied::Replaced | Applied::Inserted => {}
    }
    keep_visible(state, Tab::Active);
    cmds
}

/// The row of `tab` the trader is looking at: the selected order (active tab) or multi-order
/// (multi tab, its own row) while that tab is on screen; `None` otherwise.
fn looking_at(state: &State, tab: Tab) -> Option<OrderId> {
    if state.tab != tab {
        return None;
    }
    match tab {
        Tab::Active => state.selected_order().map(|o| o.id.clone()),
        Tab::Multi => match state.selected_tree_row() {
            Some(TreeRow::Multi(i)) => state.book.multi_orders().get(*i).map(|m| m.id.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// The selection rests on a row: it is seen (its changed-since-seen dot goes). Called after
/// each key and mouse event.
pub(super) fn look_at_selection(state: &mut State) {
    if let Some(id) = looking_at(state, state.tab) {
        state.book.look_at(&id);
    }
}

/// Our own confirmed action: the change it causes is not news (changed since seen).
fn expect_own(state: &mut State, action: &Action) {
    match action {
        Action::CancelMany { order_ids, .. } => {
            for id in order_ids {
                state.book.expect_own_change(id.clone());
            }
        }
        Action::PauseAll { .. } | Action::ResumeAll { .. } | Action::CancelAll { .. } => {}
        other => state.book.expect_own_change(other.order_id()),
    }
}

/// The "mark all seen" key: every changed-since-seen mark goes; the banner says how many.
pub(super) fn mark_all_seen(state: &mut State) -> Vec<Command> {
    let n = state.book.mark_all_seen();
    state.banner = Some(info(state, format!("Marked {n} changed row(s) seen.")));
    Vec::new()
}

/// Data updates are what freeze holds back; action results and errors always show.
pub(super) fn is_data(ev: &FeedEvent) -> bool {
    matches!(
        ev,
        FeedEvent::ActiveOrders { .. }
            | FeedEvent::ActiveOrdersPart { .. }
            | FeedEvent::MultiOrders { .. }
            | FeedEvent::MultiOrderDetail { .. }
            | FeedEvent::Placements { .. }
            | FeedEvent::OrderErrors { .. }
            | FeedEvent::PushUpdate { .. }
            | FeedEvent::History { .. }
    )
}

/// The venue an event came from (none for notices and action results).
pub(super) fn event_venue(ev: &FeedEvent) -> Option<&crate::domain::VenueId> {
    match ev {
        FeedEvent::ActiveOrders { venue, .. }
        | FeedEvent::ActiveOrdersPart { venue, .. }
        | FeedEvent::MultiOrders { venue, .. }
        | FeedEvent::Placements { venue, .. }
        | FeedEvent::OrderErrors { venue, .. }
        | FeedEvent::History { venue, .. }
        | FeedEvent::FetchFailed { venue, .. }
        | FeedEvent::Push { venue, .. }
        | FeedEvent::PushUpdate { venue, .. }
        | FeedEvent::MultiOrderDetail { venue, .. }
        | FeedEvent::Fills { venue, .. } => Some(venue),
        FeedEvent::Notice { .. } | FeedEvent::ActionDone { .. } | FeedEvent::Link { .. } => None,
    }
}

/// Queues a data update while frozen. Snapshots replace their data set, so only the latest
/// of each kind is kept (placements are per order and all kept, up to a bound). The parts of
/// one active-orders read are kept together (all of them make the read): a new read of a venue
/// (a whole one, or the first part of one) replaces what is queued of its earlier reads.
pub(super) fn queue(state: &mut State, ev: FeedEvent) {
    const MAX_PLACEMENT_BATCHES: usize = 64;
    let is_active = |e: &FeedEvent| {
        matches!(
            e,
            FeedEvent::ActiveOrders { .. } | FeedEvent::ActiveOrdersPart { .. }
        )
    };
    let more_of_a_read = matches!(ev, FeedEvent::ActiveOrdersPart { part, .. } if part > 0);
    // A read counts once: when it is complete (whole, or its last part).
    if !matches!(ev, FeedEvent::ActiveOrdersPart { last: false, .. }) {
        state.freeze.pending_count += 1;
    }
    let same_kind = |a: &FeedEvent| {
        let kind = std::mem::discriminant(a) == std::mem::discriminant(&ev)
            || (is_active(a) && is_active(&ev));
        kind && event_venue(a) == event_venue(&ev)
    };
    if more_of_a_read {
        // Continues the read queued last (or one whose start was not queued: applied as an
        // incomplete read, which removes nothing).
    } else if !matches!(ev, FeedEvent::Placements { .. }) {
        state.freeze.pending.retain(|p| !same_kind(p));
    } else if state.freeze.pending.iter().filter(|p| same_kind(p)).count() >= MAX_PLACEMENT_BATCHES
        && let Some(i) = state.freeze.pending.iter().position(same_kind)
    {
        state.freeze.pending.remove(i);
    }
    state.freeze.pending.push(ev);
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
