//! What is asked, refused and sent: an action on the selected row (or the marked rows) is
//! checked against the venue's capabilities, confirmed, and sent exactly once (never while the
//! same order has one in flight).

use super::*;

/// Sends the confirmed action and any bulk companions, each at most once.
pub(super) fn send_all(state: &mut State, confirm: Confirm) -> Vec<Command> {
    let total = 1 + confirm.more.len();
    let lines = confirm.lines.clone();
    let mut cmds = send(state, confirm.action);
    for a in confirm.more {
        cmds.extend(send(state, a));
    }
    if total > 1 {
        let pending: Vec<Action> = cmds
            .iter()
            .filter_map(|c| match c {
                Command::Act { action, .. } => Some(action.clone()),
                _ => None,
            })
            .collect();
        let verb = pending
            .first()
            .map(|a| a.verb().split(' ').next().unwrap_or("act").to_string())
            .unwrap_or_default();
        state.bulk = (!pending.is_empty()).then(|| BulkTally {
            verb,
            pending,
            ok: 0,
            failed: 0,
            left_out: left_out_of(&lines),
        });
        let skipped = total - cmds.len();
        let mut text = format!("Sending {} action(s)…", cmds.len());
        if skipped > 0 {
            text.push_str(&format!(
                " {skipped} skipped: an earlier action on them is still pending."
            ));
        }
        state.banner = Some(info(state, text));
        state.book.clear_marks();
    }
    cmds
}

/// The `N order(s) left out — reason` line of a bulk confirmation ([`split_supported`]) as a
/// count and a short reason: `AlphaSec is read-only`, `Pause is not supported by Anboto`.
fn left_out_of(lines: &[String]) -> Option<(usize, String)> {
    let line = lines.iter().find(|l| l.contains(" order(s) left out — "))?;
    let (n, reason) = line.split_once(" order(s) left out — ")?;
    let n = n.trim().parse().ok()?;
    let reason = match reason.split_once(" is a read-only venue") {
        Some((head, _)) => {
            let name = head.rsplit_once(": ").map_or(head, |(_, name)| name);
            format!("{name} is read-only")
        }
        None => reason.trim_end_matches('.').to_string(),
    };
    Some((n, reason))
}

/// How many orders an action covers (a bulk cancel by id: each; anything else: one).
fn orders_in(action: &Action) -> usize {
    match action {
        Action::CancelMany { order_ids, .. } => order_ids.len(),
        _ => 1,
    }
}

/// Counts a reply of the bulk action in progress. When it was the last, the one summary
/// banner: `6 cancelled, 0 failed, 7 left out (AlphaSec is read-only)`; returns true then.
pub(super) fn tally_bulk(state: &mut State, action: &Action, ok: bool, at: Timestamp) -> bool {
    let Some(t) = &mut state.bulk else {
        return false;
    };
    let Some(i) = t.pending.iter().position(|a| a == action) else {
        return false;
    };
    t.pending.remove(i);
    if ok {
        t.ok += orders_in(action);
    } else {
        t.failed += orders_in(action);
    }
    if !t.pending.is_empty() {
        return false;
    }
    let done = match t.verb.as_str() {
        "cancel" => "cancelled".to_string(),
        "pause" => "paused".to_string(),
        "resume" => "resumed".to_string(),
        "amend" => "amended".to_string(),
        v => format!("{v} done"),
    };
    let mut text = format!("{} {done}, {} failed", t.ok, t.failed);
    if let Some((n, why)) = &t.left_out {
        text.push_str(&format!(", {n} left out ({why})"));
    }
    text.push_str(" — each reply is in the audit log (L).");
    let level = if t.failed > 0 {
        BannerLevel::Error
    } else {
        BannerLevel::Success
    };
    state.banner = Some(Banner { text, level, at });
    state.bulk = None;
    true
}

pub(super) fn send(state: &mut State, action: Action) -> Vec<Command> {
    let action = match action {
        // A bulk cancel is in flight for each of its orders: orders with an action still
        // pending are dropped from it (never sent twice), the rest are marked in flight.
        Action::CancelMany { venue, order_ids } => {
            let total = order_ids.len();
            let order_ids: Vec<OrderId> = order_ids
                .into_iter()
                .filter(|id| !state.in_flight.contains(id))
                .collect();
            if order_ids.is_empty() {
                state.banner = Some(error(
                    state,
                    format!(
                        "An action on each of those {total} orders is still waiting for the venue; not sent again."
                    ),
                ));
                return Vec::new();
            }
            state.in_flight.extend(order_ids.iter().cloned());
            Action::CancelMany { venue, order_ids }
        }
        other => other,
    };
    let id = action.order_id();
    let Some(venue) = action.venue().cloned().or_else(|| state.venue_of(&id)) else {
        state.banner = Some(error(
            state,
            format!(
                "Order {} is no longer listed by any venue; {} not sent.",
                id.short(),
                action.verb()
            ),
        ));
        return Vec::new();
    };
    // A bulk cancel's orders were marked in flight above.
    if !matches!(action, Action::CancelMany { .. }) && !state.in_flight.insert(id.clone()) {
        state.banner = Some(error(
            state,
            format!(
                "An action on {} is still waiting for the venue; not sent again.",
                id.short()
            ),
        ));
        return Vec::new();
    }
    let shown = if action.venue().is_some() {
        id.to_string()
    } else {
        id.short().to_string()
    };
    state.banner = Some(info(
        state,
        format!("Sending {} for {shown}…", action.verb()),
    ));
    vec![Command::Act { venue, action }]
}

/// Opens the confirm dialog (or amend form) for an action on the selected row, or explains why
/// it can't be done.
/// Why `venue` can't carry out `action`, from its capabilities (`None`: it can).
pub(super) fn refusal(state: &State, venue: &VenueId, action: KeyAction) -> Option<String> {
    let caps = state
        .capabilities(venue)
        .unwrap_or(crate::venue::Capabilities::NONE);
    let supported = match action {
        KeyAction::Pause => caps.pause,
        KeyAction::Resume => caps.resume,
        KeyAction::Cancel => caps.cancel,
        KeyAction::Amend => caps.amend,
        _ => false,
    };
    if supported {
        return None;
    }
    let name = state.venue_name(venue);
    let read_only = !(caps.pause || caps.resume || caps.cancel || caps.amend);
    let verb = capitalise(action.footer_word().unwrap_or("act"));
    Some(if read_only {
        format!("{verb}: {name} is a read-only venue; nothing can be sent to it.")
    } else {
        format!("{verb} is not supported by {name}.")
    })
}

/// Splits orders into those whose venue can carry out `action` and a line saying how many
/// were left out and why (`None` when none were).
pub(super) fn split_supported(
    state: &State,
    orders: Vec<Order>,
    action: KeyAction,
) -> (Vec<Order>, Option<String>) {
    let (ok, refused): (Vec<Order>, Vec<Order>) = orders
        .into_iter()
        .partition(|o| refusal(state, &o.venue, action).is_none());
    let note = refused.first().map(|o| {
        let reason = refusal(state, &o.venue, action).unwrap_or_default();
        format!("{} order(s) left out — {reason}", refused.len())
    });
    (ok, note)
}

pub(super) fn ask_action(state: &mut State, action: KeyAction) {
    match state.tab {
        Tab::Active if !state.book.marks().is_empty() && action != KeyAction::Amend => {
            let marked: Vec<Order> = state
                .book
                .marks()
                .iter()
                .filter_map(|id| state.find_order(id).cloned())
                .filter(|o| !o.status.is_terminal())
                .collect();
            let (targets, left_out) = split_supported(state, marked, action);
            if targets.is_empty()
                && let Some(why) = left_out
            {
                state.banner = Some(error(state, format!("Nothing sent: {why}")));
                return;
            }
            let mut bulk_notes = Vec::new();
            let actions: Vec<Action> = match action {
                KeyAction::Pause | KeyAction::Resume => targets
                    .iter()
                    .map(|o| match action {
                        KeyAction::Pause => Action::Pause(o.id.clone()),
                        _ => Action::Resume(o.id.clone()),
                    })
                    .collect(),
                _ => {
                    // Per venue, in first-seen order: a bulk cancel by id where the venue has one.
                    let mut venues: Vec<&VenueId> = Vec::new();
                    for o in &targets {
                        if !venues.contains(&&o.venue) {
                            venues.push(&o.venue);
                        }
                    }
                    let mut out = Vec::new();
                    for venue in venues {
                        let caps = state
                            .capabilities(venue)
                            .unwrap_or(crate::venue::Capabilities::NONE);
                        let on_venue: Vec<&Order> =
                            targets.iter().filter(|o| &o.venue == venue).collect();
                        let cancels = cancel_actions(venue, caps, &on_venue);
                        if cancels
                            .iter()
                            .any(|a| matches!(a, Action::CancelMany { .. }))
                        {
                            bulk_notes.push(bulk_cancel_note(
                                state,
                                venue,
                                on_venue.len(),
                                cancels.len(),
                            ));
                        }
                        out.extend(cancels);
                    }
                    out
                }
            };
            let Some((first, rest)) = actions.split_first() else {
                state.banner = Some(error(
                    state,
                    "None of the marked orders can be acted on.".into(),
                ));
                return;
            };
            let verb = action.footer_word().unwrap_or("act");
            let mut lines = vec![
                format!("{} {} marked order(s)", capitalise(verb), targets.len()),
                format!("Notional affected: {}", notional_summary(&targets)),
            ];
            lines.extend(bulk_notes);
            lines.extend(left_out);
            lines.extend(targets.iter().take(6).map(format::order_summary));
            if targets.len() > 6 {
                lines.push(format!("… and {} more", targets.len() - 6));
            }
            state.modal = Some(Modal::Confirm(Confirm {
                action: first.clone(),
                title: format!("{} {} marked orders?", capitalise(verb), targets.len()),
                lines,
                yes: false,
                more: rest.to_vec(),
                require_word: None,
                typed: Default::default(),
            }));
        }
        Tab::Active => {
            let Some(order) = state.selected_order().cloned() else {
                state.banner = Some(error(state, "No order selected.".into()));
                return;
            };
            refuse_or_ask(state, action, &order);
        }
        Tab::Multi
            if let Some(TreeRow::Child { id, .. } | TreeRow::Placement { order: id, .. }) =
                state.selected_tree_row().cloned() =>
        {
            let Some(order) = state.child(&id).cloned() else {
                state.banner = Some(error(
                    state,
                    format!("Child order {} is not loaded yet.", id.short()),
                ));
                return;
            };
            refuse_or_ask(state, action, &order);
        }
        Tab::Multi => {
            let Some(multi) = state.selected_multi().cloned() else {
                state.banner = Some(error(state, "No multi-order selected.".into()));
                return;
            };
            if let Some(why) = refusal(state, &multi.venue, action) {
                state.banner = Some(error(state, why));
                return;
            }
            let id = multi.id.clone();
            let (act, title) = match action {
                KeyAction::Pause => (Action::PauseMulti(id), "Pause multi-order?"),
                KeyAction::Resume => (Action::ResumeMulti(id), "Resume multi-order?"),
                KeyAction::Cancel => (Action::CancelMulti(id), "Cancel multi-order?"),
                _ => {
                    state.banner = Some(error(
                        state,
                        "Amend applies to single orders: select a child order in Active orders."
                            .into(),
                    ));
                    return;
                }
            };
            let mut lines = vec![format::multi_summary(&multi)];
            lines.push(format!("id {}", multi.id));
            if state.multi_venue() {
                lines.push(format!("venue {}", state.venue_name(&multi.venue)));
            }
            if matches!(action, KeyAction::Cancel) {
                lines.push("Cancels every child order and its placements.".into());
            }
            state.modal = Some(Modal::Confirm(Confirm {
                action: act,
                title: title.into(),
                lines,
                yes: false,
                ..Confirm::single()
            }));
        }
        Tab::Placements | Tab::Errors => {
            state.banner = Some(error(
                state,
                "Actions apply to orders: switch to Active orders (1) or Multi-orders (2).".into(),
            ));
        }
        Tab::History => {
            state.banner = Some(error(
                state,
                "History lists finished orders: nothing to pause, resume, amend or cancel.".into(),
            ));
        }
    }
}

/// Refuses `action` on `order` with a banner when its venue can't carry it out, else asks for
/// it ([`ask_order_action`]).
fn refuse_or_ask(state: &mut State, action: KeyAction, order: &Order) {
    match refusal(state, &order.venue, action) {
        Some(why) => state.banner = Some(error(state, why)),
        None => ask_order_action(state, action, order),
    }
}

pub(super) fn ask_order_action(state: &mut State, action: KeyAction, order: &Order) {
    let summary = format::order_summary(order);
    if order.status.is_terminal() {
        state.banner = Some(error(
            state,
            format!(
                "Order {} is {}: nothing to {}.",
                order.id.short(),
                order.status.as_str(),
                action.footer_word().unwrap_or("do")
            ),
        ));
        return;
    }
    let id = order.id.clone();
    let (act, title, note) = match action {
        KeyAction::Pause => (
            Action::Pause(id),
            "Pause order?",
            (order.status != OrderStatus::Active)
                .then(|| format!("Status is {}: the venue may refuse.", order.status.as_str())),
        ),
        KeyAction::Resume => (
            Action::Resume(id),
            "Resume order?",
            (order.status != OrderStatus::Paused)
                .then(|| format!("Status is {}: the venue may refuse.", order.status.as_str())),
        ),
        KeyAction::Cancel => (
            Action::Cancel(id),
            "Cancel order?",
            order.parent_order_id.as_ref().map(|p| {
                format!(
                    "Child of multi-order {}: the venue also cancels its siblings.",
                    p.short()
                )
            }),
        ),
        _ => {
            state.modal = Some(Modal::Amend(AmendForm::for_order(order, summary)));
            return;
        }
    };
    let mut lines = vec![summary, format!("id {}", order.id)];
    if state.multi_venue() {
        lines.push(format!("venue {}", state.venue_name(&order.venue)));
    }
    lines.extend(note);
    state.modal = Some(Modal::Confirm(Confirm {
        action: act,
        title: title.into(),
        lines,
        yes: false,
        ..Confirm::single()
    }));
}
