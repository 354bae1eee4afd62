//! `update`: the only place state changes.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use jiff::Timestamp;

use super::amend::AmendForm;
use super::keymap::KeyAction;
use super::state::*;
use crate::domain::{Order, OrderId, OrderStatus, VenueId};
use crate::format;
use crate::venue::{Action, PushEvent, VenueError};

/// Applies one message to the state and returns the effects to carry out.
pub fn update(state: &mut State, msg: Msg) -> Vec<Command> {
    match msg {
        Msg::Key(key) => on_key(state, key),
        Msg::Resize { width, height } => {
            state.size = (width, height);
            for tab in Tab::ALL {
                keep_visible(state, tab);
            }
            Vec::new()
        }
        Msg::Mouse(m) => {
            on_mouse(state, m);
            Vec::new()
        }
        Msg::Tick(now) => {
            state.now = now;
            state.flashes.retain(|_, f| f.until > now);
            Vec::new()
        }
        Msg::Audit(loaded) => {
            if let Some(Modal::Audit(view)) = &mut state.modal {
                view.loaded = Some(loaded);
                view.offset = 0;
            }
            Vec::new()
        }
        Msg::Feed(mut ev) => {
            stamp(&mut ev);
            if state.frozen && is_data(&ev) {
                queue(state, ev);
                Vec::new()
            } else {
                on_feed(state, ev)
            }
        }
    }
}

/// Wheel scrolls the selection; a left click on the tab bar switches tab, on a table row
/// selects it (only when no dialog is open).
fn on_mouse(state: &mut State, m: crossterm::event::MouseEvent) {
    use crossterm::event::{MouseButton, MouseEventKind};
    if state.modal.is_some() || state.filter_editing {
        return;
    }
    let tab = state.tab;
    match m.kind {
        MouseEventKind::ScrollDown => move_selection(state, tab, 1),
        MouseEventKind::ScrollUp => move_selection(state, tab, -1),
        MouseEventKind::Down(MouseButton::Left) if m.row == super::layout::TAB_BAR_ROW => {
            if let Some(t) = super::layout::tab_at(state, m.column) {
                state.tab = t;
            }
        }
        MouseEventKind::Down(MouseButton::Left) if m.row >= super::layout::FIRST_ROW => {
            let i = state.views[tab.index()].offset + usize::from(m.row - super::layout::FIRST_ROW);
            if i < state.row_count(tab)
                && usize::from(m.row - super::layout::FIRST_ROW) < state.table_rows()
            {
                select_index(state, tab, i);
            }
        }
        _ => {}
    }
}

fn on_key(state: &mut State, key: KeyEvent) -> Vec<Command> {
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
        Some(Modal::Help) => {
            // Any key closes help; `q` still quits.
            if matches!(key.code, KeyCode::Char('q')) {
                state.quit = true;
                return vec![Command::Quit];
            }
            Vec::new()
        }
        Some(Modal::Confirm(confirm)) => on_confirm_key(state, confirm, key),
        Some(Modal::Amend(form)) => on_amend_key(state, form, key),
        None => match state.keymap.action_for(&key) {
            Some(action) => on_action(state, action),
            None => Vec::new(),
        },
    }
}

fn on_filter_key(state: &mut State, key: KeyEvent) -> Vec<Command> {
    match key.code {
        KeyCode::Enter => state.filter_editing = false,
        KeyCode::Esc => {
            state.filter_editing = false;
            set_filter(state, String::new());
        }
        KeyCode::Backspace => {
            let mut t = state.filter_text.clone();
            t.pop();
            set_filter(state, t);
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) && !c.is_control() => {
            let mut t = state.filter_text.clone();
            t.push(c);
            set_filter(state, t);
        }
        _ => {}
    }
    Vec::new()
}

fn set_filter(state: &mut State, text: String) {
    state.current_view = None;
    state.filter = super::view::Filter::parse(&text);
    state.filter_text = text;
    rebuild_view(state);
}

/// Recomputes the active-orders view (filter + sort) and keeps the selection on its order.
fn rebuild_view(state: &mut State) {
    state.active_view = super::view::build(&state.orders, &state.filter, state.sort);
    keep_visible(state, Tab::Active);
}

/// Orders in a kill-switch scope (non-terminal only).
pub fn kill_targets<'a>(state: &'a State, scope: &KillScope) -> Vec<&'a Order> {
    let live = |o: &&Order| !o.status.is_terminal();
    match scope {
        KillScope::Account(a) => state
            .orders
            .iter()
            .filter(|o| o.account_names.contains(a))
            .filter(live)
            .collect(),
        KillScope::Filter => (0..state.active_view.len())
            .filter_map(|i| state.active_row(i))
            .filter(live)
            .collect(),
        KillScope::Everything => state.orders.iter().filter(live).collect(),
    }
}

/// `Enter` on the errors tab: the message's (or group's) order, selected on the active-orders
/// tab — clearing a filter that hides it, and saying so — or a banner when it is not active.
fn jump_to_order(state: &mut State) -> Vec<Command> {
    let Some(id) = state.selected_order_id() else {
        state.banner = Some(error(state, "No message selected.".into()));
        return Vec::new();
    };
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
    let row =
        |s: &State| (0..s.active_view.len()).find(|&i| s.active_row(i).is_some_and(|o| o.id == id));
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

/// Rebuilds the grouped errors rows from `messages` (worst level first, then newest; ties by
/// key, so the order is stable across refreshes).
fn regroup_errors(state: &mut State) {
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
    rows.sort_by(|a, b| {
        b.worst
            .severity()
            .cmp(&a.worst.severity())
            .then(b.latest.cmp(&a.latest))
            .then(a.key.cmp(&b.key))
    });
    state.error_groups = rows;
}

/// `y`: the selected order id to the clipboard (the terminal does it: OSC 52).
fn copy_id(state: &mut State) -> Vec<Command> {
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
fn next_view(state: &mut State) -> Vec<Command> {
    if state.saved_views.is_empty() {
        state.banner = Some(info(
            state,
            "No saved views: add [[views]] (name, filter, sort) to the config.".into(),
        ));
        return Vec::new();
    }
    let next = match state.current_view {
        None => Some(0),
        Some(i) if i + 1 < state.saved_views.len() => Some(i + 1),
        Some(_) => None,
    };
    state.tab = Tab::Active;
    let text = match next.and_then(|i| state.saved_views.get(i).cloned()) {
        Some(view) => {
            state.sort = view.sort;
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
                state.active_view.len(),
                state.orders.len()
            )
        }
        None => {
            state.sort = super::view::Sort::default();
            set_filter(state, String::new());
            "All orders, newest first (no view).".to_string()
        }
    };
    state.banner = Some(info(state, text));
    Vec::new()
}

/// The audit viewer: ↑↓/jk scroll, PgUp/PgDn a page, Home/End, `R` re-reads the file, `e`
/// exports what it shows, Esc or `L` closes, `q` quits.
fn on_audit_key(state: &mut State, mut view: AuditView, key: KeyEvent) -> Vec<Command> {
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

fn on_kill_key(state: &mut State, scope: Option<KillScope>, key: KeyEvent) -> Vec<Command> {
    if key.code == KeyCode::Esc {
        state.banner = Some(info(state, "Kill switch closed; nothing sent.".into()));
        return Vec::new();
    }
    match (scope, key.code) {
        (None, KeyCode::Char('a')) => {
            match state
                .selected_order()
                .and_then(|o| o.account_names.first().cloned())
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
                typed: String::new(),
            }));
        }
        (scope, _) => state.modal = Some(Modal::Kill { scope }),
    }
    Vec::new()
}

/// The requests a kill switch sends for `orders` (all in scope, all supported): per venue, one
/// venue-wide request where the venue has one for this scope — `cancel_all_orders` with the
/// account (account scope) or for everything, `pause_all_orders` for everything (it has no
/// account filter) — else one request per order. Also the lines that tell the user which
/// venues get a venue-wide request (it also reaches orders not on screen yet).
fn kill_actions(
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
fn cancel_actions(
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
fn bulk_cancel_note(state: &State, venue: &VenueId, orders: usize, requests: usize) -> String {
    format!(
        "{}: {orders} order(s) cancelled by id in {requests} bulk request(s)",
        state.venue_name(venue)
    )
}

/// `12,345.00 USDT + 500 USD`-style total notional per quote asset (executed, else target).
fn notional_summary(orders: &[Order]) -> String {
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

fn on_detail_key(state: &mut State, id: crate::domain::OrderId, key: KeyEvent) -> Vec<Command> {
    match key.code {
        KeyCode::Esc | KeyCode::Enter | KeyCode::Backspace => {
            state.fills = None;
            Vec::new()
        }
        _ => match state.keymap.action_for(&key) {
            Some(
                a @ (KeyAction::Up
                | KeyAction::Down
                | KeyAction::PageUp
                | KeyAction::PageDown
                | KeyAction::Top
                | KeyAction::Bottom),
            ) if state.tab == Tab::Active => {
                let mut cmds = on_action(state, a);
                match state.selected_order().map(|o| o.id.clone()) {
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
fn open_detail(state: &mut State, id: OrderId) -> Vec<Command> {
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

fn on_confirm_key(state: &mut State, mut confirm: Confirm, key: KeyEvent) -> Vec<Command> {
    if let Some(word) = confirm.require_word.clone() {
        // Only the typed word confirms: y/Enter alone never do.
        match key.code {
            KeyCode::Esc => {
                state.banner = Some(info(state, "Nothing sent.".into()));
                return Vec::new();
            }
            KeyCode::Enter if confirm.typed == word => return send_all(state, confirm),
            KeyCode::Backspace => {
                confirm.typed.pop();
            }
            KeyCode::Char(c) if !c.is_control() => confirm.typed.push(c),
            _ => {}
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

fn on_amend_key(state: &mut State, mut form: AmendForm, key: KeyEvent) -> Vec<Command> {
    match key.code {
        KeyCode::Esc => {
            state.banner = Some(info(state, "Amend not sent.".into()));
            return Vec::new();
        }
        KeyCode::Tab | KeyCode::Down => form.next_field(),
        KeyCode::BackTab | KeyCode::Up => form.prev_field(),
        KeyCode::Backspace => form.backspace(),
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
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => form.push(c),
        _ => {}
    }
    state.modal = Some(Modal::Amend(form));
    Vec::new()
}

fn amend_lines(form: &AmendForm, c: &crate::venue::AmendChanges) -> Vec<String> {
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

/// Sends the confirmed action and any bulk companions, each at most once.
fn send_all(state: &mut State, confirm: Confirm) -> Vec<Command> {
    let total = 1 + confirm.more.len();
    let mut cmds = send(state, confirm.action);
    for a in confirm.more {
        cmds.extend(send(state, a));
    }
    if total > 1 {
        let skipped = total - cmds.len();
        let mut text = format!("Sending {} action(s)…", cmds.len());
        if skipped > 0 {
            text.push_str(&format!(
                " {skipped} skipped: an earlier action on them is still pending."
            ));
        }
        state.banner = Some(info(state, text));
        state.marks.clear();
    }
    cmds
}

fn send(state: &mut State, action: Action) -> Vec<Command> {
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

fn on_action(state: &mut State, action: KeyAction) -> Vec<Command> {
    let cmds = on_action_inner(state, action);
    if state.tab == Tab::Errors {
        state.errors_seen_until = state.messages.first().and_then(|m| m.created_at);
    }
    cmds
}

/// Asks the runtime to write the current tab to a file (CSV and JSON, exact decimals).
fn export(state: &mut State) -> Vec<Command> {
    state.banner = Some(info(state, format!("Exporting {}…", state.tab.title())));
    vec![Command::Export(state.tab)]
}

fn on_action_inner(state: &mut State, action: KeyAction) -> Vec<Command> {
    let tab = state.tab;
    match action {
        KeyAction::Quit => {
            state.quit = true;
            return vec![Command::Quit];
        }
        KeyAction::NextTab => state.tab = Tab::ALL[(tab.index() + 1) % 4],
        KeyAction::PrevTab => state.tab = Tab::ALL[(tab.index() + 3) % 4],
        KeyAction::GoTab(i) => state.tab = Tab::ALL[i.min(3)],
        KeyAction::Export => return export(state),
        KeyAction::NextView => return next_view(state),
        KeyAction::Copy => return copy_id(state),
        KeyAction::GroupErrors => {
            state.tab = Tab::Errors;
            state.errors_grouping = state.errors_grouping.next();
            regroup_errors(state);
            state.views[Tab::Errors.index()] = Default::default();
            keep_visible(state, Tab::Errors);
            let text = match state.errors_grouping {
                ErrorGrouping::None => "Errors: one row per message, newest first.".to_string(),
                g => format!(
                    "Errors {}: {} group(s), worst first; Enter jumps to the order.",
                    g.label(),
                    state.error_groups.len()
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
        KeyAction::Help => state.modal = Some(Modal::Help),
        KeyAction::Freeze => return toggle_freeze(state),
        KeyAction::Mark => {
            if let (Tab::Active, Some(id)) = (tab, state.selected_order().map(|o| o.id.clone())) {
                if !state.marks.remove(&id) {
                    state.marks.insert(id);
                }
                move_selection(state, tab, 1);
            }
        }
        KeyAction::MarkAll => {
            let ids: Vec<_> = (0..state.active_view.len())
                .filter_map(|i| state.active_row(i).map(|o| o.id.clone()))
                .collect();
            let n = ids.len();
            state.marks.extend(ids);
            state.banner = Some(info(
                state,
                format!("Marked {n} order(s) matching the filter."),
            ));
        }
        KeyAction::UnmarkAll => state.marks.clear(),
        KeyAction::KillSwitch => {
            state.tab = Tab::Active;
            state.modal = Some(Modal::Kill { scope: None });
        }
        KeyAction::Filter => {
            state.tab = Tab::Active;
            state.filter_editing = true;
        }
        KeyAction::ClearFilter => {
            if !state.filter_text.is_empty() {
                set_filter(state, String::new());
            }
        }
        KeyAction::Sort => {
            state.current_view = None;
            state.sort.key = state.sort.key.next();
            state.sort.reverse = false;
            rebuild_view(state);
        }
        KeyAction::SortReverse => {
            state.current_view = None;
            state.sort.reverse = !state.sort.reverse;
            rebuild_view(state);
        }
        KeyAction::Detail => match (tab, state.selected_order()) {
            (Tab::Active, Some(o)) => {
                let id = o.id.clone();
                return open_detail(state, id);
            }
            (Tab::Active, None) => state.banner = Some(error(state, "No order selected.".into())),
            (Tab::Multi, _) => return toggle_tree(state),
            (Tab::Errors, _) => return jump_to_order(state),
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

/// Opens the confirm dialog (or amend form) for an action on the selected row, or explains why
/// it can't be done.
/// Why `venue` can't carry out `action`, from its capabilities (`None`: it can).
fn refusal(state: &State, venue: &VenueId, action: KeyAction) -> Option<String> {
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
fn split_supported(
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

fn ask_action(state: &mut State, action: KeyAction) {
    match state.tab {
        Tab::Active if !state.marks.is_empty() && action != KeyAction::Amend => {
            let marked: Vec<Order> = state
                .marks
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
                typed: String::new(),
            }));
        }
        Tab::Active => {
            let Some(order) = state.selected_order().cloned() else {
                state.banner = Some(error(state, "No order selected.".into()));
                return;
            };
            if let Some(why) = refusal(state, &order.venue, action) {
                state.banner = Some(error(state, why));
                return;
            }
            ask_order_action(state, action, &order);
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
            if let Some(why) = refusal(state, &order.venue, action) {
                state.banner = Some(error(state, why));
                return;
            }
            ask_order_action(state, action, &order);
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
    }
}

fn ask_order_action(state: &mut State, action: KeyAction, order: &Order) {
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

fn move_selection(state: &mut State, tab: Tab, delta: isize) {
    let count = state.row_count(tab);
    if count == 0 {
        return;
    }
    let cur = state.selected_index(tab).unwrap_or(0) as isize;
    let next = (cur + delta).clamp(0, count as isize - 1) as usize;
    select_index(state, tab, next);
}

fn select_index(state: &mut State, tab: Tab, i: usize) {
    state.views[tab.index()].selected = state.row_key(tab, i);
    keep_visible(state, tab);
}

/// Keeps the selection on an existing row (falling back to the row at the same position, or
/// the first) and the scroll offset such that it is visible.
fn keep_visible(state: &mut State, tab: Tab) {
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

/// Applies a feed event; returns the effects its alerts ask for (a bell).
fn on_feed(state: &mut State, ev: FeedEvent) -> Vec<Command> {
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
            state.active_view = super::view::build(&state.orders, &state.filter, state.sort);
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
fn newest_first(a: &Order, b: &Order) -> std::cmp::Ordering {
    b.created_at
        .cmp(&a.created_at)
        .then_with(|| a.id.cmp(&b.id))
}

/// Replaces one venue's rows in a list holding every venue's rows: the other venues' rows are
/// kept as they are (one venue's refresh or failure never touches another's). `fresh` must be
/// sorted by `cmp`; the result is too. With a single venue this is just `fresh`.
fn replace_venue_rows<T>(
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
fn stamp(ev: &mut FeedEvent) {
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
fn apply_order(state: &mut State, order: Order) -> Vec<Command> {
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
fn is_data(ev: &FeedEvent) -> bool {
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
fn event_venue(ev: &FeedEvent) -> Option<&crate::domain::VenueId> {
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
fn queue(state: &mut State, ev: FeedEvent) {
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

fn toggle_freeze(state: &mut State) -> Vec<Command> {
    let mut cmds = Vec::new();
    if state.frozen {
        state.frozen = false;
        let n = state.pending_count;
        for ev in std::mem::take(&mut state.pending) {
            cmds.extend(on_feed(state, ev));
        }
        state.pending_count = 0;
        state.banner = Some(info(
            state,
            format!("Unfrozen: applied {n} queued update(s)."),
        ));
    } else {
        state.frozen = true;
        state.banner = Some(info(
            state,
            "Frozen: updates are queued; press f to apply.".into(),
        ));
    }
    // One bell for a whole batch of queued alerts.
    cmds.dedup();
    cmds
}

/// Marks orders whose fill or status changed between two snapshots, and raises the
/// configured alerts (`[alerts] on_failed` / `on_complete`) for orders that just turned FAILED
/// or COMPLETE. Returns the effects the alerts ask for (at most one bell).
fn flash_changes(state: &mut State, new: &[Order]) -> Vec<Command> {
    let until = state
        .now
        .checked_add(jiff::SignedDuration::from_secs(2))
        .unwrap_or(state.now);
    let mut changed = Vec::new();
    let mut banners = Vec::new();
    let mut flash_ids = Vec::new();
    let mut bell = false;
    for o in new {
        if let Some(prev) = state
            .order_index
            .get(&o.id)
            .and_then(|&i| state.orders.get(i))
        {
            let fill = prev.executed_qty != o.executed_qty;
            let status = prev.status != o.status;
            let on = match (&o.status, status) {
                (OrderStatus::Failed, true) => Some(&state.alerts.on_failed),
                (OrderStatus::Complete, true) => Some(&state.alerts.on_complete),
                _ => None,
            };
            if let Some(on) = on {
                if on.contains(&AlertAction::Status) {
                    let reason = o
                        .failure_reason
                        .as_deref()
                        .map(|r| format!(": {r}"))
                        .unwrap_or_default();
                    banners.push(Banner {
                        text: format!(
                            "Order {} {} {}{reason}",
                            o.id.short(),
                            o.pair,
                            o.status.as_str()
                        ),
                        level: if o.status == OrderStatus::Failed {
                            BannerLevel::Error
                        } else {
                            BannerLevel::Success
                        },
                        at: state.now,
                    });
                }
                if on.contains(&AlertAction::Flash) {
                    flash_ids.push(o.id.clone());
                }
                bell |= on.contains(&AlertAction::Bell);
            }
            if fill || status {
                changed.push((
                    o.id.clone(),
                    Flash {
                        fill,
                        status,
                        until,
                        alert: false,
                    },
                ));
            }
        }
    }
    state.flashes.extend(changed);
    alert_flash(state, flash_ids);
    // A failure outranks a completion in the one banner line.
    let worst = banners
        .iter()
        .rposition(|b| b.level == BannerLevel::Error)
        .or(banners.len().checked_sub(1));
    if let Some(i) = worst {
        state.banner = Some(banners.swap_remove(i));
    }
    if bell {
        vec![Command::Bell]
    } else {
        Vec::new()
    }
}

/// How long an alert keeps its order's row highlighted, seconds.
pub const ALERT_FLASH_SECS: i64 = 5;

/// Highlights the whole row of each order for [`ALERT_FLASH_SECS`] (an `[alerts]` `flash`).
fn alert_flash(state: &mut State, ids: Vec<OrderId>) {
    let until = state
        .now
        .checked_add(jiff::SignedDuration::from_secs(ALERT_FLASH_SECS))
        .unwrap_or(state.now);
    for id in ids {
        let f = state.flashes.entry(id).or_insert(Flash {
            fill: false,
            status: false,
            until,
            alert: true,
        });
        f.alert = true;
        f.until = f.until.max(until);
    }
}

fn describe(e: &VenueError) -> String {
    e.to_string()
}

/// Flattens the multi-order tree: every multi-order, and under each expanded one its child
/// orders, each followed by its placements.
fn rebuild_multi_view(state: &mut State) {
    let mut rows = Vec::with_capacity(state.multi_orders.len());
    for (i, m) in state.multi_orders.iter().enumerate() {
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

/// Expands or collapses the selected multi-order; expanding fetches its child orders.
fn toggle_tree(state: &mut State) -> Vec<Command> {
    match state.selected_tree_row().cloned() {
        Some(TreeRow::Multi(i)) => {
            let Some(m) = state.multi_orders.get(i) else {
                return Vec::new();
            };
            let (id, venue) = (m.id.clone(), m.venue.clone());
            if state.expanded.remove(&id) {
                rebuild_multi_view(state);
                return Vec::new();
            }
            state.expanded.insert(id.clone());
            rebuild_multi_view(state);
            vec![Command::FetchMulti { venue, id }]
        }
        Some(TreeRow::Child { id, .. } | TreeRow::Placement { order: id, .. }) => {
            open_detail(state, id)
        }
        None => Vec::new(),
    }
}

fn rebuild_placements(state: &mut State) {
    let mut all: Vec<_> = state
        .placements_by_order
        .values()
        .flatten()
        .cloned()
        .collect();
    all.sort_by(|a, b| {
        b.created_at
            .cmp(&a.created_at)
            .then_with(|| a.id.cmp(&b.id))
    });
    state.placements = all;
    keep_visible(state, Tab::Placements);
    if !state.expanded.is_empty() {
        rebuild_multi_view(state);
    }
}

fn mark_fresh(
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
fn mark_capped(state: &mut State, venue: &crate::domain::VenueId, tab: Tab, capped: bool) {
    state.venue_mut(venue).freshness[tab.index()].capped = capped;
}

fn info(state: &State, text: String) -> Banner {
    Banner {
        text,
        level: BannerLevel::Info,
        at: state.now,
    }
}

fn error(state: &State, text: String) -> Banner {
    Banner {
        text,
        level: BannerLevel::Error,
        at: state.now,
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
