//! The dialogs and overlays: confirmation (default "no"), the amend form, the kill switch and
//! its summary, the detail view and the audit log viewer.

use super::*;

/// The audit viewer: ↑↓/jk scroll, PgUp/PgDn a page, Home/End, `R` re-reads the file, `e`
/// exports what it shows, Esc or `L` closes, `q` quits.
pub(super) fn on_audit_key(state: &mut State, mut view: AuditView, key: KeyEvent) -> Vec<Command> {
    let count = match &view.loaded {
        Some(Ok(t)) => t.entries.len(),
        _ => 0,
    };
    let page = state.table_rows().max(1);
    let last = count.saturating_sub(1);
    match key.code {
        KeyCode::Esc | KeyCode::Char('L') => return Vec::new(),
        KeyCode::Char('q') => {
            state.quit = true;
            return vec![Command::Quit];
        }
        KeyCode::Down | KeyCode::Char('j') => view.offset = (view.offset + 1).min(last),
        KeyCode::Up | KeyCode::Char('k') => view.offset = view.offset.saturating_sub(1),
        KeyCode::PageDown => view.offset = (view.offset + page).min(last),
        KeyCode::PageUp => view.offset = view.offset.saturating_sub(page),
        KeyCode::Home | KeyCode::Char('g') => view.offset = 0,
        KeyCode::End | KeyCode::Char('G') => view.offset = last,
        KeyCode::Char('R') => {
            state.modal = Some(Modal::Audit(AuditView::default()));
            return vec![Command::LoadAudit];
        }
        KeyCode::Char('e') if count > 0 => {
            state.modal = Some(Modal::Audit(view));
            state.banner = Some(info(state, "Exporting the audit log…".into()));
            return vec![Command::ExportAudit];
        }
        _ => {}
    }
    state.modal = Some(Modal::Audit(view));
    Vec::new()
}

pub(super) fn on_kill_key(
    state: &mut State,
    scope: Option<KillScope>,
    key: KeyEvent,
) -> Vec<Command> {
    if key.code == KeyCode::Esc {
        state.banner = Some(info(state, "Kill switch closed; nothing sent.".into()));
        return Vec::new();
    }
    match (scope, key.code) {
        (None, KeyCode::Char('a')) => {
            match state
                .selected_order()
                .and_then(|o| o.account_names.first().map(|a| a.to_string()))
            {
                Some(acct) => {
                    state.modal = Some(Modal::Kill {
                        scope: Some(KillScope::Account(acct)),
                    })
                }
                None => {
                    state.banner =
                        Some(error(state, "Select an order of the account first.".into()));
                }
            }
        }
        (None, KeyCode::Char('f')) => {
            state.modal = Some(Modal::Kill {
                scope: Some(KillScope::Filter),
            })
        }
        (None, KeyCode::Char('e')) => {
            state.modal = Some(Modal::Kill {
                scope: Some(KillScope::Everything),
            })
        }
        (Some(scope), KeyCode::Char(c @ ('p' | 'c'))) => {
            let cancel = c == 'c';
            let in_scope: Vec<Order> = kill_targets(state, &scope).into_iter().cloned().collect();
            let key = if cancel {
                KeyAction::Cancel
            } else {
                KeyAction::Pause
            };
            let (targets, left_out) = split_supported(state, in_scope, key);
            let acted: Vec<Order> = targets
                .iter()
                .filter(|o| cancel || o.status != OrderStatus::Paused)
                .cloned()
                .collect();
            let (actions, venue_wide) = kill_actions(state, &scope, cancel, &acted);
            let Some((first, rest)) = actions.split_first() else {
                let why = left_out.map(|w| format!(" ({w})")).unwrap_or_default();
                state.banner = Some(error(
                    state,
                    format!("No orders in that scope to act on{why}."),
                ));
                return Vec::new();
            };
            let scope_text = match &scope {
                KillScope::Account(a) => format!("account {a}"),
                KillScope::Filter => format!(
                    "the current filter ({})",
                    if state.filter_text.is_empty() {
                        "none: all rows"
                    } else {
                        &state.filter_text
                    }
                ),
                KillScope::Everything if state.multi_venue() => "EVERYTHING on every venue".into(),
                KillScope::Everything => "EVERYTHING on this venue".into(),
            };
            let verb = if cancel { "CANCEL" } else { "PAUSE" };
            let mut lines = vec![
                format!("{verb} {} order(s) — scope: {scope_text}", acted.len()),
                format!("Notional affected: {}", notional_summary(&acted)),
            ];
            lines.extend(venue_wide);
            lines.extend(left_out);
            let require_word =
                (cancel && scope == KillScope::Everything).then(|| "CANCEL".to_string());
            if require_word.is_some() {
                lines.push("Type CANCEL and press Enter to confirm. Esc aborts.".into());
            }
            state.modal = Some(Modal::Confirm(Confirm {
                action: first.clone(),
                title: format!("Kill switch: {} {}?", verb.to_lowercase(), scope_text),
                lines,
                yes: false,
                more: rest.to_vec(),
                require_word,
                typed: Default::default(),
            }));
        }
        (scope, _) => state.modal = Some(Modal::Kill { scope }),
    }
    Vec::new()
}

/// Orders in a kill-switch scope (non-terminal only).
pub fn kill_targets<'a>(state: &'a State, scope: &KillScope) -> Vec<&'a Order> {
    let live = |o: &&Order| !o.status.is_terminal();
    match scope {
        KillScope::Account(a) => state
            .book
            .orders()
            .iter()
            .filter(|o| o.account_names.iter().any(|n| n == a))
            .filter(live)
            .collect(),
        KillScope::Filter => (0..state.book.active_view().len())
            .filter_map(|i| state.active_row(i))
            .filter(live)
            .collect(),
        KillScope::Everything => state.book.orders().iter().filter(live).collect(),
    }
}

/// The requests a kill switch sends for `orders` (all in scope, all supported): per venue, one
/// venue-wide request where the venue has one for this scope — `cancel_all_orders` with the
/// account (account scope) or for everything, `pause_all_orders` for everything (it has no
/// account filter) — else one request per order. Also the lines that tell the user which
/// venues get a venue-wide request (it also reaches orders not on screen yet).
pub(super) fn kill_actions(
    state: &State,
    scope: &KillScope,
    cancel: bool,
    orders: &[Order],
) -> (Vec<Action>, Vec<String>) {
    let mut venues: Vec<&VenueId> = Vec::new();
    for o in orders {
        if !venues.contains(&&o.venue) {
            venues.push(&o.venue);
        }
    }
    let mut actions = Vec::new();
    let mut notes = Vec::new();
    for venue in venues {
        let caps = state
            .capabilities(venue)
            .unwrap_or(crate::venue::Capabilities::NONE);
        let wide = match (scope, cancel) {
            (KillScope::Account(a), true) if caps.cancel_all => Some(Action::CancelAll {
                venue: venue.clone(),
                account_names: vec![a.clone()],
            }),
            (KillScope::Everything, true) if caps.cancel_all => Some(Action::CancelAll {
                venue: venue.clone(),
                account_names: Vec::new(),
            }),
            (KillScope::Everything, false) if caps.pause_all => Some(Action::PauseAll {
                venue: venue.clone(),
            }),
            _ => None,
        };
        match wide {
            Some(a) => {
                let wide = state
                    .venue(venue)
                    .map(|v| v.wide_requests.clone())
                    .unwrap_or_default();
                let what = match &a {
                    Action::PauseAll { .. } => wide.pause_all.unwrap_or_else(|| "pause all".into()),
                    _ => format!(
                        "{} (paused orders too)",
                        wide.cancel_all.unwrap_or_else(|| "cancel all".into())
                    ),
                };
                notes.push(format!(
                    "{}: one request, {what} — also reaches orders not on screen yet",
                    state.venue_name(venue)
                ));
                actions.push(a);
            }
            None if cancel => {
                let on_venue: Vec<&Order> = orders.iter().filter(|o| &o.venue == venue).collect();
                let cancels = cancel_actions(venue, caps, &on_venue);
                if cancels
                    .iter()
                    .any(|a| matches!(a, Action::CancelMany { .. }))
                {
                    notes.push(bulk_cancel_note(
                        state,
                        venue,
                        on_venue.len(),
                        cancels.len(),
                    ));
                }
                actions.extend(cancels);
            }
            None => actions.extend(
                orders
                    .iter()
                    .filter(|o| &o.venue == venue)
                    .map(|o| Action::Pause(o.id.clone())),
            ),
        }
    }
    (actions, notes)
}

/// The requests that cancel `orders` (all of `venue`): where the venue has a bulk cancel by id
/// ([`crate::venue::Capabilities::cancel_many`]), one [`Action::CancelMany`] per chunk of at
/// most `cancel_many_max` ids; else one [`Action::Cancel`] per order.
pub(super) fn cancel_actions(
    venue: &VenueId,
    caps: crate::venue::Capabilities,
    orders: &[&Order],
) -> Vec<Action> {
    let ids: Vec<OrderId> = orders.iter().map(|o| o.id.clone()).collect();
    match caps.cancel_many_chunks(&ids) {
        Some(chunks) => chunks
            .into_iter()
            .map(|order_ids| match <[OrderId; 1]>::try_from(order_ids) {
                // One id: the plain cancel (same request count, per-order reply).
                Ok([one]) => Action::Cancel(one),
                Err(order_ids) => Action::CancelMany {
                    venue: venue.clone(),
                    order_ids,
                },
            })
            .collect(),
        None => ids.into_iter().map(Action::Cancel).collect(),
    }
}

/// The confirmation line for a bulk cancel by id: how many orders in how many requests.
pub(super) fn bulk_cancel_note(
    state: &State,
    venue: &VenueId,
    orders: usize,
    requests: usize,
) -> String {
    format!(
        "{}: {orders} order(s) cancelled by id in {requests} bulk request(s)",
        state.venue_name(venue)
    )
}

/// `12,345.00 USDT + 500 USD`-style total notional per quote asset (executed, else target).
pub(super) fn notional_summary(orders: &[Order]) -> String {
    // `None`: the total overflowed the decimal range (shown as `?`).
    let mut by_quote: std::collections::BTreeMap<String, Option<rust_decimal::Decimal>> =
        Default::default();
    for o in orders {
        let quote = o.pair.rsplit('-').next().unwrap_or("").to_string();
        if let Some(n) = o
            .executed_notional
            .filter(|n| !n.is_zero())
            .or(o.target_notional())
        {
            let total = by_quote
                .entry(quote)
                .or_insert(Some(rust_decimal::Decimal::ZERO));
            *total = total.and_then(|t| crate::num::add(t, n));
        }
    }
    if by_quote.is_empty() {
        return "unknown".into();
    }
    by_quote
        .iter()
        .map(|(q, n)| {
            let n = n.map_or_else(|| format::UNREADABLE.to_owned(), format::decimal_text);
            format!("{n} {}", crate::sanitize::clean(q))
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

pub(super) fn on_detail_key(
    state: &mut State,
    id: crate::domain::OrderId,
    key: KeyEvent,
) -> Vec<Command> {
    match key.code {
        KeyCode::Esc | KeyCode::Enter | KeyCode::Backspace => {
            state.fills = None;
            Vec::new()
        }
        _ => match state.prefs.keymap.action_for(&key) {
            Some(
                a @ (KeyAction::Up
                | KeyAction::Down
                | KeyAction::PageUp
                | KeyAction::PageDown
                | KeyAction::Top
                | KeyAction::Bottom),
            ) if matches!(state.tab, Tab::Active | Tab::History) => {
                let mut cmds = on_action(state, a);
                let next = if state.tab == Tab::History {
                    state.selected_finished()
                } else {
                    state.selected_order()
                };
                match next.map(|o| o.id.clone()) {
                    Some(next) => cmds.extend(open_detail(state, next)),
                    None => state.modal = None,
                }
                cmds
            }
            Some(
                a @ (KeyAction::Pause
                | KeyAction::Resume
                | KeyAction::Cancel
                | KeyAction::Amend
                | KeyAction::Quit),
            ) => on_action(state, a),
            Some(KeyAction::Copy) => {
                // The detail's own order; the detail stays open.
                state.modal = Some(Modal::Detail(id));
                copy_id(state)
            }
            _ => {
                state.modal = Some(Modal::Detail(id));
                Vec::new()
            }
        },
    }
}

/// Opens (or moves) the detail view to order `id` and asks its venue for the order's fills
/// (`GET /api/order/{id}?include_fills=true`), unless they are already shown.
pub(super) fn open_detail(state: &mut State, id: OrderId) -> Vec<Command> {
    state.modal = Some(Modal::Detail(id.clone()));
    if state.fills.as_ref().is_some_and(|(f, _)| *f == id) {
        return Vec::new();
    }
    state.fills = Some((id.clone(), None));
    match state.venue_of(&id) {
        Some(venue) => vec![Command::FetchFills { venue, id }],
        None => {
            state.fills = Some((id, Some(Err("the order's venue is not known".into()))));
            Vec::new()
        }
    }
}

pub(super) fn on_confirm_key(
    state: &mut State,
    mut confirm: Confirm,
    key: KeyEvent,
) -> Vec<Command> {
    if let Some(word) = confirm.require_word.clone() {
        // Only the typed word confirms: y/Enter alone never do.
        match key.code {
            KeyCode::Esc => {
                state.banner = Some(info(state, "Nothing sent.".into()));
                return Vec::new();
            }
            KeyCode::Enter if confirm.typed == word => return send_all(state, confirm),
            _ => {
                confirm.typed.on_key(&key);
            }
        }
        state.modal = Some(Modal::Confirm(confirm));
        return Vec::new();
    }
    match key.code {
        KeyCode::Char('y') | KeyCode::Char('Y') => send_all(state, confirm),
        KeyCode::Enter if confirm.yes => send_all(state, confirm),
        KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc | KeyCode::Enter => {
            state.banner = Some(info(
                state,
                format!("{} not sent.", capitalise(confirm.action.verb())),
            ));
            Vec::new()
        }
        KeyCode::Left
        | KeyCode::Right
        | KeyCode::Tab
        | KeyCode::BackTab
        | KeyCode::Char('h')
        | KeyCode::Char('l') => {
            confirm.yes = !confirm.yes;
            state.modal = Some(Modal::Confirm(confirm));
            Vec::new()
        }
        _ => {
            state.modal = Some(Modal::Confirm(confirm));
            Vec::new()
        }
    }
}

pub(super) fn on_amend_key(state: &mut State, mut form: AmendForm, key: KeyEvent) -> Vec<Command> {
    match key.code {
        KeyCode::Esc => {
            state.banner = Some(info(state, "Amend not sent.".into()));
            return Vec::new();
        }
        KeyCode::Tab | KeyCode::Down => form.next_field(),
        KeyCode::BackTab | KeyCode::Up => form.prev_field(),
        KeyCode::Enter => match form.validate(state.now) {
            Ok(changes) => {
                let lines = amend_lines(&form, &changes);
                state.modal = Some(Modal::Confirm(Confirm {
                    action: Action::Amend(form.order_id.clone(), changes),
                    title: "Amend order?".into(),
                    lines,
                    yes: false,
                    ..Confirm::single()
                }));
                return Vec::new();
            }
            Err(e) => form.error = Some(e),
        },
        _ => form.on_key(&key),
    }
    state.modal = Some(Modal::Amend(form));
    Vec::new()
}

pub(super) fn amend_lines(form: &AmendForm, c: &crate::venue::AmendChanges) -> Vec<String> {
    let mut lines = vec![form.summary.clone(), format!("id {}", form.order_id)];
    let mut add = |label: &str, v: Option<String>| {
        if let Some(v) = v {
            lines.push(format!("  {label}: {v}"));
        }
    };
    add("base qty", c.base_asset_qty.map(|d| d.to_string()));
    add("quote qty", c.quote_asset_qty.map(|d| d.to_string()));
    add("duration", c.duration_secs.map(|d| format!("{d}s")));
    add("POV target", c.pov_target.map(|d| d.to_string()));
    add("limit price", c.limit_price.clone());
    lines
}
